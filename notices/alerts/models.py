import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import registry


class Event(models.Model):
    """Something that happened elsewhere in the portal, recorded in the transaction that caused it.

    The alert pipeline fans each event out into one alert per recipient and channel; until it exists the
    events are kept here, so nothing that happened before it is lost.
    """

    name = models.CharField(_("event"), max_length=60, choices=registry.event_choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{registry.label(self.name)} {self.object_type}#{self.object_id}"


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def _check_url(url: str) -> None:
    from .channels.webhook import url_problem  # noqa: PLC0415 - channels import settings only, but keep models light

    problem = url_problem(url or "")
    if problem:
        raise ValidationError({"url": problem})


def _check_event_types(event_types) -> None:
    names = registry.names()
    if not isinstance(event_types, list) or any(e not in names for e in event_types):
        raise ValidationError(
            {"event_types": _("A list of event types, from: %(events)s.") % {"events": ", ".join(names)}}
        )


def _event_choices():
    return registry.event_choices()


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Partner webhook")
    ROBOT = "robot", _("Group-chat robot")


class WebhookEndpoint(models.Model):
    """A partner's HTTPS endpoint that receives the events of its organisation, signed with its own secret."""

    organisation = models.ForeignKey(
        "members.Organisation", on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("organisation")
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # Kept in clear: signing needs it, and the organisation may read it again (API, admin).
    secret = models.CharField(_("signing secret"), max_length=100, default=_new_secret, editable=False)
    event_types = models.JSONField(
        _("event types"), default=list, blank=True, help_text=_("Empty: every event that concerns the organisation.")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["organisation_id", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def wants(self, event: str) -> bool:
        return self.active and (not self.event_types or event in self.event_types)

    def clean(self) -> None:
        _check_url(self.url)
        _check_event_types(self.event_types)


class ChatRobot(models.Model):
    """A group-chat robot (WeCom, DingTalk, Feishu) that posts an organisation's alerts into a team chat."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom (企业微信)")
        DINGTALK = "dingtalk", _("DingTalk (钉钉)")
        FEISHU = "feishu", _("Feishu (飞书)")

    organisation = models.ForeignKey(
        "members.Organisation", on_delete=models.CASCADE, related_name="chat_robots", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    url = models.URLField(_("webhook URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"), max_length=200, blank=True, help_text=_("DingTalk and Feishu: the robot's signing key.")
    )
    event_types = models.JSONField(
        _("event types"), default=list, blank=True, help_text=_("Empty: every event that concerns the organisation.")
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["organisation_id", "id"]
        verbose_name = _("group-chat robot")
        verbose_name_plural = _("group-chat robots")

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} #{self.pk}"

    def wants(self, event: str) -> bool:
        return self.active and (not self.event_types or event in self.event_types)

    def clean(self) -> None:
        _check_url(self.url)
        _check_event_types(self.event_types)


class Subscription(models.Model):
    """An organisation's choice for one event type on one channel, overriding the default.

    Without a row the defaults hold: the event's app decides who it concerns (its recipients function). A row with
    enabled=False opts out; an enabled row opts in where that function asks who subscribed
    (notices.alerts.subscribed_organisation_ids).
    """

    organisation = models.ForeignKey(
        "members.Organisation", on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("organisation")
    )
    event_type = models.CharField(_("event type"), max_length=60, choices=_event_choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "event_type", "channel"], name="subscription_one_per_event_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {registry.label(self.event_type)} {self.get_channel_display()}"


class Alert(models.Model):
    """One message to one recipient over one channel: a row in the outbox before it is a Celery message.

    Written in the transaction of the event that caused it; a worker claims it with a conditional UPDATE
    (pending -> sending) so two workers never send it twice; the delivery_id travels with the message so the
    receiver can drop a repeat (after a worker died between sending and marking, say).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("event"))
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("recipient organisation"),
        help_text=_("Empty: the secretariat."),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    email = models.EmailField(_("email address"), blank=True)
    webhook = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("webhook"),
    )
    robot = models.ForeignKey(
        ChatRobot, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts", verbose_name=_("robot")
    )
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    delivery_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=100, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [
            # The re-queue scan: pending rows that are due, sending rows claimed too long ago.
            models.Index(fields=["status", "next_attempt_at"], name="alert_due_idx"),
            models.Index(fields=["status", "claimed_at"], name="alert_claimed_idx"),
            models.Index(fields=["organisation", "-created_at"], name="alert_org_log_idx"),
            # The secretariat's list (the API's default order).
            models.Index(fields=["-created_at", "-id"], name="alert_list_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sending", "delivered", "failed"]), name="alert_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{registry.label(self.event.name)} {self.get_channel_display()} {self.destination}"

    @property
    def destination(self) -> str:
        if self.channel == Channel.EMAIL:
            return self.email
        if self.channel == Channel.WEBHOOK and self.webhook is not None:
            return self.webhook.url
        if self.channel == Channel.ROBOT and self.robot_id:
            return str(self.robot)
        return ""
