"""The donations part of seed_demo: an appeal for Wuhan hospitals with pledges in every state, an international
purchase in customs, a shipment carried by the demo logistics member, a certificate; idempotent."""

import pytest
from django.core.management import call_command

from donations.demo import APPEAL_TITLE_ZH, CARRIER_USER
from donations.models import Appeal, Pledge, Shipment, ShipmentCheckpoint
from notices.models import Event

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Appeal.objects.count(),
        Pledge.objects.count(),
        Pledge.history.count(),
        Shipment.objects.count(),
        ShipmentCheckpoint.objects.count(),
        Event.objects.filter(name__startswith="pledge.").count(),
    )


@pytest.fixture
def seeded():
    call_command("seed_demo", "--quiet-logins")


def test_the_demo_appeal_has_pledges_in_every_state(seeded):
    appeal = Appeal.objects.get(title_zh=APPEAL_TITLE_ZH)
    assert appeal.status == "open" and appeal.items.count() == 5
    assert set(appeal.pledges.values_list("status", flat=True)) == set(Pledge.Status.values)
    assert appeal.pledges.overdue().exists()
    assert appeal.pledges.filter(kind="money", currency="USD", amount_cny__gt=0).exists()


def test_an_international_purchase_is_in_customs(seeded):
    purchase = Pledge.objects.get(channel="international")
    assert purchase.customs_status == "declared" and purchase.origin_country and not purchase.named_publicly


def test_a_shipment_is_carried_by_the_demo_logistics_member_whose_user_sees_it(seeded, client):
    from django.contrib.auth import get_user_model

    shipment = Shipment.objects.get(carrier__slug="shunda-logistics")
    assert shipment.un_number == "UN1170" and shipment.checkpoints.count() == 2
    user = get_user_model().objects.get(username=CARRIER_USER[0])
    assert user.check_password(CARRIER_USER[1])
    client.force_login(user)
    assert shipment in [row.shipment for row in client.get("/dashboard/shipments/").context["rows"]]


def test_one_certificate_is_issued(seeded, client):
    number = Pledge.objects.get(status="acknowledged").certificate_number
    assert client.get(f"/donations/certificates/{number}/").status_code == 200


def test_seeding_twice_creates_nothing_new(seeded):
    before = _counts()
    call_command("seed_demo", "--quiet-logins")
    assert _counts() == before
