"""Reviews on the catalog (F4): the average stars on the catalog's cards are cached under the catalog version, so a
review that starts or stops counting (published, unpublished by an edit or a rejection, deleted while published,
created published by the demo or the admin) bumps it. Connected in FeedbackConfig.ready()."""
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
