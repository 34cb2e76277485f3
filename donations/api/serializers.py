"""The shapes of the donations API: what it answers and what it reads."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance_portal.api import (
    OutputSerializer,
)
from members.models import MaterialCategory, Organisation

from .. import selectors
from ..models import Appeal, Pledge, PledgeLine, Shipment, ShipmentCheckpoint


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
    kind = serializers.SerializerMethodField(help_text=_("Always `pledge` (`commitment` for a commitment's shipment)."))
    carrier = DonationPartySerializer(read_only=True)
    donor = DonationPartySerializer(source="pledge.donor", read_only=True)
    beneficiary = serializers.CharField(source="pledge.beneficiary", read_only=True)
    goods = serializers.SerializerMethodField()
    checkpoints = CheckpointSerializer(many=True, read_only=True)

    class Meta:
        model = Shipment
        fields = [
            "id",
            "kind",
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

    @extend_schema_field(serializers.ChoiceField(choices=[("pledge", "pledge")]))
    def get_kind(self, shipment) -> str:
        return "pledge"

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_goods(self, shipment) -> list[str]:
        return [
            f"{line.category.code} {line.quantity.normalize():f} {line.unit}" for line in shipment.pledge.lines.all()
        ]


class ShipmentStepSerializer(serializers.Serializer):
    place = serializers.CharField(max_length=120, required=False, allow_blank=True)
    at = serializers.DateTimeField(required=False, help_text=_("When; now if left out."))
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
