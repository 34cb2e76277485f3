"""Reads more than one door needs: progress of an appeal (summed by the database), who sees which pledge and
shipment, the honour roll."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from alliance_portal.shipping import ShipmentStatus
from members.models import Organisation
from members.rules import Actor

from .models import Appeal, AppealItem, Pledge, PledgeLine, PledgeQuerySet, Shipment

LIVE = PledgeQuerySet.LIVE
ON_THE_WAY = PledgeQuerySet.ON_THE_WAY_OR_ARRIVED
ARRIVED = PledgeQuerySet.ARRIVED
ZERO = Decimal(0)
PLEDGE_JOINS = ("donor", "appeal", "appeal__beneficiary_organisation", "shipment", "shipment__carrier")


def _sum(field: str, condition: Q) -> Coalesce:
    return Coalesce(
        Sum(field, filter=condition), Value(ZERO), output_field=DecimalField(max_digits=20, decimal_places=3)
    )


@dataclass(frozen=True)
class Progress:
    """Pledged, dispatched and delivered against a target (None: no target)."""

    target: Decimal | None
    pledged: Decimal
    dispatched: Decimal
    delivered: Decimal

    def _percent(self, value: Decimal) -> int:
        if not self.target:
            return 0
        return min(100, int(value * 100 / self.target))

    @property
    def pledged_percent(self) -> int:
        return self._percent(self.pledged)

    @property
    def dispatched_percent(self) -> int:
        return self._percent(self.dispatched)

    @property
    def delivered_percent(self) -> int:
        return self._percent(self.delivered)

    @property
    def undelivered_percent(self) -> int:
        """The part of the bar pledged but not delivered yet (drawn after the delivered part)."""
        return max(self.pledged_percent - self.delivered_percent, 0)

    @property
    def reached(self) -> bool:
        return self.target is not None and self.pledged >= self.target


def appeal_items_progress(appeal: Appeal) -> list[tuple[AppealItem, Progress]]:
    """Each item of the appeal with its progress: one aggregate query over the pledge lines."""
    items = (
        AppealItem.objects.filter(appeal=appeal)
        .select_related("category")
        .annotate(
            pledged=_sum("lines__quantity", Q(lines__pledge__status__in=LIVE)),
            dispatched=_sum("lines__quantity", Q(lines__pledge__status__in=ON_THE_WAY)),
            delivered=_sum("lines__delivered_quantity", Q(lines__pledge__status__in=ARRIVED)),
        )
    )
    return [(item, Progress(item.target_quantity, item.pledged, item.dispatched, item.delivered)) for item in items]


def appeal_money_progress(appeal: Appeal) -> Progress:
    totals = Pledge.objects.filter(appeal=appeal, kind=Pledge.Kind.MONEY).aggregate(
        pledged=_sum("amount_cny", Q(status__in=LIVE)),
        dispatched=_sum("amount_cny", Q(status__in=ON_THE_WAY)),
        delivered=_sum("received_cny", Q(status__in=ARRIVED)),
    )
    return Progress(appeal.money_target_cny, totals["pledged"], totals["dispatched"], totals["delivered"])


def appeals_progress(appeals: Iterable[Appeal]) -> dict[int, tuple[list[tuple[AppealItem, Progress]], Progress]]:
    """{appeal id: (items with their progress, money progress)} for many appeals in two grouped queries."""
    appeals = list(appeals)
    ids = [appeal.pk for appeal in appeals]
    items: dict[int, list[tuple[AppealItem, Progress]]] = {pk: [] for pk in ids}
    for item in (
        AppealItem.objects.filter(appeal_id__in=ids)
        .select_related("category")
        .annotate(
            pledged=_sum("lines__quantity", Q(lines__pledge__status__in=LIVE)),
            dispatched=_sum("lines__quantity", Q(lines__pledge__status__in=ON_THE_WAY)),
            delivered=_sum("lines__delivered_quantity", Q(lines__pledge__status__in=ARRIVED)),
        )
    ):
        items[item.appeal_id].append(
            (item, Progress(item.target_quantity, item.pledged, item.dispatched, item.delivered))
        )
    money = {
        row["appeal_id"]: row
        for row in Pledge.objects.filter(appeal_id__in=ids, kind=Pledge.Kind.MONEY)
        .values("appeal_id")
        .annotate(
            pledged=_sum("amount_cny", Q(status__in=LIVE)),
            dispatched=_sum("amount_cny", Q(status__in=ON_THE_WAY)),
            delivered=_sum("received_cny", Q(status__in=ARRIVED)),
        )
        .order_by()
    }
    result = {}
    for appeal in appeals:
        row = money.get(appeal.pk, {})
        result[appeal.pk] = (
            items[appeal.pk],
            Progress(
                appeal.money_target_cny,
                row.get("pledged", ZERO),
                row.get("dispatched", ZERO),
                row.get("delivered", ZERO),
            ),
        )
    return result


def appeal_target_reached(appeal: Appeal) -> bool:
    """Every item's target and the money target (where set) are pledged in full; an appeal without targets never is."""
    items = appeal_items_progress(appeal)
    money = appeal_money_progress(appeal)
    targets = [progress for _item, progress in items] + ([money] if money.target is not None else [])
    return bool(targets) and all(progress.reached for progress in targets)


def open_appeals() -> QuerySet[Appeal]:
    return Appeal.objects.filter(status=Appeal.Status.OPEN).order_by("deadline", "pk")


def public_appeals() -> QuerySet[Appeal]:
    """What anyone may read: open and closed appeals (drafts are the secretariat's)."""
    return Appeal.objects.exclude(status=Appeal.Status.DRAFT)


