"""Admin of status reports and of the members that have not reported.

A report is saved through `status_report_file` (the same rules, the signal that opens assistance cases, the
secretariat recorded as filing on the member's behalf); its form names the same fields with the same words as the
web form and the API, since the rules are the model's `clean()`.
"""

from django.contrib import admin
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from alliance_portal.admin_tools import (
    HistoryAdmin,
    ModelAdmin,
    QueueCountMixin,
    ReadOnlyAdminMixin,
    TabularInline,
    admin_actor,
)

from ..models import NonReportingOrganisation, StatusReport, StockLevel
from ..selectors_reports import organisations_missing_reports
from ..services_reports import REPORT_FIELDS, status_report_file


class StockLevelInline(TabularInline):
    model = StockLevel
    extra = 0
    can_delete = False
    fields = ("category", "days")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class NeedsHelpFilter(admin.SimpleListFilter):
    title = _("needs the secretariat's help")
    parameter_name = "needs_help"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        helped = StatusReport.objects.needing_help().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=helped)
        if self.value() == "no":
            return queryset.exclude(pk__in=helped)
        return queryset


@admin.register(StatusReport)
class StatusReportAdmin(QueueCountMixin, HistoryAdmin):
    list_display = (
        "report_date",
        "organisation",
        "staff_returned",
        "staff_total",
        "resumption",
        "in_observation",
        "fever_cases",
        "capacity_percent",
        "on_behalf",
    )
    list_filter = ("report_date", NeedsHelpFilter, "organisation__kind", "on_behalf")
    list_select_related = ("organisation",)
    search_fields = ("organisation__name_zh", "organisation__name_en", "organisation__slug")
    date_hierarchy = "report_date"
    autocomplete_fields = ("organisation",)
    inlines = (StockLevelInline,)
    readonly_fields = ("filed_by", "filed_by_key", "on_behalf", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("organisation", "report_date")}),
        (
            _("People"),
            {
                "fields": (
                    ("staff_total", "staff_returned"),
                    ("returned_from_high_risk", "in_observation"),
                    "fever_cases",
                    ("temperature_checks", "disinfection_done"),
                    "capacity_percent",
                )
            },
        ),
        (
            _("Difficulties"),
            {
                "fields": tuple(
                    (f"{kind}_difficulty", f"{kind}_needs_help")
                    for kind in ("logistics", "staffing", "raw_materials", "permits", "other")
                )
            },
        ),
        (_("Filed"), {"fields": ("filed_by", "filed_by_key", "on_behalf", "created_at", "updated_at")}),
    )

    def has_delete_permission(self, request, obj=None):
        return False  # a report is corrected, never removed

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # A report is of one organisation and date; another date is another report.
        return (*fields, "organisation", "report_date") if obj is not None else fields

    @admin.display(description=_("back at work (%)"))
    def resumption(self, obj):
        return f"{obj.resumption_percent}%"

    def save_model(self, request, obj, form, change):
        saved, _created = status_report_file(
            actor=admin_actor(request),
            organisation=obj.organisation,
            report_date=obj.report_date,
            **{name: getattr(obj, name) for name in REPORT_FIELDS},
        )
        obj.pk = saved.pk
        obj._state.adding = False


@admin.register(NonReportingOrganisation)
class NonReportingOrganisationAdmin(ReadOnlyAdminMixin, ModelAdmin):
    """Read-only: who has not reported for the current period, longest silent first."""

    list_display = ("name_zh", "name_en", "kind", "province", "city", "last_report")
    list_filter = ("kind", "province")
    search_fields = ("name_zh", "name_en", "slug")
    list_display_links = None

    def get_queryset(self, request):
        missing_ids = organisations_missing_reports().values("pk")
        return (
            NonReportingOrganisation.objects.filter(pk__in=missing_ids)
            .annotate(last_report_date=Max("status_reports__report_date"))
            .order_by("last_report_date", "name_en")
        )

    @admin.display(description=_("last report"), ordering="last_report_date")
    def last_report(self, obj):
        return obj.last_report_date or _("never")
