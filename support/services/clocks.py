"""A ticket's SLA clocks (issue 15): the pure maths of `sla.py` applied to a Ticket's stored fields.

Due times are computed whenever the ticket changes and stored (`first_response_due`, `resolution_due`): by the
TICKET.moved listener below (every path that moves a ticket), by the desk when the priority changes, and when staff
change a dealer's tier. The rules (sla.py): both clocks count business time from the ticket's opening; a pause
(waiting on the dealer) is credited to both; a new priority or tier recomputes from the opening with the new
targets. Time a ticket spends resolved before it is reopened is credited like a pause.

While a ticket is paused (`paused_at` set) its stored due times are those of a pause that would end at once; they
move on when it resumes. Queues and the beat job therefore leave paused tickets out: `running()`.

The callers hold the ticket's row lock (select_for_update) inside their transaction.
"""
from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from portal import locks, outbox

from ..models import Holiday, SlaPolicy, Ticket, TicketStatus, WorkingHours
from . import sla

TS = TicketStatus
ENDED = (TS.RESOLVED, TS.CLOSED)
CLOCK_FIELDS = ["first_response_due", "resolution_due", "paused_at", "paused_seconds", "first_responded_at",
                "resolved_at", "closed_at"]


def calendar() -> sla.Calendar:
    """The business calendar of the WorkingHours and Holiday rows (Europe/Istanbul)."""
    return sla.Calendar.of(
        hours=WorkingHours.objects.values_list("weekday", "opens", "closes"),
        holidays=Holiday.objects.values_list("date", "closes_at"))


def targets(*, priority, tier) -> sla.Targets | None:
    """The policy's targets for (priority, tier); None when staff defined none (the ticket then has no due time)."""
    policy = SlaPolicy.objects.filter(priority=priority, tier=tier).first()
    return policy and sla.Targets(policy.first_response_minutes, policy.resolution_minutes)


def running() -> Q:
    """Tickets whose clocks run: not paused, not resolved or closed."""
    return Q(paused_at__isnull=True) & ~Q(status__in=ENDED)


def recompute_due(*, ticket: Ticket, cal: sla.Calendar | None = None, save: bool = True) -> Ticket:
    """Set the ticket's due times from its opening, its pauses, its priority and its dealer's tier."""
    goal = targets(priority=ticket.priority, tier=ticket.dealer.tier if ticket.dealer_id else "standard")
    if goal is None or ticket.created_at is None:
        ticket.first_response_due = ticket.resolution_due = None
    else:
        try:
            due = sla.due_times(opened_at=ticket.created_at, targets=goal, paused_seconds=ticket.paused_seconds,
                                calendar=cal or calendar())
        except sla.EmptyCalendar:
            ticket.first_response_due = ticket.resolution_due = None
        else:
            ticket.first_response_due, ticket.resolution_due = due.first_response, due.resolution
    if save:
        ticket.save(update_fields=["first_response_due", "resolution_due"])
    return ticket


def pause(*, ticket: Ticket, at=None, save: bool = True) -> Ticket:
    """Stop both clocks at `at` (now); a ticket already paused stays paused since its first pause."""
    if ticket.paused_at is None:
        ticket.paused_at = at or timezone.now()
    if save:
        ticket.save(update_fields=["paused_at"])
    return ticket


def resume(*, ticket: Ticket, at=None, cal: sla.Calendar | None = None, save: bool = True) -> Ticket:
    """Run the clocks again: the business seconds paused are credited to both, the due times move on."""
    if ticket.paused_at is not None:
        cal = cal or calendar()
        ticket.paused_seconds += sla.business_seconds_between(ticket.paused_at, at or timezone.now(), cal)
        ticket.paused_at = None
        recompute_due(ticket=ticket, cal=cal, save=False)
    if save:
        ticket.save(update_fields=["paused_at", "paused_seconds", "first_response_due", "resolution_due"])
    return ticket


def mark_first_response(*, ticket: Ticket, at=None, save: bool = True) -> Ticket:
    """Stop the first-response clock at the first staff reply (later replies change nothing)."""
    if ticket.first_responded_at is None:
        ticket.first_responded_at = at or timezone.now()
        if save:
            ticket.save(update_fields=["first_responded_at"])
    return ticket


def on_ticket_moved(*, ticket: Ticket, previous, actor, at=None):
    """TICKET.moved listener: the clocks follow every move, whoever makes it.

    - entering waiting_on_dealer pauses both clocks; leaving it resumes them (the pause credited to both);
    - entering resolved stamps resolved_at; reopening a resolved ticket credits the time it spent resolved (like a
      pause) and clears resolved_at;
    - entering closed stamps closed_at (and resolved_at when the ticket was closed without being resolved: the
      resolution clock stops at the first of the two);
    - the due times are recomputed."""
    at = at or timezone.now()
    cal = calendar()
    to = TS(ticket.status)
    previous = TS(previous)
    if previous == TS.WAITING_ON_DEALER:
        resume(ticket=ticket, at=at, cal=cal, save=False)
    if previous == TS.RESOLVED and to not in ENDED and ticket.resolved_at is not None:
        ticket.paused_seconds += sla.business_seconds_between(ticket.resolved_at, at, cal)
        ticket.resolved_at = None
    if to == TS.WAITING_ON_DEALER:
        pause(ticket=ticket, at=at, save=False)
    if to == TS.RESOLVED:
        ticket.resolved_at = at
    if to == TS.CLOSED:
        ticket.closed_at = at
        ticket.resolved_at = ticket.resolved_at or at
    recompute_due(ticket=ticket, cal=cal, save=False)
    ticket.save(update_fields=CLOCK_FIELDS)


