"""What the support desk keeps in the cache (its queue counts and rendered rows, support/selectors.py) hangs on the
desk version: any saved or deleted ticket, team, dealer or user (a row shows their names) bumps it, whatever
path wrote it (services, admin, shell). Connected in SupportConfig.ready(). A QuerySet.update() sends no signal:
the cache lasts DESK_ROWS_SECONDS at most, and writers of what a row shows bump it themselves. A change of a user's groups
(who is a support agent: the desk's assignee filter) bumps it too."""
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save

from dealers.models import Dealer

from .models import Team, Ticket
from .selectors import bump_desk_version


def bump(sender, **kwargs):
    update_fields = kwargs.get("update_fields")
    if sender is get_user_model() and update_fields and set(update_fields) <= {"last_login"}:
        return  # a sign-in: no name changed
    bump_desk_version()


def connect_desk_version_signals() -> None:
    for model in (Ticket, Team, Dealer, get_user_model()):
        post_save.connect(bump, sender=model, weak=False, dispatch_uid=f"support-desk-version-save-{model.__name__}")
        post_delete.connect(bump, sender=model, weak=False, dispatch_uid=f"support-desk-version-delete-{model.__name__}")
    # Who is a support agent (the desk's assignee filter) changes with a user's groups.
    m2m_changed.connect(bump_on_groups, sender=get_user_model().groups.through, weak=False,
                        dispatch_uid="support-desk-version-user-groups")


def bump_on_groups(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump_desk_version()
