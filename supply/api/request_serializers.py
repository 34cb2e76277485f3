"""Serializers of `supply-requests`: the output (a private part only for the fab and the secretariat), the input of a
new request or a draft's edit, the override, the workflow history, the suggested suppliers."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance_portal.api import OutputSerializer
from alliance_portal.api_auth import get_caller
from alliance_portal.flat import per_request
from members.models import MaterialCategory, RiskLevel, Site

from .. import priority, services
from ..models import RequestTransition, SupplyRequest
from .access import OrganisationBriefSerializer, SiteBriefSerializer, sees_private_part

S = SupplyRequest.Status
FILL_STATES = [
    ("nothing", _("Nothing")),
    ("partial", _("Partly")),
    ("complete", _("Completely")),
]
PRIVATE_REQUEST_FIELDS = ["justification", "override_reason"]


class PriorityPartSerializer(OutputSerializer):
    factor = serializers.CharField(help_text=_("risk, guarantee, stock, urgency, needed_by or waiting"))
    value = serializers.JSONField(help_text=_("The input the points come from: a risk level, a number of days, ..."))
    points = serializers.IntegerField()
    # DRF's serializer metaclass takes declared fields off the class, so this `label` does not replace Field.label.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text=_("The part in words, in the language asked for (Accept-Language).")
    )


class SupplyRequestSerializer(serializers.ModelSerializer):
    """A supply request. `justification` and `override_reason` are only there for the requesting fab and the
    secretariat."""

    organization = OrganisationBriefSerializer(source="organisation", read_only=True)
    site = SiteBriefSerializer(read_only=True)
    category: serializers.SlugRelatedField[MaterialCategory] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("Material category code")
    )
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

    # Each part is put in words once per language for the process (priority.describe_part_kept), and each row's
    # parts once for both fields.
    def _descriptions(self, obj) -> list[str]:
        cached = obj.__dict__.get("_api_part_descriptions")
        if cached is None:
            cached = obj.__dict__["_api_part_descriptions"] = [
                priority.describe_part_kept(part) for part in obj.priority_parts
            ]
        return cached

    def get_priority_explanation(self, obj) -> str:
        return per_request(self, "explain", priority.explainer)(self._descriptions(obj))

    @extend_schema_field(PriorityPartSerializer(many=True))
    def get_priority_parts(self, obj) -> list[dict]:
        # describe_part() says "high-risk area +40"; the points have their own field.
        return [
            {
                "factor": part["factor"],
                "value": part["value"],
                "points": part["points"],
                "label": text.rpartition(" ")[0],
            }
            for part, text in zip(obj.priority_parts, self._descriptions(obj), strict=True)
        ]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=S.choices)))
    def get_allowed_transitions(self, obj) -> list[str]:
        # The same for every request of one status and one fab, for this caller.
        allowed = per_request(self, "transitions", dict)
        key = (obj.status, obj.organisation_id)
        if key not in allowed:
            allowed[key] = services.allowed_transitions(obj, self._caller().actor)
        return list(allowed[key])

    def to_representation(self, instance):
        return self.flat_row(instance, super().to_representation(instance))

    def flat_row(self, instance, data: dict) -> dict:
        """A row finished for the caller (alliance_portal.flat): the private part only for the fab and the
        secretariat."""
        if not sees_private_part(self._caller(), instance):
            for name in PRIVATE_REQUEST_FIELDS:
                data.pop(name, None)
        return data

    def _caller(self):
        return per_request(self, "caller", lambda: get_caller(self.context["request"]))


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
        request = self.context.get("request")
        if request is not None:
            # Only one's own sites can be named, so nothing is learnt about other organisations' sites.
            fields["site"].queryset = Site.objects.filter(organisation_id=get_caller(request).organisation_id)
        return fields


class SupplyRequestUpdateSerializer(SupplyRequestWriteSerializer):
    """An edit of a draft: the same fields, without `submit`. A draft is submitted with its own action
    (POST …/submit/), so an edit cannot skip the checks of submitting; `submit` in an edit is a 400, not ignored."""

    submit = None  # type: ignore[assignment]  # DRF drops a parent's declared field set to None

    class Meta(SupplyRequestWriteSerializer.Meta):
        fields = list(services.REQUEST_FIELDS)

    def validate(self, attrs):
        if "submit" in self.initial_data:
            raise serializers.ValidationError(
                {"submit": _("A draft is submitted with its own action (POST …/submit/), not by editing it.")}
            )
        return super().validate(attrs)


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


class SuggestedSupplierSerializer(OutputSerializer):
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
