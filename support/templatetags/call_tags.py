"""`{% load call_tags %}`: how a phone call reads in a conversation (support.services.calls): on the desk with its
direction, length and agent; for the dealer only who of support spoke and how long (never the notes)."""
from django import template
from django.core.exceptions import ObjectDoesNotExist

register = template.Library()


def _call(message):
    try:
        return message.call
    except ObjectDoesNotExist:  # a message of kind "call" without its row (deleted by hand): no summary
        return None


@register.filter
def desk_call_summary(message) -> str:
    """`{{ message|desk_call_summary }}`: "Phone call · Incoming · 4 min · Deniz Destek"."""
    from ..services.calls import desk_summary

    call = _call(message)
    return desk_summary(call) if call is not None else message.body


@register.filter
def dealer_call_summary(message) -> str:
    """`{{ message|dealer_call_summary }}`: "Phone call with Deniz, 4 min"."""
    from ..services.calls import dealer_summary

    call = _call(message)
    return dealer_summary(call) if call is not None else ""
