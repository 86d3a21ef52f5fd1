"""Support tickets, SLA clocks, messages, attachments and FAQ."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support")

    def ready(self):
        from django.db.models.signals import post_save, pre_save

        from dealers.models import Dealer

        from .models import TICKET
        from .services import clocks
        from .services.satisfaction import ask_for_satisfaction

        # The SLA clocks follow every move, first (the listeners after it see resolved_at and the due times): paused
        # while waiting on the dealer, resolved_at/closed_at stamped, due times recomputed (H-SLA, services/clocks.py).
        TICKET.moved.register(clocks.on_ticket_moved)
        # Staff change a dealer's tier: its open tickets get the new tier's targets, counted from their opening.
        pre_save.connect(clocks.remember_tier, sender=Dealer, dispatch_uid="support-remember-tier")
        post_save.connect(clocks.follow_tier, sender=Dealer, dispatch_uid="support-follow-tier")
        # Resolved for the first time: the dealer is asked once how we did (H-METRICS).
        TICKET.moved.register(ask_for_satisfaction)

        # The dealer's side of tickets (H-TICKETS): a delivery reported with problems opens a ticket with its lines
        # and photos; a failed delivery, a return to sender or an exception opens one for the dealer's sales agent,
        # once per shipment. A ticket's files are served to whoever may see the ticket (a note's to staff only).
        from portal import documents
        from shipping import hooks as shipping_hooks

        from .permissions import ATTACHMENT, can_read_attachment
        from .services.tickets import open_ticket_for_delivery_report, open_ticket_for_tracking_event

        shipping_hooks.delivery_reported.register(open_ticket_for_delivery_report)
        shipping_hooks.tracking_event_applied.register(open_ticket_for_tracking_event)
        documents.register_access(ATTACHMENT, can_read_attachment)

        # The desk's cached counts and rows hang on a version every ticket, team, dealer or user write bumps.
        from .signals import connect_desk_version_signals

        connect_desk_version_signals()

        # Mail intake (issue 16): /healthz/ reports each support mailbox's polling (services/mail_poll.py).
        from portal import health

        from .services.mail_poll import health_check

        health.extra_checks.register(health_check)
