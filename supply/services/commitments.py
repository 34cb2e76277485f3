"""Suppliers' commitments against approved requests: made, accepted, shipped, delivered, withdrawn or declined.

Each write checks the actor first (members.rules: standing, role, kind, party), then the commitment's state.

Locking: an operation on a commitment first locks its request's row, then the commitment's, always in that
order, so two operations on one request queue up instead of deadlocking. The committed total is changed only by a
conditional UPDATE that the database re-checks under the row lock, and a CHECK constraint backs it.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance_portal.errors import ConflictError, NotAllowed
from members.models import Organisation
from members.rules import MSG_OTHER_ORGANISATION, Actor, require_write
from notices.alerts import emit

from .. import events
from ..models import Commitment, Qualification, SupplyRequest
from .requests import parties

S = SupplyRequest.Status
C = Commitment.Status

# What each party may do to a commitment, and from which statuses: "fab" is the requesting fab, "supplier" the
# committing supplier. The services check it; the API tells a caller what it may try (allowed_commitment_actions).
COMMITMENT_ACTIONS: dict[str, tuple[set[str], set[str]]] = {
    "accept": ({"fab", "secretariat"}, {C.OFFERED}),
    "ship": ({"supplier", "secretariat"}, {C.ACCEPTED}),
    "deliver": ({"fab", "secretariat"}, {C.SHIPPED}),
    "decline": ({"fab", "secretariat"}, {C.OFFERED, C.ACCEPTED}),
    "withdraw": ({"supplier"}, {C.OFFERED, C.ACCEPTED}),
}


def _parties(actor: Actor, commitment: Commitment) -> set[str]:
    return parties(actor, fab_id=commitment.request.organisation_id, supplier_id=commitment.supplier_id)


def allowed_commitment_actions(commitment: Commitment, actor: Actor) -> list[str]:
    roles = _parties(actor, commitment)
    return [name for name, (who, start) in COMMITMENT_ACTIONS.items() if commitment.status in start and who & roles]


def _require_party(actor: Actor, commitment: Commitment, action: str) -> None:
    """The actor's standing and role first (members.rules), then that it is a party who does this."""
    who, _start = COMMITMENT_ACTIONS[action]
    require_write(actor, secretariat="secretariat" in who)
    if who & _parties(actor, commitment):
        return
    if actor.is_secretariat or actor.organisation_id in (commitment.request.organisation_id, commitment.supplier_id):
        raise NotAllowed(_("Your organisation's part in this commitment does not include this."), code="not_your_part")
    raise NotAllowed(MSG_OTHER_ORGANISATION, code="other_organisation")


def commitment_check_part(*, commitment: Commitment, actor: Actor, action: str) -> None:
    """NotAllowed unless the actor plays a part that takes `action`: the API asks it before reading the body, so a
    caller without the part is a 403 whatever it sends and whatever state the commitment is in."""
    _require_party(actor, commitment, action)


def _remaining_message(request: SupplyRequest) -> str:
    return _("Only %(remaining)s %(unit)s of this request are still open.") % {
        "remaining": f"{request.remaining.normalize():f}",
        "unit": request.get_unit_display(),
    }


def commitment_payload(commitment: Commitment) -> dict[str, Any]:
    return {
        "id": commitment.pk,
        "request": commitment.request_id,
        "supplier": commitment.supplier.slug,
        "fab": commitment.request.organisation.slug,
        "quantity": str(commitment.quantity),
        "status": commitment.status,
    }


