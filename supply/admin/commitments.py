"""Commitments in the admin: read-only rows; the secretariat accepts or declines through supply.services."""

from django.contrib import admin
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX

from alliance_portal.admin_tools import (
    HistoryAdmin,
    QueueCountMixin,
    WorkflowOnlyMixin,
    action_form_page,
    admin_actor,
)

from .. import services
from ..models import Commitment
from ..resources import CommitmentResource
from .common import ReasonForm, amount
from .filters import MaterialCategoryFilter


@admin.register(Commitment)
class CommitmentAdmin(ExportMixin, QueueCountMixin, WorkflowOnlyMixin, HistoryAdmin):
    # CSV or Excel of the rows the list's filters select (the export page keeps them), for the secretariat.
    resource_classes = [CommitmentResource]
    export_formats = [CSV, XLSX]
    list_display = (
        "__str__",
        "fab",
        "supplier",
        "amount",
        "status",
        "expected_ship_date",
        "carrier",
        "tracking_number",
        "received",
        "created_at",
    )
    list_filter = ("status", ("request__category", MaterialCategoryFilter), "request__urgency")
    list_select_related = ("request", "request__organisation", "supplier")
    search_fields = (
        "=request__id",
        "request__material",
        "tracking_number",
        "supplier__name_zh",
        "supplier__name_en",
        "request__organisation__name_zh",
        "request__organisation__name_en",
    )
    search_help_text = _("Search by request number, material, tracking number, supplier or fab.")
    ordering = ("-created_at", "-pk")
    actions = ("accept_selected", "decline_selected")
    fields = (
        "request",
        "supplier",
        "quantity",
        "expected_ship_date",
        ("unit_price", "currency"),
        "notes",
        "status",
        "reason",
        ("carrier", "tracking_number", "shipped_on"),
        ("delivered_quantity", "delivered_on"),
        "created_by",
        "created_at",
        "updated_at",
    )
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description=_("fab"), ordering="request__organisation__name_en")
    def fab(self, obj):
        return obj.request.organisation

    @admin.display(description=_("quantity"), ordering="quantity")
    def amount(self, obj):
        return amount(obj.quantity, obj.request.unit)

    @admin.display(description=_("received"))
    def received(self, obj):
        if obj.delivered_quantity is None:
            return "-"
        return amount(obj.delivered_quantity, obj.request.unit)

    @admin.action(description=_("Accept selected offers"), permissions=["change"])
    def accept_selected(self, request, queryset):
        actor = admin_actor(request)
        self._apply(
            request,
            queryset,
            lambda obj: services.commitment_accept(commitment=obj, actor=actor),
            lambda n: ngettext("Accepted %(count)d commitment.", "Accepted %(count)d commitments.", n),
        )

    @admin.action(description=_("Decline selected commitments…"), permissions=["change"])
    def decline_selected(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            actor, reason = admin_actor(request), form.cleaned_data["reason"]
            self._apply(
                request,
                queryset,
                lambda obj: services.commitment_decline(commitment=obj, actor=actor, reason=reason),
                lambda n: ngettext("Declined %(count)d commitment.", "Declined %(count)d commitments.", n),
            )
            return None
        return action_form_page(
            self,
            request,
            queryset,
            action="decline_selected",
            form=form,
            title=gettext("Decline commitments"),
            intro=gettext("The quantity is released to the request, so another supplier can commit it."),
        )
