"""Celery tasks of the alert pipeline: thin, they take ids and call notices.alerts.services.

Late acknowledgement (CELERY_TASK_ACKS_LATE) and reject-on-worker-lost put the message of a killed worker back on the
queue; the claim in the service makes a second run harmless. The broker is not the record: the outbox rows are, and
requeue_alerts (beat, every minute) re-sends whatever a lost message or a dead worker left behind. Their names are
explicit and stable (CELERY_BEAT_SCHEDULE and queued messages name them), whatever module holds them.
"""

from celery import shared_task

from alliance_portal.celery import app

from . import services


def app_is_eager() -> bool:
    return bool(app.conf.task_always_eager)


@shared_task(name="notices.alerts.deliver_alert", acks_late=True, reject_on_worker_lost=True)
def deliver_alert(alert_id: int) -> dict:
    return services.alerts_deliver(alert_ids=[alert_id])


@shared_task(name="notices.alerts.deliver_alerts", acks_late=True, reject_on_worker_lost=True)
def deliver_alerts(alert_ids: list[int]) -> dict:
    """A batch of email alerts over one SMTP connection."""
    return services.alerts_deliver(alert_ids=alert_ids)


@shared_task(name="notices.alerts.requeue_alerts", acks_late=True)
def requeue_alerts() -> dict:
    return services.alerts_requeue()
