"""A commitment's shipment under concurrency, on PostgreSQL: the carrier's pick-up sent twenty times at once (a
double tap, a retry, two dispatchers) is recorded once, ships the commitment once, and the others are 409s; nothing
answers 500. SQLite serialises every write, so only PostgreSQL (CI) can show the race."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from alliance_portal.errors import ConflictError
from supply import services
from supply.models import Commitment, Shipment

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writers on separate connections: SQLite serialises them (CI runs PostgreSQL)",
    ),
    pytest.mark.django_db(transaction=True),
]

TAPS = 20


def test_twenty_pickups_at_once_are_one_pickup(carried, carrier_actor):
    in_transit_before = carried.commitment.request.qty_in_transit

    def pick_up(_n: int) -> str:
        try:
            services.shipment_record_step(
                shipment=Shipment.objects.get(pk=carried.pk), actor=carrier_actor, kind="pickup", place="苏州"
            )
            return "recorded"
        except ConflictError:
            return "conflict"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(pick_up, range(TAPS)))

    assert outcomes.count("recorded") == 1 and outcomes.count("conflict") == TAPS - 1
    shipment = Shipment.objects.get(pk=carried.pk)
    assert [c.kind for c in shipment.checkpoints.all()] == ["pickup"]
    assert shipment.commitment.status == Commitment.Status.SHIPPED
    # The request's in-transit quantity grew by the commitment once, not once per tap.
    assert shipment.commitment.request.qty_in_transit == in_transit_before + shipment.commitment.quantity
