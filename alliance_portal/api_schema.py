"""The OpenAPI side of alliance_portal.api's mixins: output serializers for writes, ETag, If-Match, Idempotency-Key.

Use it as `schema = PortalAutoSchema()` on a viewset built from those mixins.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

from .api import ConditionalUpdateMixin, ETagRetrieveMixin, ReadWriteSerializersMixin

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
    str,
    OpenApiParameter.HEADER,
    description=_(
        "A unique string of yours (a UUID, say). Resending the same request with the same key creates nothing "
        "new and returns the first answer; the same key with a different request is a 409. Kept for 24 hours."
    ),
)


class PortalAutoSchema(AutoSchema):
    """Documents what the mixins above add: output serializers for writes, ETag, If-Match, Idempotency-Key."""

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
