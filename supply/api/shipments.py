"""`commitment-shipments`: a commitment's goods on their way, carried by a logistics member.

The carrier sees the shipments it carries and nothing else (never the commitment's price or notes); the supplier
and the fab their commitments'; the secretariat all (supply.selectors.visible_shipments). The carrier records
pick-up, checkpoints (place, time, note) and hand-over; the fab confirms receipt on the commitment
(`commitments/{id}/deliver/`), which marks the shipment received. The `shipments` list shows these beside the
pledges' (dashboard.api), each with its `kind`.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from alliance_portal.api import ConditionalUpdateMixin, ETagRetrieveMixin, ListWithOutputMixin
from alliance_portal.api_auth import HasScope, get_caller
from alliance_portal.api_schema import IF_MATCH_HEADER, PortalAutoSchema
from alliance_portal.idempotency import idempotent
from alliance_portal.pagination import UncountedPagination
from alliance_portal.shipping import CheckpointKind

from .. import selectors, services
from ..filters import CommitmentShipmentFilter
from ..models import Shipment, ShipmentCheckpoint, Unit
from .access import CanWriteSupply, ConflictSerializer, OrganisationBriefSerializer, SiteBriefSerializer


class CommitmentCheckpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShipmentCheckpoint
        fields = ["kind", "place", "at", "note", "recorded_at"]
        read_only_fields = fields


class CommitmentShipmentSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField(help_text=_("Always `commitment` (`pledge` for a pledge's shipment)."))
    request = serializers.IntegerField(source="commitment.request_id", read_only=True)
    supplier = OrganisationBriefSerializer(source="commitment.supplier", read_only=True)
    fab = OrganisationBriefSerializer(source="commitment.request.organisation", read_only=True)
    deliver_to = SiteBriefSerializer(source="commitment.request.site", read_only=True)
    material = serializers.CharField(source="commitment.request.material", read_only=True)
    category = serializers.CharField(source="commitment.request.category.code", read_only=True)
    quantity = serializers.DecimalField(source="commitment.quantity", max_digits=14, decimal_places=3, read_only=True)
    unit = serializers.ChoiceField(source="commitment.request.unit", choices=Unit.choices, read_only=True)
    carrier = OrganisationBriefSerializer(read_only=True)
    checkpoints = CommitmentCheckpointSerializer(many=True, read_only=True)

    class Meta:
        model = Shipment
        fields = [
            "id",
            "kind",
            "commitment",
            "request",
            "supplier",
            "fab",
            "deliver_to",
            "material",
            "category",
            "quantity",
            "unit",
            "carrier",
            "carrier_name",
            "tracking_number",
            "status",
            "un_number",
            "storage_class",
            "picked_up_at",
            "handed_over_at",
            "received_at",
            "checkpoints",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=[("commitment", "commitment")]))
    def get_kind(self, shipment) -> str:
        return "commitment"


class CommitmentShipmentStepSerializer(serializers.Serializer):
    place = serializers.CharField(max_length=120, required=False, allow_blank=True)
    at = serializers.DateTimeField(required=False, help_text=_("When; now if left out."))
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


def _step_schema(description):
    return extend_schema(
        description=description,
        request=CommitmentShipmentStepSerializer,
        parameters=[IF_MATCH_HEADER],
        responses={200: CommitmentShipmentSerializer, 403: None, 404: None, 409: ConflictSerializer, 412: None},
    )


def visible_commitment_shipments(request: Request):
    return selectors.visible_shipments(get_caller(request).actor).prefetch_related("checkpoints")


@extend_schema_view(
    list=extend_schema(
        description=_(
            "A carrier sees the commitment shipments it carries and nothing else; a supplier and a fab their "
            "commitments'; the secretariat all. Dangerous goods keep their UN number and storage class."
        )
    )
)
class CommitmentShipmentViewSet(ListWithOutputMixin, ETagRetrieveMixin, viewsets.GenericViewSet):
    """The movement of a commitment's goods: the carrier records pick-up, checkpoints (place, time, note) and
    hand-over; receipt is confirmed on the commitment (`commitments/{id}/deliver/`)."""

    serializer_class = CommitmentShipmentSerializer
    filterset_class = CommitmentShipmentFilter
    pagination_class = UncountedPagination
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["-created_at", "-pk"]
    permission_classes = [HasScope, CanWriteSupply]
    idempotent_actions = ("pickup", "checkpoint", "handover")
    schema = PortalAutoSchema()

    def get_queryset(self):
        return visible_commitment_shipments(self.request)

    def _step(self, request, kind):
        shipment = self.get_object()
        # A stale If-Match is a 412; the service's conditional UPDATE still guards against a change after it.
        ConditionalUpdateMixin.check_if_match(self, request, shipment)
        body = CommitmentShipmentStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.shipment_record_step(
            shipment=shipment, actor=get_caller(request).actor, kind=kind, **body.validated_data
        )
        shipment = self.get_queryset().get(pk=shipment.pk)
        return Response(self.get_output_serializer(shipment).data, headers={"ETag": self.etag_for(shipment)})

    @_step_schema(_("The carrier has picked the goods up (an accepted commitment is shipped with it)."))
    @action(detail=True, methods=["post"])
    @idempotent
    def pickup(self, request, pk=None):
        return self._step(request, CheckpointKind.PICKUP)

    @_step_schema(_("The carrier passes a checkpoint (place required)."))
    @action(detail=True, methods=["post"])
    @idempotent
    def checkpoint(self, request, pk=None):
        return self._step(request, CheckpointKind.CHECKPOINT)

    @_step_schema(_("The carrier hands the goods over at the fab's site."))
    @action(detail=True, methods=["post"])
    @idempotent
    def handover(self, request, pk=None):
        return self._step(request, CheckpointKind.HANDOVER)
