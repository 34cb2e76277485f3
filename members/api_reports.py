"""`status-reports`: members' reports of their situation, one per organisation and date.

An organisation's users and keys see its own reports and nobody else's (another organisation's report is a 404);
the secretariat sees all and may file on a member's behalf (recorded). POST files the report for a date, or
changes the one already filed for it (201 for a new report, 200 for a changed one): a retried or repeated filing
never makes a second report of the day. PUT/PATCH change a report (If-Match honoured). Nothing is deleted.
"""

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.response import Response

from alliance_portal.api import ConditionalUpdateMixin, CreateWithOutputMixin, ListWithOutputMixin, OutputSerializer
from alliance_portal.api_auth import HasScope, get_caller
from alliance_portal.api_schema import PortalAutoSchema
from alliance_portal.filters import UpdatedSinceFilter
from alliance_portal.idempotency import IdempotentCreateMixin, idempotent
from alliance_portal.pagination import UncountedPagination

from .models import MaterialCategory, Organisation, StatusReport
from .models_reports import MAX_STOCK_DAYS
from .selectors_reports import visible_reports
from .services_reports import REPORT_FIELDS, status_report_file


class CanFileReports(permissions.BasePermission):
    """Writes need the admin or member role (or a write key) in an organisation in good standing, or the
    secretariat; on a single record the question waits until the record is found (another's is a 404 first)."""

    message = _("Your role in your organisation is read-only; ask its administrator.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or getattr(view, "detail", False):
            return True
        return get_caller(request).can_write

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or get_caller(request).can_write


class StockLevelSerializer(serializers.Serializer):
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=MaterialCategory.objects.filter(group=MaterialCategory.Group.MATERIAL),
        help_text=_("IC material category code"),
    )
    days = serializers.IntegerField(min_value=0, max_value=MAX_STOCK_DAYS, help_text=_("Days of stock left"))


class StockLevelOutSerializer(OutputSerializer):
    category = serializers.CharField(help_text=_("IC material category code"))
    days = serializers.IntegerField()


class DifficultySerializer(OutputSerializer):
    type = serializers.CharField()
    # DRF's serializer metaclass takes declared fields off the class, so this `label` does not replace Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    text = serializers.CharField()
    needs_help = serializers.BooleanField()


