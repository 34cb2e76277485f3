"""Who each event reaches, on which channel, in which language; and a rolled-back change reaches nobody."""

import pytest
from django.db import transaction

from members.models import Contact, Organisation
from members.rules import Actor
from notices import events
from notices.alerts import emit
from notices.alerts.models import Alert, Channel, ChatRobot, Subscription, WebhookEndpoint
from supply import events as supply_events
from tests.members.factories import ContactFactory, OrganisationFactory, UserFactory
from tests.supply.factories import FabFactory, SupplierFactory

from .sinks import HttpSink

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(username="duty@secretariat.example", email="duty@secretariat.example", is_staff=True)


@pytest.fixture
def fab():
    fab = FabFactory(slug="wuhan-fab")
    ContactFactory(organisation=fab, email="buyer@fab.example", language=Contact.Language.EN)
    return fab


@pytest.fixture
def resist_supplier():
    supplier = SupplierFactory(slug="resist-co", supplies=["photoresist"])
    ContactFactory(organisation=supplier, email="sales@resist.example")
    return supplier


@pytest.fixture
def gas_supplier():
    supplier = SupplierFactory(slug="gas-co", supplies=["gas"])
    ContactFactory(organisation=supplier, email="sales@gas.example")
    return supplier


def request_payload(fab, **overrides):
    return {
        "id": 1,
        "organisation": fab.slug,
        "category": "photoresist",
        "material": "ArF photoresist",
        "quantity": "50",
        "unit": "L",
        "urgency": "normal",
        "status": "submitted",
        "risk_level": "low",
        "city": "武汉",
        **overrides,
    }


def emitted(name, payload, organisation=None):
    with transaction.atomic():
        event = emit(name, payload=payload, organisation=organisation)
    return {(a.organisation.slug if a.organisation else "secretariat", a.channel, a.email) for a in event.alerts.all()}


def test_normal_request_reaches_only_the_secretariat(staff, fab, resist_supplier):
    got = emitted(supply_events.SUPPLY_REQUEST_SUBMITTED, request_payload(fab), fab)
    assert got == {("secretariat", "email", "duty@secretariat.example")}


@pytest.mark.parametrize("urgent", [{"urgency": "critical"}, {"risk_level": "high"}])
def test_urgent_request_reaches_suppliers_of_its_category_only(staff, fab, resist_supplier, gas_supplier, urgent):
    got = emitted(supply_events.SUPPLY_REQUEST_SUBMITTED, request_payload(fab, **urgent), fab)
    assert got == {
        ("secretariat", "email", "duty@secretariat.example"),
        ("resist-co", "email", "sales@resist.example"),
    }


def test_urgent_request_reaches_only_the_suppliers_the_fab_has_qualified(staff, fab, resist_supplier):
    other = SupplierFactory(slug="other-resist", supplies=["photoresist"])
    ContactFactory(organisation=other, email="sales@other-resist.example")
    payload = request_payload(fab, urgency="critical", qualified_suppliers=["other-resist"])
    got = emitted(supply_events.SUPPLY_REQUEST_SUBMITTED, payload, fab)
    assert got == {
        ("secretariat", "email", "duty@secretariat.example"),
        ("other-resist", "email", "sales@other-resist.example"),
    }


def test_supplier_that_opted_out_of_new_requests_by_email_is_not_emailed(staff, fab, resist_supplier):
    Subscription.objects.create(
        organisation=resist_supplier,
        event_type=supply_events.SUPPLY_REQUEST_SUBMITTED,
        channel=Channel.EMAIL,
        enabled=False,
    )
    got = emitted(supply_events.SUPPLY_REQUEST_SUBMITTED, request_payload(fab, urgency="critical"), fab)
    assert got == {("secretariat", "email", "duty@secretariat.example")}


def test_supplier_that_opted_in_hears_of_urgent_requests_of_every_category(staff, fab, gas_supplier):
    Subscription.objects.create(
        organisation=gas_supplier,
        event_type=supply_events.SUPPLY_REQUEST_SUBMITTED,
        channel=Channel.EMAIL,
        enabled=True,
    )
    got = emitted(supply_events.SUPPLY_REQUEST_SUBMITTED, request_payload(fab, urgency="critical"), fab)
    assert ("gas-co", "email", "sales@gas.example") in got


@pytest.mark.parametrize(
    "name",
    [
        supply_events.SUPPLY_REQUEST_APPROVED,
        supply_events.SUPPLY_REQUEST_REJECTED,
        supply_events.SUPPLY_REQUEST_CANCELLED,
        supply_events.SUPPLY_REQUEST_FULFILLED,
        supply_events.SUPPLY_REQUEST_STALE,
    ],
)
def test_request_outcome_reaches_the_fab(staff, fab, resist_supplier, name):
    assert emitted(name, request_payload(fab), fab) == {("wuhan-fab", "email", "buyer@fab.example")}


