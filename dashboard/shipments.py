"""What a carrier carries, pledges' and commitments' shipments together: one page for a logistics member (and the
secretariat), and the `shipments` list of the API. Read through each app's selectors; each app keeps its own
shipment page and its own writes (donations.views.shipments, supply.views.shipments).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, QuerySet, Value
from django.urls import reverse

from alliance_portal.shipping import ShipmentBase, ShipmentStatus
from donations import selectors as donations
from members.models import Organisation
from members.rules import Actor
from supply import selectors as supply

PLEDGE = "pledge"
COMMITMENT = "commitment"
# The carrier's work first: what waits for a step, then what is done.
STATUS_ORDER = {status: n for n, status in enumerate(ShipmentStatus.values)}


@dataclass(frozen=True)
class CarriedShipment:
    kind: str
    shipment: ShipmentBase
    url: str
    sender: str
    receiver: str
    what: str


def _pledge_row(shipment: Any) -> CarriedShipment:
    pledge = shipment.pledge
    return CarriedShipment(
        PLEDGE,
        shipment,
        reverse("donations:shipment_detail", args=[shipment.pk]),
        pledge.donor.name,
        pledge.beneficiary,
        "",
    )


def _commitment_row(shipment: Any) -> CarriedShipment:
    commitment = shipment.commitment
    request = commitment.request
    return CarriedShipment(
        COMMITMENT,
        shipment,
        reverse("supply:commitment_detail", args=[commitment.pk]),
        commitment.supplier.name,
        f"{request.organisation.name} · {request.site.city_name}",
        f"{request.material} × {commitment.quantity.normalize():f} {request.get_unit_display()}",
    )


def carries(actor: Actor) -> bool:
    """The page is for logistics members, and for the secretariat, who sees every shipment."""
    return actor.is_secretariat or actor.kind == Organisation.Kind.LOGISTICS


def carried(actor: Actor, *, limit: int = 100) -> list[CarriedShipment]:
    """A logistics member's shipments (the secretariat's: all), the ones waiting for a step first, newest first."""
    if actor.is_secretariat:
        pledges, commitments = donations.visible_shipments(actor), supply.visible_shipments(actor)
    elif actor.organisation is not None and actor.kind == Organisation.Kind.LOGISTICS:
        pledges = donations.carried_shipments(actor.organisation)
        commitments = supply.carried_shipments(actor.organisation)
    else:
        return []
    rows = [_pledge_row(s) for s in pledges.order_by("-created_at", "-pk")[:limit]]
    rows += [_commitment_row(s) for s in commitments.order_by("-created_at", "-pk")[:limit]]
    rows.sort(key=lambda row: -row.shipment.created_at.timestamp())
    rows.sort(key=lambda row: STATUS_ORDER.get(row.shipment.status, 0))
    return rows[:limit]


def shipment_keys(pledges: QuerySet, commitments: QuerySet, ordering: tuple[str, str]) -> QuerySet:
    """One ordered list of (kind, id) over both kinds of shipment, for a page of the API's `shipments` (a UNION in
    the database, so a page costs the same whatever the page number's rows)."""
    field, pk = ordering
    first = (
        pledges.order_by()
        .annotate(kind=Value(PLEDGE, output_field=CharField()))
        .values_list("kind", "pk", field.lstrip("-"))
    )
    second = (
        commitments.order_by()
        .annotate(kind=Value(COMMITMENT, output_field=CharField()))
        .values_list("kind", "pk", field.lstrip("-"))
    )
    return first.union(second, all=True).order_by(field, pk)
