"""A pledge's life: pledged → confirmed (secretariat) → dispatched → delivered (quantities received, maybe partial)
→ acknowledged (certificate issued); or cancelled, with a reason, before delivery.

Every function checks the caller's right first (members.rules), then the pledge's state, and moves it with one
conditional UPDATE (common.move): two concurrent confirmations or deliveries cannot both count.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from alliance_portal.errors import ConflictError
from members.models import MaterialCategory, Organisation
from members.rules import Actor, require_secretariat, require_write
from notices.alerts import emit

from .. import events
from ..models import Appeal, AppealItem, Pledge, PledgeLine, Shipment
from ..selectors import appeal_target_reached
from . import common
from .shipments import shipment_mark_received

P = Pledge.Status
CENT = Decimal("0.01")


@dataclass(frozen=True)
class LineInput:
    category: MaterialCategory
    quantity: Decimal
    unit: str
    specification: str = ""
    estimated_value_cny: Decimal | None = None


def _validate(
    *,
    appeal: Appeal | None,
    beneficiary_name: str,
    kind: str,
    amount: Decimal | None,
    currency: str,
    exchange_rate: Decimal | None,
    lines: list[LineInput],
    channel: str,
    origin_country: str,
    promised_date: date,
) -> None:
    errors: dict[str, list[str]] = {}
    if appeal is None and not beneficiary_name.strip():
        errors["beneficiary_name"] = [_("Name the beneficiary, or pledge to an appeal.")]
    if kind == Pledge.Kind.MONEY:
        if amount is None or amount <= 0:
            errors["amount"] = [_("Give the amount.")]
        if currency != "CNY" and (exchange_rate is None or exchange_rate <= 0):
            errors["exchange_rate"] = [_("Give the rate to CNY for an amount in another currency.")]
        if lines:
            errors["lines"] = [_("A money pledge has no goods lines.")]
    else:
        if not lines:
            errors["lines"] = [_("List at least one item.")]
        for line in lines:
            if line.category.group != MaterialCategory.Group.EMERGENCY:
                errors["lines"] = [_("Only emergency goods can be pledged.")]
            if line.quantity is None or line.quantity <= 0:
                errors["lines"] = [_("Every quantity must be more than zero.")]
    if channel == Pledge.Channel.INTERNATIONAL and not origin_country.strip():
        errors["origin_country"] = [_("Give the country of origin of an international purchase.")]
    if promised_date < timezone.localdate():
        errors["promised_date"] = [_("The promised date cannot be in the past.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def pledge_create(
    *,
    actor: Actor,
    donor: Organisation,
    promised_date: date,
    appeal: Appeal | None = None,
    beneficiary_name: str = "",
    kind: str = Pledge.Kind.GOODS,
    amount: Decimal | None = None,
    currency: str = "CNY",
    exchange_rate: Decimal | None = None,
    lines: Iterable[LineInput] = (),
    channel: str = Pledge.Channel.ALLIANCE,
    origin_country: str = "",
    supplier_name: str = "",
    customs_status: str = "",
    customs_date: date | None = None,
    named_publicly: bool = True,
    note: str = "",
) -> Pledge:
    require_write(actor, organisation=donor)
    lines = list(lines)
    currency = (currency or "CNY").upper()
    if appeal is not None:
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if not appeal.is_open:
            raise ConflictError(_("This appeal is not open for pledges."), code="appeal_not_open")
    _validate(
        appeal=appeal,
        beneficiary_name=beneficiary_name,
        kind=kind,
        amount=amount,
        currency=currency,
        exchange_rate=exchange_rate,
        lines=lines,
        channel=channel,
        origin_country=origin_country,
        promised_date=promised_date,
    )
    pledge = Pledge(
        donor=donor,
        appeal=appeal,
        beneficiary_name="" if appeal else beneficiary_name.strip(),
        kind=kind,
        channel=channel,
        origin_country=origin_country if channel == Pledge.Channel.INTERNATIONAL else "",
        supplier_name=supplier_name if channel == Pledge.Channel.INTERNATIONAL else "",
        customs_status=(customs_status or Pledge.Customs.NOT_STARTED)
        if channel == Pledge.Channel.INTERNATIONAL
        else "",
        customs_date=customs_date if channel == Pledge.Channel.INTERNATIONAL else None,
        named_publicly=named_publicly,
        promised_date=promised_date,
        note=note,
        created_by=actor.person,
    )
    # _validate refused a money pledge without an amount, or in another currency without a rate.
    if kind == Pledge.Kind.MONEY and amount is not None:
        rate = Decimal(1) if currency == "CNY" or exchange_rate is None else Decimal(exchange_rate)
        pledge.amount = Decimal(amount).quantize(CENT)
        pledge.currency = currency
        pledge.exchange_rate = rate
        pledge.amount_cny = (pledge.amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    pledge.full_clean()
    pledge.save()
    items = {item.category_id: item for item in AppealItem.objects.filter(appeal=appeal)} if appeal else {}
    for line in lines:
        PledgeLine.objects.create(
            pledge=pledge,
            appeal_item=items.get(line.category.pk),
            category=line.category,
            specification=line.specification,
            quantity=line.quantity,
            unit=line.unit or (items[line.category.pk].unit if line.category.pk in items else ""),
            estimated_value_cny=line.estimated_value_cny,
        )
    pledge.transitions.create(from_status="", to_status=P.PLEDGED, by=actor.person, by_api_key=actor.api_key)
    emit(events.PLEDGE_MADE, pledge, payload=common.pledge_payload(pledge), organisation=donor)
    if appeal is not None:
        _check_target(appeal)
    return pledge


def _check_target(appeal: Appeal) -> None:
    """Raises appeal.target_reached once, the first time every target is pledged in full."""
    if appeal.target_reached_notified_at is not None or not appeal_target_reached(appeal):
        return
    claimed = Appeal.objects.filter(pk=appeal.pk, target_reached_notified_at__isnull=True).update(
        target_reached_notified_at=timezone.now()
    )
    if claimed:
        donors = sorted(set(appeal.pledges.live().values_list("donor__slug", flat=True)))
        emit(
            events.APPEAL_TARGET_REACHED,
            appeal,
            payload={
                "appeal": appeal.pk,
                "appeal_title": {"zh-hans": appeal.title_zh, "en": appeal.title_en},
                "beneficiary": appeal.beneficiary_name,
                "donors": donors,
            },
        )


@transaction.atomic
def pledge_confirm(*, pledge: Pledge, actor: Actor, reason: str = "") -> Pledge:
    require_secretariat(actor)
    pledge = common.move(
        pledge,
        from_statuses=[P.PLEDGED],
        to=P.CONFIRMED,
        actor=actor,
        doing=pgettext("pledge transition", "confirmed"),
        reason=reason,
        confirmed_at=timezone.now(),
    )
    emit(events.PLEDGE_CONFIRMED, pledge, payload=common.pledge_payload(pledge), organisation=pledge.donor)
    return pledge


@transaction.atomic
def pledge_dispatch(
    *,
    pledge: Pledge,
    actor: Actor,
    carrier: Organisation | None = None,
    carrier_name: str = "",
    tracking_number: str = "",
    un_number: str = "",
    storage_class: str = "",
) -> Pledge:
    """The goods leave (or the money is transferred). Goods get a shipment, carried by a logistics member or by a
    carrier named in words."""
    common.require_donor_or_secretariat(actor, pledge)
    if carrier is not None and carrier.kind != Organisation.Kind.LOGISTICS:
        raise ValidationError({"carrier": [_("The carrier must be a logistics member.")]})
    pledge = common.move(
        pledge,
        from_statuses=[P.CONFIRMED],
        to=P.DISPATCHED,
        actor=actor,
        doing=pgettext("pledge transition", "dispatched"),
        dispatched_at=timezone.now(),
    )
    if not pledge.is_money:
        shipment = Shipment(
            pledge=pledge,
            carrier=carrier,
            carrier_name="" if carrier else carrier_name,
            tracking_number=tracking_number,
            un_number=un_number,
            storage_class=storage_class,
        )
        shipment.full_clean()
        shipment.save()
    payload = {
        **common.pledge_payload(pledge),
        "carrier": str(carrier) if carrier else carrier_name,
        "tracking_number": tracking_number,
    }
    emit(events.PLEDGE_DISPATCHED, pledge, payload=payload, organisation=pledge.donor)
    return pledge


@transaction.atomic
def pledge_deliver(
    *,
    pledge: Pledge,
    actor: Actor,
    received: Mapping[int, Decimal] | None = None,
    received_cny: Decimal | None = None,
    note: str = "",
) -> Pledge:
    """The beneficiary has it: quantities received per line (missing lines: all of it; less is a partial
    delivery), or the money received in CNY. Confirmed by the secretariat or the beneficiary's people."""
    common.require_receiver_or_secretariat(actor, pledge)
    received = dict(received or {})
    lines = list(pledge.lines.all())
    errors: dict[str, list[str]] = {}
    for line in lines:
        quantity = Decimal(received.get(line.pk, line.quantity))
        if quantity < 0 or quantity > line.quantity:
            errors[f"line_{line.pk}"] = [
                _("The quantity received must be between 0 and the %(quantity)s pledged.")
                % {"quantity": f"{line.quantity.normalize():f}"}
            ]
        received[line.pk] = quantity
    if pledge.is_money:
        pledged_cny = pledge.amount_cny or Decimal(0)  # never empty on a money pledge (a database constraint)
        received_cny = pledged_cny if received_cny is None else Decimal(received_cny).quantize(CENT)
        if received_cny < 0 or received_cny > pledged_cny:
            errors["received_cny"] = [
                _("The amount received must be between 0 and the %(amount)s CNY pledged.") % {"amount": pledged_cny}
            ]
    if errors:
        raise ValidationError(errors)
    pledge = common.move(
        pledge,
        from_statuses=[P.DISPATCHED],
        to=P.DELIVERED,
        actor=actor,
        doing=pgettext("pledge transition", "delivered"),
        reason=note,
        delivered_at=timezone.now(),
        received_cny=received_cny if pledge.is_money else None,
    )
    # Only the winner of the conditional UPDATE reaches this point, so the lines are written once.
    for line in lines:
        PledgeLine.objects.filter(pk=line.pk).update(delivered_quantity=received[line.pk])
    shipment = Shipment.objects.filter(pledge=pledge).first()
    if shipment is not None:
        shipment_mark_received(shipment=shipment, actor=actor)
    emit(events.PLEDGE_DELIVERED, pledge, payload=common.pledge_payload(pledge), organisation=pledge.donor)
    return pledge


