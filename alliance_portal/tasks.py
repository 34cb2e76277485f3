from celery import shared_task

from .idempotency import purge_idempotency_keys


@shared_task
def purge_old_idempotency_keys() -> int:
    return purge_idempotency_keys()
