"""Template helpers of quotes: the header's Quotes link, quantities as people write them."""
from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..engine import format_quantity
from ..permissions import can_edit_quotes, can_see_quotes

register = template.Library()


@register.simple_tag(takes_context=True)
def quotes_nav_link(context):
    """"Quotes" for a dealer's users who may ask for quotes (and agents acting for a dealer); for staff who prepare
    quotes and act for nobody, their work list. Nothing for anyone else."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    if actor is None or not request.user.is_authenticated:
        return ""
    if actor.dealer is not None:
        if can_see_quotes(actor):
            return format_html('<a href="{}" class="nav-quotes">{}</a>', reverse("quotes:list"), _("Quotes"))
        return ""
    if request.user.is_staff and can_edit_quotes(request.user):
        return format_html('<a href="{}" class="nav-quotes">{}</a>', reverse("quotes:work"), _("Quotes"))
    return ""


@register.filter
def quantity(value):
    """`10`, `2.5`, `0.335`: never `1E+1`."""
    if value is None or value == "":
        return ""
    try:
        return format_quantity(value)
    except AttributeError:
        return str(value)
