"""The one door through which supply and donations tell notices that something happened."""

from django.db import transaction

from . import events
from .models import Event


def emit(event: str, obj=None, *, payload: dict | None = None, organisation=None) -> Event:
    """Records the event inside the caller's transaction: if the change rolls back, so does the event."""
    if event not in events.ALL:
        raise ValueError(f"unknown event {event!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("emit() must be called inside the transaction of the change it reports")
    return Event.objects.create(
        name=event,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        organisation=organisation,
        payload=payload or {},
    )
