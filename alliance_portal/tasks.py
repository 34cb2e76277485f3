from celery import shared_task

from .idempotency import purge_idempotency_keys
from .key_lockout import purge_expired_failures


@shared_task
def purge_old_idempotency_keys() -> int:
    return purge_idempotency_keys()


@shared_task
def purge_expired_api_key_failures() -> int:
    return purge_expired_failures()
