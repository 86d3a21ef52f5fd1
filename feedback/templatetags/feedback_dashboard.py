"""`{% load feedback_dashboard %}`: the link to the "voice of the dealer" dashboard (feedback:dashboard) for those who
may see it (feedback.permissions.may_see_dashboard), on the admin's index page; nothing for anyone else."""
from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..permissions import may_see_dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def feedback_dashboard_link(context):
    request = context.get("request")
    if request is None or not may_see_dashboard(request.user):
        return ""
    return format_html('<div class="module" id="feedback-dashboard-module"><h2>{}</h2><p><a href="{}" '
                       'id="feedback-dashboard-link">{}</a></p></div>', _("Reports"), reverse("feedback:dashboard"),
                       _("Voice of the dealer: NPS, reviews, satisfaction"))
