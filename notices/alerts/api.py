"""REST API of the alert pipeline: `webhooks` (an organisation's own endpoints) and `alerts` (its delivery log).

Querysets are scoped to the caller first: another organisation's endpoint or alert is a 404. Reading needs any
role of the organisation (or a read key); changing an endpoint needs its administrator, a write key or the
secretariat. Nothing is deleted: DELETE deactivates an endpoint.
"""

from typing import Any

import django_filters
from django.db import transaction
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from alliance_portal.api import (
    ConditionalDestroyMixin,
    CreateWithOutputMixin,
    ListWithOutputMixin,
    OutputSerializer,
    column_max_length,
)
from alliance_portal.api_auth import CanEditOwnOrganisation, HasScope, get_caller
from alliance_portal.api_schema import PortalAutoSchema
from alliance_portal.idempotency import IdempotentCreateMixin, idempotent
from members.models import Organisation

from . import registry, services
from .channels.webhook import url_problem
from .models import Alert, Channel, ChatRobot, Subscription, WebhookEndpoint
from .selectors import alerts_visible_to

# A list of event types names each at most once; no organisation needs more than there are events.
MAX_EVENT_TYPES = 100


class EventTypeField(serializers.ChoiceField):
    """An event type some app registered. The choices are read from the registry whenever a serializer is made (DRF
    copies declared fields per serializer), never at import: an app's events are all there once the apps are ready,
    and a name nobody registered is a 400 naming the field."""

    def __init__(self, **kwargs):
        super().__init__(choices=registry.event_choices(), **kwargs)


# --- webhooks ------------------------------------------------------------------------------------------------------


