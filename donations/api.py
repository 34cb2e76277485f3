"""`appeals`, `pledges` and `shipments` of the partner API, on the shared bases (alliance_portal.api): uncounted
pages, filters with `updated_since`, ETags (and If-Match on the actions), Idempotency-Key on every POST.

Who sees what: appeals (open and closed) every signed-in caller, drafts the secretariat; pledges and shipments as
donations.selectors.visible_pledges / visible_shipments say (a record the caller is no party to is a 404; a carrier
sees only what it carries). Writes: a read key or a viewer is a 403 before anything is looked at; then the service
checks the caller's right on the record (403) before its state (409).
"""

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from alliance_portal.api import (
    ConditionalUpdateMixin,
    CreateWithOutputMixin,
    ETagRetrieveMixin,
    ListWithOutputMixin,
    OutputSerializer,
)
from alliance_portal.api_auth import HasScope, get_caller
from alliance_portal.api_schema import IF_MATCH_HEADER, PortalAutoSchema
from alliance_portal.filters import UpdatedSinceFilter
from alliance_portal.idempotency import IdempotentCreateMixin, idempotent
from alliance_portal.pagination import UncountedPagination
from alliance_portal.shipping import CheckpointKind
from members.models import MaterialCategory, Organisation

from . import selectors, services
from .models import Appeal, Pledge, PledgeLine, Shipment, ShipmentCheckpoint


class CanWrite(permissions.BasePermission):
    """Writes need the admin or member role (or a write key) in an organisation in good standing, or the
    secretariat. Asked before the record is read, so a viewer's 403 says nothing about the record's state."""

    message = _("Your role in your organisation is read-only; ask its administrator.")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or get_caller(request).can_write


def _actor(request):
    return get_caller(request).actor


# --- serializers --------------------------------------------------------------------------------------------------


class DonationPartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["slug", "name_zh", "name_en"]
        read_only_fields = fields


class ProgressSerializer(serializers.Serializer):
    target = serializers.DecimalField(max_digits=20, decimal_places=3, allow_null=True)
    pledged = serializers.DecimalField(max_digits=20, decimal_places=3)
    dispatched = serializers.DecimalField(max_digits=20, decimal_places=3)
    delivered = serializers.DecimalField(max_digits=20, decimal_places=3)


class AppealSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField(help_text=_("Each item's target and progress."))
    money = serializers.SerializerMethodField(help_text=_("The money target (CNY) and progress."))

    class Meta:
        model = Appeal
        fields = [
            "id",
            "title_zh",
            "title_en",
            "description_zh",
            "description_en",
            "beneficiary_name",
            "beneficiary_city",
            "money_target_cny",
            "deadline",
            "status",
            "opened_at",
            "items",
            "money",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _progress(self, appeal):
        # A list computes every appeal's progress at once (two grouped queries), a single record its own.
        cache = self.context.setdefault("appeals_progress", {})
        if appeal.pk not in cache:
            parent = self.parent
            instances = parent.instance if isinstance(parent, serializers.ListSerializer) else [appeal]
            cache.update(selectors.appeals_progress(instances))
        return cache[appeal.pk]

    @extend_schema_field(
        serializers.ListField(
            child=serializers.DictField(),
            help_text=_("category (code), unit, specification, target, pledged, dispatched, delivered"),
        )
    )
    def get_items(self, appeal) -> list:
        return [
            {
                "category": item.category.code,
                "unit": item.unit,
                "specification": item.specification,
                **ProgressSerializer(progress).data,
            }
            for item, progress in self._progress(appeal)[0]
        ]

    @extend_schema_field(ProgressSerializer)
    def get_money(self, appeal) -> dict:
        return ProgressSerializer(self._progress(appeal)[1]).data


class PledgeLineSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=MaterialCategory.objects.filter(group=MaterialCategory.Group.EMERGENCY),
        help_text=_("Code of an emergency-goods category, e.g. medical-mask."),
    )

    class Meta:
        model = PledgeLine
        fields = ["id", "category", "specification", "quantity", "unit", "estimated_value_cny", "delivered_quantity"]
        read_only_fields = ["id", "delivered_quantity"]


class ShipmentBriefSerializer(serializers.ModelSerializer):
    carrier = DonationPartySerializer(read_only=True)

    class Meta:
        model = Shipment
        fields = ["id", "carrier", "carrier_name", "tracking_number", "status", "un_number", "storage_class"]
        read_only_fields = fields


