"""The secretariat's admin for supply coordination: the request queue, commitments, capacity, qualifications.

The request changelist is the secretariat's queue: open requests, highest priority first, each with the parts of
its score. Requests and commitments change only through their workflow (the actions, which call supply.services
as the web pages and the API do), so their change pages are read-only and nothing here deletes them; history keeps
who changed what. The queue never counts the whole table: see QueuePaginator.
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from alliance_portal.admin_tools import (
    HistoryAdmin,
    QueueCountMixin,
    WorkflowOnlyMixin,
    action_form_page,
)
from members.models import MaterialCategory, Organisation, RiskArea, RiskLevel, Site
from members.regions import Province

from . import priority, services
from .models import Commitment, Qualification, RequestTransition, SupplierCapacity, SupplyRequest

S = SupplyRequest.Status
C = Commitment.Status
OPEN = (S.SUBMITTED, S.APPROVED)
FILL_STATES = {"nothing": _("nothing"), "partial": _("partial"), "complete": _("complete")}


def secretariat(request) -> services.Actor:
    return services.Actor(user=request.user, is_secretariat=True)


def _amount(value, unit: str) -> str:
    return f"{value.normalize():f} {unit}"


# --- intermediate pages of actions that need more than a click -----------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Kept with each request's history; the fab sees it."),
    )


class OverrideForm(forms.Form):
    priority = forms.IntegerField(
        label=_("Priority"),
        required=False,
        min_value=-1000,
        max_value=1000,
        help_text=_("The queue sorts on this instead of the computed score. Leave it empty to clear an override."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Required, and kept in the request's history."),
    )


# --- requests ------------------------------------------------------------------------------------------------------


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
            return queryset.filter(status__in=OPEN)
        if value in S.values:
            return queryset.filter(status=value)
        return queryset


class StaleFilter(admin.SimpleListFilter):
    title = _("freshness")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", _("Stale (not re-confirmed)")), ("no", _("Fresh"))]

    def queryset(self, request, queryset):
        cutoff = timezone.now() - timedelta(days=settings.SUPPLY_STALE_AFTER_DAYS)
        stale = {"status__in": OPEN, "confirmed_at__lt": cutoff}
        if self.value() == "yes":
            return queryset.filter(**stale)
        if self.value() == "no":
            return queryset.exclude(**stale)
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
        areas = RiskArea.objects.filter(province=OuterRef("site__province"), city=OuterRef("site__city"))
        if self.value() in (RiskLevel.HIGH, RiskLevel.MEDIUM):
            return queryset.filter(Exists(areas.filter(level=self.value())))
        if self.value() == RiskLevel.LOW:
            return queryset.exclude(Exists(areas.filter(level__in=[RiskLevel.HIGH, RiskLevel.MEDIUM])))
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
class SupplyRequestAdmin(QueueCountMixin, WorkflowOnlyMixin, HistoryAdmin):
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
        return _amount(obj.remaining, obj.unit)

    @admin.display(description=_("committed"))
    def committed(self, obj):
        return format_html(
            "{}<br><small>{}</small>", FILL_STATES[obj.committed_state], _amount(obj.qty_committed, obj.unit)
        )

    @admin.display(description=_("delivered"))
    def delivered(self, obj):
        return format_html(
            "{}<br><small>{}</small>", FILL_STATES[obj.delivered_state], _amount(obj.qty_delivered, obj.unit)
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
            allowed = set(services.allowed_transitions(obj, secretariat(request)))
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
        actor = secretariat(request)
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
            actor = secretariat(request)
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


# --- commitments ---------------------------------------------------------------------------------------------------


@admin.register(Commitment)
class CommitmentAdmin(QueueCountMixin, WorkflowOnlyMixin, HistoryAdmin):
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
        return _amount(obj.quantity, obj.request.unit)

    @admin.display(description=_("received"))
    def received(self, obj):
        if obj.delivered_quantity is None:
            return "-"
        return _amount(obj.delivered_quantity, obj.request.unit)

    @admin.action(description=_("Accept selected offers"), permissions=["change"])
    def accept_selected(self, request, queryset):
        actor = secretariat(request)
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
            actor, reason = secretariat(request), form.cleaned_data["reason"]
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


# --- capacity and qualifications -----------------------------------------------------------------------------------


class CapacityFreshnessFilter(admin.SimpleListFilter):
    title = _("freshness")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", _("Stale")), ("no", _("Fresh"))]

    def queryset(self, request, queryset):
        cutoff = timezone.now() - timedelta(days=settings.SUPPLY_CAPACITY_STALE_AFTER_DAYS)
        if self.value() == "yes":
            return queryset.filter(confirmed_at__lt=cutoff)
        if self.value() == "no":
            return queryset.filter(confirmed_at__gte=cutoff)
        return queryset


def _suppliers():
    return Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER)


@admin.register(SupplierCapacity)
class SupplierCapacityAdmin(HistoryAdmin):
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

    @admin.display(description=_("per week"), ordering="quantity_per_week")
    def weekly(self, obj):
        return _amount(obj.quantity_per_week, obj.unit)

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
class QualificationAdmin(HistoryAdmin):
    form = QualificationAdminForm
    list_display = ("fab", "supplier", "category", "qualified_on", "note")
    list_filter = (("category", MaterialCategoryFilter), ("fab", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("fab", "supplier", "category")
    search_fields = ("fab__name_zh", "fab__name_en", "supplier__name_zh", "supplier__name_en", "note")
    autocomplete_fields = ("fab", "supplier", "category")
    ordering = ("fab__name_en", "supplier__name_en", "category__sort_order")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        saved = services.qualification_add(
            fab=obj.fab, supplier=obj.supplier, category=obj.category, actor=secretariat(request), note=obj.note
        )
        if saved.qualified_on != obj.qualified_on:
            saved.qualified_on = obj.qualified_on
            saved.save(update_fields=["qualified_on"])
        # The admin's unsaved object becomes the row the service created, so the log entry and redirect point at it.
        for field in Qualification._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False
        obj._state.db = saved._state.db
