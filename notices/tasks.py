"""Periodic work of notices (celery beat, see CELERY_BEAT_SCHEDULE): thin, the services decide."""

from celery import shared_task

from . import services
from .alerts.tasks import deliver_alert, deliver_alerts, requeue_alerts  # noqa: F401 - autodiscovery reads tasks.py only


@shared_task
def publish_due_notices() -> int:
    return services.publish_due_notices()


@shared_task
def remind_unacknowledged_notices() -> dict:
    return services.remind_unacknowledged()
