"""A pledge's shipment: the carrier records pick-up, checkpoints and hand-over; the receiver confirms receipt."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from alliance_portal.errors import ConflictError
from alliance_portal.shipping import (
    CheckpointKind,
    advance_shipment,
    checkpoint_payload,
    mark_received,
    require_step_right,
)
from members.rules import Actor
from notices.alerts import emit

from .. import events
from ..models import Shipment, ShipmentCheckpoint
from . import common


def require_carrier(actor: Actor, shipment: Shipment) -> None:
    """The carrying logistics member's admins, members and write keys; without a member carrier, the donor; and
    the secretariat always."""
    _require_step_right(actor, shipment, CheckpointKind.PICKUP)


def _require_step_right(actor: Actor, shipment: Shipment, kind: str) -> None:
    require_step_right(
        actor,
        shipment,
        kind,
        without_member_carrier=lambda who: common.require_donor_or_secretariat(who, shipment.pledge),
        receiver=lambda who: common.require_receiver_or_secretariat(who, shipment.pledge),
    )


@transaction.atomic
def shipment_record_step(
    *, shipment: Shipment, actor: Actor, kind: str, place: str = "", at: datetime | None = None, note: str = ""
) -> ShipmentCheckpoint:
    """One step on the way. The status moves with a conditional UPDATE, so a step the shipment's status does not
    allow (a hand-over before pick-up, anything after receipt) is refused and changes nothing."""
    _require_step_right(actor, shipment, kind)
    if shipment.pledge.status == shipment.pledge.Status.CANCELLED:
        raise ConflictError(
            _("The pledge was cancelled: its shipment takes no more steps."),
            code="pledge_cancelled",
            extra={"status": shipment.pledge.status},
        )
    checkpoint = advance_shipment(
        shipment, checkpoints=ShipmentCheckpoint.objects, kind=kind, actor=actor, place=place, at=at, note=note
    )
    emit(
        events.SHIPMENT_CHECKPOINT,
        shipment,
        payload={**common.pledge_payload(shipment.pledge), **checkpoint_payload(shipment, checkpoint)},
        organisation=shipment.carrier,
    )
    return checkpoint


def shipment_mark_received(*, shipment: Shipment, actor: Actor) -> None:
    """Called by pledge_deliver (which checked the right): a shipment not yet marked received is now."""
    mark_received(shipment, record=lambda kind: shipment_record_step(shipment=shipment, actor=actor, kind=kind))


__all__ = ["require_carrier", "shipment_mark_received", "shipment_record_step"]
