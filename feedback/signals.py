"""Reviews on the catalog (F4): the average stars on the catalog's cards are cached under the catalog version, so a
review that starts or stops counting (published, unpublished by an edit or a rejection, deleted while published,
created published by the demo or the admin) bumps it.

The dashboard's figures (feedback.reports.dashboard_cached) are cached under the figures version: any saved or
deleted answer, invitation, follow-up, review or support rating bumps it, and so does a dealer, user, category or
product (the figures show their names; a product's category is its reviews' family) and a deleted ticket (a
follow-up shows its number), whatever path wrote it (services, admin, shell). A QuerySet.update() sends no signal:
the figures last reports.FIGURES_SECONDS at most. Connected in FeedbackConfig.ready()."""
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from catalog.search import bump_catalog_version

from .models import ReviewStatus


def bump_on_review_move(*, review, previous, actor) -> None:
    """Listener of feedback.review.moved: a move to or from "published" changes a product's figures."""
    if ReviewStatus.PUBLISHED in (previous, review.status):
        bump_catalog_version()


def bump_on_published_review_saved(sender, instance, created, **kwargs) -> None:
    """post_save of Review: one created already published (demo data, admin) counts at once."""
    if created and instance.status == ReviewStatus.PUBLISHED:
        bump_catalog_version()


def bump_on_published_review_deleted(sender, instance, **kwargs) -> None:
    """post_delete of Review: a published review that goes stops counting."""
    if instance.status == ReviewStatus.PUBLISHED:
        bump_catalog_version()


def bump_figures(sender, **kwargs) -> None:
    update_fields = kwargs.get("update_fields")
    if sender is get_user_model() and update_fields and set(update_fields) <= {"last_login"}:
        return  # a sign-in: no name changed
    from .reports import bump_figures_version

    bump_figures_version()


def connect_figures_version_signals() -> None:
    from catalog.models import Category, Product
    from dealers.models import Dealer
    from support.models import Satisfaction, Ticket

    from .models import DetractorLoop, NpsInvitation, NpsResponse, Review

    for model in (NpsInvitation, NpsResponse, DetractorLoop, Review, Satisfaction, Dealer, get_user_model(),
                  Category, Product):
        post_save.connect(bump_figures, sender=model, weak=False,
                          dispatch_uid=f"feedback-figures-version-save-{model.__name__}")
        post_delete.connect(bump_figures, sender=model, weak=False,
                            dispatch_uid=f"feedback-figures-version-delete-{model.__name__}")
    post_delete.connect(bump_figures, sender=Ticket, weak=False, dispatch_uid="feedback-figures-version-delete-Ticket")
