"""The desk's quarantine count (issue 16): the badge of the queue page's Quarantine link."""
from django import template

register = template.Library()


@register.simple_tag
def quarantine_count() -> int:
    """How many inbound messages wait in quarantine (one count on the inbound status index)."""
    from ..models import InboundMessage, InboundStatus

    return InboundMessage.objects.filter(status=InboundStatus.QUARANTINED).count()