@transaction.atomic
def commitment_create(
    *,
    request: SupplyRequest,
    actor: Actor,
    quantity: Decimal,
    expected_ship_date: date,
    unit_price: Decimal | None = None,
    currency: str = "CNY",
    notes: str = "",
) -> Commitment:
    require_write(actor, kinds={Organisation.Kind.SUPPLIER}, secretariat=False)
    supplier = actor.organisation
    assert supplier is not None  # require_write refuses an actor of no kind (without an organisation)
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise ValidationError({"quantity": _("Commit a quantity greater than zero.")})
    if expected_ship_date < timezone.localdate():
        raise ValidationError({"expected_ship_date": _("The expected ship date cannot be in the past.")})
    request = SupplyRequest.objects.select_related("organisation", "site", "category").get(pk=request.pk)
    if request.status != S.APPROVED:
        raise ConflictError(_("Only approved requests take commitments."), code="not_approved")
    if not supplier.categories_supplied.filter(pk=request.category_id).exists():
        raise ValidationError(
            {"request": _("Your organisation does not supply %(category)s.") % {"category": request.category.name}}
        )
    # The database decides: the UPDATE matches only while enough is open, re-checked under the row lock.
    updated = SupplyRequest.objects.filter(
        pk=request.pk, status=S.APPROVED, qty_committed__lte=F("quantity") - quantity
    ).update(qty_committed=F("qty_committed") + quantity, updated_at=timezone.now())
    if not updated:
        request.refresh_from_db()
        if request.status != S.APPROVED:
            raise ConflictError(_("Only approved requests take commitments."), code="not_approved")
        raise ConflictError(
            _remaining_message(request), code="over_commitment", extra={"remaining": str(request.remaining)}
        )
    commitment = Commitment.objects.create(
        request=request,
        supplier=supplier,
        quantity=quantity,
        expected_ship_date=expected_ship_date,
        unit_price=unit_price,
        currency=currency or "CNY",
        notes=notes,
        created_by=actor.person,
    )
    emit(events.COMMITMENT_MADE, commitment, payload=commitment_payload(commitment), organisation=request.organisation)
    return commitment


def locked(commitment: Commitment) -> tuple[SupplyRequest, Commitment]:
    request = SupplyRequest.objects.select_for_update().select_related("organisation").get(pk=commitment.request_id)
    commitment = Commitment.objects.select_for_update().select_related("supplier").get(pk=commitment.pk)
    commitment.request = request
    return request, commitment


def refuse(commitment: Commitment, action: str) -> ConflictError:
    return ConflictError(
        _("A commitment that is %(status)s cannot be %(action)s.")
        % {"status": commitment.get_status_display(), "action": action},
        code="transition_not_allowed",
        extra={"status": commitment.status},
    )


def is_qualified(*, fab_id: int, supplier_id: int, category_id: int) -> bool:
    return Qualification.objects.filter(fab_id=fab_id, supplier_id=supplier_id, category_id=category_id).exists()


@transaction.atomic
def commitment_accept(*, commitment: Commitment, actor: Actor) -> Commitment:
    """The fab (or the secretariat for it) accepts an offer from a supplier it has qualified."""
    request, commitment = locked(commitment)
    _require_party(actor, commitment, "accept")
    if commitment.status not in COMMITMENT_ACTIONS["accept"][1]:
        raise refuse(commitment, _("accepted"))
    if not is_qualified(
        fab_id=request.organisation_id, supplier_id=commitment.supplier_id, category_id=request.category_id
    ):
        raise ConflictError(
            _("%(fab)s has not qualified %(supplier)s for this material; record the qualification first.")
            % {"fab": request.organisation.name, "supplier": commitment.supplier.name},
            code="not_qualified",
        )
    commitment.status = C.ACCEPTED
    commitment.save(update_fields=["status", "updated_at"])
    emit(
        events.COMMITMENT_ACCEPTED,
        commitment,
        payload=commitment_payload(commitment),
        organisation=commitment.supplier,
    )
    return commitment


