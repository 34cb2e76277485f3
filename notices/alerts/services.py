"""The alert outbox: fan an event out into rows, deliver rows, retry them, re-queue the lost ones.

A row is claimed with a conditional UPDATE (pending and due -> sending, with a claim token of this run), so a task
delivered twice by the broker, a second worker or the periodic re-queue cannot send one alert twice; only the
holder of the claim may mark it delivered or schedule its retry. Outcomes are written in batches (one UPDATE for the
delivered rows of up to ALERT_RECORD_EVERY messages, one per kind of failure), still filtered on the claim token. A
worker killed mid-delivery leaves its rows in "sending": after ALERT_SENDING_TIMEOUT_SECONDS the periodic re-queue
puts them back to pending (counted as an attempt) and those not yet recorded are sent again with the same delivery
id, which the receiver de-duplicates on.
"""

import logging
import os
import socket
import time
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Contact

from .channels import DeliveryError
from .channels import email as email_channel
from .channels import robots as robot_channel
from .channels import webhook as webhook_channel
from .models import Alert, Channel, ChatRobot, Event, Subscription, WebhookEndpoint
from .selectors import event_channels, event_recipients, secretariat_emails

logger = logging.getLogger(__name__)
S = Alert.Status
REQUEUE_LIMIT = 5000
# The event name of a test delivery (POST /api/v1/webhooks/{id}/test/): never a real event.
WEBHOOK_TEST = "webhook.test"


# ---------------------------------------------------------------------------------------------------- fan-out


def alerts_create_for_event(*, event: Event) -> list[Alert]:
    """One row per recipient and channel, in the caller's transaction (bulk: one event may reach a thousand
    organisations). Only over the channels the event type declares."""
    recipients = event_recipients(event)
    channels = event_channels(event.name)
    org_ids = recipients.organisation_ids
    rows: list[Alert] = []
    now = timezone.now()

    def row(**fields: Any) -> Alert:
        return Alert(event=event, next_attempt_at=now, created_at=now, **fields)

    if org_ids:
        off = set(
            Subscription.objects.filter(organisation_id__in=org_ids, event_type=event.name, enabled=False).values_list(
                "organisation_id", "channel"
            )
        )
        if Channel.EMAIL in channels:
            contacts = (
                Contact.objects.filter(organisation_id__in=org_ids, receives_alerts=True)
                .exclude(email="")
                .values_list("organisation_id", "email", "language")
                .order_by("organisation_id", "pk")
            )
            seen: set[tuple[int, str]] = set()
            for org_id, address, language in contacts:
                key = (org_id, address.lower())
                if (org_id, Channel.EMAIL) in off or key in seen:
                    continue
                seen.add(key)
                rows.append(row(organisation_id=org_id, channel=Channel.EMAIL, email=address, language=language))
        if Channel.WEBHOOK in channels:
            for endpoint in WebhookEndpoint.objects.filter(organisation_id__in=org_ids, active=True):
                if endpoint.wants(event.name) and (endpoint.organisation_id, Channel.WEBHOOK) not in off:
                    rows.append(
                        row(organisation_id=endpoint.organisation_id, channel=Channel.WEBHOOK, webhook=endpoint)
                    )
        if Channel.ROBOT in channels:
            for robot in ChatRobot.objects.filter(organisation_id__in=org_ids, active=True):
                if robot.wants(event.name) and (robot.organisation_id, Channel.ROBOT) not in off:
                    rows.append(
                        row(
                            organisation_id=robot.organisation_id,
                            channel=Channel.ROBOT,
                            robot=robot,
                            language=robot.language,
                        )
                    )
    if recipients.secretariat and Channel.EMAIL in channels:
        for address in secretariat_emails():
            rows.append(row(organisation=None, channel=Channel.EMAIL, email=address, language=settings.LANGUAGE_CODE))
    if not rows:
        return []
    created = Alert.objects.bulk_create(rows, batch_size=1000)
    if any(a.pk is None for a in created):  # a backend that does not return ids
        created = list(Alert.objects.filter(event=event))
    return created


def alerts_enqueue_on_commit(alerts: Iterable[Alert]) -> None:
    """Queues the delivery of these rows once the transaction that wrote them commits (never before: a worker
    must find the row, and a rolled-back change must send nothing)."""
    pairs = [(a.pk, a.channel) for a in alerts]
    if not pairs:
        return
    from .tasks import app_is_eager  # noqa: PLC0415 - tasks import this module

    # With a broker, a failure to queue must not fail the change that already committed: the periodic re-queue
    # sends the rows later. Eagerly (tests, `make run`) errors propagate so they are seen.
    transaction.on_commit(lambda: alerts_enqueue(pairs), robust=not app_is_eager())


