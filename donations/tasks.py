"""Periodic work of donations (celery beat, see CELERY_BEAT_SCHEDULE): thin, the services decide."""

from celery import shared_task

from . import services


@shared_task
def flag_overdue_pledges() -> int:
    return services.pledges_flag_overdue()


@shared_task
def flag_appeals_closing_soon() -> int:
    return services.appeals_flag_closing_soon()
