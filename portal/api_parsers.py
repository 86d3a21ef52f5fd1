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
