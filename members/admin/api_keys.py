"""Partners' API keys: issued through members.services (the raw key is shown once, on the page that issues it),
then only relabelled or revoked."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from alliance_portal.admin_tools import HistoryAdmin, admin_actor

from .. import services
from ..models import ApiKey
from .common import ServiceRefusalsAsMessagesMixin, adopt


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
class ApiKeyAdmin(ServiceRefusalsAsMessagesMixin, HistoryAdmin):
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
            actor=admin_actor(request), organisation=obj.organisation, name=obj.name, scope=obj.scope
        )
        adopt(obj, api_key)
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
        actor = admin_actor(request)
        revoked = already = 0
        for api_key in queryset:
            if api_key.is_live:
                services.api_key_revoke(actor=actor, api_key=api_key)
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
