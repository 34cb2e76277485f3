"""The one door through which supply and donations tell notices that something happened."""

from django.db import transaction

from . import events
from .alert_services import alerts_create_for_event, alerts_enqueue_on_commit
from .models import Event


def emit(event: str, obj=None, *, payload: dict | None = None, organisation=None) -> Event:
    """Records the event and its alerts (one row per recipient and channel) inside the caller's transaction: if the
    change rolls back, so do they, and nothing is sent. Delivery is queued when the transaction commits."""
    if event not in events.ALL:
        raise ValueError(f"unknown event {event!r}")
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
