"""Periodic work of assistance (celery beat, see CELERY_BEAT_SCHEDULE): thin, the services decide."""

from celery import shared_task

from . import services


@shared_task
def remind_missing_reports() -> int:
    """Members that have not reported for the period hear of it, once a day each."""
    return services.missing_reports_remind()
