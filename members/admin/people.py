"""People and access: contacts, memberships (roles), invitations and the users themselves.

Roles change and people join only through members.services (membership_set_role, membership_create,
invitation_create, invitation_revoke), whether from the membership pages or the inlines of an organisation or a user;
the rule that an organisation keeps an administrator lives in the service, and the forms only ask it early.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from alliance_portal.admin_tools import HistoryAdmin, LengthHintMixin, ModelAdmin, StackedInline, admin_actor

from .. import services
from ..models import Contact, Invitation, Membership
from ..resources import ContactResource
from .common import ServiceRefusalsAsMessagesMixin, ServiceSaveMixin, adopt
from .importing import RegistryImportExportMixin

User = get_user_model()


# --- contacts ------------------------------------------------------------------------------------------------------


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


@admin.register(Contact)
class ContactAdmin(ServiceSaveMixin, RegistryImportExportMixin, HistoryAdmin):
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

    def get_readonly_fields(self, request, obj=None):
        # A person at another organisation is a new contact there.
        return ("created_at", "updated_at") if obj is None else ("organisation", "created_at", "updated_at")

    def create_row(self, actor, obj, fields):
        return services.contact_create(actor=actor, organisation=obj.organisation, fields=fields)

    def update_row(self, actor, obj, fields):
        services.contact_update(actor=actor, contact=obj, fields=fields)

    def delete_model(self, request, obj):
        services.contact_delete(actor=admin_actor(request), contact=obj)

    def delete_queryset(self, request, queryset):
        actor = admin_actor(request)
        for contact in queryset:
            services.contact_delete(actor=actor, contact=contact)


# --- memberships ---------------------------------------------------------------------------------------------------


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("user", "organisation", "role")

    def clean(self):
        cleaned_data = super().clean()
        membership = self.instance  # still as stored: the form's values are copied onto it after clean()
        if membership.pk and cleaned_data.get("role"):
            # Asked early to show the error on the form; membership_set_role asks again under a lock.
            try:
                services.membership_role_check(membership=membership, role=cleaned_data["role"])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned_data


def save_memberships(request, formset) -> None:
    """An inline of memberships (an organisation's people, a user's organisation) saved through the services."""
    actor = admin_actor(request)
    formset.save(commit=False)
    for membership in formset.new_objects:
        services.membership_create(
            actor=actor, user=membership.user, organisation=membership.organisation, role=membership.role
        )
    for membership, changed in formset.changed_objects:
        if "role" in changed:
            services.membership_set_role(actor=actor, membership=membership, role=membership.role)


@admin.register(Membership)
class MembershipAdmin(ServiceRefusalsAsMessagesMixin, HistoryAdmin):
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

    def get_readonly_fields(self, request, obj=None):
        # Once made, a membership is one person in one organisation: only the role changes (a move is a removal
        # and an invitation).
        return ("created_at",) if obj is None else ("user", "organisation", "created_at")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        actor = admin_actor(request)
        if not change:
            created = services.membership_create(
                actor=actor, user=obj.user, organisation=obj.organisation, role=obj.role
            )
            adopt(obj, created)
        elif "role" in form.changed_data:
            services.membership_set_role(actor=actor, membership=obj, role=form.cleaned_data["role"])


# --- invitations ---------------------------------------------------------------------------------------------------


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
        # Asked early to show the error on the form; invitation_create asks again.
        try:
            return services.invitation_check_email(email=self.cleaned_data["email"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["email"]) from None


@admin.register(Invitation)
class InvitationAdmin(ServiceRefusalsAsMessagesMixin, ModelAdmin):
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
            actor=admin_actor(request),
            organisation=obj.organisation,
            email=obj.email,
            role=obj.role,
            language=get_language() or settings.LANGUAGE_CODE,
        )
        adopt(obj, invitation)

    @admin.action(description=_("Withdraw selected invitations"), permissions=["change"])
    def withdraw_selected(self, request, queryset):
        count = services.invitation_revoke(actor=admin_actor(request), invitations=queryset)
        self.message_user(
            request,
            ngettext("Withdrew %(count)d invitation.", "Withdrew %(count)d invitations.", count) % {"count": count},
            messages.SUCCESS,
        )


# --- users ---------------------------------------------------------------------------------------------------------


class UserMembershipInline(StackedInline):
    model = Membership
    fk_name = "user"
    form = MembershipAdminForm
    fields = ("organisation", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("organisation",)
    can_delete = False
    max_num = 1
    extra = 1

    def get_readonly_fields(self, request, obj=None):
        # A member moves by leaving and being invited: an existing membership keeps its organisation.
        if obj is not None and Membership.objects.filter(user=obj).exists():
            return ("organisation", "created_at")
        return ("created_at",)


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(LengthHintMixin, ServiceRefusalsAsMessagesMixin, DjangoUserAdmin):
    inlines = (UserMembershipInline,)
    list_display = (*DjangoUserAdmin.list_display, "organisation", "role", "is_active")  # type: ignore[misc]
    list_select_related = ("membership__organisation",)
    list_filter = (*DjangoUserAdmin.list_filter, "membership__role")
    search_fields = (
        *DjangoUserAdmin.search_fields,
        "membership__organisation__name_zh",
        "membership__organisation__name_en",
    )

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            save_memberships(request, formset)
        else:
            super().save_formset(request, form, formset, change)

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
