"""The API's body parsers: DRF's, with a JSON body nested deeper than Python's recursion allows answered 400 with the
API's error shape rather than a 500 (every endpoint, settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"])."""
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The body is nested too deep.")) from None


def unstorable(value, *, max_depth: int) -> bool:
    """Whether a parsed JSON value cannot be kept as it came (a webhook stores its raw payload): a NUL character
    (PostgreSQL stores none), a lone surrogate (not UTF-8) or nesting deeper than `max_depth` anywhere in it. Walked
    without recursion, so no body can exhaust the stack."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            return True
        if isinstance(item, str):
            if "\x00" in item:
                return True
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend((part, depth + 1) for pair in item.items() for part in pair)
        elif isinstance(item, list):
            stack.extend((part, depth + 1) for part in item)
    return False
