from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """The first answer to a POST sent with an `Idempotency-Key`, so a retry gets it again instead of a duplicate.

    Shared by every app's create endpoints (see alliance_portal.idempotency). Purged after a day.
    """

    caller = models.CharField(
        _("caller"), max_length=40, help_text=_("“key:” and the API key’s id, or “user:” and the user’s id")
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    # Empty only inside the transaction that claims the key and runs the request: never seen committed.
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_body = models.JSONField(_("response body"), encoder=DjangoJSONEncoder, null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="idempotency_key_unique_per_caller")]

    def __str__(self) -> str:
        return f"{self.caller} {self.key}"


class ApiKeyFailures(models.Model):
    """Bad API keys sent from one address in the current window: the lockout's durable count.

    The cache holds a copy for the cheap check on every request; this row is what counts when the cache (Redis) is
    away, so the lockout does not fail open to unlimited guessing (alliance_portal.key_lockout).
    """

    # An IPv6 address in text is at most 45 characters.
    address = models.CharField(_("IP address"), max_length=45, unique=True)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    window_started_at = models.DateTimeField(_("window started at"), db_index=True)

    class Meta:
        verbose_name = _("failed API key attempts")
        verbose_name_plural = _("failed API key attempts")

    def __str__(self) -> str:
        return f"{self.address}: {self.failures}"