# --- who sees what ----------------------------------------------------------------------------------------------


def visible_pledges(actor: Actor) -> QuerySet[Pledge]:
    """The secretariat sees every pledge; a member organisation its own, those to appeals it benefits from, and
    those it carries. Anyone else none (others' pledges are seen only as the honour roll shows them)."""
    pledges = Pledge.objects.select_related(*PLEDGE_JOINS)
    if actor.is_secretariat:
        return pledges
    org_id = actor.organisation_id
    if org_id is None:
        return pledges.none()
    return pledges.filter(
        Q(donor_id=org_id) | Q(appeal__beneficiary_organisation_id=org_id) | Q(shipment__carrier_id=org_id)
    )


def visible_shipments(actor: Actor) -> QuerySet[Shipment]:
    """A carrier sees what it carries, and nothing else; a donor and a beneficiary their pledges' shipments."""
    shipments = Shipment.objects.select_related(
        "carrier", "pledge", "pledge__donor", "pledge__appeal", "pledge__appeal__beneficiary_organisation"
    )
    if actor.is_secretariat:
        return shipments
    org_id = actor.organisation_id
    if org_id is None:
        return shipments.none()
    return shipments.filter(
        Q(carrier_id=org_id) | Q(pledge__donor_id=org_id) | Q(pledge__appeal__beneficiary_organisation_id=org_id)
    )


def carried_shipments(organisation: Organisation) -> QuerySet[Shipment]:
    return (
        Shipment.objects.filter(carrier=organisation)
        .select_related("pledge", "pledge__donor", "pledge__appeal")
        .order_by("status", "-created_at")
    )


def pledge_lines(pledge: Pledge) -> QuerySet[PledgeLine]:
    return pledge.lines.select_related("category", "appeal_item")


# --- honour roll ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RollRow:
    name_zh: str
    name_en: str
    value_cny: Decimal
    pledges: int


class HonourRoll(TypedDict):
    donors: list[RollRow]
    anonymous: RollRow
    by_appeal: list[tuple[Appeal, RollRow]]
    total: RollRow


def _grouped(field: str, condition: Q) -> dict[Any, tuple[Decimal, int]]:
    """{value of `field`: (value given in CNY, pledges)} over the pledges that reached their beneficiary: money as
    received, goods at their estimated value. Three grouped queries, whatever the number of donors."""
    pledges = Pledge.objects.filter(condition, status__in=ARRIVED)
    money = (
        pledges.filter(kind=Pledge.Kind.MONEY)
        .values(field)
        .annotate(value=_sum("received_cny", Q()))
        .values_list(field, "value")
    )
    goods = (
        PledgeLine.objects.filter(pledge__in=pledges.values("pk"))
        .values(f"pledge__{field}")
        .annotate(value=_sum("estimated_value_cny", Q()))
        .values_list(f"pledge__{field}", "value")
    )
    counts: dict[Any, int] = dict(pledges.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n"))
    values = dict.fromkeys(counts, ZERO)
    for key, value in [*money.order_by(), *goods.order_by()]:
        values[key] += value
    return {key: (values[key], n) for key, n in counts.items()}


def _totals(condition: Q) -> RollRow:
    totals = _grouped("status", condition)
    value = sum((row[0] for row in totals.values()), ZERO)
    return RollRow("", "", value, sum(row[1] for row in totals.values()))


def honour_roll() -> HonourRoll:
    """Donors who agreed to be named, with what they gave; gifts of those who did not, as one total without names;
    totals by appeal (both kinds). Only pledges that reached their beneficiary count."""
    named = _grouped("donor_id", Q(named_publicly=True))
    donors = Organisation.objects.in_bulk(list(named))
    donor_rows = sorted(
        (RollRow(donors[key].name_zh, donors[key].name_en, value, n) for key, (value, n) in named.items()),
        key=lambda row: (-row.value_cny, row.name_en),
    )
    per_appeal = {key: totals for key, totals in _grouped("appeal_id", Q()).items() if key is not None}
    appeals = Appeal.objects.in_bulk(list(per_appeal))
    appeal_rows = sorted(
        (
            (appeals[key], RollRow(appeals[key].title_zh, appeals[key].title_en, value, n))
            for key, (value, n) in per_appeal.items()
        ),
        key=lambda pair: -pair[1].value_cny,
    )
    return {
        "donors": donor_rows,
        "anonymous": _totals(Q(named_publicly=False)),
        "by_appeal": appeal_rows,
        "total": _totals(Q()),
    }


# --- start pages -------------------------------------------------------------------------------------------------


def pledges_in_progress(organisation: Organisation) -> QuerySet[Pledge]:
    """The organisation's own pledges not delivered yet (pledged, confirmed, dispatched), the promised date first."""
    return (
        Pledge.objects.filter(donor=organisation, status__in=(*PledgeQuerySet.NOT_DISPATCHED, Pledge.Status.DISPATCHED))
        .select_related(*PLEDGE_JOINS)
        .order_by("promised_date", "pk")
    )


# A shipment in one of these still waits for its carrier's pick-up, checkpoint or hand-over.
CARRIER_PENDING = (ShipmentStatus.PLANNED, ShipmentStatus.PICKED_UP, ShipmentStatus.IN_TRANSIT)


def shipments_to_update(organisation: Organisation) -> QuerySet[Shipment]:
    """What a carrier still has to record: shipments it carries that are planned, picked up or in transit."""
    return carried_shipments(organisation).filter(status__in=CARRIER_PENDING)


def overdue_pledge_count() -> int:
    overdue: QuerySet[Pledge] = Pledge.objects.overdue()
    return overdue.count()
