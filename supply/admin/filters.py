"""List filters of the supply admin. Open and stale are the models' own rules (SupplyRequestQuerySet.open / stale,
SupplierCapacityQuerySet.stale), never a copy."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from members.models import MaterialCategory, RiskLevel, Site
from members.regions import Province

from ..models import SupplyRequest

S = SupplyRequest.Status


class QueueStatusFilter(admin.SimpleListFilter):
    """The queue by default: submitted and approved requests; any status, or all, on request."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*S.choices, ("all", _("All statuses"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Open (the queue)"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset.open()
        if value in S.values:
            return queryset.filter(status=value)
        return queryset


class StaleFilter(admin.SimpleListFilter):
    title = _("freshness")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", _("Stale (not re-confirmed)")), ("no", _("Fresh"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.stale()
        if self.value() == "no":
            return queryset.not_stale()
        return queryset


class MaterialCategoryFilter(admin.RelatedFieldListFilter):
    """IC materials only: emergency goods are donations, never supply requests."""

    def field_choices(self, field, request, model_admin):
        return field.get_choices(
            include_blank=False,
            limit_choices_to={"group": MaterialCategory.Group.MATERIAL},
            ordering=self.field_admin_ordering(field, request, model_admin),
        )


class DeliveryProvinceFilter(admin.SimpleListFilter):
    """Provinces that have a site, not all 35: the list stays short (one look at the small site table)."""

    title = _("province of the delivery site")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        present = set(Site.objects.order_by().values_list("province", flat=True).distinct())
        return [(value, label) for value, label in Province.choices if value in present]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(site__province=self.value())
        return queryset


class RiskLevelFilter(admin.SimpleListFilter):
    """The delivery city's risk level in force now (unlisted cities are low risk)."""

    title = _("risk level of the delivery city")
    parameter_name = "risk"

    def lookups(self, request, model_admin):
        return RiskLevel.choices

    def queryset(self, request, queryset):
        if self.value() in RiskLevel.values:
            return queryset.filter(site__risk_level=self.value())  # as the site keeps it (members.risk)
        return queryset


class CapacityFreshnessFilter(admin.SimpleListFilter):
    title = _("freshness")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", _("Stale")), ("no", _("Fresh"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.stale()
        if self.value() == "no":
            return queryset.fresh()
        return queryset
