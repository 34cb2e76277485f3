"""The secretariat's admin of the alert pipeline: the delivery log (retry failed rows), events, webhook endpoints,
robots and subscriptions. Alerts and events are read-only: they change only through the pipeline's services."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alliance_portal.admin_tools import ModelAdmin, ReadOnlyAdminMixin

from . import registry, services
from .models import Alert, ChatRobot, Event, Subscription, WebhookEndpoint

# A URL typed without a scheme is taken as https (webhooks must be HTTPS).
HTTPS_URLS: dict[type[models.Field], dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


class EventTypesForm(forms.ModelForm):
    """Event types ticked by their titles (in the admin's language); the choices are the registry's at each page."""

    event_types = forms.MultipleChoiceField(
        label=_("event types"),
        choices=registry.event_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every event that concerns the organisation."),
    )


class EventTypesAdmin(ModelAdmin):
    """Endpoints and robots: their event types by title, ticked in a list of what the apps registered."""

    form = EventTypesForm
    formfield_overrides = HTTPS_URLS

    @admin.display(description=_("event types"))
    def event_types_display(self, obj):
        return ", ".join(registry.label(name) for name in obj.event_types or []) or "—"


class ReadOnlyAdmin(ReadOnlyAdminMixin, ModelAdmin):
    pass


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "event_name",
        "organisation",
        "channel",
        "destination",
        "status",
        "attempts",
        "delivered_at",
    ]
    list_filter = ["status", "event__name", "channel"]
    list_select_related = ["event", "organisation", "webhook", "robot"]
    search_fields = ["=delivery_id", "email", "organisation__slug", "organisation__name_zh", "organisation__name_en"]
    date_hierarchy = "created_at"
    actions = ["retry_failed"]
    readonly_fields = [f.name for f in Alert._meta.fields]
    show_full_result_count = False

    @admin.display(description=_("event"), ordering="event__name")
    def event_name(self, obj):
        return registry.label(obj.event.name)

    @admin.display(description=_("destination"))
    def destination(self, obj):
        return obj.destination

    def has_retry_permission(self, request):
        return request.user.has_perm("notices.change_alert")

    @admin.action(description=_("Retry selected failed alerts"), permissions=["retry"])
    def retry_failed(self, request, queryset):
        count = services.alerts_retry(alert_ids=list(queryset.values_list("pk", flat=True)))
        skipped = queryset.count() - count
        self.message_user(
            request,
            ngettext("%(count)d failed alert queued again.", "%(count)d failed alerts queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
        if skipped > 0:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected alert was not failed and was left alone.",
                    "%(count)d selected alerts were not failed and were left alone.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "name", "object_type", "object_id", "organisation"]
    list_filter = ["name"]
    list_select_related = ["organisation"]
    search_fields = ["object_id", "organisation__slug"]
    date_hierarchy = "created_at"
    readonly_fields = ["name", "object_type", "object_id", "organisation", "payload", "created_at"]
    show_full_result_count = False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(EventTypesAdmin):
    list_display = ["url", "organisation", "event_types_display", "active", "created_at"]
    list_filter = ["active"]
    list_select_related = ["organisation"]
    search_fields = ["url", "organisation__slug", "organisation__name_zh", "organisation__name_en"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["secret", "created_at", "updated_at"]
    fields = ["organisation", "url", "description", "event_types", "active", "secret", "created_at", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the delivery log keeps pointing at it


@admin.register(ChatRobot)
class ChatRobotAdmin(EventTypesAdmin):
    list_display = ["__str__", "kind", "organisation", "event_types_display", "language", "active"]
    list_filter = ["kind", "active"]
    list_select_related = ["organisation"]
    search_fields = ["name", "organisation__slug", "organisation__name_zh", "organisation__name_en"]
    autocomplete_fields = ["organisation"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ModelAdmin):
    list_display = ["organisation", "event_type", "channel", "enabled"]
    list_filter = ["event_type", "channel", "enabled"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__slug", "organisation__name_zh", "organisation__name_en"]
    autocomplete_fields = ["organisation"]
