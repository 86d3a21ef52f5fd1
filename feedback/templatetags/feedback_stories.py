"""`{% load feedback_stories %}{% public_stories as stories %}`: the public home page's success stories in the
reader's language (published, with the dealer's consent to their current text)."""
from django import template
from django.utils import translation

register = template.Library()


@register.simple_tag
def public_stories(limit=3):
    from feedback.selectors import public_stories as select

    return select(language=translation.get_language() or "", limit=limit)
