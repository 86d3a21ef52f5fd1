"""Who may do what in support."""


# --- the desk (H-DESK) ---------------------------------------------------------------------------------------------

SUPPORT_AGENTS_GROUP = "Support agents"


def is_support_agent(user) -> bool:
    """An active staff user in the "Support agents" group, or a superuser: who works the desk and may be assigned."""
    user = getattr(user, "user", user)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.is_staff and user.groups.filter(name=SUPPORT_AGENTS_GROUP).exists()


def is_team_lead(user, team=None) -> bool:
    """The lead of `team` (of any team without one): gets the breach escalations, sees the team's metrics."""
    from .models import Team

    user = getattr(user, "user", user)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if team is not None:
        return team.lead_id == user.pk
    return Team.objects.filter(lead=user).exists()


def may_work_ticket(actor, ticket) -> bool:
    """Reply, write notes, assign, prioritise, move and merge on the desk: support agents (every ticket), and the
    staff user a ticket is assigned to (a dealer's sales agent given a ticket about its dealer: a detractor's survey
    answer, a failed delivery) — that ticket only."""
    return is_support_agent(actor) or (ticket is not None and is_ticket_assignee(actor, ticket))


def is_ticket_assignee(user, ticket) -> bool:
    """An active staff user the ticket (or the ticket numbered `ticket`) is assigned to."""
    user = getattr(user, "user", user)
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return False
    if isinstance(ticket, str):
        from .models import Ticket

        return Ticket.objects.filter(number=ticket, assignee=user).exists()
    return ticket.assignee_id == user.pk


def may_be_assigned(user, *, dealer=None) -> bool:
    """Who may be given a ticket: support agents (or superusers) any; a sales agent (the account manager or one of
    the sales agents) of the ticket's `dealer` a ticket of that dealer, which it then works on the desk."""
    if is_support_agent(user):
        return True
    if dealer is None or not getattr(user, "is_active", False) or not getattr(user, "is_staff", False):
        return False
    return dealer.account_manager_id == user.pk or dealer.agents.filter(pk=user.pk).exists()


# --- Satisfaction and metrics (H-METRICS) ---------------------------------------------------------------------------

def may_rate_ticket(actor, ticket) -> bool:
    """Rate a ticket (1–5 and a comment): a user of the ticket's own dealer who may see it (can_see_ticket's dealer
    rule: the owner any ticket, the opener their own, finance users the invoice tickets); never an agent acting for
    the dealer nor staff. Whether the ticket can be rated now (resolved or closed, not yet rated) is the service's to
    say."""
    from portal.actors import Actor

    if not isinstance(actor, Actor) or actor.on_behalf:
        return False
    return bool(_dealer_reader(actor, ticket))


