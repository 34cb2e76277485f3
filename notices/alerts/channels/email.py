"""Email alerts: one message per contact, in the contact's language, plain text and HTML, one SMTP connection for a
batch (Django's get_connection() opened once, each message sent on it so a refused address fails alone).

A batch renders and encodes each event once per language, not once per contact: the two templates are rendered with
a placeholder delivery id, and on the SMTP backend the MIME message is generated once, each contact's message being
that text with its own address and delivery id put in (`Prepared`). Only `alert.delivery_id` may therefore differ
between two recipients of one event in one language (the templates must not show the address). Where the encoded
message does not hold the placeholders as plain text (an unusual address, a body encoded in quoted-printable), the
contact's message is built in full by Django, as before.
"""

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.template.loader import render_to_string
from django.utils import translation

from .content import content_for

logger = logging.getLogger(__name__)
ADDRESS_PLACEHOLDER = "alert-recipient@placeholder.invalid"
# An ASCII address that needs neither quoting nor encoding in a header (anything else is built by Django in full).
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")


@dataclass(frozen=True)
class _Placeholder:
    """What the templates see as `alert`: the delivery id is a placeholder replaced per contact."""

    delivery_id: str


class _RawMessage:
    """What the SMTP backend asks of `EmailMessage.message()`: the bytes, already generated."""

    def __init__(self, raw: bytes):
        self.raw = raw

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        return self.raw if linesep == "\r\n" else self.raw.replace(b"\r\n", linesep.encode())


class _PreparedEmail(EmailMultiAlternatives):
    raw: bytes | None = None

    def message(self):
        return _RawMessage(self.raw) if self.raw is not None else super().message()


class Prepared:
    """One event in one language: subject and both bodies rendered once, and (for the SMTP backend) the MIME message
    encoded once, with a placeholder delivery id and address that each contact's message replaces."""

    def __init__(self, event, language: str, encode: bool):
        self.event = event
        self.placeholder = str(uuid.uuid4())  # the length of a real delivery id: headers fold the same way
        content = content_for(event.name, event.payload, language)
        context = {"content": content, "alert": _Placeholder(self.placeholder), "language": language}
        with translation.override(language):
            self.text = render_to_string("emails/alert.txt", context)
            self.html = render_to_string("emails/alert.html", context)
        self.subject = content.subject
        self.raw: bytes | None = None
        if encode:
            prototype = self._build(self.placeholder, ADDRESS_PLACEHOLDER, self.text, self.html)
            raw = prototype.message().as_bytes(linesep="\r\n")
            expected = 2 + self.text.count(self.placeholder) + self.html.count(self.placeholder)  # 2: the headers
            if raw.count(self.placeholder.encode()) == expected and raw.count(ADDRESS_PLACEHOLDER.encode()) == 1:
                self.raw = raw

    def _build(self, delivery_id: str, address: str, text: str, html: str, connection=None) -> _PreparedEmail:
        message = _PreparedEmail(
            subject=self.subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            connection=connection,
            headers={
                # The receiver's de-duplication key, as for webhooks; a repeat keeps the same Message-ID.
                "X-Alliance-Delivery": delivery_id,
                "X-Alliance-Event": self.event.name,
                "Message-ID": f"<{delivery_id}@alliance-portal>",
            },
        )
        message.attach_alternative(html, "text/html")
        return message

    def message_for(self, alert, connection=None) -> EmailMultiAlternatives:
        delivery_id = str(alert.delivery_id)
        text = self.text.replace(self.placeholder, delivery_id)
        html = self.html.replace(self.placeholder, delivery_id)
        message = self._build(delivery_id, alert.email, text, html, connection)
        if self.raw is not None:
            address = alert.email
            if _PLAIN_ADDRESS.fullmatch(address) and len(address) < 200:  # Django's header would be this address
                message.raw = self.raw.replace(self.placeholder.encode(), delivery_id.encode()).replace(
                    ADDRESS_PLACEHOLDER.encode(), address.encode()
                )
        return message


def message_for(alert, connection=None) -> EmailMultiAlternatives:
    """One contact's message, built on its own (the batch shares one `Prepared` per event and language)."""
    return Prepared(alert.event, alert.language, encode=False).message_for(alert, connection)


def send_batch(
    alerts,
    on_result: Callable[[int, str | None], None] | None = None,
    keep_going: Callable[[], bool] | None = None,
) -> dict[int, str | None]:
    """Sends each alert's email over one connection; returns {alert id: None if sent, else the error}.

    on_result(alert id, error) is called as soon as each message is sent or refused, so the outbox can record it
    (in small batches): a worker killed half-way through a batch re-sends only the messages not yet recorded, not the
    whole batch. When keep_going() turns false (a slow server ate the batch's time) the rest is left unsent and out
    of the result.
    """
    results: dict[int, str | None] = _Results(on_result)
    connection = get_connection()
    encode = isinstance(connection, SmtpBackend)
    prepared: dict[tuple[int, str], Prepared | Exception] = {}
    messages = []
    for alert in alerts:
        key = (alert.event_id, alert.language)
        group = prepared.get(key)
        if group is None:
            try:
                group = Prepared(alert.event, alert.language, encode=encode)
            except Exception as exc:  # a bad template or payload fails the rows of this event, not the batch
                logger.exception("Alert %s: cannot render its email", alert.pk)
                group = exc
            prepared[key] = group
        if isinstance(group, Exception):
            results[alert.pk] = f"render: {group}"
            continue
        try:
            messages.append((alert, group.message_for(alert, connection)))
        except Exception as exc:  # a bad address fails this row, not the batch
            logger.exception("Alert %s: cannot build its email", alert.pk)
            results[alert.pk] = f"render: {exc}"
    if not messages:
        return dict(results)
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