class PledgeSerializer(serializers.ModelSerializer):
    donor = DonationPartySerializer(read_only=True)
    lines = PledgeLineSerializer(many=True, read_only=True)
    shipment = serializers.SerializerMethodField()

    class Meta:
        model = Pledge
        fields = [
            "id",
            "donor",
            "appeal",
            "beneficiary_name",
            "kind",
            "amount",
            "currency",
            "exchange_rate",
            "amount_cny",
            "received_cny",
            "lines",
            "channel",
            "origin_country",
            "supplier_name",
            "customs_status",
            "customs_date",
            "named_publicly",
            "promised_date",
            "note",
            "status",
            "reason",
            "confirmed_at",
            "dispatched_at",
            "delivered_at",
            "acknowledged_at",
            "cancelled_at",
            "certificate_number",
            "shipment",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ShipmentBriefSerializer(allow_null=True))
    def get_shipment(self, pledge):
        shipment = getattr(pledge, "shipment", None) if not pledge.is_money else None
        return ShipmentBriefSerializer(shipment).data if shipment is not None else None


class PledgeWriteSerializer(serializers.ModelSerializer):
    donor = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("The secretariat names the donor; a member's pledge is its own organisation's."),
    )
    appeal = serializers.PrimaryKeyRelatedField(
        queryset=Appeal.objects.exclude(status=Appeal.Status.DRAFT), required=False, allow_null=True
    )
    lines = PledgeLineSerializer(many=True, required=False)
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", max_length=3, default="CNY")

    class Meta:
        model = Pledge
        fields = [
            "donor",
            "appeal",
            "beneficiary_name",
            "kind",
            "amount",
            "currency",
            "exchange_rate",
            "lines",
            "channel",
            "origin_country",
            "supplier_name",
            "customs_status",
            "customs_date",
            "named_publicly",
            "promised_date",
            "note",
        ]

    def validate(self, attrs):
        # The service validates the pledge as a whole (with its lines); the model's own clean would not see them.
        return attrs


class PledgeReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class PledgeDispatchSerializer(serializers.Serializer):
    carrier = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.filter(kind=Organisation.Kind.LOGISTICS),
        required=False,
        allow_null=True,
        help_text=_("Short name of the logistics member carrying the goods."),
    )
    carrier_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    tracking_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    un_number = serializers.RegexField(r"^UN\d{4}$", max_length=6, required=False, allow_blank=True)
    storage_class = serializers.CharField(max_length=60, required=False, allow_blank=True)


class PledgeDeliverLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text=_("Id of the pledge line."))
    received_quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)


class PledgeDeliverSerializer(serializers.Serializer):
    lines = PledgeDeliverLineSerializer(
        many=True, required=False, help_text=_("Quantities received; a line left out arrived in full.")
    )
    received_cny = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PledgeCustomsSerializer(serializers.Serializer):
    customs_status = serializers.ChoiceField(choices=Pledge.Customs.choices)
    customs_date = serializers.DateField(required=False, allow_null=True)


class DonationConflictSerializer(OutputSerializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text=_("transition_not_allowed, appeal_not_open, not_international, ..."))
    status = serializers.CharField(required=False, help_text=_("The record's current status."))


class CheckpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShipmentCheckpoint
        fields = ["kind", "place", "at", "note", "recorded_at"]
        read_only_fields = fields


class ShipmentSerializer(serializers.ModelSerializer):
    carrier = DonationPartySerializer(read_only=True)
    donor = DonationPartySerializer(source="pledge.donor", read_only=True)
    beneficiary = serializers.CharField(source="pledge.beneficiary", read_only=True)
    goods = serializers.SerializerMethodField()
    checkpoints = CheckpointSerializer(many=True, read_only=True)

    class Meta:
        model = Shipment
        fields = [
            "id",
            "pledge",
            "donor",
            "beneficiary",
            "carrier",
            "carrier_name",
            "tracking_number",
            "status",
            "un_number",
            "storage_class",
            "goods",
            "picked_up_at",
            "handed_over_at",
            "received_at",
            "checkpoints",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_goods(self, shipment) -> list[str]:
        return [
            f"{line.category.code} {line.quantity.normalize():f} {line.unit}" for line in shipment.pledge.lines.all()
        ]


class ShipmentStepSerializer(serializers.Serializer):
    place = serializers.CharField(max_length=120, required=False, allow_blank=True)
    at = serializers.DateTimeField(required=False, help_text=_("When; now if left out."))
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


# --- filters --------------------------------------------------------------------------------------------------------


class AppealFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Appeal.Status.choices)
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Appeal
        fields: list[str] = []


