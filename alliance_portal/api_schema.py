"""The OpenAPI side of alliance_portal.api's mixins: output serializers for writes, ETag, If-Match, Idempotency-Key.

Use it as `schema = PortalAutoSchema()` on a viewset built from those mixins.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from .api import ConditionalUpdateMixin, ETagRetrieveMixin, ReadWriteSerializersMixin
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


class PortalAutoSchema(AutoSchema):
    """Documents what the mixins above add: output serializers for writes, ETag, If-Match, Idempotency-Key, and
    the error answers every operation can give (one place for all of them)."""

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
