"""Reads of the alert pipeline: who an event reaches, and what became of the alerts it made."""

import logging
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from . import registry
from .models import Alert, Event
from .registry import Recipients

logger = logging.getLogger(__name__)

S = Alert.Status


def event_recipients(event: Event) -> Recipients:
    """Who an event reaches by default, as its app declared it. An event nobody declared is refused by emit(); one
    recorded before its declaration was removed reaches nobody (and says so in the log)."""
    declared = registry.get(event.name)
    if declared is None:
        logger.warning("Event %s (%s) has no declared recipients; no alert made", event.pk, event.name)
        return Recipients()
    return declared.recipients(event.payload or {}, event)


def event_channels(name: str) -> frozenset[str]:
    """The channels an event may use, as its app declared them (an undeclared one: none)."""
    declared = registry.get(name)
    return declared.channels if declared is not None else frozenset()


def secretariat_emails() -> list[str]:
    if settings.ALERT_SECRETARIAT_EMAILS:
        return list(settings.ALERT_SECRETARIAT_EMAILS)
    users = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def delivery_counts(*, event: str, object_type: str, object_id: int | str) -> dict[str, int]:
    """How the alerts of the events of this name about one object are doing: {"delivered", "pending", "failed"}
    (sending counts as pending)."""
    alerts = Alert.objects.filter(event__name=event, event__object_type=object_type, event__object_id=str(object_id))
    counts = dict(alerts.values_list("status").annotate(n=Count("id")).order_by())
    return {
        "delivered": counts.get(S.DELIVERED, 0),
        "pending": counts.get(S.PENDING, 0) + counts.get(S.SENDING, 0),
        "failed": counts.get(S.FAILED, 0),
    }


def alerts_visible_to(*, organisation_id: int | None, is_staff: bool) -> QuerySet[Alert]:
    alerts = Alert.objects.select_related("event", "organisation", "webhook", "robot")
    if is_staff:
        return alerts
    if organisation_id is None:
        return alerts.none()
    return alerts.filter(organisation_id=organisation_id)


def _bucket(status: str) -> str:
    return "pending" if status == S.SENDING else status


def delivery_health(*, since: datetime) -> tuple[dict[str, int], dict[date, dict[str, int]]]:
    """All alerts by outcome ({"delivered", "pending", "failed"}; sending counts as pending), and the same per day of
    creation since `since`: two grouped queries, whatever the size of the log."""
    totals = {"delivered": 0, "pending": 0, "failed": 0}
    for status, n in Alert.objects.values_list("status").annotate(n=Count("pk")).order_by():
        totals[_bucket(status)] = totals.get(_bucket(status), 0) + n
    per_day: dict[date, dict[str, int]] = {}
    rows = (
        Alert.objects.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values_list("day", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for day, status, n in rows:
        bucket = per_day.setdefault(day, {"delivered": 0, "pending": 0, "failed": 0})
        bucket[_bucket(status)] = bucket.get(_bucket(status), 0) + n
    return totals, per_day
