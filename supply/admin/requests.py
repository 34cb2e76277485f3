"""The secretariat's queue: supply requests, highest priority first, each with the parts of its score.

Requests change only through their workflow (the actions call supply.services as the web pages and the API do), so
the change page is read-only and nothing here deletes them; history keeps who changed what. The queue never counts
the whole table (QueueCountMixin).
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX

from alliance_portal.admin_tools import (
    HistoryAdmin,
    QueueCountMixin,
    ReadOnlyInline,
    WorkflowOnlyMixin,
    action_form_page,
    admin_actor,
)
from members.models import RiskLevel

from .. import priority, services
from ..models import Commitment, RequestTransition, SupplyRequest
from ..resources import SupplyRequestResource
from .common import FILL_STATES, OverrideForm, ReasonForm, amount
from .filters import (
    DeliveryProvinceFilter,
    MaterialCategoryFilter,
    QueueStatusFilter,
    RiskLevelFilter,
    StaleFilter,
)

S = SupplyRequest.Status


class TransitionInline(ReadOnlyInline):
    model = RequestTransition
    fields = ("at", "from_status", "to_status", "by", "by_api_key", "reason")
    readonly_fields = fields
    verbose_name_plural = _("workflow history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by", "by_api_key")


class CommitmentInline(ReadOnlyInline):
    model = Commitment
    fields = (
        "supplier",
        "quantity",
        "status",
        "expected_ship_date",
        "carrier",
        "tracking_number",
        "delivered_quantity",
    )
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("supplier")


@admin.register(SupplyRequest)
class SupplyRequestAdmin(ExportMixin, QueueCountMixin, WorkflowOnlyMixin, HistoryAdmin):
    # CSV or Excel of the rows the list's filters select (the export page keeps them), for the secretariat.
    resource_classes = [SupplyRequestResource]
    export_formats = [CSV, XLSX]
    list_display = (
        "number",
        "what",
        "fab",
        "status",
        "urgency",
        "priority_explained",
        "remaining_amount",
        "committed",
        "delivered",
        "stale",
        "submitted_at",
    )
    list_display_links = ("number", "what")
    list_filter = (
        QueueStatusFilter,
        "urgency",
        ("category", MaterialCategoryFilter),
        StaleFilter,
        DeliveryProvinceFilter,
        RiskLevelFilter,
        "organisation__priority_guarantee",
    )
    list_select_related = ("organisation", "site", "category")
    list_per_page = 50
    search_fields = (
        "=id",
        "material",
        "un_number",
        "organisation__name_zh",
        "organisation__name_en",
        "organisation__slug",
        "site__city",
        "site__city_en",
    )
    search_help_text = _("Search by number, material, UN number, fab (Chinese or English name) or delivery city.")
    ordering = ("-priority", "submitted_at", "pk")
    inlines = (CommitmentInline, TransitionInline)

    class Media:
        css = {"all": ["supply/admin.css"]}

    actions = (
        "approve_selected",
        "reject_selected",
        "override_priority",
        "cancel_selected",
        "close_selected",
    )
    fieldsets = (
        (
            _("Request"),
            {
                "fields": (
                    "organisation",
                    "site",
                    "category",
                    "material",
                    "specification",
                    "un_number",
                    "storage",
                    ("quantity", "unit"),
                    "needed_by",
                    "days_of_stock",
                    "urgency",
                    "justification",
                )
            },
        ),
        (
            _("Priority"),
            {"fields": ("priority_explained", "priority_score", "priority_override", "override_reason")},
        ),
        (
            _("Quantities"),
            {
                "fields": (
                    ("qty_committed", "qty_in_transit", "qty_delivered"),
                    "remaining_amount",
                    "committed",
                    "delivered",
                )
            },
        ),
        (
            _("Workflow"),
            {
                "fields": (
                    "status",
                    "created_by",
                    "created_at",
                    "submitted_at",
                    "confirmed_at",
                    "stale",
                    "stale_notified_at",
                    "updated_at",
                )
            },
        ),
    )
    readonly_fields = (
        "priority_explained",
        "remaining_amount",
        "committed",
        "delivered",
        "stale",
        "stale_notified_at",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("no."))
    def number(self, obj):
        return f"#{obj.pk}"

    @admin.display(description=_("material"), ordering="material")
    def what(self, obj):
        return format_html("{}<br><small>{} {}</small>", obj.material, obj.category.name, obj.un_number)

    @admin.display(description=_("fab and delivery city"), ordering="organisation__name_en")
    def fab(self, obj):
        # The level the score was computed with: every change of a city's level recomputes its open requests.
        level = next((p["value"] for p in obj.priority_parts if p.get("factor") == "risk"), RiskLevel.LOW)
        label = RiskLevel(level).label if level in RiskLevel.values else level
        return format_html("{}<br><small>{} · {}</small>", obj.organisation.name, obj.site.city_name, label)

    @admin.display(description=_("priority"), ordering="priority")
    def priority_explained(self, obj):
        explanation = priority.explain(obj.priority_parts)
        if obj.priority_override is None:
            return format_html("<strong>{}</strong><br><small>{}</small>", obj.priority, explanation)
        override = gettext("overridden (computed %(score)d): %(reason)s") % {
            "score": obj.priority_score,
            "reason": obj.override_reason,
        }
        return format_html(
            "<strong>{}</strong><br><small>{}</small><br><small>{}</small>", obj.priority, override, explanation
        )

    @admin.display(description=_("remaining"))
    def remaining_amount(self, obj):
        return amount(obj.remaining, obj.unit)

    @admin.display(description=_("committed"))
    def committed(self, obj):
        return format_html(
            "{}<br><small>{}</small>", FILL_STATES[obj.committed_state], amount(obj.qty_committed, obj.unit)
        )

    @admin.display(description=_("delivered"))
    def delivered(self, obj):
        return format_html(
            "{}<br><small>{}</small>", FILL_STATES[obj.delivered_state], amount(obj.qty_delivered, obj.unit)
        )

    @admin.display(description=_("stale"))
    def stale(self, obj):
        # Only the stale ones are marked: a column of "no" icons would hide them.
        if not obj.is_stale:
            return ""
        return format_html('<span class="supply-stale">{}</span>', gettext("stale"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        workflow = []
        if obj is not None and super().has_change_permission(request):
            allowed = set(services.allowed_transitions(obj, admin_actor(request)))
            workflow = [
                (name, label)
                for name, target, label in (
                    ("approve_selected", S.APPROVED, gettext("Approve")),
                    ("reject_selected", S.REJECTED, gettext("Reject…")),
                    ("cancel_selected", S.CANCELLED, gettext("Cancel…")),
                    ("close_selected", S.FULFILLED, gettext("Close as fulfilled")),
                )
                if target in allowed
            ]
            if obj.is_open or obj.status == S.DRAFT:
                workflow.append(("override_priority", gettext("Override priority…")))
        extra_context = {
            **(extra_context or {}),
            "workflow_actions": workflow,
            "changelist_url": reverse("admin:supply_supplyrequest_changelist") + "?status=all",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _transition(self, request, queryset, to_status: str, success, reason: str = "") -> None:
        actor = admin_actor(request)
        self._apply(
            request,
            queryset,
            lambda obj: services.supply_request_transition(
                request=obj, to_status=to_status, actor=actor, reason=reason
            ),
            success,
        )

    def _with_reason(self, request, queryset, *, action: str, to_status: str, title: str, intro: str, success):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._transition(request, queryset, to_status, success, reason=form.cleaned_data["reason"])
            return None
        return action_form_page(self, request, queryset, action=action, form=form, title=title, intro=intro)

    @admin.action(description=_("Approve selected requests"), permissions=["change"])
    def approve_selected(self, request, queryset):
        self._transition(
            request,
            queryset,
            S.APPROVED,
            lambda n: ngettext("Approved %(count)d request.", "Approved %(count)d requests.", n),
        )

    @admin.action(description=_("Reject selected requests…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            action="reject_selected",
            to_status=S.REJECTED,
            title=gettext("Reject supply requests"),
            intro=gettext("The fab is told the reason; offers and accepted commitments against them are released."),
            success=lambda n: ngettext("Rejected %(count)d request.", "Rejected %(count)d requests.", n),
        )

    @admin.action(description=_("Cancel selected requests…"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            action="cancel_selected",
            to_status=S.CANCELLED,
            title=gettext("Cancel supply requests"),
            intro=gettext("Offers and accepted commitments against them are released."),
            success=lambda n: ngettext("Cancelled %(count)d request.", "Cancelled %(count)d requests.", n),
        )

    @admin.action(description=_("Close selected requests as fulfilled"), permissions=["change"])
    def close_selected(self, request, queryset):
        self._transition(
            request,
            queryset,
            S.FULFILLED,
            lambda n: ngettext("Closed %(count)d request as fulfilled.", "Closed %(count)d requests as fulfilled.", n),
        )

    @admin.action(description=_("Override the priority of selected requests…"), permissions=["change"])
    def override_priority(self, request, queryset):
        form = OverrideForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            actor = admin_actor(request)
            value, reason = form.cleaned_data["priority"], form.cleaned_data["reason"]
            self._apply(
                request,
                queryset,
                lambda obj: services.supply_request_override_priority(
                    request=obj, priority=value, reason=reason, actor=actor
                ),
                (
                    lambda n: ngettext(
                        "Set the priority of %(count)d request.", "Set the priority of %(count)d requests.", n
                    )
                )
                if value is not None
                else (
                    lambda n: ngettext(
                        "Cleared the override of %(count)d request.", "Cleared the overrides of %(count)d requests.", n
                    )
                ),
            )
            return None
        return action_form_page(
            self,
            request,
            queryset,
            action="override_priority",
            form=form,
            title=gettext("Override the priority"),
            intro=gettext("The computed score and its parts stay visible beside the override."),
        )
