from django.db import models
from django.utils.translation import gettext_lazy as _

from . import events


class Event(models.Model):
    """Something that happened elsewhere in the portal, recorded in the transaction that caused it.

    The alert pipeline fans each event out into one alert per recipient and channel; until it exists the
    events are kept here, so nothing that happened before it is lost.
    """

    name = models.CharField(_("event"), max_length=60, choices=[(e, e) for e in events.ALL], db_index=True)
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
        return f"{self.name} {self.object_type}#{self.object_id}"
