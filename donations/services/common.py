"""What the donation services share: who is a party to a pledge, the conditional transition, event payloads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from alliance_portal.errors import ConflictError, NotAllowed
from members.rules import Actor, require_secretariat, require_write

from ..models import Pledge, PledgeTransition

P = Pledge.Status

MSG_NOT_PARTY = "Only the secretariat or the donor can do this."


def require_donor_or_secretariat(actor: Actor, pledge: Pledge) -> None:
    """The donor's admins, members and write keys, or the secretariat."""
    require_write(actor, organisation=pledge.donor_id)


def beneficiary_organisation_id(pledge: Pledge) -> int | None:
    appeal = pledge.appeal
    return appeal.beneficiary_organisation_id if appeal is not None else None


def require_receiver_or_secretariat(actor: Actor, pledge: Pledge) -> None:
    """Receipt is confirmed by the secretariat, or by the beneficiary's people when the beneficiary is a member."""
    receiver = beneficiary_organisation_id(pledge)
    if receiver is None:
        if not actor.is_secretariat:
            raise NotAllowed(_("Only the secretariat confirms receipt for this beneficiary."), code="secretariat_only")
        return
    require_write(actor, organisation=receiver)


def refuse(pledge_id: int, status: str, doing: str) -> ConflictError:
    label = P(status).label if status in P.values else status
    return ConflictError(
        _("Pledge #%(id)s is %(status)s: it cannot be %(doing)s.") % {"id": pledge_id, "status": label, "doing": doing},
        code="transition_not_allowed",
        extra={"status": status},
    )


def move(
    pledge: Pledge,
    *,
    from_statuses: Iterable[str],
    to: str,
    actor: Actor,
    doing: str,
    reason: str = "",
    **fields: Any,
) -> Pledge:
    """Moves the pledge with one conditional UPDATE (`status IN from_statuses`), so of two concurrent requests only
    one wins and the other is refused: nothing is counted twice. Records who, when and why."""
    now = timezone.now()
    updated = Pledge.objects.filter(pk=pledge.pk, status__in=from_statuses).update(status=to, updated_at=now, **fields)
    if not updated:
        current = Pledge.objects.filter(pk=pledge.pk).values_list("status", flat=True).first() or ""
        raise refuse(pledge.pk, current, doing)
    from_status = pledge.status
    pledge.refresh_from_db()
    PledgeTransition.objects.create(
        pledge=pledge, from_status=from_status, to_status=to, by=actor.person, by_api_key=actor.api_key, reason=reason
    )
    # The UPDATE above bypassed simple_history; saving the new state records it there too.
    pledge._change_reason = (reason or f"{from_status} → {to}")[:100]
    pledge.save(update_fields=["updated_at"])
    return pledge


def pledge_payload(pledge: Pledge) -> dict[str, Any]:
    appeal = pledge.appeal
    receiver = appeal.beneficiary_organisation if appeal is not None else None
    lines = [] if pledge.is_money else list(pledge.lines.select_related("category"))
    return {
        "pledge": pledge.pk,
        "donor": pledge.donor.slug,
        "donor_name": {"zh-hans": pledge.donor.name_zh, "en": pledge.donor.name_en},
        "appeal": appeal.pk if appeal else None,
        "appeal_title": {"zh-hans": appeal.title_zh, "en": appeal.title_en} if appeal else None,
        "beneficiary": pledge.beneficiary,
        "beneficiary_organisation": receiver.slug if receiver is not None else None,
        "kind": pledge.kind,
        "amount": f"{pledge.amount} {pledge.currency}" if pledge.is_money else None,
        "value_cny": str(pledge.value_cny),
        "goods": "; ".join(f"{line.category.name_en} {line.quantity.normalize():f} {line.unit}" for line in lines),
        "status": pledge.status,
        "promised_date": pledge.promised_date.isoformat(),
    }


__all__ = [
    "MSG_NOT_PARTY",
    "beneficiary_organisation_id",
    "move",
    "pledge_payload",
    "refuse",
    "require_donor_or_secretariat",
    "require_receiver_or_secretariat",
    "require_secretariat",
]