def alerts_enqueue(pairs: list[tuple[int, str]]) -> int:
    """Sends Celery messages for (alert id, channel) pairs: emails in batches over one SMTP connection, every webhook
    or robot alone (one slow endpoint must not hold the others back). Returns the number of messages."""
    from .tasks import deliver_alert, deliver_alerts  # noqa: PLC0415

    emails = [pk for pk, channel in pairs if channel == Channel.EMAIL]
    others = [pk for pk, channel in pairs if channel != Channel.EMAIL]
    size = max(1, settings.ALERT_EMAIL_BATCH_SIZE)
    messages = 0
    for start in range(0, len(emails), size):
        deliver_alerts.delay(emails[start : start + size])
        messages += 1
    for pk in others:
        deliver_alert.delay(pk)
        messages += 1
    return messages


# ---------------------------------------------------------------------------------------------------- delivery


def claim_token() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def alerts_claim(*, alert_ids: list[int], token: str, now: datetime | None = None) -> int:
    """pending and due -> sending, atomically per row: returns how many rows this token now holds."""
    now = now or timezone.now()
    return Alert.objects.filter(pk__in=alert_ids, status=S.PENDING, next_attempt_at__lte=now).update(
        status=S.SENDING, claimed_at=now, claimed_by=token
    )


def retry_delay(attempts: int) -> timedelta:
    seconds = settings.ALERT_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.ALERT_RETRY_MAX_SECONDS))


def _send(alert: Alert) -> None:
    if alert.channel == Channel.WEBHOOK:
        if alert.webhook is None or not alert.webhook.active:
            raise DeliveryError("webhook endpoint deactivated")
        webhook_channel.deliver(alert)
    elif alert.channel == Channel.ROBOT:
        if alert.robot is None or not alert.robot.active:
            raise DeliveryError("robot deactivated")
        robot_channel.deliver(alert)
    else:
        raise DeliveryError(f"unknown channel {alert.channel!r}")


def alerts_deliver(*, alert_ids: list[int]) -> dict[str, int]:
    """Claims what it can of these rows, sends them, and records each outcome. Returns counts."""
    token = claim_token()
    if not alerts_claim(alert_ids=alert_ids, token=token):
        return {"claimed": 0, "delivered": 0, "failed": 0}
    alerts = list(Alert.objects.filter(claimed_by=token, status=S.SENDING).select_related("event", "webhook", "robot"))
    attempts = {a.pk: a.attempts for a in alerts}
    totals = {"claimed": len(alerts), "delivered": 0, "failed": 0}
    unrecorded: dict[int, str | None] = {}
    last_flush = time.monotonic()

    def flush() -> None:
        nonlocal last_flush
        if unrecorded:
            outcome = alerts_record(results=dict(unrecorded), token=token, attempts=attempts)
            totals["delivered"] += outcome["delivered"]
            totals["failed"] += outcome["failed"]
            unrecorded.clear()
        last_flush = time.monotonic()

    def record(pk: int, error: str | None) -> None:
        # Outcomes are written in small batches (one UPDATE for up to ALERT_RECORD_EVERY messages, at least every
        # ALERT_RECORD_SECONDS): a worker killed mid-batch re-sends at most those not yet recorded, not all.
        unrecorded[pk] = error
        if (
            len(unrecorded) >= settings.ALERT_RECORD_EVERY
            or time.monotonic() - last_flush >= settings.ALERT_RECORD_SECONDS
        ):
            flush()

    emails = [a for a in alerts if a.channel == Channel.EMAIL]
    if emails:
        # A batch must finish well before the re-queue takes its rows for a dead worker's: past half the sending
        # timeout (a slow SMTP server), the rest of the batch is handed back, unsent and without using an attempt.
        deadline = time.monotonic() + settings.ALERT_SENDING_TIMEOUT_SECONDS / 2
        try:
            sent = email_channel.send_batch(emails, on_result=record, keep_going=lambda: time.monotonic() < deadline)
        finally:
            flush()
        unsent = [a.pk for a in emails if a.pk not in sent]
        if unsent:
            Alert.objects.filter(pk__in=unsent, claimed_by=token, status=S.SENDING).update(
                status=S.PENDING, claimed_by="", claimed_at=None, next_attempt_at=timezone.now()
            )
            totals["released"] = len(unsent)
    for alert in alerts:
        if alert.channel == Channel.EMAIL:
            continue
        try:
            _send(alert)
            error = None
        except DeliveryError as exc:
            error = str(exc)
        except Exception as exc:  # a bug must leave the row retried and visible, not stuck in "sending"
            logger.exception("Alert %s: delivery failed unexpectedly", alert.pk)
            error = f"{type(exc).__name__}: {exc}"
        record(alert.pk, error)
        flush()  # a webhook or robot alert is recorded at once: each may take seconds
    return totals


