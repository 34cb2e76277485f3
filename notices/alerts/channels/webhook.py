"""Partner webhooks: an HTTPS POST of JSON, signed with the endpoint's secret.

The receiver's recipe (README "Verifying a webhook"): take the raw request body and the X-Alliance-Timestamp
header, compute hex(HMAC-SHA256(secret, f"{timestamp}.{body}")), compare it in constant time with the part of
X-Alliance-Signature after "sha256=", refuse timestamps more than five minutes old, and drop a delivery whose
X-Alliance-Delivery it has already seen.
"""

import hashlib
import hmac
import json
import time
import uuid

from django.core.serializers.json import DjangoJSONEncoder

from alliance_portal import outbound

from .http import post_json


def url_problem(url: str) -> str | None:
    """Why this URL cannot be a webhook or robot endpoint, or None: the outbound-request policy, at save time."""
    return outbound.url_problem(url)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def body_for(*, delivery_id: uuid.UUID | str, event: str, created_at, data: dict) -> bytes:
    document = {"delivery_id": str(delivery_id), "event": event, "created_at": created_at, "data": data}
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()


def post(*, url: str, secret: str, delivery_id, event: str, created_at, data: dict) -> int:
    """Sends one signed delivery; returns the HTTP status, raises DeliveryError when it did not arrive."""
    body = body_for(delivery_id=delivery_id, event=event, created_at=created_at, data=data)
    timestamp = str(int(time.time()))
    headers = {
        "X-Alliance-Delivery": str(delivery_id),
        "X-Alliance-Event": event,
        "X-Alliance-Timestamp": timestamp,
        "X-Alliance-Signature": sign(secret, timestamp, body),
    }
    status, _body = post_json(url, body, headers)
    return status


def deliver(alert) -> None:
    endpoint = alert.webhook
    post(
        url=endpoint.url,
        secret=endpoint.secret,
        delivery_id=alert.delivery_id,
        event=alert.event.name,
        created_at=alert.event.created_at,
        data=alert.event.payload,
    )