def new_certificate_number(pledge: Pledge) -> str:
    """Year, the pledge, and a random part: a number cannot be guessed from another."""
    return f"AP{timezone.localdate().year}-{pledge.pk:05d}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def pledge_acknowledge(*, pledge: Pledge, actor: Actor) -> Pledge:
    """The secretariat thanks the donor: the certificate gets its number (its PDF is made on demand)."""
    require_secretariat(actor)
    pledge = common.move(
        pledge,
        from_statuses=[P.DELIVERED],
        to=P.ACKNOWLEDGED,
        actor=actor,
        doing=pgettext("pledge transition", "acknowledged"),
        acknowledged_at=timezone.now(),
        certificate_number=new_certificate_number(pledge),
    )
    payload = {**common.pledge_payload(pledge), "certificate_number": pledge.certificate_number}
    emit(events.PLEDGE_ACKNOWLEDGED, pledge, payload=payload, organisation=pledge.donor)
    return pledge


@transaction.atomic
def pledge_cancel(*, pledge: Pledge, actor: Actor, reason: str) -> Pledge:
    common.require_donor_or_secretariat(actor, pledge)
    if not reason or not reason.strip():
        raise ValidationError({"reason": [_("Say why the pledge is cancelled.")]})
    pledge = common.move(
        pledge,
        from_statuses=[P.PLEDGED, P.CONFIRMED, P.DISPATCHED],
        to=P.CANCELLED,
        actor=actor,
        doing=pgettext("pledge transition", "cancelled"),
        reason=reason.strip(),
        cancelled_at=timezone.now(),
    )
    Pledge.objects.filter(pk=pledge.pk).update(reason=reason.strip())
    pledge.reason = reason.strip()
    emit(
        events.PLEDGE_CANCELLED,
        pledge,
        payload={**common.pledge_payload(pledge), "reason": pledge.reason},
        organisation=pledge.donor,
    )
    return pledge


