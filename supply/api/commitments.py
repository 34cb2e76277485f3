"""`commitments`: suppliers' promises against approved requests, then their shipment and delivery."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from alliance_portal.api import CreateWithOutputMixin, ETagRetrieveMixin, ListWithOutputMixin
from alliance_portal.api_auth import HasScope, get_caller
from alliance_portal.api_schema import PortalAutoSchema
from alliance_portal.errors import StrOrPromise
from alliance_portal.flat import defer_all_but, per_request
from alliance_portal.idempotency import IdempotentCreateMixin, idempotent
from members.models import Organisation

from .. import services
from ..filters import CommitmentFilter
from ..models import Commitment, SupplyRequest, Unit
from ..selectors import logistics_members
from .access import (
    BRIEF_ORGANISATION,
    CanWriteSupply,
    ConflictSerializer,
    IsSupplier,
    OrganisationBriefSerializer,
    ReasonSerializer,
    visible_commitments,
    visible_requests,
)
from .shipments import CommitmentShipmentSerializer, visible_commitment_shipments

C = Commitment.Status

ACTION_CHOICES = [
    ("accept", _("accept")),
    ("decline", _("decline")),
    ("withdraw", _("withdraw")),
    ("ship", _("ship")),
    ("deliver", _("deliver")),
]


class CommitmentSerializer(serializers.ModelSerializer):
    request: serializers.PrimaryKeyRelatedField[SupplyRequest] = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("Id of the supply request")
    )
    fab = OrganisationBriefSerializer(source="request.organisation", read_only=True)
    supplier = OrganisationBriefSerializer(read_only=True)
    material = serializers.CharField(source="request.material", read_only=True)
    unit = serializers.ChoiceField(source="request.unit", choices=Unit.choices, read_only=True)
    allowed_actions = serializers.SerializerMethodField(help_text=_("The actions the caller may take now."))

    class Meta:
        model = Commitment
        fields = [
            "id",
            "request",
            "fab",
            "supplier",
            "material",
            "quantity",
            "unit",
            "expected_ship_date",
            "unit_price",
            "currency",
            "notes",
            "status",
            "carrier",
            "tracking_number",
            "shipped_on",
            "delivered_quantity",
            "delivered_on",
            "reason",
            "created_at",
            "updated_at",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ACTION_CHOICES)))
    def get_allowed_actions(self, obj) -> list[str]:
        # The same for every commitment of one status between one fab and one supplier, for this caller.
        allowed = per_request(self, "actions", dict)
        key = (obj.status, obj.request.organisation_id, obj.supplier_id)
        if key not in allowed:
            allowed[key] = services.allowed_commitment_actions(obj, get_caller(self.context["request"]).actor)
        return list(allowed[key])


class CommitmentWriteSerializer(serializers.ModelSerializer):
    request = serializers.PrimaryKeyRelatedField(
        queryset=SupplyRequest.objects.none(),
        help_text=_("Id of an approved supply request in a category your organisation supplies."),
    )
    currency = serializers.CharField(
        default="CNY",
        max_length=3,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Give the currency as its three-letter ISO code, e.g. CNY."))],
        help_text=_("ISO 4217 code of the unit price's currency; CNY when left out."),
    )

    class Meta:
        model = Commitment
        fields = ["request", "quantity", "expected_ship_date", "unit_price", "currency", "notes"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # Only requests the caller can see can be named, so an id tells nothing about the others.
            fields["request"].queryset = visible_requests(get_caller(request))
        return fields


class ShipSerializer(serializers.Serializer):
    carrier = serializers.CharField(max_length=100)
    tracking_number = serializers.CharField(max_length=100)
    shipped_on = serializers.DateField()


class AssignCarrierSerializer(serializers.Serializer):
    carrier = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=logistics_members(),
        help_text=_("Short name (slug) of a logistics member in good standing."),
    )
    tracking_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class DeliverSerializer(serializers.Serializer):
    received_quantity = serializers.DecimalField(
        max_digits=14,
        decimal_places=3,
        min_value=0,
        help_text=_("What arrived; less than the quantity shipped releases the shortfall back to the request."),
    )
    delivered_on = serializers.DateField()


def _action_schema(description: StrOrPromise, body=None):
    return extend_schema(
        description=description, request=body, responses={200: CommitmentSerializer, 409: ConflictSerializer}
    )


@extend_schema_view(
    list=extend_schema(
        description=_(
            "The secretariat sees every commitment; a supplier its own; a fab those against its requests. "
            "Nobody else sees a commitment, so no supplier learns another's prices or notes."
        )
    ),
    create=extend_schema(
        description=_(
            "A materials supplier commits a quantity against an approved request in its categories. The total of "
            "live commitments never exceeds the requested quantity: a commitment larger than what is still open "
            "is a 409 naming what is (`remaining`). Suppliers' admins, members and write keys."
        ),
        responses={201: CommitmentSerializer, 409: ConflictSerializer},
    ),
)
class CommitmentViewSet(
    IdempotentCreateMixin, CreateWithOutputMixin, ListWithOutputMixin, ETagRetrieveMixin, viewsets.GenericViewSet
):
    """A supplier's promise against a supply request: offered → accepted (by the fab or the secretariat) → shipped
    → delivered (confirmed by the fab, with the quantity received), or withdrawn by the supplier / declined by the
    fab before shipping. Each step is an action (POST) that answers the commitment as it now is; a step its status
    does not allow is a 409 and changes nothing."""

    serializer_class = CommitmentSerializer
    write_serializer_class = CommitmentWriteSerializer
    filterset_class = CommitmentFilter
    ordering_fields = ["created_at", "updated_at", "expected_ship_date"]
    ordering = ["-created_at", "-pk"]
    permission_classes = [HasScope, CanWriteSupply]
    idempotent_actions = ("create", "accept", "decline", "withdraw", "ship", "deliver", "assign_carrier")
    schema = PortalAutoSchema()

    def get_queryset(self):
        commitments = visible_commitments(get_caller(self.request))
        if self.action == "list":
            # What a row shows of its request and of the two organisations (CommitmentSerializer), nothing more.
            commitments = commitments.defer(
                *defer_all_but("request", SupplyRequest, ["organisation", "material", "unit"]),
                *defer_all_but("request__organisation", Organisation, BRIEF_ORGANISATION),
                *defer_all_but("supplier", Organisation, BRIEF_ORGANISATION),
            )
        return commitments

    def get_permissions(self):
        permissions = super().get_permissions()
        if self.action == "create":
            permissions.append(IsSupplier())
        return permissions

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.commitment_create(
            request=data["request"],
            actor=get_caller(self.request).actor,
            quantity=data["quantity"],
            expected_ship_date=data["expected_ship_date"],
            unit_price=data.get("unit_price"),
            currency=data.get("currency") or "CNY",
            notes=data.get("notes", ""),
        )

    def get_created_instance(self, instance):
        return self._reload(instance)

    @staticmethod
    def _reload(instance) -> Commitment:
        return Commitment.objects.select_related("supplier", "request", "request__organisation").get(pk=instance.pk)

    def _answer(self, instance) -> Response:
        instance = self._reload(instance)
        return Response(self.get_output_serializer(instance).data, headers={"ETag": self.etag_for(instance)})

    def _body(self, body_class, commitment: Commitment) -> dict:
        # The caller's part before its input: one who may not take this action is a 403 whatever it sends.
        services.commitment_check_part(commitment=commitment, actor=get_caller(self.request).actor, action=self.action)
        body = body_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    @_action_schema(_("The requesting fab or the secretariat accepts an offer from a supplier it has qualified."))
    @action(detail=True, methods=["post"])
    @idempotent
    def accept(self, request, pk=None):
        commitment = self.get_object()
        services.commitment_accept(commitment=commitment, actor=get_caller(request).actor)
        return self._answer(commitment)

    @_action_schema(
        _(
            "The requesting fab or the secretariat turns down an unshipped commitment, saying why; its quantity is "
            "open again."
        ),
        ReasonSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def decline(self, request, pk=None):
        commitment = self.get_object()
        reason = self._body(ReasonSerializer, commitment)["reason"]
        services.commitment_decline(commitment=commitment, actor=get_caller(request).actor, reason=reason)
        return self._answer(commitment)

    @_action_schema(
        _("The supplier takes back an unshipped commitment, saying why; its quantity is open again."),
        ReasonSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def withdraw(self, request, pk=None):
        commitment = self.get_object()
        reason = self._body(ReasonSerializer, commitment)["reason"]
        services.commitment_withdraw(commitment=commitment, actor=get_caller(request).actor, reason=reason)
        return self._answer(commitment)

    @_action_schema(_("The supplier ships an accepted commitment."), ShipSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def ship(self, request, pk=None):
        commitment = self.get_object()
        services.commitment_ship(
            commitment=commitment, actor=get_caller(request).actor, **self._body(ShipSerializer, commitment)
        )
        return self._answer(commitment)

    @_action_schema(
        _("The requesting fab confirms delivery with the quantity received (which may be less than shipped)."),
        DeliverSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def deliver(self, request, pk=None):
        commitment = self.get_object()
        services.commitment_deliver(
            commitment=commitment, actor=get_caller(request).actor, **self._body(DeliverSerializer, commitment)
        )
        return self._answer(commitment)

    @extend_schema(
        description=_(
            "The supplier (or the secretariat) gives an accepted or shipped commitment to a logistics member to "
            "carry; it may change the carrier until the goods are picked up. Answers the commitment's shipment "
            "(`commitment-shipments/{id}/`), with the request's UN number and storage class."
        ),
        request=AssignCarrierSerializer,
        responses={200: CommitmentShipmentSerializer, 409: ConflictSerializer},
    )
    @action(detail=True, methods=["post"], url_path="carrier", url_name="carrier")
    @idempotent
    def assign_carrier(self, request, pk=None):
        commitment = self.get_object()
        actor = get_caller(request).actor
        # The caller's part before its input: one who may not assign is a 403 whatever it sends.
        services.commitment_check_assigner(commitment=commitment, actor=actor)
        body = AssignCarrierSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        shipment = services.commitment_assign_carrier(commitment=commitment, actor=actor, **body.validated_data)
        shipment = visible_commitment_shipments(request).get(pk=shipment.pk)
        return Response(CommitmentShipmentSerializer(shipment, context=self.get_serializer_context()).data)
