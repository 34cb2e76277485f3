"""What suppliers can ship, and which fabs qualified which supplier. The secretariat records both through
supply.services (capacity_save, qualification_add), as the suppliers' and fabs' own pages do."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from alliance_portal.admin_tools import HistoryAdmin, ServiceRefusalsAsMessagesMixin, admin_actor
from members.models import Organisation

from .. import services
from ..models import Qualification, SupplierCapacity
from .common import amount
from .filters import CapacityFreshnessFilter, MaterialCategoryFilter


def _suppliers():
    return Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER)


def _adopt(obj, saved) -> None:
    """The admin's object becomes the row the service saved, so the log entry and the redirect point at it."""
    for field in type(saved)._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


@admin.register(SupplierCapacity)
class SupplierCapacityAdmin(ServiceRefusalsAsMessagesMixin, HistoryAdmin):
    """The secretariat records what a supplier told it (by phone, say) through capacity_save, as the supplier's
    own page does; saving confirms the figures as of now, so "last confirmed" is not typed in."""

    list_display = ("supplier", "category", "weekly", "lead_time_days", "confirmed_at", "stale")
    list_filter = (
        CapacityFreshnessFilter,
        ("category", MaterialCategoryFilter),
        ("supplier__province", admin.ChoicesFieldListFilter),
    )
    list_select_related = ("supplier", "category")
    search_fields = ("supplier__name_zh", "supplier__name_en", "supplier__slug", "notes")
    autocomplete_fields = ("supplier", "category")
    ordering = ("supplier__name_en", "category__sort_order")
    fields = ("supplier", "category", ("quantity_per_week", "unit"), "lead_time_days", "notes", "confirmed_at")
    readonly_fields = ("confirmed_at",)

    def get_readonly_fields(self, request, obj=None):
        # One row per supplier and category: another pair is another row, added as such.
        return ("supplier", "category", "confirmed_at") if obj is not None else ("confirmed_at",)

    def save_model(self, request, obj, form, change):
        saved = services.capacity_save(
            actor=admin_actor(request),
            supplier=obj.supplier,
            category=obj.category,
            quantity_per_week=obj.quantity_per_week,
            unit=obj.unit,
            lead_time_days=obj.lead_time_days,
            notes=obj.notes,
        )
        _adopt(obj, saved)

    @admin.display(description=_("per week"), ordering="quantity_per_week")
    def weekly(self, obj):
        return amount(obj.quantity_per_week, obj.unit)

    @admin.display(description=_("stale"), boolean=True)
    def stale(self, obj):
        return obj.is_stale

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "supplier":
            kwargs["queryset"] = _suppliers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class QualificationAdminForm(forms.ModelForm):
    class Meta:
        model = Qualification
        fields = ("fab", "supplier", "category", "qualified_on", "note")

    def clean(self):
        cleaned_data = super().clean()
        fab, supplier = cleaned_data.get("fab"), cleaned_data.get("supplier")
        if fab is not None and fab.kind != Organisation.Kind.FAB:
            self.add_error("fab", gettext("Only a fab qualifies suppliers."))
        if supplier is not None and supplier.kind != Organisation.Kind.SUPPLIER:
            self.add_error("supplier", gettext("Only a materials supplier can be qualified."))
        return cleaned_data


@admin.register(Qualification)
class QualificationAdmin(ServiceRefusalsAsMessagesMixin, HistoryAdmin):
    form = QualificationAdminForm
    list_display = ("fab", "supplier", "category", "qualified_on", "note")
    list_filter = (("category", MaterialCategoryFilter), ("fab", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("fab", "supplier", "category")
    search_fields = ("fab__name_zh", "fab__name_en", "supplier__name_zh", "supplier__name_en", "note")
    autocomplete_fields = ("fab", "supplier", "category")
    ordering = ("fab__name_en", "supplier__name_en", "category__sort_order")

    def get_readonly_fields(self, request, obj=None):
        # Who qualified whom for what is the record; a correction is another qualification.
        return ("fab", "supplier", "category") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        saved = services.qualification_add(
            fab=obj.fab, supplier=obj.supplier, category=obj.category, actor=admin_actor(request), note=obj.note
        )
        if saved.qualified_on != obj.qualified_on:
            saved.qualified_on = obj.qualified_on
            saved.save(update_fields=["qualified_on"])
        _adopt(obj, saved)
