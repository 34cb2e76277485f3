"""The OpenAPI side of alliance_portal.api's mixins: output serializers for writes, ETag, If-Match, Idempotency-Key.

Use it as `schema = PortalAutoSchema()` on a viewset built from those mixins.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, Model, TextField
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from .api import ConditionalUpdateMixin, ETagRetrieveMixin, ReadWriteSerializersMixin
from .filters import StrictFilterBackend
from .idempotency import KEY_PATTERN, MAX_KEY_LENGTH

ETAG_RESPONSE_HEADER = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200],
    description=_("Version of the record; send it back in If-Match to update only that version."),
)
IF_MATCH_HEADER = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description=_("The ETag you read. If the record has changed since, the answer is 412 and nothing is changed."),
)
IDEMPOTENCY_KEY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "pattern": f"^{KEY_PATTERN}$", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
    OpenApiParameter.HEADER,
    description=_(
        "A unique string of yours (a UUID, say). Resending the same request with the same key creates nothing "
        "new and returns the first answer; the same key with a different request is a 409. Kept for 24 hours."
    ),
)


class ErrorSerializer(serializers.Serializer):
    """Every error answer: `detail` says why (in the caller's language), `code` says it to a program where one
    applies (403 and 409 from the services); a 400 names each bad field instead, as `{"field": ["message"]}`.
    Documentation only (never reads input); its fields are optional, which a read-only field could not say."""

    detail = serializers.CharField(required=False, max_length=2000)
    code = serializers.CharField(required=False, max_length=100)


# Statuses every operation may answer, and those only some do (alliance_portal.api.exception_handler shapes them all).
ERRORS_ALWAYS = {
    "400": _("Invalid input: each bad field (or query parameter, or header) is named with its message."),
    "401": _("No credentials, or an unknown or revoked key."),
    "403": _("The caller may not do this (role, scope, standing of its organisation, party to the record)."),
    "404": _("No such record, or one of another organisation (or a page past the last)."),
    "429": _("Too many requests: wait the seconds in Retry-After."),
}
ERRORS_WRITE = {
    "409": _("The record's state does not allow this, or the Idempotency-Key was used for another request."),
    "415": _("The body's media type is not JSON, form or multipart."),
}
ERROR_PRECONDITION = {"412": _("If-Match names a version the record no longer has.")}


def _blank_text_column(field: serializers.Field) -> bool:
    """A read-only text field copied from a model's text column with blank=True: its value may be "" (DRF drops
    allow_blank from read-only fields, so drf-spectacular does not offer "" as it does for a writable one)."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if not (field.read_only and isinstance(field, serializers.CharField)):
        return False
    if not (isinstance(model, type) and issubclass(model, Model) and isinstance(field.source, str)):
        return False
    try:
        column = model._meta.get_field(field.source)
    except FieldDoesNotExist:  # a source that is no column (a property, a dotted path)
        return False
    return isinstance(column, CharField | TextField) and column.blank


def decimal_pattern(field: serializers.DecimalField) -> str:
    """What DRF's DecimalField reads as a string: at least one digit (drf-spectacular's own pattern also allows "",
    "-" and "."), at most its whole digits before the point and its decimal places after it."""
    places = field.decimal_places or 0
    fraction = rf"\.\d{{1,{places}}}" if places else ""
    point = rf"(?:\.\d{{0,{places}}})?" if places else r"\.?"
    whole = field.max_whole_digits
    digits = r"\d+" if whole is None else ("0" if whole == 0 else rf"\d{{1,{whole}}}")
    alternatives = f"{digits}{point}" + (f"|{fraction}" if fraction else "")
    return f"^-?(?:{alternatives})$"


class PortalAutoSchema(AutoSchema):
    """Documents what the mixins above add: output serializers for writes, ETag, If-Match, Idempotency-Key, and
    the error answers every operation can give (one place for all of them).

    It also says what the fields hold where drf-spectacular says less or more: an answer's URL that may be empty (a
    profile's `website`) is a URL or "", a decimal given as a string needs at least one digit, and a filter given
    empty is refused (alliance_portal.filters.StrictFilterBackend)."""

    def get_tags(self):
        # /api/v1/<resource>/...: one section of the docs per resource rather than one "v1" for all.
        tokens = self._tokenize_path()
        return tokens[1:2] if len(tokens) > 1 and tokens[0] == "v1" else super().get_tags()

    def get_auth(self):
        # The bearer scheme comes both from the authentication class and from SPECTACULAR_SETTINGS["SECURITY"].
        unique = []
        for requirement in super().get_auth():
            if requirement not in unique:
                unique.append(requirement)
        return unique

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        if schema.get("type") == "string" and ({"format", "pattern"} & set(schema)) and _blank_text_column(field):
            # As drf-spectacular words a writable field that may be blank: the format, or "".
            outer = {"readOnly", "writeOnly", "nullable", "deprecated", "description", "title"}
            inner = {key: schema.pop(key) for key in list(schema) if key not in outer}
            schema["oneOf"] = [inner, {"type": "string", "maxLength": 0}]
        if isinstance(field, serializers.DecimalField) and "pattern" in schema:
            schema["pattern"] = decimal_pattern(field)

    def _get_filter_parameters(self):
        # StrictFilterBackend refuses a filter given empty (`?status=`): a string filter says minLength 1 (an enum,
        # a format, a number or a boolean already leaves "" out).
        parameters = []
        for backend_class in self.get_filter_backends():
            backend = backend_class()
            extension = OpenApiFilterExtension.get_match(backend)
            found = (
                extension.get_schema_operation_parameters(self)
                if extension
                else backend.get_schema_operation_parameters(self.view)
            )
            if isinstance(backend, StrictFilterBackend):
                for parameter in found:
                    schema = parameter.get("schema", {})
                    if schema.get("type") == "string" and not ({"enum", "format", "pattern"} & set(schema)):
                        schema.setdefault("minLength", 1)
            parameters += found
        return parameters

    def get_response_serializers(self):
        view = self.view
        if isinstance(view, ReadWriteSerializersMixin) and getattr(view, "action", None) in view.write_actions:
            return view.serializer_class
        return super().get_response_serializers()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = dict(ERRORS_ALWAYS)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            errors.update(ERRORS_WRITE)
        if self.method in ("PUT", "PATCH", "DELETE"):
            errors.update(ERROR_PRECONDITION)
        for code, description in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=str(description)), code, direction=direction
                )
        return responses

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        action = getattr(self.view, "action", None)
        if isinstance(self.view, ETagRetrieveMixin) and action in ("retrieve", "update", "partial_update"):
            parameters.append(ETAG_RESPONSE_HEADER)
        if isinstance(self.view, ConditionalUpdateMixin) and action in ("update", "partial_update"):
            parameters.append(IF_MATCH_HEADER)
        if action in getattr(self.view, "idempotent_actions", ()):
            parameters.append(IDEMPOTENCY_KEY_HEADER)
        return parameters


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "alliance_portal.api_auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(_("Partner API key, issued by the secretariat: `Authorization: Bearer <api key>`.")),
        }
