"""Versions of the terms of use: publishing a draft, after which every dealer user is asked to accept it."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit

from .. import permissions
from ..errors import TermsAlreadyPublished, TermsOutdated
from ..models import TermsVersion


def publish_terms(*, terms, actor) -> TermsVersion:
    """Publish a draft now: from the next request on, every dealer user must accept it.

    A published version is never published again (its text is frozen), and a draft older than the
    current version is refused: it would never become current and nobody would be asked to accept it.
    """
    permissions.require(permissions.may_publish_terms(actor, terms), _("Only staff may publish terms of use."))
    with transaction.atomic():
        locked = TermsVersion.objects.select_for_update().get(pk=terms.pk)
        if locked.published_at is not None:
            raise TermsAlreadyPublished(_("Version %(version)s is already published.") % {"version": locked.version})
        current = TermsVersion.objects.current()
        if current is not None and current.version > locked.version:
            raise TermsOutdated(
                _("Version %(version)s is older than the current version %(current)s; publish a newer one.")
                % {"version": locked.version, "current": current.version})
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at"])
        audit.record(actor=actor, action="terms.published", target=locked, data={"version": locked.version})
    return locked