@transaction.atomic
def pledge_update_customs(*, pledge: Pledge, actor: Actor, customs_status: str, customs_date: date | None) -> Pledge:
    """An international purchase's way through customs (not started, declared, cleared, with the date)."""
    common.require_donor_or_secretariat(actor, pledge)
    if pledge.channel != Pledge.Channel.INTERNATIONAL:
        raise ConflictError(_("Only an international purchase goes through customs."), code="not_international")
    if customs_status not in Pledge.Customs.values:
        raise ValidationError({"customs_status": [_("Choose a customs status.")]})
    updated = Pledge.objects.filter(pk=pledge.pk, status__in=[P.PLEDGED, P.CONFIRMED, P.DISPATCHED]).update(
        customs_status=customs_status, customs_date=customs_date, updated_at=timezone.now()
    )
    if not updated:
        raise common.refuse(pledge.pk, pledge.status, pgettext("pledge transition", "changed"))
    pledge.refresh_from_db()
    pledge._change_reason = f"customs: {customs_status}"
    pledge.save(update_fields=["updated_at"])
    return pledge


@transaction.atomic
def pledges_flag_overdue() -> int:
    """Raises pledge.overdue once for each pledge past its promised date and not dispatched."""
    count = 0
    for pledge in Pledge.objects.overdue().filter(overdue_notified_at__isnull=True).select_related("donor", "appeal"):
        if Pledge.objects.filter(pk=pledge.pk, overdue_notified_at__isnull=True).update(
            overdue_notified_at=timezone.now()
        ):
            emit(events.PLEDGE_OVERDUE, pledge, payload=common.pledge_payload(pledge), organisation=pledge.donor)
            count += 1
    return count
