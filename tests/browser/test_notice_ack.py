"""An urgent notice to the Hubei members, through the browser: the secretariat composes and publishes it, a Wuhan
member sees it unread and acknowledges it, and the secretariat's report goes from 0% to 50%."""

import pytest

from members.models import Membership, Organisation
from notices.models import Acknowledgement, Notice

from ..members.factories import ContactFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English text; the Chinese catalogue must not change what they see."""


def test_secretariat_publishes_an_urgent_notice_a_wuhan_member_acknowledges_and_the_rate_moves(
    sign_in, page, browser, live_server, screenshot_dir
):
    wuhan = OrganisationFactory(
        name_en="Wuhan Test Fab", name_zh="武汉测试晶圆厂", kind=Organisation.Kind.FAB, province="hubei", city="武汉"
    )
    xiaogan = OrganisationFactory(name_en="Xiaogan Gases", kind=Organisation.Kind.SUPPLIER, province="hubei")
    OrganisationFactory(name_en="Shanghai Resist", province="shanghai")
    for organisation in (wuhan, wuhan, xiaogan):
        ContactFactory(organisation=organisation)
    MembershipFactory(
        organisation=wuhan, role=Membership.Role.MEMBER, user=UserFactory(username="buyer@wuhan-fab.example")
    )
    UserFactory(username="secretariat@alliance.example", is_staff=True)

    # The secretariat composes the notice; the page counts whom it will reach as the audience is chosen.
    sign_in(page, "secretariat@alliance.example")
    page.get_by_role("link", name="Manage notices").click()
    page.get_by_role("link", name="New notice").click()
    page.get_by_label("Title (Chinese)").fill("紧急：湖北成员单位请报告库存")
    page.get_by_label("Title (English)").fill("Urgent: Hubei members, report your stocks")
    page.get_by_label("Text (English)").fill("Report your **days of stock** today. <script>alert(1)</script>")
    page.get_by_label("Category").select_option(label="Urgent")
    page.get_by_label("Members in chosen provinces").check()
    page.get_by_label("Hubei", exact=True).check()
    page.get_by_text("Will reach 2 organisations, 3 contacts.").wait_for()
    page.get_by_label("Each organisation must acknowledge it").check()
    page.get_by_role("button", name="Preview").click()
    assert page.get_by_test_id("preview").locator("strong").inner_text() == "days of stock"
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("The notice is saved as a draft").wait_for()
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_text("The notice is published").wait_for()
    notice = Notice.objects.get()
    assert (notice.status, notice.category, notice.provinces, notice.requires_ack) == (
        "published",
        "urgent",
        ["hubei"],
        True,
    )
    assert page.get_by_test_id("ack-rate").get_by_role("progressbar").get_attribute("aria-valuenow") == "0"
    report_url = page.url

    # A Wuhan member sees it unread and acknowledges it with one click.
    member = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
    sign_in(member, "buyer@wuhan-fab.example")
    member.locator("#main-nav").get_by_role("link", name="Notices", exact=True).click()
    row = member.locator(".notice-list a").first
    assert "Urgent: Hubei members, report your stocks" in row.inner_text()
    assert row.get_by_test_id("unread").is_visible()
    row.click()
    assert member.get_by_test_id("notice-body").locator("strong").inner_text() == "days of stock"
    assert member.locator("script", has_text="alert(1)").count() == 0
    member.get_by_role("button", name="Acknowledge").click()
    member.get_by_text("your organisation has acknowledged this notice").wait_for()
    member.locator("#main-nav").get_by_role("link", name="Notices", exact=True).click()
    assert member.locator(".notice-list a").first.get_by_test_id("unread").count() == 0
    member.context.close()
    assert Acknowledgement.objects.get().organisation == wuhan

    # The secretariat's report shows the rate change and who is still missing.
    page.goto(report_url)
    assert page.get_by_test_id("ack-rate").get_by_role("progressbar").get_attribute("aria-valuenow") == "50"
    assert "1 of 2 organisations" in page.get_by_test_id("ack-rate").inner_text()
    assert "Xiaogan Gases" in page.get_by_test_id("missing").inner_text()
    page.screenshot(path=str(screenshot_dir / "notice-ack.png"), full_page=True)
