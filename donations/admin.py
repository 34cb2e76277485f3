"""The secretariat's admin of donations: appeals (with their items; opened and closed through the services),
pledges with their lines and history (bulk confirm, dispatch, delivery, acknowledgement, cancel: all through the
services, refusals as messages), export of pledges for the finance team respecting the filters, shipments."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from alliance_portal.admin_tools import (
    HistoryAdmin,
    QueueCountMixin,
    ReadOnlyInline,
    TabularInline,
    WorkflowOnlyMixin,
    action_form_page,
    admin_actor,
    apply_to_each,
)
from members.models import Organisation

from . import services
from .models import Appeal, AppealItem, Pledge, PledgeLine, PledgeTransition, Shipment, ShipmentCheckpoint
from .resources import PledgeResource

P = Pledge.Status


class AppealItemInline(TabularInline):
    model = AppealItem
    extra = 1


@admin.register(Appeal)
class AppealAdmin(HistoryAdmin):
    list_display = ["title_zh", "title_en", "beneficiary_name", "deadline", "status"]
    list_filter = ["status"]
    search_fields = ["title_zh", "title_en", "beneficiary_name"]
    readonly_fields = ["status", "opened_at"]
    inlines = [AppealItemInline]
    actions = ["open_selected", "close_selected"]

    @admin.action(description=_("Open selected appeals (members are told)"), permissions=["change"])
    def open_selected(self, request, queryset):
        actor = admin_actor(request)
        apply_to_each(
            self,
            request,
            queryset,
            lambda appeal: services.appeal_open(appeal=appeal, actor=actor),
            lambda n: ngettext("Opened %(count)d appeal.", "Opened %(count)d appeals.", n),
        )

    @admin.action(description=_("Close selected appeals"), permissions=["change"])
    def close_selected(self, request, queryset):
        actor = admin_actor(request)
        apply_to_each(
            self,
            request,
            queryset,
            lambda appeal: services.appeal_close(appeal=appeal, actor=actor),
            lambda n: ngettext("Closed %(count)d appeal.", "Closed %(count)d appeals.", n),
        )


class PledgeLineInline(ReadOnlyInline):
    model = PledgeLine
    readonly_fields = ("category", "specification", "quantity", "unit", "estimated_value_cny", "delivered_quantity")
    fields = readonly_fields


class PledgeTransitionInline(ReadOnlyInline):
    model = PledgeTransition
    readonly_fields = ("at", "from_status", "to_status", "by", "by_api_key", "reason")
    fields = readonly_fields


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue (past the promised date, not dispatched)"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status__in=["pledged", "confirmed"], promised_date__lt=timezone.localdate())
        return queryset


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AdminDispatchForm(forms.Form):
    carrier = forms.ModelChoiceField(
        label=_("carrier (logistics member)"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.LOGISTICS),
        required=False,
    )
    carrier_name = forms.CharField(label=_("carrier"), max_length=100, required=False)
    tracking_number = forms.CharField(label=_("tracking number"), max_length=100, required=False)


@admin.register(Pledge)
class PledgeAdmin(ExportMixin, QueueCountMixin, WorkflowOnlyMixin, HistoryAdmin):
    resource_classes = [PledgeResource]
    list_display = ["id", "donor", "appeal", "kind", "amount_cny", "status", "promised_date", "certificate_number"]
    list_filter = ["status", OverdueFilter, "kind", "channel", "appeal", "named_publicly"]
    search_fields = ["donor__name_zh", "donor__name_en", "donor__slug", "beneficiary_name", "certificate_number"]
    list_select_related = ["donor", "appeal"]
    date_hierarchy = "created_at"
    inlines = [PledgeLineInline, PledgeTransitionInline]
    actions = ["confirm_selected", "dispatch_selected", "deliver_selected", "acknowledge_selected", "cancel_selected"]

    def _each(self, request, queryset, service, success):
        actor = admin_actor(request)
        return apply_to_each(self, request, queryset, lambda pledge: service(pledge, actor), success)

    @admin.action(description=_("Confirm selected pledges"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda pledge, actor: services.pledge_confirm(pledge=pledge, actor=actor),
            lambda n: ngettext("Confirmed %(count)d pledge.", "Confirmed %(count)d pledges.", n),
        )

    @admin.action(description=_("Record dispatch of selected pledges…"), permissions=["change"])
    def dispatch_selected(self, request, queryset):
        form = AdminDispatchForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._each(
                request,
                queryset,
                lambda pledge, actor: services.pledge_dispatch(pledge=pledge, actor=actor, **form.cleaned_data),
                lambda n: ngettext(
                    "Recorded dispatch of %(count)d pledge.", "Recorded dispatch of %(count)d pledges.", n
                ),
            )
            return None
        return action_form_page(
            self,
            request,
            queryset,
            action="dispatch_selected",
            form=form,
            title=gettext("Record dispatch"),
            intro=gettext(
                "The donor and the beneficiary are told; a logistics member named as carrier sees the shipment."
            ),
        )

    @admin.action(description=_("Mark selected pledges delivered in full"), permissions=["change"])
    def deliver_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda pledge, actor: services.pledge_deliver(pledge=pledge, actor=actor),
            lambda n: ngettext("Marked %(count)d pledge delivered.", "Marked %(count)d pledges delivered.", n),
        )

    @admin.action(description=_("Issue certificates of thanks for selected pledges"), permissions=["change"])
    def acknowledge_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda pledge, actor: services.pledge_acknowledge(pledge=pledge, actor=actor),
            lambda n: ngettext("Issued %(count)d certificate.", "Issued %(count)d certificates.", n),
        )

    @admin.action(description=_("Cancel selected pledges…"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._each(
                request,
                queryset,
                lambda pledge, actor: services.pledge_cancel(pledge=pledge, actor=actor, **form.cleaned_data),
                lambda n: ngettext("Cancelled %(count)d pledge.", "Cancelled %(count)d pledges.", n),
            )
            return None
        return action_form_page(
            self,
            request,
            queryset,
            action="cancel_selected",
            form=form,
            title=gettext("Cancel pledges"),
            intro=gettext("The donor is told the reason."),
        )


class CheckpointInline(ReadOnlyInline):
    model = ShipmentCheckpoint
    readonly_fields = ("at", "kind", "place", "note", "recorded_by", "recorded_by_key")
    fields = readonly_fields


@admin.register(Shipment)
class ShipmentAdmin(WorkflowOnlyMixin, HistoryAdmin):
    list_display = ["id", "pledge", "carrier", "carrier_name", "tracking_number", "status", "un_number"]
    list_filter = ["status", "carrier"]
    search_fields = ["tracking_number", "carrier__name_zh", "carrier__name_en", "carrier_name"]
    list_select_related = ["pledge", "pledge__donor", "carrier"]
    inlines = [CheckpointInline]
