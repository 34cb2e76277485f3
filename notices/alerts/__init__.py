"""The alert pipeline's public entry: the only names other apps import from it.

- `emit(event, obj, payload=..., organisation=...)`: record an event and its alerts in the caller's transaction.
- `EventType`, `Recipients`, `register`, `register_all`: declare the events an app raises (in `AppConfig.ready`).
- `delivery_counts(event=..., object_type=..., object_id=...)`: what became of the alerts an event made.
- `organisations_by_slugs`, `organisations_by_ids`, `subscribed_organisation_ids`, `reachable_organisations`: what a
  recipients function may ask about the audience, without reading another app's tables.

Everything else in this package (models, services, selectors, tasks, API, admin, channels) is the mechanism.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from .registry import ALL_CHANNELS, EMAIL, ROBOT, WEBHOOK, EventType, Recipients, register, register_all

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from members.models import Organisation

__all__ = [
    "ALL_CHANNELS",
    "EMAIL",
    "ROBOT",
    "WEBHOOK",
    "EventType",
    "Recipients",
    "delivery_counts",
    "delivery_health",
    "emit",
    "events_backdate",
    "organisations_by_ids",
    "organisations_by_slugs",
    "reachable_organisations",
    "register",
    "register_all",
    "subscribed_organisation_ids",
]


def emit(event: str, obj: Any = None, *, payload: dict | None = None, organisation: Organisation | None = None):
    """Records the event and its alerts (one row per recipient and channel) inside the caller's transaction: if the
    change rolls back, so do they, and nothing is sent. Delivery is queued when the transaction commits."""
    from .models import Event  # noqa: PLC0415
    from .registry import is_registered  # noqa: PLC0415
    from .services import alerts_create_for_event, alerts_enqueue_on_commit  # noqa: PLC0415

    if not is_registered(event):
        raise ValueError(f"unknown event {event!r}: register it in its app's AppConfig.ready()")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("emit() must be called inside the transaction of the change it reports")
    recorded = Event.objects.create(
        name=event,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        organisation=organisation,
        payload=payload or {},
    )
    alerts_enqueue_on_commit(alerts_create_for_event(event=recorded))
    return recorded


def delivery_counts(*, event: str, object_type: str, object_id: int | str) -> dict[str, int]:
    """{"delivered", "pending", "failed"} alerts of the events of this name about one object."""
    from .selectors import delivery_counts as counts  # noqa: PLC0415

    return counts(event=event, object_type=object_type, object_id=object_id)


def delivery_health(*, since: Any) -> tuple[dict[str, int], dict[Any, dict[str, int]]]:
    """All alerts by outcome, and per day of creation since `since` (for the secretariat's dashboard)."""
    from .selectors import delivery_health as health  # noqa: PLC0415

    return health(since=since)


# --- what a recipients function may ask ------------------------------------------------------------------------


def reachable_organisations() -> QuerySet[Organisation]:
    """Organisations that still hear from the alliance (a withdrawn member does not)."""
    from members.models import Organisation  # noqa: PLC0415

    return Organisation.objects.exclude(status=Organisation.Status.WITHDRAWN)


def organisations_by_slugs(*slugs: str | None) -> list[int]:
    wanted = [s for s in slugs if s]
    if not wanted:
        return []
    return list(reachable_organisations().filter(slug__in=wanted).values_list("pk", flat=True))


def organisations_by_ids(ids) -> list[int]:
    wanted = [int(i) for i in ids or []]
    if not wanted:
        return []
    return list(reachable_organisations().filter(pk__in=wanted).values_list("pk", flat=True))


def subscribed_organisation_ids(event: str) -> list[int]:
    """Organisations that opted in to this event (an enabled subscription on any channel)."""
    from .models import Subscription  # noqa: PLC0415

    rows = Subscription.objects.filter(event_type=event, enabled=True).values_list("organisation_id", flat=True)
    return sorted(set(rows))


def events_backdate(obj: Any, delta: Any) -> int:
    """Moves the recorded events about `obj` back in time by `delta` (demo data that tells a story over weeks);
    returns how many. Alerts already made are left as they are."""
    from django.db.models import F  # noqa: PLC0415

    from .models import Event  # noqa: PLC0415

    rows = Event.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return rows.update(created_at=F("created_at") - delta)
