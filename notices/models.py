"""Notices (announcements, acknowledgements) live here; the alert pipeline's tables in alerts/models.py (same app)."""

from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alliance_portal.markdown import render as render_markdown
from members.models import Organisation, pick_language

# The alert pipeline's tables belong to this app (app_label "notices"): imported here so Django finds them.
from .alerts.models import Alert, Channel, ChatRobot, Event, Subscription, WebhookEndpoint  # noqa: F401

# Each Markdown body and the field its sanitised HTML is stored in.
BODY_HTML = {"body_zh": "body_html_zh", "body_en": "body_html_en"}


class Notice(models.Model):
    """A secretariat announcement to an audience of member organisations, in Chinese and English (Markdown)."""

    class Category(models.TextChoices):
        INITIATIVE = "initiative", _("Initiative")
        POLICY = "policy", _("Policy")
        URGENT = "urgent", _("Urgent")
        SUPPLY = "supply", _("Supply")
        DONATION = "donation", _("Donation")

    class Audience(models.TextChoices):
        ALL = "all", _("All members")
        KINDS = "kinds", _("Members of chosen kinds")
        PROVINCES = "provinces", _("Members in chosen provinces")
        ORGANISATIONS = "organisations", _("Named organisations")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_zh = models.TextField(
        _("text (Chinese)"),
        blank=True,
        help_text=_("Markdown."),
        max_length=20000,
        validators=[MaxLengthValidator(20000)],
    )
    body_en = models.TextField(
        _("text (English)"),
        blank=True,
        help_text=_("Markdown."),
        max_length=20000,
        validators=[MaxLengthValidator(20000)],
    )
    # The bodies rendered to sanitised HTML (alliance_portal.markdown.render) when a body is written, never on a read:
    # see save() and docs/architecture.md, "Stored HTML".
    body_html_zh = models.TextField(_("text as HTML (Chinese)"), blank=True, editable=False)
    body_html_en = models.TextField(_("text as HTML (English)"), blank=True, editable=False)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.POLICY)
    audience_kind = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.ALL)
    # Lists of Organisation.Kind and Province values; only read when audience_kind says so.
    kinds = models.JSONField(_("kinds of organisation"), default=list, blank=True)
    provinces = models.JSONField(_("provinces"), default=list, blank=True)
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="addressed_notices", verbose_name=_("organisations")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False, help_text=_("Shown above the others."))
    requires_ack = models.BooleanField(
        _("requires acknowledgement"), default=False, help_text=_("Each organisation confirms it has read it.")
    )
    is_public = models.BooleanField(_("public"), default=False, help_text=_("Also shown to visitors on the home page."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    # The periodic reminder and escalation each happen once per notice (see services.remind_unacknowledged).
    auto_reminded_at = models.DateTimeField(_("reminded automatically at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)

    # The stored HTML follows the Markdown the history already keeps.
    history = HistoricalRecords(excluded_fields=["updated_at", "body_html_zh", "body_html_en"])

    class Meta:
        ordering = ["-pinned", "-published_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["status", "publish_at"]),
            models.Index(fields=["status", "-pinned", "-published_at"]),
            # The lists' order itself (Meta.ordering): a page of a member's list (status in published/archived,
            # then the audience, both checked row by row) walks it and stops at its 51st row, where the first
            # index's leading status would need every visible row sorted (docs/performance.md, "Notices: the page
            # first"). The staff's list, with no status filter, walks it too.
            models.Index(fields=["-pinned", "-published_at", "-id"], name="notice_list_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "scheduled", "published", "archived"]), name="notice_status_valid"
            ),
            models.CheckConstraint(condition=~Q(title_zh="", title_en=""), name="notice_has_a_title"),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(publish_at__isnull=False), name="notice_scheduled_has_time"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        changed = self.render_bodies(None if update_fields is None else set(update_fields))
        if update_fields is not None and changed:
            kwargs["update_fields"] = {*update_fields, *changed}
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The stored HTML in the database was rendered from the bodies read with it.
        instance._html_rendered_from = {
            name: instance.__dict__[name] for name in BODY_HTML if name in instance.__dict__
        }
        return instance

    def render_bodies(self, names: "set[str] | None" = None) -> list[str]:
        """Renders each body (of `names`, or all) whose Markdown changed since its HTML was stored; returns the
        HTML fields it set. Markdown is rendered only here, when a notice is written."""
        rendered_from = self.__dict__.setdefault("_html_rendered_from", {})
        changed = []
        for body, html in BODY_HTML.items():
            if body not in self.__dict__ or (names is not None and body not in names):
                continue  # not loaded (deferred) or not being saved: its stored HTML stays as it is
            text = self.__dict__[body]
            if body in rendered_from and rendered_from[body] == text:
                continue
            setattr(self, html, str(render_markdown(text)))
            rendered_from[body] = text
            changed.append(html)
        return changed

    @property
    def title(self) -> str:
        return pick_language(self.title_zh, self.title_en)

    @property
    def body(self) -> str:
        return pick_language(self.body_zh, self.body_en)


def attachment_path(instance: "NoticeAttachment", filename: str) -> str:
    return f"notices/{instance.notice_id}/{filename}"


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("notice"))
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["notice_id", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Acknowledgement(models.Model):
    """An organisation's confirmation that it has read a notice: once per organisation, recording who."""

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="acknowledgements", verbose_name=_("notice")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="notice_acknowledgements", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    api_key = models.ForeignKey(
        "members.ApiKey",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("through API key"),
    )
    at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)

    class Meta:
        ordering = ["notice_id", "at"]
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["notice", "organisation"], name="acknowledgement_once_per_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.notice}"

    @property
    def by(self) -> str:
        if self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        if self.api_key is not None:
            return str(_("API key %(prefix)s (%(name)s)") % {"prefix": self.api_key.prefix, "name": self.api_key.name})
        return ""


class NoticeRead(models.Model):
    """A person has opened a notice: the list stops marking it unread for them."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads", verbose_name=_("notice"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    at = models.DateTimeField(_("read at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice read")
        verbose_name_plural = _("notices read")
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_read_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user} · {self.notice}"
