"""The API's JSON parser, guarded: any body gets a 400 with the error format, never a 500.

Python's json module recurses once per level of nesting, so a body nested a few thousand deep raises RecursionError
(a 500), and DRF's session authentication parses the body for its CSRF check even on actions that take none. The
guard refuses, before decoding, a body larger than API_JSON_MAX_BYTES or nested deeper than API_JSON_MAX_DEPTH, and
a body that is not valid in its declared encoding.
"""

import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

# A JSON string literal (with escapes): brackets inside strings do not nest anything.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


def json_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text (without decoding it); unbalanced input counts as
    far as it goes (the decoder then refuses it)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub(b'""', raw)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class GuardedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.API_JSON_MAX_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise ParseError(_("The request body is larger than %(limit)d bytes.") % {"limit": limit})
        if json_depth(raw) > settings.API_JSON_MAX_DEPTH:
            raise ParseError(
                _("The JSON body is nested deeper than %(depth)d levels.") % {"depth": settings.API_JSON_MAX_DEPTH}
            )
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(_("The request body is not valid %(encoding)s text.") % {"encoding": encoding}) from exc
        try:
            parse_constant = json.strict_constant if self.strict else None
            return json.loads(text, parse_constant=parse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": str(exc)[:200]}) from exc