@transaction.atomic
def commitment_ship(
    *, commitment: Commitment, actor: Actor, carrier: str, tracking_number: str, shipped_on: date
) -> Commitment:
    """The supplier (or the secretariat for it) records the shipment of an accepted commitment."""
    request, commitment = locked(commitment)
    _require_party(actor, commitment, "ship")
    if commitment.status not in COMMITMENT_ACTIONS["ship"][1]:
        raise refuse(commitment, _("shipped"))
    errors = {}
    if not (carrier or "").strip():
        errors["carrier"] = [_("Name the carrier.")]
    if not (tracking_number or "").strip():
        errors["tracking_number"] = [_("Give the tracking number.")]
    if shipped_on > timezone.localdate():
        errors["shipped_on"] = [_("The ship date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    return mark_shipped(
        request, commitment, carrier=carrier.strip(), tracking_number=tracking_number.strip(), shipped_on=shipped_on
    )


def mark_shipped(
    request: SupplyRequest, commitment: Commitment, *, carrier: str, tracking_number: str, shipped_on: date
) -> Commitment:
    """The goods of an accepted commitment have left (the supplier's "ship", or its carrier's pick-up): the caller
    checked the right and holds the locks (`locked`)."""
    commitment.status = C.SHIPPED
    commitment.carrier = carrier
    commitment.tracking_number = tracking_number
    commitment.shipped_on = shipped_on
    commitment.save(update_fields=["status", "carrier", "tracking_number", "shipped_on", "updated_at"])
    SupplyRequest.objects.filter(pk=request.pk).update(
        qty_in_transit=F("qty_in_transit") + commitment.quantity, updated_at=timezone.now()
    )
    emit(
        events.COMMITMENT_SHIPPED,
        commitment,
        payload={
            **commitment_payload(commitment),
            "carrier": commitment.carrier,
            "tracking_number": commitment.tracking_number,
        },
        organisation=request.organisation,
    )
    return commitment


@transaction.atomic
def commitment_deliver(
    *, commitment: Commitment, actor: Actor, received_quantity: Decimal, delivered_on: date
) -> Commitment:
    """The fab confirms receipt. A shortfall is released back to the request, so someone can commit it."""
    request, commitment = locked(commitment)
    _require_party(actor, commitment, "deliver")
    if commitment.status not in COMMITMENT_ACTIONS["deliver"][1]:
        raise refuse(commitment, _("confirmed as delivered"))
    received_quantity = Decimal(received_quantity)
    errors = {}
    if received_quantity < 0 or received_quantity > commitment.quantity:
        errors["received_quantity"] = [
            _("The received quantity must be between 0 and the %(quantity)s shipped.")
            % {"quantity": f"{commitment.quantity.normalize():f}"}
        ]
    if delivered_on > timezone.localdate():
        errors["delivered_on"] = [_("The delivery date cannot be in the future.")]
    if commitment.shipped_on and delivered_on < commitment.shipped_on:
        errors["delivered_on"] = [_("The delivery date cannot be before the ship date.")]
    if errors:
        raise ValidationError(errors)
    commitment.status = C.DELIVERED
    commitment.delivered_quantity = received_quantity
    commitment.delivered_on = delivered_on
    commitment.save(update_fields=["status", "delivered_quantity", "delivered_on", "updated_at"])
    # The commitment's shipment, carried by a logistics member, is received with it.
    from .shipments import shipment_mark_received  # noqa: PLC0415 - .shipments builds on this module

    shipment_mark_received(commitment=commitment, actor=actor)
    shortfall = commitment.quantity - received_quantity
    SupplyRequest.objects.filter(pk=request.pk).update(
        qty_in_transit=F("qty_in_transit") - commitment.quantity,
        qty_delivered=F("qty_delivered") + received_quantity,
        qty_committed=F("qty_committed") - shortfall,
        updated_at=timezone.now(),
    )
    emit(
        events.COMMITMENT_DELIVERED,
        commitment,
        payload={**commitment_payload(commitment), "received_quantity": str(received_quantity)},
        organisation=commitment.supplier,
    )
    return commitment


@transaction.atomic
def commitment_withdraw(*, commitment: Commitment, actor: Actor, reason: str) -> Commitment:
    """The supplier takes its promise back before shipping (its own act: the secretariat declines instead)."""
    request, commitment = locked(commitment)
    _require_party(actor, commitment, "withdraw")
    return _release(request, commitment, reason, to=C.WITHDRAWN, event=events.COMMITMENT_WITHDRAWN)


@transaction.atomic
def commitment_decline(*, commitment: Commitment, actor: Actor, reason: str) -> Commitment:
    """The fab or the secretariat turns an offer (or an accepted, unshipped promise) down."""
    request, commitment = locked(commitment)
    _require_party(actor, commitment, "decline")
    return _release(request, commitment, reason, to=C.DECLINED, event=events.COMMITMENT_DECLINED)


def _release(request: SupplyRequest, commitment: Commitment, reason: str, *, to: str, event: str) -> Commitment:
    if commitment.status not in COMMITMENT_ACTIONS["withdraw" if to == C.WITHDRAWN else "decline"][1]:
        raise refuse(commitment, _("withdrawn") if to == C.WITHDRAWN else _("declined"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason; it is kept with the commitment.")})
    commitment.status = to
    commitment.reason = reason
    commitment.save(update_fields=["status", "reason", "updated_at"])
    SupplyRequest.objects.filter(pk=request.pk).update(
        qty_committed=F("qty_committed") - commitment.quantity, updated_at=timezone.now()
    )
    emit(
        event,
        commitment,
        payload={**commitment_payload(commitment), "reason": reason},
        organisation=request.organisation,
    )
    return commitment