def remember_tier(sender, instance, raw=False, **kwargs):
    """pre_save of a Dealer: note the tier it had, so post_save knows whether staff changed it."""
    if not raw and instance.pk:
        instance._support_tier_before = type(instance).objects.filter(pk=instance.pk).values_list(
            "tier", flat=True).first()


def follow_tier(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    """post_save of a Dealer: a new tier recomputes the due times of its tickets still open, from their opening
    (the business time elapsed counts against the new tier's targets)."""
    before = getattr(instance, "_support_tier_before", None)
    if raw or created or before is None or before == instance.tier:
        return
    instance._support_tier_before = instance.tier
    cal = calendar()
    with transaction.atomic():
        for ticket in Ticket.objects.select_for_update(of=("self",)).filter(dealer=instance).exclude(
                status__in=ENDED).order_by("pk"):
            ticket.dealer = instance
            recompute_due(ticket=ticket, cal=cal)


# --- the beat job: warn at 80 %, escalate a breach, once each ----------------------------------------------------

WARN_SHARE = 0.8
CLOCKS = ("first_response", "resolution")


def _staff_url(ticket) -> str:
    try:
        return settings.SITE_URL + reverse("support:desk_ticket", args=[ticket.number])
    except NoReverseMatch:  # the desk's page is not there: the ticket's admin page
        return settings.SITE_URL + f"/admin/support/ticket/{ticket.pk}/change/"


def _mail(ticket, *, to, template, clock, due):
    context = {"number": ticket.number, "subject": ticket.subject, "dealer_name": ticket.requester_name,
               "clock": clock, "due_at": due.isoformat(), "ticket_url": _staff_url(ticket),
               "assignee": ticket.assignee.get_full_name() if ticket.assignee_id else ""}
    if to is None:  # no team lead: the portal's staff addresses
        return outbox.notify_staff(template=template, context=context)
    return [outbox.notify(to=to, template=template, context=context)]


def _what_is_due(ticket, *, now, goal: sla.Targets, cal) -> list[tuple[str, str, object]]:
    """(clock, "warn" or "breach", due) of the ticket's clocks that crossed 80 % or their due time unannounced."""
    events = []
    for clock in CLOCKS:
        due = getattr(ticket, f"{clock}_due")
        if due is None or (clock == "first_response" and ticket.first_responded_at is not None):
            continue
        if getattr(ticket, f"{clock}_breached_at") is not None:
            continue
        if now >= due:
            events.append((clock, "breach", due))
        elif getattr(ticket, f"{clock}_warned_at") is None:
            minutes = getattr(goal, f"{clock}_minutes")
            warn_at = sla.warning_time(opened_at=ticket.created_at, minutes=minutes,
                                       paused_seconds=ticket.paused_seconds, calendar=cal, share=WARN_SHARE)
            if now >= warn_at:
                events.append((clock, "warn", due))
    return events


def check_sla(*, now=None) -> int:
    """Run by beat every few minutes: a running ticket that used 80 % of a target warns its assignee (its team lead
    when nobody is assigned); one past its due time is escalated to its team lead (the portal's staff addresses when
    its team has none). Once each: the stamps (`*_warned_at`, `*_breached_at`) are set under the ticket's row lock
    with the mail, so two beats never send twice. A breach found before its warning was sent skips the warning.
    Returns how many mails were written."""
    now = now or timezone.now()
    cal = calendar()
    goals = {(p.priority, p.tier): sla.Targets(p.first_response_minutes, p.resolution_minutes)
             for p in SlaPolicy.objects.all()}
    pending = (Q(first_responded_at__isnull=True, first_response_breached_at__isnull=True,
                 first_response_due__isnull=False)
               | Q(resolution_breached_at__isnull=True, resolution_due__isnull=False))
    sent = 0
    candidates = Ticket.objects.filter(running()).filter(pending).select_related("dealer").order_by("pk")
    for candidate in candidates.iterator(chunk_size=500):
        goal = goals.get((candidate.priority, candidate.dealer.tier))
        if goal is None or not _what_is_due(candidate, now=now, goal=goal, cal=cal):
            continue
        with transaction.atomic():
            ticket = locks.ticket(candidate.pk, related=("dealer", "assignee", "team__lead"))
            if not Ticket.objects.filter(running(), pk=ticket.pk).exists():
                continue
            stamped = []
            for clock, event, due in _what_is_due(ticket, now=now, goal=goal, cal=cal):
                lead = ticket.team.lead if ticket.team_id and ticket.team.lead_id else None
                if event == "breach":
                    sent += len(_mail(ticket, to=lead, template="support/sla_breached", clock=clock, due=due))
                    stamped.append(f"{clock}_breached_at")
                    if getattr(ticket, f"{clock}_warned_at") is None:
                        stamped.append(f"{clock}_warned_at")
                else:
                    to = ticket.assignee if ticket.assignee_id else lead
                    sent += len(_mail(ticket, to=to, template="support/sla_warning", clock=clock, due=due))
                    stamped.append(f"{clock}_warned_at")
            for name in stamped:
                setattr(ticket, name, now)
            if stamped:
                ticket.save(update_fields=stamped)
    return sent


def recompute_open_tickets(**filters) -> int:
    """Recompute the due times of the tickets still open (of these filters: `priority=`, `dealer__tier=`) after staff
    changed a policy or the calendar; each under its row lock, in primary-key order."""
    cal = calendar()
    count = 0
    ids = list(Ticket.objects.filter(**filters).exclude(status__in=ENDED).order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            recompute_due(ticket=locks.ticket(pk), cal=cal)
            count += 1
    return count
