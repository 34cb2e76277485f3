"""A critical request from Wuhan, through the browser: the fab files it, the secretariat approves it, a supplier
commits part of it, and the fab sees what is still open."""

from datetime import timedelta

import pytest
from django.utils import timezone

from members.models import Membership, Organisation
from supply.models import Commitment, SupplyRequest

from ..members.factories import MembershipFactory, RiskAreaFactory, SiteFactory, UserFactory
from ..supply.factories import FabFactory, SupplierFactory
from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English text; the Chinese catalogue must not change what they see."""


def test_fab_files_a_critical_request_a_supplier_commits_part_and_the_fab_sees_what_remains(
    sign_in, page, browser, live_server, screenshot_dir
):
    RiskAreaFactory(province="hubei", city="武汉", city_en="Wuhan", level="high")
    fab = FabFactory(name_en="Yangtze Memory Test Fab", name_zh="长江存储测试厂", priority_guarantee=True)
    SiteFactory(organisation=fab, name_en="Wuhan Fab 1", name_zh="武汉一厂", province="hubei", city="武汉")
    fab_user = MembershipFactory(
        organisation=fab, role=Membership.Role.MEMBER, user=UserFactory(username="buyer@ymtc.example")
    ).user
    supplier = SupplierFactory(name_en="Jiangsu Resist Co.", supplies=["photoresist"])
    MembershipFactory(
        organisation=supplier, role=Membership.Role.MEMBER, user=UserFactory(username="sales@resist.example")
    )
    UserFactory(username="secretariat@alliance.example", is_staff=True)
    assert fab.kind == Organisation.Kind.FAB and fab_user.check_password(PASSWORD)

    # The fab signs in and files a critical request for its Wuhan site.
    sign_in(page, "buyer@ymtc.example")
    page.get_by_role("link", name="Supply requests").click()
    page.get_by_role("link", name="New request").click()
    page.get_by_label("Material category").select_option(label="Photoresists and ancillary reagents")
    page.locator("#id_material").fill("KrF photoresist")
    page.get_by_label("UN number").fill("UN1866")
    page.get_by_label("Quantity").fill("50")
    page.get_by_label("Unit").select_option(label="litres")
    page.get_by_label("Delivery site").select_option(label="Wuhan Fab 1 (Wuhan)")
    page.get_by_label("Needed by").fill((timezone.localdate() + timedelta(days=5)).isoformat())
    page.get_by_label("Days of stock left").fill("2")
    page.get_by_label("Urgency").select_option(label="Critical")
    page.get_by_role("button", name="Submit").click()
    page.get_by_text("has been submitted to the secretariat").wait_for()
    assert page.get_by_text("high-risk area +40").is_visible()
    assert page.get_by_text("priority guarantee +25").is_visible()
    supply_request = SupplyRequest.objects.get()
    assert supply_request.status == SupplyRequest.Status.SUBMITTED and supply_request.urgency == "critical"
    request_url = page.url

    # The secretariat approves it from its queue, where it stands first.
    secretariat = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
    sign_in(secretariat, "secretariat@alliance.example")
    secretariat.get_by_role("link", name="Supply queue").click()
    first_row = secretariat.locator("table.supply-queue tbody tr").first
    assert "Yangtze Memory Test Fab" in first_row.inner_text()
    first_row.get_by_role("button", name="Approve").click()
    secretariat.get_by_text("is approved; suppliers see it in their queue").wait_for()
    secretariat.context.close()

    # A supplier of photoresist commits part of it from its queue.
    supplier_page = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
    sign_in(supplier_page, "sales@resist.example")
    supplier_page.get_by_role("button", name="Supply").click()
    supplier_page.get_by_role("link", name="Supply queue").click()
    row = supplier_page.locator("table.supply-queue tbody tr").first
    assert "Yangtze Memory Test Fab" in row.inner_text() and "High risk" in row.inner_text()
    row.get_by_role("link", name="Commit").click()
    supplier_page.get_by_label("Quantity").fill("20")
    supplier_page.get_by_label("Expected ship date").fill((timezone.localdate() + timedelta(days=1)).isoformat())
    supplier_page.get_by_label("Unit price").fill("1280.00")
    supplier_page.get_by_role("button", name="Commit").click()
    supplier_page.get_by_text("You committed 20 litres to request").wait_for()
    supplier_page.context.close()
    assert Commitment.objects.get().quantity == 20

    # The fab sees what is still open.
    page.goto(request_url)
    assert page.get_by_test_id("remaining").inner_text() == "30 litres"
    assert page.get_by_text("Jiangsu Resist Co.").first.is_visible()
    assert page.get_by_text("partial").first.is_visible()
    page.screenshot(path=str(screenshot_dir / "supply-flow.png"), full_page=True)
