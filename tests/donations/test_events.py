"""Who hears of each donations event (recipients are a function of the payload), and the periodic tasks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance_portal.shipping import CheckpointKind
from donations import events, services, tasks
from donations.models import Pledge
from members.models import Contact, Organisation
from notices.alerts.models import Alert
from notices.alerts.registry import is_registered
from notices.models import Event

from .factories import advance, goods_pledge, secretariat_actor, writer

pytestmark = pytest.mark.django_db


def _recipients(name: str, obj_id) -> set:
    event = Event.objects.filter(name=name, object_id=str(obj_id)).latest("pk")
    return set(Alert.objects.filter(event=event).values_list("organisation_id", flat=True))


@pytest.fixture(autouse=True)
def _alert_contacts(org, other_org, carrier_org):
    for organisation in (org, other_org, carrier_org):
        Contact.objects.create(
            organisation=organisation,
            name="联系人",
            email=f"alerts@{organisation.slug}.example",
            receives_alerts=True,
        )


def test_every_donations_event_is_registered():
    for event_type in events.EVENT_TYPES:
        assert is_registered(event_type.name)
    assert {e.name for e in events.EVENT_TYPES} >= {
        "pledge.made",
        "pledge.confirmed",
        "pledge.dispatched",
        "pledge.delivered",
        "pledge.overdue",
        "appeal.opened",
        "appeal.closing_soon",
        "appeal.target_reached",
        "shipment.checkpoint",
    }


def test_a_new_pledge_reaches_the_donor_and_the_secretariat_only(org, other_org, appeal):
    pledge = goods_pledge(org, appeal)
    assert _recipients("pledge.made", pledge.pk) == {org.pk, None}


def test_an_opened_appeal_reaches_every_active_member(org, other_org, appeal):
    assert {org.pk, other_org.pk, None} <= _recipients("appeal.opened", appeal.pk)


def test_a_checkpoint_reaches_the_donor_and_the_carrier_not_others(org, other_org, carrier_org, make_pledge):
    shipment = make_pledge("dispatched").shipment
    services.shipment_record_step(shipment=shipment, actor=writer(carrier_org), kind=CheckpointKind.PICKUP)
    assert _recipients("shipment.checkpoint", shipment.pk) == {org.pk, carrier_org.pk}


def test_the_overdue_task_reports_once(org, appeal):
    pledge = goods_pledge(org, appeal)
    Pledge.objects.filter(pk=pledge.pk).update(promised_date=timezone.localdate() - timedelta(days=2))
    assert tasks.flag_overdue_pledges.delay().get() == 1
    assert tasks.flag_overdue_pledges.delay().get() == 0
    assert _recipients("pledge.overdue", pledge.pk) == {org.pk, None}


def test_the_closing_soon_task_reports_once(appeal):
    type(appeal).objects.filter(pk=appeal.pk).update(deadline=timezone.localdate() + timedelta(days=1))
    assert tasks.flag_appeals_closing_soon.delay().get() == 1
    assert tasks.flag_appeals_closing_soon.delay().get() == 0


def test_a_withdrawn_donor_hears_nothing(org, appeal):
    pledge = advance(goods_pledge(org, appeal), "pledged")
    Organisation.objects.filter(pk=org.pk).update(status=Organisation.Status.WITHDRAWN)
    services.pledge_confirm(pledge=pledge, actor=secretariat_actor())
    assert org.pk not in _recipients("pledge.confirmed", pledge.pk)