@pytest.mark.parametrize(
    "name", [e for e in supply_events.__dict__.values() if isinstance(e, str) and e.startswith("commitment.")]
)
def test_commitment_event_reaches_the_fab_and_the_supplier(staff, fab, resist_supplier, gas_supplier, name):
    payload = {"id": 3, "request": 1, "supplier": "resist-co", "fab": "wuhan-fab", "quantity": "10", "status": "x"}
    assert emitted(name, payload, fab) == {
        ("wuhan-fab", "email", "buyer@fab.example"),
        ("resist-co", "email", "sales@resist.example"),
    }


def test_reminder_reaches_the_listed_organisations_and_escalation_the_secretariat(staff, fab, resist_supplier):
    payload = {"notice_id": 1, "organisation_ids": [fab.pk]}
    assert emitted(events.NOTICE_REMINDER, payload) == {("wuhan-fab", "email", "buyer@fab.example")}
    assert emitted(events.NOTICE_ESCALATED, payload) == {("secretariat", "email", "duty@secretariat.example")}


def test_notice_reaches_its_audience(staff, fab, resist_supplier):
    from ..factories import make_notice

    notice = make_notice(audience_kind="organisations", organisations=[resist_supplier])
    payload = {"notice_id": notice.pk, "title_zh": "通知", "title_en": "Notice", "category": "urgent", "url": "/n/1/"}
    with transaction.atomic():
        event = emit(events.NOTICE_PUBLISHED, notice, payload=payload)
    assert {a.email for a in event.alerts.all()} == {"sales@resist.example"}


def test_contacts_without_alerts_or_email_and_withdrawn_members_are_skipped(staff):
    fab = FabFactory(slug="quiet-fab")
    ContactFactory(organisation=fab, email="", mobile="13800000000")
    ContactFactory(organisation=fab, email="off@fab.example", receives_alerts=False)
    ContactFactory(organisation=fab, email="on@fab.example")
    gone = FabFactory(slug="gone-fab", status=Organisation.Status.WITHDRAWN)
    ContactFactory(organisation=gone, email="gone@fab.example")
    payload = {"id": 3, "request": 1, "supplier": "gone-fab", "fab": "quiet-fab", "quantity": "1", "status": "x"}
    assert emitted(supply_events.COMMITMENT_MADE, payload) == {("quiet-fab", "email", "on@fab.example")}


def test_webhooks_and_robots_get_the_events_they_subscribe_to(staff, fab):
    all_events = WebhookEndpoint.objects.create(organisation=fab, url="https://erp.fab.example/hook")
    approved_only = WebhookEndpoint.objects.create(
        organisation=fab, url="https://b.fab.example/hook", event_types=[supply_events.SUPPLY_REQUEST_APPROVED]
    )
    WebhookEndpoint.objects.create(organisation=fab, url="https://off.fab.example/hook", active=False)
    robot = ChatRobot.objects.create(organisation=fab, kind="wecom", url="https://qyapi.weixin.qq.com/x", language="en")
    with transaction.atomic():
        event = emit(supply_events.SUPPLY_REQUEST_REJECTED, payload=request_payload(fab), organisation=fab)
    alerts = list(event.alerts.all())
    assert {a.webhook_id for a in alerts if a.channel == Channel.WEBHOOK} == {all_events.pk}
    assert [(a.robot_id, a.language) for a in alerts if a.channel == Channel.ROBOT] == [(robot.pk, "en")]
    with transaction.atomic():
        event = emit(supply_events.SUPPLY_REQUEST_APPROVED, payload=request_payload(fab), organisation=fab)
    assert {a.webhook_id for a in event.alerts.all() if a.channel == Channel.WEBHOOK} == {
        all_events.pk,
        approved_only.pk,
    }


def test_every_alert_has_its_own_delivery_id(staff, fab, resist_supplier):
    ContactFactory(organisation=resist_supplier, email="second@resist.example")
    with transaction.atomic():
        event = emit(supply_events.SUPPLY_REQUEST_SUBMITTED, payload=request_payload(fab, urgency="critical"))
    ids = [a.delivery_id for a in event.alerts.all()]
    assert len(ids) == 3 and len(set(ids)) == 3


def test_rolled_back_change_creates_no_alert_and_sends_nothing(
    staff, fab, django_capture_on_commit_callbacks, mailoutbox
):
    with HttpSink() as sink:
        WebhookEndpoint.objects.create(organisation=fab, url=sink.url + "/hook")
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            emit(supply_events.SUPPLY_REQUEST_APPROVED, payload=request_payload(fab), organisation=fab)
            raise RuntimeError("the change fails after the event")
        assert callbacks == []
        assert Alert.objects.count() == 0
        assert mailoutbox == [] and sink.requests == []


