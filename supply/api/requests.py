"""`supply-requests`: the priority queue, a fab's requests, and one action per workflow transition."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from alliance_portal.api import ConditionalUpdateMixin, CreateWithOutputMixin, ListWithOutputMixin
from alliance_portal.api_auth import HasScope, get_caller
from alliance_portal.api_schema import PortalAutoSchema
from alliance_portal.idempotency import IdempotentCreateMixin, idempotent
from members.models import MaterialCategory, RiskLevel, Site

from .. import priority, selectors, services
from ..filters import SupplyRequestFilter
from ..models import RequestTransition, SupplyRequest
from .access import (
    CanWriteSupply,
    ConflictSerializer,
    IsFab,
    IsRequestingFab,
    OptionalReasonSerializer,
    OrganisationBriefSerializer,
    ReasonSerializer,
    SeesPrivatePart,
    SiteBriefSerializer,
    sees_private_part,
    visible_requests,
)
from .pagination import UncountedPagination

S = SupplyRequest.Status
FILL_STATES = [
    ("nothing", _("Nothing")),
    ("partial", _("Partly")),
    ("complete", _("Completely")),
]
PRIVATE_REQUEST_FIELDS = ["justification", "override_reason"]


class PriorityPartSerializer(serializers.Serializer):
    factor = serializers.CharField(help_text=_("risk, guarantee, stock, urgency, needed_by or waiting"))
    value = serializers.JSONField(help_text=_("The input the points come from: a risk level, a number of days, ..."))
    points = serializers.IntegerField()
    label = serializers.CharField(help_text=_("The part in words, in the language asked for (Accept-Language)."))


class SupplyRequestSerializer(serializers.ModelSerializer):
    """A supply request. `justification` and `override_reason` are only there for the requesting fab and the
    secretariat."""

    organization = OrganisationBriefSerializer(source="organisation", read_only=True)
    site = SiteBriefSerializer(read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("Material category code"))
    risk_level = serializers.ChoiceField(
        choices=RiskLevel.choices,
        read_only=True,
        help_text=_("The epidemic risk level in force now in the delivery site's city (an unlisted city is low)."),
    )
    priority_explanation = serializers.SerializerMethodField(
        help_text=_("The parts of the computed score in words, in the language asked for.")
    )
    priority_parts = serializers.SerializerMethodField()
    remaining = serializers.DecimalField(
        max_digits=14, decimal_places=3, read_only=True, help_text=_("Requested minus committed.")
    )
    committed_state = serializers.ChoiceField(choices=FILL_STATES, read_only=True)
    delivered_state = serializers.ChoiceField(choices=FILL_STATES, read_only=True)
    is_stale = serializers.BooleanField(
        read_only=True, help_text=_("Open, and not re-confirmed by the fab within the stale period (7 days).")
    )
    allowed_transitions = serializers.SerializerMethodField(
        help_text=_("The statuses the caller may move the request to now (each has its action).")
    )

    class Meta:
        model = SupplyRequest
        fields = [
            "id",
            "organization",
            "site",
            "category",
            "material",
            "specification",
            "un_number",
            "storage",
            "quantity",
            "unit",
            "needed_by",
            "days_of_stock",
            "urgency",
            "justification",
            "status",
            "risk_level",
            "priority",
            "priority_score",
            "priority_override",
            "override_reason",
            "priority_explanation",
            "priority_parts",
            "qty_committed",
            "qty_in_transit",
            "qty_delivered",
            "remaining",
            "committed_state",
            "delivered_state",
            "is_stale",
            "submitted_at",
            "confirmed_at",
            "created_at",
            "updated_at",
            "allowed_transitions",
        ]
        read_only_fields = [name for name in fields if name not in PRIVATE_REQUEST_FIELDS]
        # An output-only serializer: the private fields are left "writable" (never used so) only so that the schema
        # lists them as optional, which they are: the public part comes without them.
        extra_kwargs = {
            name: {"required": False, "help_text": _("Requesting fab and secretariat only.")}
            for name in PRIVATE_REQUEST_FIELDS
        }

    def get_priority_explanation(self, obj) -> str:
        return priority.explain(obj.priority_parts)

    @extend_schema_field(PriorityPartSerializer(many=True))
    def get_priority_parts(self, obj) -> list[dict]:
        parts = []
        for part in obj.priority_parts:
            # describe_part() says "high-risk area +40"; the points have their own field.
            label = priority.describe_part(part).rpartition(" ")[0]
            parts.append({"factor": part["factor"], "value": part["value"], "points": part["points"], "label": label})
        return parts

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=S.choices)))
    def get_allowed_transitions(self, obj) -> list[str]:
        return services.allowed_transitions(obj, get_caller(self.context["request"]).actor)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not sees_private_part(get_caller(self.context["request"]), instance):
            for name in PRIVATE_REQUEST_FIELDS:
                data.pop(name, None)
        return data


class SupplyRequestWriteSerializer(serializers.ModelSerializer):
    site = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.none(), help_text=_("Id of one of your organisation's sites: where it is delivered.")
    )
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=MaterialCategory.objects.all(), help_text=_("Material category code")
    )
    submit = serializers.BooleanField(
        default=False,
        write_only=True,
        help_text=_("true: submit at once to the secretariat; false (default): keep it as an editable draft."),
    )

    class Meta:
        model = SupplyRequest
        fields = [*services.REQUEST_FIELDS, "submit"]
        # The PostgreSQL column's range, on SQLite too (whose integers are wider), so both answer 400 alike.
        extra_kwargs = {"days_of_stock": {"max_value": 2**31 - 1}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            # A draft is submitted with its own action, so an edit cannot skip the checks of submitting.
            fields.pop("submit")
        request = self.context.get("request")
        if request is not None:
            # Only one's own sites can be named, so nothing is learnt about other organisations' sites.
            fields["site"].queryset = Site.objects.filter(organisation_id=get_caller(request).organisation_id)
        return fields


class OverridePrioritySerializer(serializers.Serializer):
    priority = serializers.IntegerField(
        allow_null=True,
        min_value=-100000,
        max_value=100000,
        help_text=_("The queue position to use instead of the computed score; null clears the override."),
    )
    reason = serializers.CharField(max_length=300, help_text=_("Why; kept and shown with the request."))


class TransitionSerializer(serializers.ModelSerializer):
    # Served as "from" and "to" (see get_fields), so the source is named.
    from_status = serializers.ChoiceField(
        source="from_status",
        choices=S.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("Empty for the step that created the draft."),
    )
    to_status = serializers.ChoiceField(source="to_status", choices=S.choices, read_only=True)
    by = serializers.SerializerMethodField(help_text=_("The person, or the API key, who made the change."))

    class Meta:
        model = RequestTransition
        fields = ["from_status", "to_status", "by", "at", "reason"]
        read_only_fields = fields

    def get_fields(self):
        fields = super().get_fields()
        # "from" and "to" read best, but are not Python names.
        fields["from"] = fields.pop("from_status")
        fields["to"] = fields.pop("to_status")
        return {name: fields[name] for name in ("from", "to", "by", "at", "reason")}

    def get_by(self, obj) -> str | None:
        if obj.by is not None:
            return obj.by.get_full_name() or obj.by.get_username()
        if obj.by_api_key is not None:
            return str(
                _("API key %(prefix)s (%(name)s)") % {"prefix": obj.by_api_key.prefix, "name": obj.by_api_key.name}
            )
        return None


class SuggestedSupplierSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    province = serializers.CharField()
    city = serializers.CharField()
    city_en = serializers.CharField()
    is_qualified = serializers.BooleanField(help_text=_("The fab has qualified this supplier for the category."))
    has_fresh_capacity = serializers.BooleanField(
        help_text=_("The supplier confirmed its capacity for the category within the last 14 days.")
    )
    same_province = serializers.BooleanField(help_text=_("In the delivery site's province."))
    capacity_per_week = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True)
    capacity_unit = serializers.CharField(allow_null=True)
    capacity_lead_time_days = serializers.IntegerField(allow_null=True)
    capacity_confirmed_at = serializers.DateTimeField(allow_null=True)


def _transition_schema(description: str, body=None):
    return extend_schema(
        description=description,
        request=body,
        responses={200: SupplyRequestSerializer, 409: ConflictSerializer},
    )


@extend_schema_view(
    list=extend_schema(
        description=_(
            "Ordered by priority, highest first (`?open=true` is the queue of submitted and approved requests). "
            "What you see depends on who you are: the secretariat sees every request; a fab its own, drafts "
            "included; a materials supplier the approved requests in its categories and those it has committed "
            "to; other member organisations the open requests. Only the requesting fab and the secretariat see a "
            "request's justification and override reason. Pages come without a total count: follow `next`."
        )
    ),
    create=extend_schema(
        description=_(
            "A fab files a request, kept as a draft or submitted at once (`submit`). Fabs' admins, "
            "members and write keys."
        )
    ),
    update=extend_schema(description=_("Drafts only (409 otherwise), by the requesting fab.")),
    partial_update=extend_schema(description=_("Drafts only (409 otherwise), by the requesting fab.")),
)
class SupplyRequestViewSet(
    IdempotentCreateMixin,
    CreateWithOutputMixin,
    ListWithOutputMixin,
    ConditionalUpdateMixin,
    viewsets.GenericViewSet,
):
    """Supply requests of the fabs, and their workflow: draft → submitted → approved → closed as fulfilled, or
    rejected / cancelled. Each transition is an action (POST) that answers the request as it now is; a transition
    the workflow does not allow is a 409 and changes nothing. Nothing is deleted: a request is cancelled."""

    serializer_class = SupplyRequestSerializer
    write_serializer_class = SupplyRequestWriteSerializer
    filterset_class = SupplyRequestFilter
    pagination_class = UncountedPagination
    search_fields = ["material", "specification"]
    ordering_fields = ["priority", "needed_by", "days_of_stock", "submitted_at", "created_at", "updated_at"]
    ordering = ["-priority", "submitted_at", "pk"]
    permission_classes = [HasScope, CanWriteSupply]
    idempotent_actions = (
        "create",
        "submit",
        "approve",
        "reject",
        "cancel",
        "fulfil",
        "reconfirm",
        "override_priority",
    )
    schema = PortalAutoSchema()

    def get_queryset(self):
        return visible_requests(get_caller(self.request))

    def get_permissions(self):
        permissions = super().get_permissions()
        if self.action == "create":
            permissions.append(IsFab())
        elif self.action in ("update", "partial_update"):
            permissions.append(IsRequestingFab())
        elif self.action in ("transitions", "suggested_suppliers"):
            permissions.append(SeesPrivatePart())
        return permissions

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        submit = fields.pop("submit", False)
        serializer.instance = services.supply_request_create(
            actor=get_caller(self.request).actor, submit=submit, **fields
        )

    def perform_update(self, serializer):
        serializer.instance = services.supply_request_update(
            request=serializer.instance, actor=get_caller(self.request).actor, **serializer.validated_data
        )

    def get_created_instance(self, instance):
        return self._reload(instance)

    def get_updated_instance(self, instance):
        return self._reload(instance)

    @staticmethod
    def _reload(instance) -> SupplyRequest:
        # As the list shows it (joins, risk level), whoever may still see it after the change.
        return selectors.with_risk_level(SupplyRequest.objects.select_related(*selectors.REQUEST_JOINS)).get(
            pk=instance.pk
        )

    def _answer(self, instance) -> Response:
        instance = self._reload(instance)
        return Response(self.get_output_serializer(instance).data, headers={"ETag": self.etag_for(instance)})

    def _transition(self, to_status: str, body_class=None) -> Response:
        supply_request = self.get_object()
        reason = ""
        if body_class is not None:
            body = body_class(data=self.request.data)
            body.is_valid(raise_exception=True)
            reason = body.validated_data.get("reason", "")
        services.supply_request_transition(
            request=supply_request, to_status=to_status, actor=get_caller(self.request).actor, reason=reason
        )
        return self._answer(supply_request)

    @_transition_schema(_("The requesting fab submits its draft to the secretariat."))
    @action(detail=True, methods=["post"])
    @idempotent
    def submit(self, request, pk=None):
        return self._transition(S.SUBMITTED)

    @_transition_schema(
        _("The secretariat approves a submitted request: suppliers can commit to it."), OptionalReasonSerializer
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def approve(self, request, pk=None):
        return self._transition(S.APPROVED, OptionalReasonSerializer)

    @_transition_schema(_("The secretariat rejects a submitted request, saying why."), ReasonSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def reject(self, request, pk=None):
        return self._transition(S.REJECTED, ReasonSerializer)

    @_transition_schema(
        _(
            "The requesting fab or the secretariat cancels a request, saying why; its unshipped commitments are "
            "declined."
        ),
        ReasonSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request, pk=None):
        return self._transition(S.CANCELLED, ReasonSerializer)

    @_transition_schema(
        _("The requesting fab or the secretariat closes an approved request whose delivered quantity covers it."),
        OptionalReasonSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def fulfil(self, request, pk=None):
        return self._transition(S.FULFILLED, OptionalReasonSerializer)

    @_transition_schema(_("The requesting fab confirms it still needs an open request: it is no longer stale."))
    @action(detail=True, methods=["post"])
    @idempotent
    def reconfirm(self, request, pk=None):
        supply_request = self.get_object()
        services.supply_request_reconfirm(request=supply_request, actor=get_caller(request).actor)
        return self._answer(supply_request)

    @_transition_schema(
        _("The secretariat sets the queue position by hand (`priority`), or clears it (null), saying why."),
        OverridePrioritySerializer,
    )
    @action(detail=True, methods=["post"], url_path="override-priority")
    @idempotent
    def override_priority(self, request, pk=None):
        supply_request = self.get_object()
        body = OverridePrioritySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.supply_request_override_priority(
            request=supply_request,
            priority=body.validated_data["priority"],
            reason=body.validated_data["reason"],
            actor=get_caller(request).actor,
        )
        return self._answer(supply_request)

    @extend_schema(
        description=_("The request's history, oldest first: the requesting fab and the secretariat only."),
        responses=TransitionSerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def transitions(self, request, pk=None):
        steps = selectors.request_transitions(request=self.get_object())
        return Response(TransitionSerializer(steps, many=True).data)

    @extend_schema(
        description=_(
            "Active suppliers of the request's category: those the fab has qualified first, then those with fresh "
            "capacity, then those in the delivery site's province. The requesting fab and the secretariat only."
        ),
        responses=SuggestedSupplierSerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="suggested-suppliers", filterset_class=None, pagination_class=None)
    def suggested_suppliers(self, request, pk=None):
        suppliers = selectors.matching_suppliers(request=self.get_object())
        return Response(SuggestedSupplierSerializer(suppliers, many=True).data)
