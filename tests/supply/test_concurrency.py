"""Over-commitment under concurrency, through the real API on PostgreSQL.

200 suppliers' commitments of random sizes race for one approved request of 50 units, several rounds over: the
committed total never exceeds 50, the winners add up to it exactly, every loser gets a 409 naming what is still open,
and nothing answers 500. SQLite serialises every write, so only PostgreSQL (CI) can show the race.
"""

import random
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Sum
from django.utils import timezone

from members.models import ApiKey, Organisation
from members.rules import Actor
from supply import services
from supply.models import Commitment, SupplyRequest

from ..api_helpers import key_client
from ..members.factories import OrganisationFactory, SiteFactory, UserFactory, make_api_key
from .factories import SupplierFactory, category

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writers on separate connections: SQLite serialises them (CI runs PostgreSQL)",
    ),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 3
COMMITMENTS = 200
WORKERS = 24
SUPPLIERS = 8
REQUESTED = Decimal(50)
LIST = "/api/v1/commitments/"


def approved_request(round_no: int) -> SupplyRequest:
    fab = OrganisationFactory(kind=Organisation.Kind.FAB, province="hubei", city="武汉")
    fab_actor = Actor(user=UserFactory(), organisation=fab, role="admin")
    supply_request = services.supply_request_create(
        actor=fab_actor,
        submit=True,
        site=SiteFactory(organisation=fab),
        category=category("photoresist"),
        material=f"KrF photoresist, round {round_no}",
        un_number="UN1866",
        quantity=REQUESTED,
        unit="L",
        needed_by=timezone.localdate(),
        days_of_stock=1,
        urgency="critical",
    )
    secretariat = Actor(user=UserFactory(is_staff=True), is_secretariat=True)
    return services.supply_request_transition(request=supply_request, to_status="approved", actor=secretariat)


def commit(raw_key: str, request_id: int, quantity: int):
    try:
        response = key_client(raw_key).post(
            LIST,
            {"request": request_id, "quantity": str(quantity), "expected_ship_date": timezone.localdate().isoformat()},
            content_type="application/json",
        )
        return quantity, response.status_code, response.json()
    finally:
        # Each call ran on this worker thread's own connection; leave none open behind the test.
        connections.close_all()


def test_concurrent_commitments_never_exceed_the_request():
    keys = []
    for _ in range(SUPPLIERS):
        _key, raw = make_api_key(SupplierFactory(), scope=ApiKey.Scope.WRITE)
        keys.append(raw)

    for round_no in range(ROUNDS):
        supply_request = approved_request(round_no)
        rng = random.Random(round_no)
        sizes = [rng.randint(1, 5) for _ in range(COMMITMENTS)]

        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            calls = [pool.submit(commit, keys[i % SUPPLIERS], supply_request.pk, size) for i, size in enumerate(sizes)]
            answers = [call.result() for call in calls]

        statuses = {status for _q, status, _body in answers}
        assert statuses <= {201, 409}, [a for a in answers if a[1] not in (201, 409)][:3]
        winners = [(quantity, body) for quantity, status, body in answers if status == 201]
        losers = [(quantity, body) for quantity, status, body in answers if status == 409]
        for quantity, body in losers:
            assert body["code"] == "over_commitment", body
            assert Decimal(body["remaining"]) < quantity, body
            assert "still open" in body["detail"]

        supply_request.refresh_from_db()
        live = Commitment.objects.live().filter(request=supply_request)
        won = sum((Decimal(q) for q, _body in winners), Decimal(0))
        assert supply_request.qty_committed <= REQUESTED
        assert live.aggregate(total=Sum("quantity"))["total"] == supply_request.qty_committed == won
        assert live.count() == len(winners)
        assert sorted(body["id"] for _q, body in winners) == sorted(live.values_list("pk", flat=True))
        # Far more was asked for than requested, so the request is full or nearly: what is left is less than the
        # smallest offer that came after it filled up.
        assert losers, "with 200 offers of 1-5 units against 50, some must lose"
        assert supply_request.remaining < 5