def test_committed_change_is_delivered_after_commit(staff, fab, django_capture_on_commit_callbacks, mailoutbox):
    with HttpSink() as sink:
        WebhookEndpoint.objects.create(organisation=fab, url=sink.url + "/hook")
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            emit(supply_events.SUPPLY_REQUEST_APPROVED, payload=request_payload(fab), organisation=fab)
            assert mailoutbox == [] and sink.requests == []  # nothing leaves before the commit
        assert [m.to for m in mailoutbox] == [["buyer@fab.example"]]
        assert len(sink.requests) == 1
    assert set(Alert.objects.values_list("status", flat=True)) == {Alert.Status.DELIVERED}


def test_email_is_in_the_contacts_language_with_text_and_html(staff, django_capture_on_commit_callbacks, mailoutbox):
    org = OrganisationFactory(slug="bilingual")
    ContactFactory(organisation=org, email="en@org.example", language="en")
    ContactFactory(organisation=org, email="zh@org.example", language="zh-hans")
    payload = {"notice_id": 9, "organisation_ids": [org.pk], "title_zh": "复工通知", "title_en": "Back-to-work notice"}
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        emit(events.NOTICE_REMINDER, payload=payload)
    by_address = {m.to[0]: m for m in mailoutbox}
    english, chinese = by_address["en@org.example"], by_address["zh@org.example"]
    assert "Back-to-work notice" in english.subject and "Reminder" in english.subject
    assert "复工通知" in chinese.subject
    for message in (english, chinese):
        assert message.alternatives[0].mimetype == "text/html"
        assert message.extra_headers["X-Alliance-Delivery"] in message.body
    assert 'lang="en"' in english.alternatives[0].content
    assert 'lang="zh-hans"' in chinese.alternatives[0].content


def test_critical_request_submitted_through_supply_services_emails_the_supplier(
    staff, resist_supplier, django_capture_on_commit_callbacks, mailoutbox
):
    from supply import services
    from tests.members.factories import SiteFactory
    from tests.supply.factories import category

    fab = FabFactory()
    site = SiteFactory(organisation=fab)
    actor = Actor(organisation=fab, role="admin")
    from datetime import timedelta

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        services.supply_request_create(
            actor=actor,
            submit=True,
            site=site,
            category=category("photoresist"),
            material="KrF photoresist",
            un_number="UN1866",
            quantity=20,
            unit="L",
            needed_by=timezone.localdate() + timedelta(days=3),
            days_of_stock=2,
            urgency="critical",
        )
    assert {m.to[0] for m in mailoutbox} == {"sales@resist.example", "duty@secretariat.example"}


def test_submitted_request_names_the_suppliers_the_fab_qualified_and_only_they_hear_of_it(
    staff, resist_supplier, django_capture_on_commit_callbacks, mailoutbox
):
    from datetime import timedelta

    from django.utils import timezone

    from supply import services
    from tests.members.factories import SiteFactory
    from tests.supply.factories import QualificationFactory, category

    fab = FabFactory()
    qualified = SupplierFactory(slug="qualified-resist", supplies=["photoresist"])
    ContactFactory(organisation=qualified, email="sales@qualified-resist.example")
    QualificationFactory(fab=fab, supplier=qualified, category=category("photoresist"))
    with django_capture_on_commit_callbacks(execute=True):
        request = services.supply_request_create(
            actor=Actor(organisation=fab, role="admin"),
            submit=True,
            site=SiteFactory(organisation=fab),
            category=category("photoresist"),
            material="KrF photoresist",
            un_number="UN1866",
            quantity=20,
            unit="L",
            needed_by=timezone.localdate() + timedelta(days=3),
            days_of_stock=2,
            urgency="critical",
        )
    event = request_event(request)
    assert event.payload["qualified_suppliers"] == ["qualified-resist"]
    assert {m.to[0] for m in mailoutbox} == {"sales@qualified-resist.example", "duty@secretariat.example"}


def request_event(request):
    from notices.alerts.models import Event

    return Event.objects.get(name=supply_events.SUPPLY_REQUEST_SUBMITTED, object_id=str(request.pk))


def test_alert_text_names_the_unit_in_the_reader_language(staff, fab, resist_supplier):
    from django.utils import translation

    from notices.alerts.channels.content import content_for
    from supply.services import request_payload
    from tests.supply.factories import SupplyRequestFactory

    payload = request_payload(SupplyRequestFactory(organisation=fab, unit="L", quantity=50))
    with translation.override("zh-hans"):
        litres_zh = translation.gettext("litres")
    assert litres_zh != "litres"
    assert litres_zh in content_for(supply_events.SUPPLY_REQUEST_APPROVED, payload, "zh-hans").subject
    assert "50 litres" in content_for(supply_events.SUPPLY_REQUEST_APPROVED, payload, "en").subject
