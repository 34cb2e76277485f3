"""A pledge of masks to the demo-like appeal, through the browser: a member pledges on a phone, the secretariat
confirms and dispatches it with a logistics member, the carrier records pick-up and hand-over on its phone, the
secretariat marks it delivered; the appeal's progress bar moves and the honour roll names the donor."""

import pytest

from donations.models import Pledge
from members.models import Membership, Organisation

from ..donations.factories import logistics_org, make_appeal
from ..members.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English text; the Chinese catalogue must not change what they see."""


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px phone"


def _delivered_percent(page, live_server, appeal) -> int:
    page.goto(f"{live_server.url}/donations/appeals/{appeal.pk}/")
    return int(page.locator(".appeal-progress [data-delivered]").first.get_attribute("data-delivered"))


def test_a_member_pledges_masks_on_a_phone_and_follows_them_to_the_honour_roll(
    sign_in, browser, live_server, screenshot_dir
):
    appeal = make_appeal()
    donor = OrganisationFactory(
        name_en="Suzhou Guanghui Test Materials", name_zh="苏州光辉测试材料", kind=Organisation.Kind.SUPPLIER
    )
    MembershipFactory(
        organisation=donor, role=Membership.Role.MEMBER, user=UserFactory(username="donor@guanghui.example")
    )
    carrier = logistics_org(name_en="Shunda Test Logistics", slug="shunda-test")
    MembershipFactory(
        organisation=carrier, role=Membership.Role.MEMBER, user=UserFactory(username="dispatch@shunda.example")
    )
    UserFactory(username="secretariat@alliance.example", is_staff=True)

    # The member pledges 2,000 masks from its phone.
    phone = browser.new_context(locale="en-US", viewport=PHONE).new_page()
    sign_in(phone, "donor@guanghui.example")
    phone.goto(f"{live_server.url}/donations/")
    phone.get_by_role("link", name=appeal.title_en).click()
    assert _delivered_percent(phone, live_server, appeal) == 0
    _no_sideways_scroll(phone)
    phone.get_by_role("link", name="Pledge to this appeal").click()
    phone.locator("#id_lines-0-quantity").fill("2000")
    phone.locator("#id_lines-0-specification").fill("GB 19083-2010")
    phone.locator("#id_lines-0-estimated_value_cny").fill("7000")
    _no_sideways_scroll(phone)
    phone.screenshot(path=str(screenshot_dir / "donation-pledge-form-phone.png"), full_page=True)
    phone.get_by_role("button", name="Pledge", exact=True).click()
    phone.get_by_text("is recorded").wait_for()
    _no_sideways_scroll(phone)
    pledge = Pledge.objects.get()
    assert pledge.donor == donor and pledge.lines.get().quantity == 2000

    # The secretariat confirms it and records its dispatch with the logistics member.
    desk = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, "secretariat@alliance.example")
    desk.goto(f"{live_server.url}/donations/pledges/{pledge.pk}/")
    desk.get_by_role("button", name="Confirm").click()
    desk.get_by_text("Pledge confirmed.").wait_for()
    desk.get_by_role("link", name="Record dispatch").click()
    desk.get_by_label("Carrier (logistics member)").select_option(label=str(carrier))
    desk.get_by_label("Tracking number").fill("SD-0001")
    desk.get_by_role("button", name="Record dispatch").click()
    desk.get_by_text("Dispatch recorded.").wait_for()

    # The carrier records pick-up and hand-over on its phone.
    van = browser.new_context(locale="en-US", viewport=PHONE).new_page()
    sign_in(van, "dispatch@shunda.example")
    van.get_by_role("button", name="Menu").click()
    van.get_by_role("link", name="Shipments I carry").click()
    van.get_by_role("link", name="SD-0001").click()
    _no_sideways_scroll(van)
    van.get_by_label("Step").select_option(label="Picked up")
    van.get_by_label("Place").fill("Suzhou warehouse")
    van.get_by_role("button", name="Record", exact=True).click()
    van.get_by_text("Step recorded.").wait_for()
    van.get_by_label("Step").select_option(label="Handed over")
    van.get_by_label("Place").fill("Wuhan Union Hospital")
    van.get_by_role("button", name="Record", exact=True).click()
    van.get_by_text("Step recorded.").wait_for()
    assert van.locator("[data-shipment-status]").get_attribute("data-shipment-status") == "handed_over"
    van.screenshot(path=str(screenshot_dir / "donation-carrier-phone.png"), full_page=True)
    _no_sideways_scroll(van)

    # The secretariat marks it delivered (all of it arrived).
    desk.goto(f"{live_server.url}/donations/pledges/{pledge.pk}/")
    desk.get_by_role("link", name="Mark delivered").click()
    desk.get_by_role("button", name="Mark delivered").click()
    desk.get_by_text("Delivery recorded.").wait_for()
    pledge.refresh_from_db()
    assert pledge.status == "delivered"

    # The appeal's bar moved (2,000 of 10,000 masks: 20%) and the honour roll names the donor.
    assert _delivered_percent(phone, live_server, appeal) == 20
    phone.screenshot(path=str(screenshot_dir / "donation-appeal-progress-phone.png"), full_page=True)
    phone.goto(f"{live_server.url}/donations/honour-roll/")
    assert phone.get_by_text("Suzhou Guanghui Test Materials").is_visible()
    _no_sideways_scroll(phone)
    phone.screenshot(path=str(screenshot_dir / "donation-honour-roll-phone.png"), full_page=True)
    for context in (phone.context, desk.context, van.context):
        context.close()