def may_see_metrics(user) -> bool:
    """The support metrics (`support:metrics`): superusers and the leads of a support team."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return False
    from .models import Team

    return bool(user.is_superuser or Team.objects.filter(lead=user).exists())


# --- FAQ (H-FAQ) ----------------------------------------------------------------------------------------------------

def may_edit_faq(actor) -> bool:
    """Write, publish and unpublish FAQ articles, and read drafts: staff holding the admin's right to change
    articles (superusers, support agents given it); never a dealer user, nor a sales agent without it."""
    user = getattr(actor, "user", actor)
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff
                and user.has_perm("support.change_article"))


def may_read_faq(actor) -> bool:
    """The FAQ's published articles: every signed-in user (dealer users of every role, sales agents, staff); an
    anonymous visitor signs in first, like everywhere in the portal."""
    user = getattr(actor, "user", actor)
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def may_see_article(actor, article) -> bool:
    """A published article for whom may read the FAQ; a draft only for whom may edit it (a 404 for the others)."""
    from .models import ArticleStatus

    if article is None:
        return False
    if article.status == ArticleStatus.PUBLISHED:
        return may_read_faq(actor)
    return may_edit_faq(actor)


def may_vote_on_article(actor, article) -> bool:
    """"Was this helpful": whom may read a published article (one vote each; drafts take none)."""
    from .models import ArticleStatus

    return article is not None and article.status == ArticleStatus.PUBLISHED and may_read_faq(actor)


# --- Tickets: who sees, opens, replies to and closes them (H-TICKETS) ---------------------------------------------

ATTACHMENT = "support.attachment"  # the download kind of a ticket's attachment (portal.documents), registered in apps


def _dealer_reader(actor, ticket) -> bool | None:
    """True/False for an actor of the ticket's own dealer (its users by role, an agent acting for it); None when the
    actor does not act for that dealer."""
    from dealers.models import Role

    dealer = getattr(actor, "dealer", None)
    if dealer is None or ticket is None or dealer.pk != ticket.dealer_id:
        return None
    if not dealer.is_approved:
        return False
    if getattr(actor, "on_behalf", False):
        return True  # a sales agent acting for the dealer (dealers' middleware checked the assignment)
    user = actor.user
    if not getattr(user, "is_active", False) or user.dealer_id != ticket.dealer_id:
        return False
    return (user.role == Role.OWNER or ticket.opened_by_id == user.pk
            or (user.role == Role.FINANCE and ticket.category == "invoice"))


def can_see_ticket(actor, ticket) -> bool:
    """A ticket (its page, conversation without internal notes, attachments): the dealer's owners (all of its
    tickets), finance users (the invoice tickets), every user the tickets they opened, sales agents acting for (or,
    asking with their User, assigned to) the dealer, support agents and superusers. `actor`: an Actor or a User."""
    from dealers.permissions import actor_for
    from portal.actors import Actor

    if actor is None or ticket is None:
        return False
    if isinstance(actor, Actor):
        own = _dealer_reader(actor, ticket)
        if own is not None:
            return own
        user = None if actor.on_behalf else actor.user
    else:
        user = actor
        dealer_actor = actor_for(user, ticket.dealer)
        if dealer_actor is not None and _dealer_reader(dealer_actor, ticket):
            return True
    return user is not None and is_support_agent(user)


def may_open_ticket(actor) -> bool:
    """Open a ticket for the dealer: every user of an approved dealer (any role), an agent acting for it."""
    from portal.actors import Actor

    dealer = getattr(actor, "dealer", None)
    if not isinstance(actor, Actor) or dealer is None or not dealer.is_approved:
        return False
    if actor.on_behalf:
        return True
    user = actor.user
    return bool(getattr(user, "is_active", False) and user.dealer_id == dealer.pk)


def may_reply(actor, ticket) -> bool:
    """Reply as the dealer (the dealer's pages, API, later mail): whoever of the dealer sees the ticket. Staff
    answer on the desk (may_work_ticket)."""
    return bool(_dealer_reader(actor, ticket))


def may_close(actor, ticket) -> bool:
    """The dealer closes its own ticket that is not closed yet: whoever of the dealer sees it."""
    return may_reply(actor, ticket) and ticket.status != "closed"


def can_read_attachment(user, attachment) -> bool:
    """A ticket's file: whoever may see the ticket; a note's files only support agents."""
    message = attachment.message
    if message.kind == "note":
        return is_support_agent(user)
    return can_see_ticket(user, message.ticket)


# --- Live chat (issue 16, H3) -------------------------------------------------------------------------------------

def may_chat(actor) -> bool:
    """Start a live chat as the dealer: a user of an approved dealer for their own dealer (who may open a ticket);
    never a sales agent acting for a dealer or staff (they use the desk or the phone). Visitors from the public
    pages chat without an actor (support.services.chat.start_chat)."""
    from portal.actors import Actor

    return isinstance(actor, Actor) and not actor.on_behalf and may_open_ticket(actor)


def may_join_chat(user, session, *, visitor_key: str = "") -> bool:
    """Read and write a live chat (its socket and HTTP fallback): support agents; the dealer user who started it
    (still a user of the chat's dealer); the visitor holding its key (the signed `support_chat` cookie)."""
    from django.utils.crypto import constant_time_compare

    if session is None:
        return False
    if is_support_agent(user):
        return True
    if session.user_id is not None:
        return bool(getattr(user, "is_authenticated", False) and user.is_active and user.pk == session.user_id
                    and user.dealer_id is not None and user.dealer_id == session.ticket.dealer_id)
    return bool(visitor_key and session.visitor_key and constant_time_compare(str(visitor_key), session.visitor_key))
