"""A commitment's shipment: the supplier (or the secretariat) assigns a logistics member as carrier; the carrier
records pick-up, checkpoints and hand-over; the fab confirms receipt with the commitment's delivery
(`commitment_deliver`), which marks the shipment received.

The workflow of the shipment itself is alliance_portal.shipping's (shared with donations' pledges). What is supply's:
- the carrier's pick-up of an accepted commitment ships it (the commitment moves to shipped and the request's
  in-transit quantity follows), as the supplier's own "ship" would;
- a withdrawn, declined or delivered commitment's shipment takes no more carrier steps;
- receipt is never a step of its own here: the fab confirms it with the quantity received, on the commitment.

Locking, as in .commitments: the request's row, then the commitment's, then the shipment's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from alliance_portal.errors import ConflictError, NotAllowed
from alliance_portal.shipping import (
    CARRIER_STEPS,
    CheckpointKind,
    ShipmentStatus,
    advance_shipment,
    checkpoint_payload,
    mark_received,
    require_step_right,
)
from members.models import Organisation
from members.rules import GOOD_STANDING, MSG_OTHER_ORGANISATION, Actor, require_write
from notices.alerts import emit

from .. import events
from ..models import Commitment, Shipment, ShipmentCheckpoint, Storage, SupplyRequest
from . import commitments as commitment_services
from .requests import parties

C = Commitment.Status

# Who assigns the carrier, and while the commitment is in which statuses (before delivery, once accepted).
ASSIGN_CARRIER: tuple[set[str], set[str]] = ({"supplier", "secretariat"}, {C.ACCEPTED, C.SHIPPED})
# A commitment in one of these takes the carrier's steps.
CARRIED_STATUSES = (C.ACCEPTED, C.SHIPPED)


def _locked(shipment: Shipment) -> tuple[SupplyRequest, Commitment, Shipment]:
    request, commitment = commitment_services.locked(shipment.commitment)
    shipment = Shipment.objects.select_for_update(of=("self",)).select_related("carrier").get(pk=shipment.pk)
    shipment.commitment = commitment
    return request, commitment, shipment


def _require_assigner(actor: Actor, commitment: Commitment) -> None:
    who, _start = ASSIGN_CARRIER
    require_write(actor)
    if who & parties(actor, fab_id=commitment.request.organisation_id, supplier_id=commitment.supplier_id):
        return
    if actor.organisation_id == commitment.request.organisation_id:
        raise NotAllowed(_("The supplier or the secretariat assigns the carrier."), code="not_your_part")
    raise NotAllowed(MSG_OTHER_ORGANISATION, code="other_organisation")


def commitment_check_assigner(*, commitment: Commitment, actor: Actor) -> None:
    """NotAllowed unless the actor may assign the commitment's carrier (a door asks before it shows the form)."""
    _require_assigner(actor, commitment)


def can_assign_carrier(actor: Actor, commitment: Commitment) -> bool:
    """For a door that offers the action (the service asks again)."""
    who, start = ASSIGN_CARRIER
    if commitment.status not in start:
        return False
    return bool(who & parties(actor, fab_id=commitment.request.organisation_id, supplier_id=commitment.supplier_id))


def dangerous_goods(request: SupplyRequest) -> tuple[str, str]:
    """The UN number and storage class the carrier sees: the request's UN number and its storage, in both
    languages (the carrier may read either), when it is not plain ambient storage."""
    if request.storage == Storage.AMBIENT:
        storage = ""
    else:
        with override("zh-hans"):
            zh = str(Storage(request.storage).label)
        with override("en"):
            en = str(Storage(request.storage).label)
        storage = zh if zh == en else f"{zh} / {en}"
    return request.un_number, storage


def shipment_payload(shipment: Shipment) -> dict[str, Any]:
    commitment = shipment.commitment
    request = commitment.request
    carrier = shipment.carrier
    return {
        **commitment_services.commitment_payload(commitment),
        "material": request.material,
        "unit": request.unit,
        "shipment": shipment.pk,
        "carrier": shipment.carrier_label,
        "carrier_slug": carrier.slug if carrier is not None else None,
        "tracking_number": shipment.tracking_number,
        "un_number": shipment.un_number,
        "storage_class": shipment.storage_class,
    }