class WebhookSerializer(serializers.ModelSerializer):
    organization: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="organisation", slug_field="slug", read_only=True
    )
    event_types = serializers.ListField(
        child=EventTypeField(),
        read_only=True,
        help_text=_("Event types delivered to this endpoint; empty: every event that concerns the organisation."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "organization", "url", "description", "event_types", "active", "created_at", "updated_at"]
        read_only_fields = fields


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True, help_text=_("The signing secret. Keep it: verify X-Alliance-Signature with it.")
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookWriteSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(
        source="organisation",
        slug_field="slug",
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("Secretariat only: the organisation the endpoint belongs to. Others create their own."),
    )
    event_types = serializers.ListField(
        child=EventTypeField(),
        required=False,
        allow_empty=True,
        max_length=MAX_EVENT_TYPES,
        help_text=_("Event types to deliver; empty or absent: every event that concerns the organisation."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["organization", "url", "description", "event_types", "active"]

    def validate_url(self, value):
        problem = url_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def validate(self, attrs):
        caller = get_caller(self.context["request"])
        organisation = attrs.get("organisation")
        if self.instance is not None:
            if organisation is not None and organisation != self.instance.organisation:
                raise serializers.ValidationError(
                    {"organization": [_("An endpoint cannot move to another organisation.")]}
                )
        elif caller.is_staff:
            if organisation is None:
                raise serializers.ValidationError({"organization": [_("This field is required.")]})
        else:
            if organisation is not None and organisation.pk != caller.organisation_id:
                raise serializers.ValidationError(
                    {"organization": [_("You can only add endpoints of your own organisation.")]}
                )
            attrs["organisation"] = caller.organisation
        return attrs


class TestDeliverySerializer(OutputSerializer):
    delivered = serializers.BooleanField()
    delivery_id = serializers.UUIDField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField(allow_blank=True)


@extend_schema_view(
    list=extend_schema(description=_("Your organisation's webhook endpoints (the secretariat sees all).")),
    create=extend_schema(
        description=_("Adds an endpoint; the answer carries its signing secret."),
        responses={201: WebhookCreatedSerializer},
    ),
    update=extend_schema(description=_("Your organisation's administrators, write keys and the secretariat.")),
    partial_update=extend_schema(description=_("Your organisation's administrators, write keys and the secretariat.")),
    destroy=extend_schema(description=_("Deactivates the endpoint (it is kept, with its delivery log).")),
)
class WebhookViewSet(
    IdempotentCreateMixin,
    CreateWithOutputMixin,
    ListWithOutputMixin,
    ConditionalDestroyMixin,
    viewsets.GenericViewSet,
):
    """Partner webhooks: HTTPS endpoints that receive the organisation's events as signed JSON POSTs."""

    serializer_class = WebhookSerializer
    write_serializer_class = WebhookWriteSerializer
    idempotent_actions = ("create", "test")
    permission_classes = [HasScope, CanEditOwnOrganisation]
    schema = PortalAutoSchema()
    ordering = ["id"]
    ordering_fields = ["id", "created_at"]
    filterset_fields = ["active"]
    search_fields = ["url", "description"]

    def get_queryset(self):
        caller = get_caller(self.request)
        endpoints = WebhookEndpoint.objects.select_related("organisation").order_by("id")
        if caller.is_staff:
            return endpoints
        if caller.organisation_id is None:
            return endpoints.none()
        return endpoints.filter(organisation_id=caller.organisation_id)

    def get_serializer_class(self):
        if self.action == "test":
            return TestDeliverySerializer
        return super().get_serializer_class()

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()

    def get_output_serializer(self, *args, **kwargs):
        if self.action == "create":
            kwargs.setdefault("context", self.get_serializer_context())
            return WebhookCreatedSerializer(*args, **kwargs)
        return super().get_output_serializer(*args, **kwargs)

    def perform_destroy(self, instance) -> None:
        WebhookEndpoint.objects.filter(pk=instance.pk).update(active=False)

    @extend_schema(
        request=None,
        responses={200: TestDeliverySerializer},
        description=_("Sends a signed test delivery (event webhook.test) to the endpoint now and reports the answer."),
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def test(self, request, pk=None):
        endpoint = self.get_object()
        return Response(services.webhook_test_delivery(endpoint=endpoint))

    @extend_schema(
        responses={200: inline_serializer("WebhookSecret", {"secret": serializers.CharField()})},
        description=_("The endpoint's signing secret: for its organisation's administrators and write keys."),
    )
    @action(detail=True, methods=["get"])
    def secret(self, request, pk=None):
        endpoint = self.get_object()
        if not get_caller(request).can_edit:
            raise exceptions.PermissionDenied(_("Only an administrator of your organisation can read the secret."))
        return Response({"secret": endpoint.secret})


# --- alerts --------------------------------------------------------------------------------------------------------


class AlertFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Alert.Status.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    # Read from the registry at each use (not at import), and not a callable: the schema lists a callable's
    # choices as no enum at all.
    event = django_filters.ChoiceFilter(
        field_name="event__name", choices=CallableChoiceIterator(registry.event_choices), label=_("Event type")
    )

    class Meta:
        model = Alert
        fields = ["status", "channel", "event"]


class AlertSerializer(serializers.ModelSerializer):
    event = EventTypeField(source="event.name", read_only=True)
    event_id = serializers.IntegerField(read_only=True)
    event_created_at = serializers.DateTimeField(source="event.created_at", read_only=True)
    organization: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="organisation", slug_field="slug", read_only=True
    )
    destination = serializers.CharField(read_only=True, help_text=_("Email address, webhook URL or robot name."))

    class Meta:
        model = Alert
        fields = [
            "delivery_id",
            "event",
            "event_id",
            "event_created_at",
            "organization",
            "channel",
            "destination",
            "language",
            "status",
            "attempts",
            "next_attempt_at",
            "delivered_at",
            "last_error",
            "created_at",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(description=_("The delivery log of your organisation's alerts (the secretariat sees all).")),
)
class AlertViewSet(ListWithOutputMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Alerts: one message to one recipient over one channel, and what became of it."""

    serializer_class = AlertSerializer
    filterset_class = AlertFilter
    permission_classes = [HasScope]
    lookup_field = "delivery_id"
    # What a row shows (AlertSerializer; `destination` reads the email, the webhook's URL or the robot's name),
    # without the event's payload or the webhook's and robot's secrets.
    list_columns = (
        *("delivery_id", "channel", "email", "language", "status", "attempts"),
        *("next_attempt_at", "delivered_at", "last_error", "created_at"),
        *("event__name", "event__created_at", "organisation__slug", "webhook__url", "robot__name", "robot__kind"),
    )
    ordering = ["-created_at", "-id"]
    ordering_fields = ["created_at"]
    schema = PortalAutoSchema()

    def get_queryset(self):
        caller = get_caller(self.request)
        return alerts_visible_to(organisation_id=caller.organisation_id, is_staff=caller.is_staff).order_by(
            "-created_at", "-id"
        )


# --- robots and subscriptions ----------------------------------------------------------------------------------------


class OwnOrganisationMixin:
    """Scoped to the caller's organisation (the secretariat sees all); writes by its administrators, write keys and
    the secretariat, who names the organisation."""

    permission_classes: Any = [HasScope, CanEditOwnOrganisation]
    schema: Any = PortalAutoSchema()
    model: Any = None

    def get_queryset(self):
        caller = get_caller(self.request)
        rows = self.model.objects.select_related("organisation").order_by("id")
        if caller.is_staff:
            return rows
        if caller.organisation_id is None:
            return rows.none()
        return rows.filter(organisation_id=caller.organisation_id)


def _own_organisation(serializer, attrs):
    caller = get_caller(serializer.context["request"])
    organisation = attrs.get("organisation")
    if serializer.instance is not None:
        if organisation is not None and organisation != serializer.instance.organisation:
            raise serializers.ValidationError({"organization": [_("A record cannot move to another organisation.")]})
    elif caller.is_staff:
        if organisation is None:
            raise serializers.ValidationError({"organization": [_("This field is required.")]})
    else:
        if organisation is not None and organisation.pk != caller.organisation_id:
            raise serializers.ValidationError(
                {"organization": [_("You can only add records of your own organisation.")]}
            )
        attrs["organisation"] = caller.organisation
    return attrs


def _organization_field():
    return serializers.SlugRelatedField(
        source="organisation",
        slug_field="slug",
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("Secretariat only: the organisation it belongs to. Others add their own."),
    )


class ChatRobotSerializer(serializers.ModelSerializer):
    organization = _organization_field()
    event_types = serializers.ListField(
        child=EventTypeField(),
        required=False,
        allow_empty=True,
        max_length=MAX_EVENT_TYPES,
        help_text=_("Event types to post; empty or absent: every event that concerns the organisation."),
    )
    secret = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=column_max_length(ChatRobot, "secret"),
        help_text=_("DingTalk and Feishu: the robot's signing key (never shown again)."),
    )

    class Meta:
        model = ChatRobot
        fields = [
            "id",
            "organization",
            "kind",
            "name",
            "url",
            "secret",
            "event_types",
            "language",
            "active",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def validate_url(self, value):
        problem = url_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def validate(self, attrs):
        return _own_organisation(self, attrs)


class SubscriptionSerializer(serializers.ModelSerializer):
    organization = _organization_field()
    event_type = EventTypeField(label=_("event type"))

    class Meta:
        model = Subscription
        fields = ["id", "organization", "event_type", "channel", "enabled"]
        read_only_fields = ["id"]
        # The unique (organisation, event_type, channel) is checked in validate(), with the caller's organisation.
        validators: list[Any] = []

    def validate(self, attrs):
        attrs = _own_organisation(self, attrs)
        organisation = attrs.get("organisation") or self.instance.organisation
        event_type = attrs.get("event_type", getattr(self.instance, "event_type", None))
        channel = attrs.get("channel", getattr(self.instance, "channel", None))
        clash = Subscription.objects.filter(organisation=organisation, event_type=event_type, channel=channel)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(
                {"event_type": [_("There is already a choice for this event type and channel: change that one.")]}
            )
        return attrs


@extend_schema_view(
    list=extend_schema(description=_("Your organisation's group-chat robots (WeCom, DingTalk, Feishu).")),
    create=extend_schema(description=_("Your organisation's administrators, write keys and the secretariat.")),
    destroy=extend_schema(description=_("Deactivates the robot (it is kept, with its delivery log).")),
)
class ChatRobotViewSet(
    OwnOrganisationMixin,
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    ConditionalDestroyMixin,
    viewsets.GenericViewSet,
):
    """Group-chat robots that post the organisation's alerts into a team chat."""

    serializer_class = ChatRobotSerializer
    model = ChatRobot

    def perform_destroy(self, instance) -> None:
        ChatRobot.objects.filter(pk=instance.pk).update(active=False)


@extend_schema_view(
    list=extend_schema(
        description=_(
            "Your organisation's choices of which event types reach it on which channel. Without a choice the "
            "default holds: every event that concerns you, on every channel you have; enabled=false opts out, "
            "and for an event that lets organisations opt in, enabled=true opts in."
        )
    ),
    destroy=extend_schema(description=_("Removes the choice: the default holds again.")),
)
class SubscriptionViewSet(
    OwnOrganisationMixin,
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    ConditionalDestroyMixin,
    viewsets.GenericViewSet,
):
    """Alert subscriptions: enabled=false opts out of an event type on a channel; an enabled choice opts in to an
    event whose audience includes the organisations that subscribed to it."""

    serializer_class = SubscriptionSerializer
    model = Subscription
    filterset_fields = ["event_type", "channel", "enabled"]