class PledgeFilter(django_filters.FilterSet):
    appeal = django_filters.NumberFilter(field_name="appeal_id", label=_("Appeal id"))
    status = django_filters.ChoiceFilter(choices=Pledge.Status.choices)
    donor = django_filters.CharFilter(field_name="donor__slug", label=_("Short name (slug) of the donor"))
    carrier = django_filters.CharFilter(field_name="shipment__carrier__slug", label=_("Short name of the carrier"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Past the promised date, not dispatched"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Pledge
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        overdue = Pledge.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


class ShipmentFilter(django_filters.FilterSet):
    appeal = django_filters.NumberFilter(field_name="pledge__appeal_id", label=_("Appeal id"))
    status = django_filters.ChoiceFilter(choices=Shipment._meta.get_field("status").choices)
    donor = django_filters.CharFilter(field_name="pledge__donor__slug", label=_("Short name (slug) of the donor"))
    carrier = django_filters.CharFilter(field_name="carrier__slug", label=_("Short name of the carrier"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Shipment
        fields: list[str] = []


# --- views ----------------------------------------------------------------------------------------------------------


def _action_schema(description, body=None, answer=None):
    return extend_schema(
        description=description,
        request=body,
        parameters=[IF_MATCH_HEADER],
        responses={200: answer, 403: None, 404: None, 409: DonationConflictSerializer, 412: None},
    )


class ActionMixin(ETagRetrieveMixin):
    """A transition: the caller's right (permissions, then the service), If-Match, then the service's state check.

    No PUT/PATCH: records change only through their actions (which call the services)."""

    def _target(self):
        instance = self.get_object()
        # A stale If-Match is a 412; the service's conditional UPDATE still guards against a change after this check.
        ConditionalUpdateMixin.check_if_match(self, self.request, instance)
        return instance

    def _answer(self, instance):
        instance = self.get_queryset().get(pk=instance.pk)
        return Response(self.get_output_serializer(instance).data, headers={"ETag": self.etag_for(instance)})

    def _body(self, request: Request, body_class: type[serializers.BaseSerializer[Any]]) -> dict[str, Any]:
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data


@extend_schema_view(
    list=extend_schema(description=_("Open and closed appeals with their progress; drafts for the secretariat.")),
)
class AppealViewSet(ListWithOutputMixin, ActionMixin, viewsets.GenericViewSet):
    """The secretariat's donation appeals: items with target quantities, an optional money target in CNY, a
    deadline; progress per item and for money (pledged, dispatched, delivered)."""

    serializer_class = AppealSerializer
    filterset_class = AppealFilter
    pagination_class = UncountedPagination
    ordering_fields = ["deadline", "updated_at", "created_at"]
    ordering = ["-deadline", "-pk"]
    permission_classes = [HasScope, CanWrite]
    idempotent_actions = ("open", "close")
    schema = PortalAutoSchema()

    def get_queryset(self):
        appeals = Appeal.objects.all()
        return appeals if get_caller(self.request).is_staff else appeals.exclude(status=Appeal.Status.DRAFT)

    @_action_schema(_("The secretariat opens a draft appeal: every member hears of it."), answer=AppealSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def open(self, request, pk=None):
        appeal = self._target()
        return self._answer(services.appeal_open(appeal=appeal, actor=_actor(request)))

    @_action_schema(_("The secretariat closes an open appeal."), answer=AppealSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def close(self, request, pk=None):
        appeal = self._target()
        return self._answer(services.appeal_close(appeal=appeal, actor=_actor(request)))


@extend_schema_view(
    list=extend_schema(
        description=_(
            "The secretariat sees every pledge; a member its own, those to appeals it benefits from, and those it "
            "carries. Filters: appeal, status, donor, carrier, overdue, updated_since."
        )
    ),
    create=extend_schema(
        description=_(
            "A member pledges money (amount, currency, and the rate to CNY for another currency) or goods (lines of "
            "emergency goods), to an appeal or to a named beneficiary. Admins, members and write keys."
        ),
        responses={201: PledgeSerializer, 400: None, 403: None, 409: DonationConflictSerializer},
    ),
)
class PledgeViewSet(
    IdempotentCreateMixin, CreateWithOutputMixin, ListWithOutputMixin, ActionMixin, viewsets.GenericViewSet
):
    """Pledges through their lifecycle: pledged → confirmed (secretariat) → dispatched → delivered (quantities
    received, maybe partial; the secretariat or the beneficiary) → acknowledged (certificate); or cancelled, with a
    reason, before delivery. Each step is an action; a step the status does not allow is a 409 and changes nothing."""

    serializer_class = PledgeSerializer
    write_serializer_class = PledgeWriteSerializer
    filterset_class = PledgeFilter
    pagination_class = UncountedPagination
    ordering_fields = ["created_at", "updated_at", "promised_date"]
    ordering = ["-created_at", "-pk"]
    permission_classes = [HasScope, CanWrite]
    idempotent_actions = ("create", "confirm", "dispatch_pledge", "deliver", "acknowledge", "cancel", "customs")
    schema = PortalAutoSchema()

    def get_queryset(self):
        return selectors.visible_pledges(_actor(self.request)).prefetch_related("lines__category")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        actor = _actor(self.request)
        donor = data.pop("donor", None) if actor.is_secretariat else actor.organisation
        if donor is None:
            raise serializers.ValidationError({"donor": [_("Name the donor.")]})
        lines = [services.LineInput(**line) for line in data.pop("lines", [])]
        serializer.instance = services.pledge_create(actor=actor, donor=donor, lines=lines, **data)

    def get_created_instance(self, instance):
        return self.get_queryset().get(pk=instance.pk)

    @_action_schema(_("The secretariat confirms a pledge."), answer=PledgeSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def confirm(self, request, pk=None):
        pledge = self._target()
        return self._answer(services.pledge_confirm(pledge=pledge, actor=_actor(request)))

    @_action_schema(
        _("The donor or the secretariat records dispatch, with the carrier."),
        PledgeDispatchSerializer,
        PledgeSerializer,
    )
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    @idempotent
    def dispatch_pledge(self, request, pk=None):
        pledge = self._target()
        body = self._body(request, PledgeDispatchSerializer)
        return self._answer(services.pledge_dispatch(pledge=pledge, actor=_actor(request), **body))

    @_action_schema(
        _("The secretariat or the beneficiary confirms receipt, with the quantities received."),
        PledgeDeliverSerializer,
        PledgeSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def deliver(self, request, pk=None):
        pledge = self._target()
        body = self._body(request, PledgeDeliverSerializer)
        received = {row["line"]: row["received_quantity"] for row in body.get("lines", [])}
        return self._answer(
            services.pledge_deliver(
                pledge=pledge,
                actor=_actor(request),
                received=received,
                received_cny=body.get("received_cny"),
                note=body.get("note", ""),
            )
        )

    @_action_schema(
        _("The secretariat acknowledges a delivered pledge: the certificate is issued."), answer=PledgeSerializer
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def acknowledge(self, request, pk=None):
        pledge = self._target()
        return self._answer(services.pledge_acknowledge(pledge=pledge, actor=_actor(request)))

    @_action_schema(
        _("The donor or the secretariat cancels before delivery, saying why."), PledgeReasonSerializer, PledgeSerializer
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request, pk=None):
        pledge = self._target()
        reason = self._body(request, PledgeReasonSerializer)["reason"]
        return self._answer(services.pledge_cancel(pledge=pledge, actor=_actor(request), reason=reason))

    @_action_schema(_("The customs status of an international purchase."), PledgeCustomsSerializer, PledgeSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def customs(self, request, pk=None):
        pledge = self._target()
        body = self._body(request, PledgeCustomsSerializer)
        return self._answer(
            services.pledge_update_customs(
                pledge=pledge,
                actor=_actor(request),
                customs_status=body["customs_status"],
                customs_date=body.get("customs_date"),
            )
        )


@extend_schema_view(
    list=extend_schema(
        description=_(
            "A carrier sees the shipments it carries and nothing else; a donor and a beneficiary their pledges'; "
            "the secretariat all. Dangerous goods keep their UN number and storage class."
        )
    )
)
class ShipmentViewSet(ListWithOutputMixin, ActionMixin, viewsets.GenericViewSet):
    """The movement of a pledge's goods: the carrier records pick-up, checkpoints (place, time, note) and
    hand-over; receipt is confirmed on the pledge (`pledges/{id}/deliver/`)."""

    serializer_class = ShipmentSerializer
    filterset_class = ShipmentFilter
    pagination_class = UncountedPagination
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["-created_at", "-pk"]
    permission_classes = [HasScope, CanWrite]
    idempotent_actions = ("pickup", "checkpoint", "handover")
    schema = PortalAutoSchema()

    def get_queryset(self):
        return selectors.visible_shipments(_actor(self.request)).prefetch_related(
            "checkpoints", "pledge__lines__category"
        )

    def _step(self, request, kind: str):
        shipment = self._target()
        services.shipment_record_step(
            shipment=shipment, actor=_actor(request), kind=kind, **self._body(request, ShipmentStepSerializer)
        )
        return self._answer(shipment)

    @_action_schema(_("The carrier has picked the goods up."), ShipmentStepSerializer, ShipmentSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def pickup(self, request, pk=None):
        return self._step(request, CheckpointKind.PICKUP)

    @_action_schema(_("The carrier passes a checkpoint (place required)."), ShipmentStepSerializer, ShipmentSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def checkpoint(self, request, pk=None):
        return self._step(request, CheckpointKind.CHECKPOINT)

    @_action_schema(
        _("The carrier hands the goods over to the beneficiary."), ShipmentStepSerializer, ShipmentSerializer
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def handover(self, request, pk=None):
        return self._step(request, CheckpointKind.HANDOVER)
