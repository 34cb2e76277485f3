"""The secretariat's admin for the member registry.

Writes with rules (approval, suspension, withdrawal, API keys, roles, invitations) go through members.services, as
they do from the web and the API. Nothing the alliance may be asked about later is deleted here: organisations are
withdrawn, keys revoked, users deactivated; django-simple-history shows who changed what.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from alliance_portal.admin_tools import HistoryAdmin

from . import services
from .models import (
    ApiKey,
    Contact,
    Invitation,
    MaterialCategory,
    Membership,
    Organisation,
    RiskArea,
    SecretariatContact,
    Site,
)
from .resources import ContactResource, OrganisationResource

User = get_user_model()


def _adopt(target, saved) -> None:
    """Make the admin's unsaved object the row a service created, so the log entry and the redirect point at it."""
    for field in type(saved)._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


# --- import and export ---------------------------------------------------------------------------------------------


class RegistryImportForm(ImportForm):
    """The import form, refusing before any row is looked at a file too big, unreadable, or with the wrong columns."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.import_formats = formats
        self.import_resources = resources
        self.fields["import_file"].help_text = gettext(
            "A CSV file (UTF-8) or an Excel .xlsx file whose first row names the columns; at most %(limit)s."
        ) % {"limit": filesizeformat(settings.MAX_UPLOAD_BYTES)}

    def clean_import_file(self):
        import_file = self.cleaned_data["import_file"]
        if import_file.size > settings.MAX_UPLOAD_BYTES:
            raise ValidationError(
                gettext("This file is %(size)s; files up to %(limit)s can be imported. Split it into smaller files.")
                % {"size": filesizeformat(import_file.size), "limit": filesizeformat(settings.MAX_UPLOAD_BYTES)},
                code="too_big",
            )
        return import_file

    def clean(self):
        cleaned_data = super().clean()
        import_file = cleaned_data.get("import_file")
        format_index = cleaned_data.get("format")
        if import_file is None or format_index in (None, ""):
            return cleaned_data
        input_format = self.import_formats[int(format_index)]()
        title = input_format.get_title().upper()
        data = b"".join(import_file.chunks())
        import_file.seek(0)
        try:
            dataset = input_format.create_dataset(data if input_format.is_binary() else data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            self.add_error(
                "import_file",
                gettext(
                    "This file is not CSV text in UTF-8. If it is an Excel file, choose the XLSX format; "
                    "if Excel saved it as CSV, save it again as “CSV UTF-8”."
                ),
            )
            return cleaned_data
        except Exception:
            # Whatever the parser trips on (a zip that is not a workbook, binary junk), the user's fix is the same.
            self.add_error(
                "import_file",
                gettext("This file could not be read as %(format)s. Check the file and the format chosen below it.")
                % {"format": title},
            )
            return cleaned_data
        resource_class = self.import_resources[int(cleaned_data.get("resource") or 0)]
        problem = resource_class.header_problem(dataset.headers)
        if problem:
            self.add_error("import_file", problem)
        elif not len(dataset):
            self.add_error("import_file", gettext("The file has a header row but no data rows."))
        return cleaned_data


class RegistryImportExportMixin(ImportExportMixin):
    import_form_class = RegistryImportForm
    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]
    import_template_name = "admin/members/import.html"

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # All or nothing: one invalid row and the whole file is rolled back.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        form.add_error(
            "import_file",
            gettext("This file could not be read. Check that it is a CSV (UTF-8) or .xlsx file and the format chosen."),
        )

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between the preview and the confirmation; nothing was saved.
            messages.error(
                request,
                gettext("Nothing was imported: some rows are no longer valid. Upload the file again to see why."),
            )
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*self.get_model_info())))
        return super().process_result(result, request)


# --- forms shared by admins and inlines ----------------------------------------------------------------------------


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("user", "organisation", "role")

    def clean(self):
        cleaned_data = super().clean()
        membership = self.instance  # still as stored: the form's values are copied onto it after clean()
        if membership.pk and membership.role == Membership.Role.ADMIN:
            role = cleaned_data.get("role", membership.role)
            organisation = cleaned_data.get("organisation")
            organisation_id = organisation.pk if organisation is not None else membership.organisation_id
            if role != Membership.Role.ADMIN or organisation_id != membership.organisation_id:
                others = (
                    Membership.objects.filter(organisation_id=membership.organisation_id, role=Membership.Role.ADMIN)
                    .exclude(pk=membership.pk)
                    .exists()
                )
                if not others:
                    raise ValidationError(
                        gettext("An organisation needs at least one administrator; appoint another one first.")
                    )
        return cleaned_data


class ContactAdminForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ("organisation", "name", "title", "mobile", "email", "language", "receives_alerts", "is_primary")

    def clean(self):
        cleaned_data = super().clean()
        reachable = cleaned_data.get("mobile") or cleaned_data.get("email")
        if not reachable and not self.has_error("mobile") and not self.has_error("email"):
            self.add_error("mobile", gettext("Give a mobile number or an email address (or both)."))
        return cleaned_data


# --- inlines -------------------------------------------------------------------------------------------------------


class SiteInline(admin.TabularInline):
    model = Site
    fields = ("name_zh", "name_en", "kind", "province", "city", "city_en", "is_active")
    extra = 0
    can_delete = False  # deliveries point at sites: a site no longer used is marked so
    show_change_link = True


class ContactInline(admin.TabularInline):
    model = Contact
    form = ContactAdminForm
    fields = ("name", "title", "mobile", "email", "language", "receives_alerts", "is_primary")
    extra = 0
    show_change_link = True


class OrganisationMembershipInline(admin.TabularInline):
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


# --- organisations -------------------------------------------------------------------------------------------------


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
class OrganisationAdmin(RegistryImportExportMixin, HistoryAdmin):
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

    def _apply(self, request, queryset, service, success) -> None:
        done = 0
        for organisation in queryset:
            try:
                service(organisation=organisation, by=request.user)
            except ValidationError as error:
                self.message_user(
                    request,
                    gettext("%(organisation)s: %(reason)s")
                    % {"organisation": organisation, "reason": " ".join(error.messages)},
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(request, success(done) % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Approve selected organisations"), permissions=["change"])
    def approve_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.organisation_approve,
            lambda n: ngettext("Approved %(count)d organisation.", "Approved %(count)d organisations.", n),
        )

    @admin.action(description=_("Suspend selected organisations"), permissions=["change"])
    def suspend_selected(self, request, queryset):
        self._apply(
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
        self._apply(
            request,
            queryset,
            services.organisation_withdraw,
            lambda n: ngettext("Withdrew %(count)d organisation.", "Withdrew %(count)d organisations.", n),
        )


@admin.register(Site)
class SiteAdmin(HistoryAdmin):
    list_display = ("name_zh", "name_en", "organisation", "kind", "province", "city", "is_active")
    list_filter = ("kind", "is_active", "province")
    search_fields = ("name_zh", "name_en", "city", "city_en", "organisation__name_zh", "organisation__name_en")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    ordering = ("organisation__name_en", "name_zh")
    readonly_fields = ("created_at", "updated_at")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Contact)
class ContactAdmin(RegistryImportExportMixin, HistoryAdmin):
    resource_classes = [ContactResource]
    form = ContactAdminForm
    list_display = (
        "name",
        "organisation",
        "title",
        "mobile",
        "email",
        "language",
        "receives_alerts",
        "is_primary",
    )
    list_filter = ("receives_alerts", "is_primary", "language")
    search_fields = (
        "name",
        "mobile",
        "email",
        "organisation__name_zh",
        "organisation__name_en",
        "organisation__credit_code",
    )
    search_help_text = _("Search by name, mobile, email, or the organisation's name or credit code.")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    ordering = ("organisation__name_en", "-is_primary", "name")
    readonly_fields = ("created_at", "updated_at")


@admin.register(RiskArea)
class RiskAreaAdmin(HistoryAdmin):
    list_display = ("city", "city_en", "province", "level", "effective_date", "note", "updated_at")
    list_filter = ("level", "province")
    search_fields = ("city", "city_en", "note")
    ordering = ("province", "city")
    readonly_fields = ("updated_at",)


class CategoryUsage:
    """Where a material category is in use: every model that points at it, the registry's and the other apps'."""

    @staticmethod
    def describe(category: MaterialCategory) -> list[str]:
        uses = []
        for relation in MaterialCategory._meta.get_fields(include_hidden=True):
            if not relation.auto_created or relation.concrete:
                continue  # only relations pointing here
            related = relation.related_model
            if related._meta.auto_created or getattr(relation, "on_delete", None) is models.DO_NOTHING:
                continue  # a many-to-many's own table (counted by the relation), or history rows (a copy)
            count = related._default_manager.filter(**{relation.field.name: category}).count()
            if count:
                uses.append(f"{count} {related._meta.verbose_name_plural}")
        return uses


@admin.register(MaterialCategory)
class MaterialCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "group", "hazardous", "cold_chain", "default_unit", "sort_order")
    list_filter = ("group", "hazardous", "cold_chain")
    search_fields = ("code", "name_zh", "name_en")
    ordering = ("sort_order", "code")

    def get_readonly_fields(self, request, obj=None):
        # Imports and partners refer to a category by its code.
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        if obj is not None and CategoryUsage.describe(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for category in objs:
            uses = CategoryUsage.describe(category)
            if uses:
                protected.append(
                    gettext("%(category)s is in use (%(uses)s)") % {"category": category, "uses": ", ".join(uses)}
                )
        if protected and super().has_delete_permission(request):
            # has_delete_permission() says no for a category in use; say why instead of "no permission".
            perms_needed = {name for name in perms_needed if name != str(self.opts.verbose_name)}
        return to_delete, model_count, perms_needed, protected


# --- people and access ---------------------------------------------------------------------------------------------


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    form = MembershipAdminForm
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role", "organisation__kind")
    search_fields = (
        "user__username",
        "user__email",
        "user__first_name",
        "user__last_name",
        "organisation__name_zh",
        "organisation__name_en",
    )
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user", "organisation")
    ordering = ("organisation__name_en", "user__username")
    readonly_fields = ("created_at",)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change and form.changed_data == ["role"]:
            services.membership_set_role(membership=obj, role=form.cleaned_data["role"])
        else:
            super().save_model(request, obj, form, change)


class ApiKeyStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("live", _("Live")), ("revoked", _("Revoked"))]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


class ApiKeyIssueForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ("organisation", "name", "scope")


@admin.register(ApiKey)
class ApiKeyAdmin(HistoryAdmin):
    list_display = (
        "name",
        "organisation",
        "prefix",
        "scope",
        "is_live",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = (ApiKeyStateFilter, "scope")
    search_fields = ("name", "prefix", "organisation__name_zh", "organisation__name_en", "organisation__slug")
    list_select_related = ("organisation", "created_by")
    autocomplete_fields = ("organisation",)
    ordering = ("-created_at",)
    actions = ("revoke_selected",)
    issued_template = "admin/members/apikey/issued.html"

    ISSUE_FIELDS = ("organisation", "name", "scope")
    # Once issued, only the label may change: a key's owner and rights are what the partner was given.
    SHOWN_FIELDS = ("name", "organisation", "prefix", "scope", "created_by", "created_at", "last_used_at", "revoked_at")

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description=_("live"))
    def is_live(self, obj):
        return obj.is_live

    def get_fields(self, request, obj=None):
        return self.ISSUE_FIELDS if obj is None else self.SHOWN_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.SHOWN_FIELDS[1:]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyIssueForm
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        api_key, raw_key = services.api_key_issue(
            organisation=obj.organisation, name=obj.name, scope=obj.scope, created_by=request.user
        )
        _adopt(obj, api_key)
        obj._raw_key = raw_key

    def response_add(self, request, obj, post_url_continue=None):
        raw_key = getattr(obj, "_raw_key", None)
        if raw_key is None:
            return super().response_add(request, obj, post_url_continue)
        # Rendered straight into this response, never put in a message or the session: nothing keeps the key.
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("API key issued"),
            "opts": self.opts,
            "api_key": obj,
            "raw_key": raw_key,
        }
        response = TemplateResponse(request, self.issued_template, context)
        patch_cache_control(response, no_store=True, no_cache=True, private=True)
        return response

    @admin.action(description=_("Revoke selected keys"), permissions=["change"])
    def revoke_selected(self, request, queryset):
        revoked = already = 0
        for api_key in queryset:
            if api_key.is_live:
                services.api_key_revoke(api_key=api_key)
                revoked += 1
            else:
                already += 1
        if revoked:
            self.message_user(
                request,
                ngettext("Revoked %(count)d API key.", "Revoked %(count)d API keys.", revoked) % {"count": revoked},
                messages.SUCCESS,
            )
        if already:
            self.message_user(
                request,
                ngettext("%(count)d key was already revoked.", "%(count)d keys were already revoked.", already)
                % {"count": already},
                messages.WARNING,
            )


class InvitationStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("accepted", _("Accepted")), ("revoked", _("Withdrawn"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        if self.value() == "accepted":
            return queryset.filter(accepted_at__isnull=False)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


class InvitationSendForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ("organisation", "email", "role")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email).exists():
            raise ValidationError(gettext("Someone with this email already has an account on the portal."))
        return email


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are sent (by email, through the service) and then only watched or withdrawn."""

    list_display = ("email", "organisation", "role", "invited_by", "created_at", "accepted_at", "revoked_at")
    list_filter = (InvitationStateFilter, "role")
    search_fields = ("email", "organisation__name_zh", "organisation__name_en")
    list_select_related = ("organisation", "invited_by")
    autocomplete_fields = ("organisation",)
    ordering = ("-created_at",)
    actions = ("withdraw_selected",)
    SHOWN_FIELDS = ("email", "organisation", "role", "invited_by", "created_at", "accepted_at", "revoked_at")

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        return InvitationSendForm.Meta.fields if obj is None else self.SHOWN_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.SHOWN_FIELDS

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = InvitationSendForm
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return
        invitation = services.invitation_create(
            organisation=obj.organisation,
            email=obj.email,
            role=obj.role,
            invited_by=request.user,
            language=get_language() or settings.LANGUAGE_CODE,
        )
        _adopt(obj, invitation)

    @admin.action(description=_("Withdraw selected invitations"), permissions=["change"])
    def withdraw_selected(self, request, queryset):
        count = services.invitation_revoke(invitations=queryset)
        self.message_user(
            request,
            ngettext("Withdrew %(count)d invitation.", "Withdrew %(count)d invitations.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(SecretariatContact)
class SecretariatContactAdmin(admin.ModelAdmin):
    list_display = ("name_zh", "name_en", "responsibility_zh", "phone", "email", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name_zh", "name_en", "responsibility_zh", "responsibility_en", "email")
    ordering = ("sort_order", "id")


# --- users ---------------------------------------------------------------------------------------------------------


class UserMembershipInline(admin.StackedInline):
    model = Membership
    fk_name = "user"
    form = MembershipAdminForm
    fields = ("organisation", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("organisation",)
    can_delete = False
    max_num = 1
    extra = 1


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = (UserMembershipInline,)
    list_display = (*DjangoUserAdmin.list_display, "organisation", "role", "is_active")
    list_select_related = ("membership__organisation",)
    list_filter = (*DjangoUserAdmin.list_filter, "membership__role")
    search_fields = (
        *DjangoUserAdmin.search_fields,
        "membership__organisation__name_zh",
        "membership__organisation__name_en",
    )

    def get_inline_instances(self, request, obj=None):
        # The two-step "add user" form stays Django's own; the membership is set on the next page.
        return [] if obj is None else super().get_inline_instances(request, obj)

    @admin.display(description=_("organisation"), ordering="membership__organisation__name_en")
    def organisation(self, obj):
        membership = getattr(obj, "membership", None)
        return membership.organisation if membership else "-"

    @admin.display(description=_("role"), ordering="membership__role")
    def role(self, obj):
        membership = getattr(obj, "membership", None)
        return membership.get_role_display() if membership else "-"


# Status reports: their admin lives beside their models (members/admin_reports.py).
from .admin_reports import NonReportingOrganisationAdmin, StatusReportAdmin  # noqa: E402, F401
