"""Organisations: the register itself, with their sites, contacts and people inline, and the secretariat's actions
(approve, suspend, withdraw) that go through members.services one organisation at a time."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from alliance_portal.admin_tools import HistoryAdmin, TabularInline, admin_actor, apply_to_each

from .. import services
from ..models import Contact, Membership, Organisation, Site
from ..resources import OrganisationResource
from .common import ServiceSaveMixin, save_children
from .importing import RegistryImportExportMixin
from .people import ContactAdminForm, MembershipAdminForm, save_memberships


class SiteInline(TabularInline):
    model = Site
    fields = ("name_zh", "name_en", "kind", "province", "city", "city_en", "is_active")
    extra = 0
    can_delete = False  # deliveries point at sites: a site no longer used is marked so
    show_change_link = True


class ContactInline(TabularInline):
    model = Contact
    form = ContactAdminForm
    fields = ("name", "title", "mobile", "email", "language", "receives_alerts", "is_primary")
    extra = 0
    show_change_link = True


class OrganisationMembershipInline(TabularInline):
    model = Membership
    form = MembershipAdminForm
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class OrganisationStatusFilter(admin.SimpleListFilter):
    title = _("membership status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        counts = dict(Organisation.objects.order_by().values_list("status").annotate(n=Count("id")))
        return [
            (value, gettext("%(status)s (%(count)d)") % {"status": label, "count": counts.get(value, 0)})
            for value, label in Organisation.Status.choices
        ]

    def queryset(self, request, queryset):
        if self.value() in Organisation.Status.values:
            return queryset.filter(status=self.value())
        return queryset


@admin.register(Organisation)
class OrganisationAdmin(ServiceSaveMixin, RegistryImportExportMixin, HistoryAdmin):
    resource_classes = [OrganisationResource]
    list_display = (
        "name_zh",
        "name_en",
        "credit_code",
        "kind",
        "status",
        "province",
        "city",
        "priority_guarantee",
        "joined_on",
    )
    list_display_links = ("name_zh", "name_en")
    list_filter = (OrganisationStatusFilter, "kind", "priority_guarantee", "province")
    search_fields = ("name_zh", "name_en", "slug", "credit_code", "city", "city_en")
    search_help_text = _("Search by name (Chinese or English), short name, credit code or city.")
    ordering = ("name_en",)
    list_per_page = 50
    autocomplete_fields = ("categories_supplied", "categories_consumed")
    prepopulated_fields = {"slug": ("name_en",)}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # The status changes only through the actions (the services): approval dates the joining, withdrawal revokes.
    readonly_fields = ("status", "live_api_keys", "created_at", "updated_at")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("name_zh", "name_en"),
                    "slug",
                    "credit_code",
                    "kind",
                    "status",
                    "priority_guarantee",
                    "joined_on",
                )
            },
        ),
        (_("Location"), {"fields": ("province", ("city", "city_en"), "address")}),
        (_("Profile"), {"fields": ("website", "description_zh", "description_en")}),
        (_("Materials"), {"fields": ("categories_supplied", "categories_consumed")}),
        (_("Record"), {"fields": ("live_api_keys", "created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = (SiteInline, ContactInline, OrganisationMembershipInline)
    actions = ("approve_selected", "suspend_selected", "withdraw_selected")

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("live API keys"))
    def live_api_keys(self, obj):
        if obj.pk is None:
            return "-"
        url = reverse("admin:members_apikey_changelist") + f"?organisation__id__exact={obj.pk}&state=live"
        return format_html('<a href="{}">{}</a>', url, obj.api_keys.live().count())

    def create_row(self, actor, obj, fields):
        return services.organisation_create(actor=actor, fields=fields)

    def update_row(self, actor, obj, fields):
        services.organisation_update(actor=actor, organisation=obj, fields=fields)

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            save_memberships(request, formset)
        elif formset.model is Site:
            save_children(
                request,
                formset,
                create=services.site_create,
                update=lambda *, actor, obj, fields: services.site_update(actor=actor, site=obj, fields=fields),
            )
        elif formset.model is Contact:
            save_children(
                request,
                formset,
                create=services.contact_create,
                update=lambda *, actor, obj, fields: services.contact_update(actor=actor, contact=obj, fields=fields),
                delete=lambda *, actor, obj: services.contact_delete(actor=actor, contact=obj),
            )
        else:
            super().save_formset(request, form, formset, change)

    def _each(self, request, queryset, service, success) -> None:
        actor = admin_actor(request)
        apply_to_each(self, request, queryset, lambda org: service(actor=actor, organisation=org), success)

    @admin.action(description=_("Approve selected organisations"), permissions=["change"])
    def approve_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            services.organisation_approve,
            lambda n: ngettext("Approved %(count)d organisation.", "Approved %(count)d organisations.", n),
        )

    @admin.action(description=_("Suspend selected organisations"), permissions=["change"])
    def suspend_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            services.organisation_suspend,
            lambda n: ngettext("Suspended %(count)d organisation.", "Suspended %(count)d organisations.", n),
        )

    @admin.action(
        description=_("Withdraw selected organisations (revokes their API keys)"),
        permissions=["change"],
    )
    def withdraw_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            services.organisation_withdraw,
            lambda n: ngettext("Withdrew %(count)d organisation.", "Withdrew %(count)d organisations.", n),
        )