def alerts_record(*, results: dict[int, str | None], token: str, attempts: dict[int, int]) -> dict[str, int]:
    """Writes the outcomes of rows this token holds: one UPDATE for the delivered ones, one per kind of failure."""
    now = timezone.now()
    delivered = [pk for pk, error in results.items() if error is None]
    mine = Alert.objects.filter(claimed_by=token, status=S.SENDING)
    if delivered:
        mine.filter(pk__in=delivered).update(
            status=S.DELIVERED, delivered_at=now, attempts=F("attempts") + 1, last_error=""
        )
    failures: dict[tuple[int, str], list[int]] = {}
    for pk, error in results.items():
        if error is not None:
            failures.setdefault((attempts.get(pk, 0) + 1, error[:2000]), []).append(pk)
    failed = 0
    for (tries, error), pks in failures.items():
        if tries >= settings.ALERT_MAX_ATTEMPTS:
            failed += mine.filter(pk__in=pks).update(status=S.FAILED, attempts=tries, last_error=error)
            logger.warning("Alerts %s failed for good after %s attempts: %s", pks, tries, error)
        else:
            mine.filter(pk__in=pks).update(
                status=S.PENDING, attempts=tries, next_attempt_at=now + retry_delay(tries), last_error=error
            )
    return {"claimed": len(results), "delivered": len(delivered), "failed": failed}


# ---------------------------------------------------------------------------------------------------- re-queue


def alerts_requeue(*, now: datetime | None = None, limit: int = REQUEUE_LIMIT) -> dict[str, int]:
    """The periodic safety net: rows stuck in "sending" (their worker died) go back to pending, and pending rows that
    are due (their message was lost, or their retry time has come) are queued again."""
    now = now or timezone.now()
    stuck = Q(status=S.SENDING, claimed_at__lt=now - timedelta(seconds=settings.ALERT_SENDING_TIMEOUT_SECONDS))
    # A row that kills every worker that takes it must not go round for ever: the reset counts as an attempt.
    given_up = Alert.objects.filter(stuck, attempts__gte=settings.ALERT_MAX_ATTEMPTS - 1).update(
        status=S.FAILED,
        attempts=F("attempts") + 1,
        last_error=_("The worker delivering this alert stopped; no attempts left."),
    )
    reset = Alert.objects.filter(stuck).update(
        status=S.PENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=now,
        claimed_by="",
        last_error=_("The worker delivering this alert stopped before it finished; sent again."),
    )
    grace = now - timedelta(seconds=settings.ALERT_REQUEUE_GRACE_SECONDS)
    due = (
        Alert.objects.filter(status=S.PENDING)
        .filter(Q(attempts=0, next_attempt_at__lte=grace) | Q(attempts__gt=0, next_attempt_at__lte=now))
        .order_by("next_attempt_at")
        .values_list("pk", "channel")[:limit]
    )
    pairs = list(due)
    messages = alerts_enqueue(pairs) if pairs else 0
    return {"failed": given_up, "reset": reset, "queued": len(pairs), "messages": messages}


@transaction.atomic
def alerts_retry(*, alert_ids: Iterable[int]) -> int:
    """Failed rows back to pending with a fresh set of attempts, queued after commit (the admin's retry)."""
    ids = list(Alert.objects.filter(pk__in=list(alert_ids), status=S.FAILED).values_list("pk", flat=True))
    if not ids:
        return 0
    Alert.objects.filter(pk__in=ids, status=S.FAILED).update(
        status=S.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_by="", claimed_at=None
    )
    alerts_enqueue_on_commit(Alert.objects.filter(pk__in=ids).only("pk", "channel"))
    return len(ids)


# ---------------------------------------------------------------------------------------------------- webhooks


def webhook_test_delivery(*, endpoint: WebhookEndpoint) -> dict[str, Any]:
    """Sends a signed test delivery now (not through the outbox) and says what the endpoint answered."""
    delivery_id = uuid.uuid4()
    data = {
        "organisation": endpoint.organisation.slug,
        "message": _("This is a test delivery from the Alliance Portal."),
    }
    try:
        status = webhook_channel.post(
            url=endpoint.url,
            secret=endpoint.secret,
            delivery_id=delivery_id,
            event=WEBHOOK_TEST,
            created_at=timezone.now(),
            data=data,
        )
    except DeliveryError as exc:
        return {"delivered": False, "delivery_id": str(delivery_id), "status_code": None, "error": str(exc)}
    return {"delivered": True, "delivery_id": str(delivery_id), "status_code": status, "error": ""}
