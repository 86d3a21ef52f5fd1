"""NPS surveys and responses, product reviews."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save, pre_delete

        from catalog import hooks as catalog_hooks
        from orders import hooks as order_hooks
        from portal import documents
        from support.models import TICKET, Message

        from .models import REVIEW, Review
        from .permissions import REVIEW_PHOTO, can_read_review_photo
        from .services.loop import on_staff_message, on_ticket_moved
        from .services.reviews import anonymise_on_user_delete, end_reward_after_order
        from .signals import (
            bump_on_published_review_deleted,
            bump_on_published_review_saved,
            bump_on_review_move,
            connect_figures_version_signals,
        )
        from .views.display import card_ratings, product_panel

        # Product reviews: a deleted user's reviews lose the company's name (they stay, anonymous); a placed order
        # uses up the dealer's review reward; a review's photos are served with the review's visibility.
        pre_delete.connect(anonymise_on_user_delete, sender=get_user_model(), dispatch_uid="feedback-review-anon")
        order_hooks.commitment.register(end_reward_after_order)
        documents.register_access(REVIEW_PHOTO, can_read_review_photo)
        # Closing the loop: a survey ticket's moves and staff replies move its detractor follow-up (contacted,
        # resolved, open again).
        TICKET.moved.register(on_ticket_moved)
        post_save.connect(on_staff_message, sender=Message, dispatch_uid="feedback-loop-staff-reply")
        # Reviews on the catalog: the average stars and count on product cards and the "Reviews" section of the
        # product page (catalog's hook points); a review that starts or stops counting bumps the catalog version
        # (the cached cards hang on it).
        catalog_hooks.card_extras.register(card_ratings)
        catalog_hooks.product_panel.register(product_panel)
        REVIEW.moved.register(bump_on_review_move)
        post_save.connect(bump_on_published_review_saved, sender=Review, dispatch_uid="feedback-review-version-save")
        post_delete.connect(bump_on_published_review_deleted, sender=Review,
                            dispatch_uid="feedback-review-version-delete")
        # The dashboard's figures are cached under the figures version: every write of what they count or show
        # bumps it.
        connect_figures_version_signals()
