"""Concurrent confirmations and deliveries of one pledge, through the real API on PostgreSQL: exactly one of each
wins, every other answer is a 409, nothing answers 500, and the appeal's totals count the pledge once.
SQLite serialises every write, so only PostgreSQL (CI) can show the race."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client

from donations import selectors
from donations.models import Pledge, PledgeTransition

from ..members.factories import OrganisationFactory, UserFactory
from .factories import advance, goods_pledge, make_appeal

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writers on separate connections: SQLite serialises them (CI runs PostgreSQL)",
    ),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 3
CALLS = 16
WORKERS = 8


def _post(user, url: str, body: dict):
    try:
        client = Client(headers={"Accept-Language": "en"})
        client.force_login(user)
        response = client.post(url, body, content_type="application/json")
        return response.status_code, response.json()
    finally:
        connections.close_all()


def _race(user, url: str, bodies: list[dict]):
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return [call.result() for call in [pool.submit(_post, user, url, body) for body in bodies]]


def test_concurrent_confirmations_and_deliveries_count_once():
    secretariat = UserFactory(is_staff=True)
    donor = OrganisationFactory()
    for _round in range(ROUNDS):
        appeal = make_appeal()
        pledge = goods_pledge(donor, appeal, quantities=[Decimal(1000)])

        answers = _race(secretariat, f"/api/v1/pledges/{pledge.pk}/confirm/", [{}] * CALLS)
        assert sorted(status for status, _ in answers) == [200] + [409] * (CALLS - 1), answers[:3]
        assert all(body["code"] == "transition_not_allowed" for status, body in answers if status == 409)
        assert PledgeTransition.objects.filter(pledge=pledge, to_status="confirmed").count() == 1

        pledge = advance(Pledge.objects.get(pk=pledge.pk), "dispatched")
        line = pledge.lines.get()
        bodies = [{"lines": [{"line": line.pk, "received_quantity": str(100 + i)}]} for i in range(CALLS)]
        answers = _race(secretariat, f"/api/v1/pledges/{pledge.pk}/deliver/", bodies)
        assert sorted(status for status, _ in answers) == [200] + [409] * (CALLS - 1), answers[:3]
        winner = next(body for status, body in answers if status == 200)
        received = Decimal(winner["lines"][0]["delivered_quantity"])
        line.refresh_from_db()
        assert line.delivered_quantity == received
        assert PledgeTransition.objects.filter(pledge=pledge, to_status="delivered").count() == 1
        (_item, masks), *_rest = selectors.appeal_items_progress(appeal)
        assert (masks.pledged, masks.dispatched, masks.delivered) == (Decimal(1000), Decimal(1000), received)
