"""A supply commitment carried by a logistics member, through the browser on phones: the carrier finds it among the
shipments it carries, records pick-up, a checkpoint and the hand-over at the fab's site on a 390 px screen; the fab
confirms receipt from the commitment page, whose timeline then shows every step."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from members.models import Membership, Organisation
from members.rules import actor_for_user
from supply import services
from supply.models import Shipment, SupplyRequest

from ..members.factories import MembershipFactory, OrganisationFactory, SiteFactory, UserFactory
from ..supply.factories import FabFactory, QualificationFactory, SupplierFactory, category
from ..supply.helpers import request_fields

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English text; the Chinese catalogue must not change what they see."""


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px phone"


def _carried_commitment():
    fab = FabFactory(name_en="Wuhan Test Fab", name_zh="武汉测试晶圆")
    fab_user = MembershipFactory(
        organisation=fab, role=Membership.Role.MEMBER, user=UserFactory(username="stores@fab.example")
    ).user
    site = SiteFactory(organisation=fab, name_zh="武汉一厂", name_en="Wuhan Fab 1", province="hubei", city="武汉")
    supplier = SupplierFactory(name_en="Jiangsu Resist Co.", name_zh="江苏光刻胶", supplies=["photoresist"])
    supplier_user = MembershipFactory(organisation=supplier, role=Membership.Role.MEMBER).user
    carrier = OrganisationFactory(
        kind=Organisation.Kind.LOGISTICS, name_en="Shunda Test Logistics", name_zh="顺达测试物流", slug="shunda-test"
    )
    MembershipFactory(
        organisation=carrier, role=Membership.Role.MEMBER, user=UserFactory(username="dispatch@shunda.example")
    )
    secretariat = UserFactory(username="secretariat@alliance.example", is_staff=True)
    QualificationFactory(fab=fab, supplier=supplier, category=category("photoresist"))
    request = services.supply_request_create(actor=actor_for_user(fab_user), submit=True, **request_fields(site))
    services.supply_request_transition(
        request=request, to_status=SupplyRequest.Status.APPROVED, actor=actor_for_user(secretariat)
    )
    commitment = services.commitment_create(
        request=request,
        actor=actor_for_user(supplier_user),
        quantity=Decimal(20),
        expected_ship_date=timezone.localdate() + timedelta(days=1),
    )
    services.commitment_accept(commitment=commitment, actor=actor_for_user(fab_user))
    services.commitment_assign_carrier(
        commitment=commitment, actor=actor_for_user(supplier_user), carrier=carrier, tracking_number="SDHG-2001"
    )
    return commitment


def test_the_carrier_hands_over_a_commitment_on_a_phone_and_the_fab_confirms_receipt(
    sign_in, browser, live_server, screenshot_dir
):
    commitment = _carried_commitment()

    # The carrier's dispatcher finds the shipment among those it carries and records its steps.
    van = browser.new_context(locale="en-US", viewport=PHONE).new_page()
    sign_in(van, "dispatch@shunda.example")
    van.get_by_role("button", name="Menu").click()
    van.get_by_role("link", name="Shipments I carry").click()
    assert van.get_by_text("UN1866").first.is_visible()  # dangerous goods, on the card
    _no_sideways_scroll(van)
    van.screenshot(path=str(screenshot_dir / "commitment-carrier-list-phone.png"), full_page=True)
    van.get_by_role("link", name="SDHG-2001").click()
    _no_sideways_scroll(van)
    for step, place in (
        ("Picked up", "Suzhou plant"),
        ("Checkpoint", "Xiaogan checkpoint"),
        ("Handed over", "Wuhan Fab 1 stores"),
    ):
        van.get_by_label("Step").select_option(label=step)
        van.get_by_label("Place").fill(place)
        van.get_by_role("button", name="Record", exact=True).click()
        van.get_by_text("Step recorded.").wait_for()
        _no_sideways_scroll(van)
    assert van.locator("[data-shipment-status]").get_attribute("data-shipment-status") == "handed_over"
    van.screenshot(path=str(screenshot_dir / "commitment-carrier-handover-phone.png"), full_page=True)
    commitment.refresh_from_db()
    assert commitment.status == "shipped"  # the pick-up shipped it

    # The fab confirms receipt from the commitment page on its phone.
    fab = browser.new_context(locale="en-US", viewport=PHONE).new_page()
    sign_in(fab, "stores@fab.example")
    fab.goto(f"{live_server.url}/supply/commitments/{commitment.pk}/")
    assert fab.get_by_text("Xiaogan checkpoint").is_visible()
    _no_sideways_scroll(fab)
    fab.get_by_role("link", name="Confirm receipt").click()
    fab.get_by_label("Received quantity").fill("20")
    _no_sideways_scroll(fab)
    fab.get_by_role("button", name="Confirm delivery").click()
    fab.get_by_text("is confirmed").wait_for()

    shipment = Shipment.objects.get()
    commitment.refresh_from_db()
    assert (shipment.status, commitment.status) == ("received", "delivered")
    assert commitment.request.__class__.objects.get(pk=commitment.request_id).qty_delivered == 20
    fab.goto(f"{live_server.url}/supply/commitments/{commitment.pk}/")
    assert fab.locator("[data-shipment-status]").get_attribute("data-shipment-status") == "received"
    assert fab.get_by_text("Receipt confirmed").is_visible()
    _no_sideways_scroll(fab)
    fab.screenshot(path=str(screenshot_dir / "commitment-timeline-fab-phone.png"), full_page=True)
    for context in (van.context, fab.context):
        context.close()
