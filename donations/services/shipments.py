"""A pledge's shipment: the carrier records pick-up, checkpoints and hand-over; the receiver confirms receipt."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from alliance_portal.errors import ConflictError, NotAllowed
from alliance_portal.shipping import CARRIER_STEPS, CheckpointKind, ShipmentStatus, advance_shipment
from members.models import Organisation
from members.rules import Actor, require_write
from notices.alerts import emit

from .. import events
from ..models import Shipment, ShipmentCheckpoint
from . import common


def require_carrier(actor: Actor, shipment: Shipment) -> None:
    """The carrying logistics member's admins, members and write keys; without a member carrier, the donor; and
    the secretariat always."""
    if shipment.carrier_id is not None:
        require_write(actor, organisation=shipment.carrier_id, kinds=[Organisation.Kind.LOGISTICS])
    else:
        common.require_donor_or_secretariat(actor, shipment.pledge)


def _require_step_right(actor: Actor, shipment: Shipment, kind: str) -> None:
    if kind in CARRIER_STEPS:
        require_carrier(actor, shipment)
    elif kind == CheckpointKind.RECEIVED:
        common.require_receiver_or_secretariat(actor, shipment.pledge)
    else:
        raise NotAllowed(_("Unknown step."), code="unknown_step")


@transaction.atomic
def shipment_record_step(
    *, shipment: Shipment, actor: Actor, kind: str, place: str = "", at: datetime | None = None, note: str = ""
) -> ShipmentCheckpoint:
    """One step on the way. The status moves with a conditional UPDATE, so a step the shipment's status does not
    allow (a hand-over before pick-up, anything after receipt) is refused and changes nothing."""
    if kind not in CheckpointKind.values:
        raise ValidationError({"kind": [_("Choose a step.")]})
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
    at = checkpoint.at
    pledge = shipment.pledge
    carrier = shipment.carrier
    emit(
        events.SHIPMENT_CHECKPOINT,
        shipment,
        payload={
            **common.pledge_payload(pledge),
            "shipment": shipment.pk,
            "carrier": shipment.carrier_label,
            "carrier_slug": carrier.slug if carrier is not None else None,
            "tracking_number": shipment.tracking_number,
            "step": kind,
            "place": checkpoint.place,
            "note": checkpoint.note,
            "at": at.isoformat(),
        },
        organisation=carrier,
    )
    return checkpoint


def shipment_mark_received(*, shipment: Shipment, actor: Actor) -> None:
    """Called by pledge_deliver (which checked the right): a shipment not yet marked received is now."""
    if shipment.status == ShipmentStatus.RECEIVED:
        return
    if shipment.status == ShipmentStatus.PLANNED:
        # Delivered without the carrier's steps (e.g. the donor's own van): the receipt is the one step recorded.
        Shipment.objects.filter(pk=shipment.pk).update(status=ShipmentStatus.PICKED_UP)
        shipment.status = ShipmentStatus.PICKED_UP
    shipment_record_step(shipment=shipment, actor=actor, kind=CheckpointKind.RECEIVED)


__all__ = ["require_carrier", "shipment_mark_received", "shipment_record_step"]
