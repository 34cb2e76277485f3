import smtplib

from celery import shared_task

from . import services


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
    acks_late=True,
)
def send_invitation_email(invitation_id: int, language: str) -> None:
    services.invitation_send_email(invitation_id=invitation_id, language=language)