@transaction.atomic
def commitment_assign_carrier(
    *, commitment: Commitment, actor: Actor, carrier: Organisation, tracking_number: str = ""
) -> Shipment:
    """The supplier (or the secretariat) gives an accepted or shipped commitment to a logistics member to carry. It
    may change the carrier until the goods are picked up; the UN number and storage class come from the request."""
    request, commitment = commitment_services.locked(commitment)
    _require_assigner(actor, commitment)
    if commitment.status not in ASSIGN_CARRIER[1]:
        raise commitment_services.refuse(commitment, _("given a carrier"))
    if carrier.kind != Organisation.Kind.LOGISTICS:
        raise ValidationError({"carrier": [_("The carrier must be a logistics member.")]})
    if carrier.status not in GOOD_STANDING:
        raise ValidationError({"carrier": [_("This logistics member is suspended or has withdrawn.")]})
    shipment = Shipment.objects.select_for_update().filter(commitment=commitment).first()
    if shipment is not None and shipment.status != ShipmentStatus.PLANNED:
        raise ConflictError(
            _("The carrier has already picked the goods up: the carrier cannot change now."),
            code="shipment_under_way",
            extra={"status": shipment.status},
        )
    un_number, storage_class = dangerous_goods(request)
    if shipment is None:
        shipment = Shipment(commitment=commitment)
    shipment.carrier = carrier
    shipment.carrier_name = ""
    shipment.tracking_number = (tracking_number or "").strip() or commitment.tracking_number
    shipment.un_number = un_number
    shipment.storage_class = storage_class
    shipment.full_clean()
    shipment._change_reason = "carrier assigned"
    shipment.save()
    emit(events.COMMITMENT_CARRIER_ASSIGNED, shipment, payload=shipment_payload(shipment), organisation=carrier)
    return shipment


def _record(
    shipment: Shipment, *, actor: Actor, kind: str, place: str, at: datetime | None, note: str
) -> ShipmentCheckpoint:
    checkpoint = advance_shipment(
        shipment, checkpoints=ShipmentCheckpoint.objects, kind=kind, actor=actor, place=place, at=at, note=note
    )
    emit(
        events.COMMITMENT_SHIPMENT_CHECKPOINT,
        shipment,
        payload={**shipment_payload(shipment), **checkpoint_payload(shipment, checkpoint)},
        organisation=shipment.carrier,
    )
    return checkpoint


def _carrier_text(shipment: Shipment) -> str:
    """The carrier as the commitment keeps it (a text both languages read), e.g. "顺达物流 Shunda Logistics"."""
    carrier = shipment.carrier
    if carrier is None:
        return shipment.carrier_name
    names = [carrier.name_zh, carrier.name_en] if carrier.name_en != carrier.name_zh else [carrier.name_zh]
    return " ".join(n for n in names if n)[: Commitment._meta.get_field("carrier").max_length]


def _fab_confirms_on_the_commitment(actor: Actor) -> None:
    raise ValidationError({"kind": [_("The fab confirms receipt on the commitment, with the quantity received.")]})


@transaction.atomic
def shipment_record_step(
    *, shipment: Shipment, actor: Actor, kind: str, place: str = "", at: datetime | None = None, note: str = ""
) -> ShipmentCheckpoint:
    """The carrier's step (pick-up, checkpoint, hand-over). A step the shipment's status does not allow is refused
    and changes nothing; a pick-up of an accepted commitment ships it."""
    request, commitment, shipment = _locked(shipment)
    require_step_right(
        actor,
        shipment,
        kind,
        # A commitment's shipment always has a member carrier (commitment_assign_carrier); without one the
        # supplier would stand in for it.
        without_member_carrier=lambda who: commitment_services.commitment_check_part(
            commitment=commitment, actor=who, action="ship"
        ),
        receiver=_fab_confirms_on_the_commitment,
    )
    if kind not in CARRIER_STEPS:  # pragma: no cover - require_step_right refused every other kind
        raise ValidationError({"kind": [_("Choose a step.")]})
    if commitment.status not in CARRIED_STATUSES:
        raise ConflictError(
            _("The commitment is %(status)s: its shipment takes no more steps.")
            % {"status": commitment.get_status_display()},
            code="commitment_closed",
            extra={"status": commitment.status},
        )
    checkpoint = _record(shipment, actor=actor, kind=kind, place=place, at=at, note=note)
    if kind == CheckpointKind.PICKUP and commitment.status == C.ACCEPTED:
        commitment_services.mark_shipped(
            request,
            commitment,
            carrier=_carrier_text(shipment),
            tracking_number=shipment.tracking_number,
            shipped_on=timezone.localdate(checkpoint.at),
        )
    return checkpoint


def shipment_mark_received(*, commitment: Commitment, actor: Actor) -> ShipmentCheckpoint | None:
    """Called by commitment_deliver (which checked the fab's right and holds the locks): the commitment's shipment,
    if it has one, is received."""
    shipment = (
        Shipment.objects.select_for_update(of=("self",)).select_related("carrier").filter(commitment=commitment).first()
    )
    if shipment is None:
        return None
    shipment.commitment = commitment
    return mark_received(
        shipment, record=lambda kind: _record(shipment, actor=actor, kind=kind, place="", at=None, note="")
    )


__all__ = [
    "ASSIGN_CARRIER",
    "can_assign_carrier",
    "commitment_check_assigner",
    "commitment_assign_carrier",
    "dangerous_goods",
    "shipment_mark_received",
    "shipment_record_step",
]
