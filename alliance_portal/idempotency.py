"""`Idempotency-Key` on POST: a retried request creates nothing new and gets the first answer again.

The key is claimed by inserting its row in the same transaction as the work it guards, so:
- a retry after success finds the committed row and replays its status and body;
- two copies sent at once cannot both do the work: the second insert waits on the unique index until the first
  commits (then it replays) or rolls back (then it does the work itself);
- a request that fails (an error status, an exception, a crash) leaves no row, so a retry runs it again.
"""

import functools
import hashlib
import re
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response

from .api import Conflict
from .api_auth import get_caller
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
KEEP_FOR = timedelta(hours=24)


def request_fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.get_full_path()}\n{request.content_type}\n".encode())
    try:
        digest.update(request._request.body)
    except RawPostDataException:
        # The body was streamed into request.data already (a view read it first): fingerprint what was parsed.
        digest.update(repr(sorted(request.data.items()) if hasattr(request.data, "items") else request.data).encode())
    return digest.hexdigest()


# Printable ASCII, neither starting nor ending with a space (a UUID, a request id): the same rule is the header's
# pattern in the schema (alliance_portal.api_schema), so a caller can check a key before sending it.
KEY_PATTERN = "[!-~](?:[ -~]*[!-~])?"


def _validated_key(raw: str) -> str:
    key = raw
    if len(key) > MAX_KEY_LENGTH or not re.fullmatch(KEY_PATTERN, key):
        raise exceptions.ValidationError(
            {
                HEADER: [
                    _(
                        "An Idempotency-Key is 1 to %(max)d printable ASCII characters, "
                        "not starting or ending with a space."
                    )
                    % {"max": MAX_KEY_LENGTH}
                ]
            }
        )
    return key


def _replay(record: IdempotencyKey | None, fingerprint: str) -> Response:
    if record is None or record.response_status is None:
        raise Conflict(_("A request with this Idempotency-Key is still being processed; retry in a moment."))
    if record.fingerprint != fingerprint:
        raise Conflict(
            _(
                "This Idempotency-Key was already used for a different request. "
                "Use a new key for a new request, or resend exactly the same request."
            )
        )
    return Response(record.response_body, status=record.response_status, headers={REPLAY_HEADER: "true"})


def idempotent(handler):
    """Decorates a view method handling POST (self, request, ...) so an `Idempotency-Key` header is honoured."""

    @functools.wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        raw_key = request.headers.get(HEADER)
        if raw_key is None or request.method != "POST":  # an action that also answers GET reads as usual
            return handler(self, request, *args, **kwargs)
        key = _validated_key(raw_key)
        caller = get_caller(request).identity
        fingerprint = request_fingerprint(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(
                        caller=caller,
                        key=key,
                        method=request.method,
                        path=request.get_full_path()[:500],
                        fingerprint=fingerprint,
                    )
            except IntegrityError:
                return _replay(IdempotencyKey.objects.filter(caller=caller, key=key).first(), fingerprint)
            response = handler(self, request, *args, **kwargs)
            if not 200 <= response.status_code < 300:
                # Only a success is remembered: a retry of a refused request is judged afresh.
                transaction.set_rollback(True)
                return response
            record.response_status = response.status_code
            record.response_body = response.data
            record.save(update_fields=["response_status", "response_body"])
        return response

    return wrapper


class IdempotentCreateMixin:
    """For a viewset: `create` honours `Idempotency-Key` (documented by alliance_portal.api.PortalAutoSchema)."""

    idempotent_actions: tuple[str, ...] = ("create",)

    @idempotent
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


def purge_idempotency_keys(*, older_than: timedelta = KEEP_FOR) -> int:
    """Forget keys older than a day (or `older_than`); a retry after that is treated as a new request."""
    deleted, _details = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