class StatusReportSerializer(serializers.ModelSerializer):
    organization: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        source="organisation", slug_field="slug", read_only=True
    )
    stock = serializers.SerializerMethodField(help_text=_("Days of stock per IC material category (fabs)."))
    difficulties = serializers.SerializerMethodField()
    resumption_percent = serializers.IntegerField(
        read_only=True, help_text=_("Staff back at work, as a percentage of the total.")
    )
    filed_by = serializers.SerializerMethodField(help_text=_("The person, or the API key, who last filed it."))

    class Meta:
        model = StatusReport
        fields = [
            "id",
            "organization",
            "report_date",
            *REPORT_FIELDS,
            "resumption_percent",
            "stock",
            "difficulties",
            "on_behalf",
            "filed_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(StockLevelOutSerializer(many=True))
    def get_stock(self, obj) -> list[dict]:
        return [{"category": level.category.code, "days": level.days} for level in obj.stock_levels.all()]

    @extend_schema_field(DifficultySerializer(many=True))
    def get_difficulties(self, obj) -> list[dict]:
        return [
            {"type": kind, "label": label, "text": text, "needs_help": needs_help}
            for kind, label, text, needs_help in obj.difficulties()
        ]

    def get_filed_by(self, obj) -> str | None:
        if obj.filed_by is not None:
            return obj.filed_by.get_full_name() or obj.filed_by.get_username()
        if obj.filed_by_key_id is not None:
            return str(_("API key"))
        return None


class StatusReportWriteSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(
        source="organisation",
        slug_field="slug",
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Short name of the organisation; leave it out to file for your own (the secretariat names it)."),
        error_messages={"does_not_exist": _("Unknown organisation, or one you cannot file reports for.")},
    )
    stock = StockLevelSerializer(
        many=True, required=False, help_text=_("Days of stock per IC material category; fabs only.")
    )

    class Meta:
        model = StatusReport
        fields = ["organization", "report_date", *REPORT_FIELDS, "stock"]
        # One report per organisation and date is the service's to keep: it changes the day's report instead.
        validators: list[Any] = []

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            caller = get_caller(request)
            fields["organization"].queryset = (
                Organisation.objects.all()
                if caller.is_staff
                else Organisation.objects.filter(pk=caller.organisation_id)
            )
        if self.instance is not None:
            # A report is of one organisation and date: another date is another report (POST it).
            fields.pop("organization")
            fields["report_date"].read_only = True
        return fields

    def validate_stock(self, value):
        categories = [row["category"].pk for row in value]
        if len(categories) != len(set(categories)):
            raise serializers.ValidationError(_("Each category once."))
        return value

    def validate(self, attrs):
        if self.instance is None and attrs.get("organisation") is None:
            caller = get_caller(self.context["request"])
            if caller.is_staff or caller.organisation is None:
                raise serializers.ValidationError({"organization": [_("This field is required.")]})
            attrs["organisation"] = caller.organisation
        return attrs


class StatusReportFilter(django_filters.FilterSet):
    organization = django_filters.CharFilter(field_name="organisation__slug", label=_("Short name (slug)"))
    date_from = django_filters.DateFilter(field_name="report_date", lookup_expr="gte", label=_("From this date"))
    date_to = django_filters.DateFilter(field_name="report_date", lookup_expr="lte", label=_("Up to this date"))
    needs_help = django_filters.BooleanFilter(method="filter_needs_help", label=_("Asks the secretariat's help"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = StatusReport
        fields: list[str] = []

    def filter_needs_help(self, queryset, name, value):
        helped = queryset.needing_help().values("pk")
        return queryset.filter(pk__in=helped) if value else queryset.exclude(pk__in=helped)


def _stock_dict(rows):
    return None if rows is None else {row["category"].pk: row["days"] for row in rows}


@extend_schema_view(
    list=extend_schema(
        description=_("Your organisation's reports, latest first (the secretariat sees every member's).")
    ),
    create=extend_schema(
        description=_(
            "Files the report for a date, or changes the one already filed for that date (201 new, 200 changed). "
            "Admins, members and write keys of an organisation in good standing; the secretariat on a member's "
            "behalf (`organization`)."
        ),
        responses={201: StatusReportSerializer, 200: StatusReportSerializer},
    ),
    update=extend_schema(description=_("Changes a report; its history keeps the earlier figures.")),
    partial_update=extend_schema(description=_("Changes a report; its history keeps the earlier figures.")),
)
class StatusReportViewSet(
    IdempotentCreateMixin, CreateWithOutputMixin, ListWithOutputMixin, ConditionalUpdateMixin, viewsets.GenericViewSet
):
    """Members' status reports: staff back at work, people in observation, fever cases, checks done, capacity in
    use, days of stock (fabs) and difficulties. A member never sees another member's report."""

    serializer_class = StatusReportSerializer
    write_serializer_class = StatusReportWriteSerializer
    filterset_class = StatusReportFilter
    pagination_class = UncountedPagination
    ordering_fields = ["report_date", "updated_at"]
    ordering = ["-report_date", "pk"]
    permission_classes = [HasScope, CanFileReports]
    schema = PortalAutoSchema()

    def get_queryset(self):
        return visible_reports(get_caller(self.request).actor)

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        report, created = status_report_file(
            actor=get_caller(request).actor,
            organisation=fields.pop("organisation"),
            report_date=fields.pop("report_date"),
            stock=_stock_dict(fields.pop("stock", None)),
            **fields,
        )
        report = self.get_queryset().get(pk=report.pk)
        return Response(
            self.get_output_serializer(report).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def perform_update(self, serializer):
        report = serializer.instance
        fields = dict(serializer.validated_data)
        fields.pop("report_date", None)
        current = {name: getattr(report, name) for name in REPORT_FIELDS}
        serializer.instance, _created = status_report_file(
            actor=get_caller(self.request).actor,
            organisation=report.organisation,
            report_date=report.report_date,
            stock=_stock_dict(fields.pop("stock", None)),
            **{**current, **fields},
        )

    def get_updated_instance(self, instance):
        return self.get_queryset().get(pk=instance.pk)
