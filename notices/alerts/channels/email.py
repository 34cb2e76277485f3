"""Email alerts: one message per contact, in the contact's language, plain text and HTML, one SMTP connection for a
batch (Django's get_connection() opened once, each message sent on it so a refused address fails alone)."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from .content import content_for

logger = logging.getLogger(__name__)


def message_for(alert, connection=None) -> EmailMultiAlternatives:
    content = content_for(alert.event.name, alert.event.payload, alert.language)
    context = {"content": content, "alert": alert, "language": alert.language}
    with translation.override(alert.language):
        text = render_to_string("emails/alert.txt", context)
        html = render_to_string("emails/alert.html", context)
    message = EmailMultiAlternatives(
        subject=content.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[alert.email],
        connection=connection,
        headers={
            # The receiver's de-duplication key, as for webhooks; a repeat keeps the same Message-ID.
            "X-Alliance-Delivery": str(alert.delivery_id),
            "X-Alliance-Event": alert.event.name,
            "Message-ID": f"<{alert.delivery_id}@alliance-portal>",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def send_batch(
    alerts,
    on_result: Callable[[int, str | None], None] | None = None,
    keep_going: Callable[[], bool] | None = None,
) -> dict[int, str | None]:
    """Sends each alert's email over one connection; returns {alert id: None if sent, else the error}.

    on_result(alert id, error) is called as soon as each message is sent or refused, so the outbox can record it at
    once: a worker killed half-way through a batch then re-sends only the message it was on, not the whole batch.
    When keep_going() turns false (a slow server ate the batch's time) the rest is left unsent and out of the result.
    """
    results: dict[int, str | None] = _Results(on_result)
    connection = get_connection()
    messages = []
    for alert in alerts:
        try:
            messages.append((alert, message_for(alert, connection)))
        except Exception as exc:  # a bad template or payload fails this row, not the batch
            logger.exception("Alert %s: cannot render its email", alert.pk)
            results[alert.pk] = f"render: {exc}"
    if not messages:
        return results
    try:
        connection.open()
    except Exception as exc:
        for alert, _message in messages:
            results[alert.pk] = f"connect: {exc}"
        return dict(results)
    try:
        for alert, message in messages:
            if keep_going is not None and not keep_going():
                break
            try:
                sent = connection.send_messages([message])
                results[alert.pk] = None if sent else "not sent"
            except Exception as exc:
                results[alert.pk] = f"{type(exc).__name__}: {exc}"
                # The connection may be broken: the rest of the batch gets a new one.
                connection.close()
                try:
                    connection.open()
                except Exception as exc2:
                    logger.warning("Alert email batch: cannot reconnect: %s", exc2)
    finally:
        connection.close()
    return dict(results)


class _Results(dict):
    def __init__(self, on_result):
        super().__init__()
        self.on_result = on_result

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        if self.on_result is not None:
            self.on_result(key, value)
