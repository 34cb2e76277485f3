"""Periodic work of supply coordination (celery beat, see CELERY_BEAT_SCHEDULE): thin, the services decide."""

from celery import shared_task

from . import services


@shared_task
def recompute_priorities() -> int:
    """Waiting time is part of the priority, so open requests move up the queue as the hours pass."""
    return services.priority_recompute_bulk()


@shared_task
def flag_stale_requests() -> int:
    return services.supply_request_flag_stale()
