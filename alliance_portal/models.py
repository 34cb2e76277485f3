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
