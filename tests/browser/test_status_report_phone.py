"""A fab's member files the day's status report on a phone (390 px): pre-filled from yesterday's, one column,
numeric keyboard, the submit button in view without scrolling, nothing wider than the screen; then the secretariat
sees the case it opened."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assistance.models import AssistanceCase
from members.models import Membership, Organisation, StatusReport

from ..members.factories import MembershipFactory, OrganisationFactory, UserFactory
from ..members.factories_reports import StatusReportFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_files_the_days_report_on_a_phone(live_server, browser, sign_in, screenshot_dir):
    org = OrganisationFactory(
        name_zh="武汉测试晶圆有限公司",
        name_en="Wuhan Test Fab",
        kind=Organisation.Kind.FAB,
        province="hubei",
        city="武汉",
    )
    user = UserFactory(username="member@fab.example")
    MembershipFactory(user=user, organisation=org, role=Membership.Role.MEMBER)
    StatusReportFactory(
        organisation=org,
        report_date=timezone.localdate() - timedelta(days=1),
        staff_total=800,
        staff_returned=300,
        returned_from_high_risk=20,
        in_observation=15,
    )

    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        sign_in(page, user.username)
        page.goto(f"{live_server.url}/reports/new/")
        # Pre-filled from yesterday's report.
        assert page.input_value("input[name=staff_total]") == "800"
        assert page.input_value("input[name=staff_returned]") == "300"
        assert page.get_attribute("input[name=staff_returned]", "inputmode") == "numeric"
        # One column: one figure per row, one above the other.
        total_box = page.locator("input[name=staff_total]").bounding_box()
        returned_box = page.locator("input[name=staff_returned]").bounding_box()
        assert returned_box["y"] > total_box["y"] + total_box["height"]
        assert abs(returned_box["x"] - total_box["x"]) < 2
        # Short: the whole form (ten stock categories included) is under three phone screens.
        assert page.locator("#report-form").bounding_box()["height"] < 3 * 844
        # Nothing scrolls sideways, and the submit button is on screen before any scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        submit = page.get_by_role("button", name="File the report")
        box = submit.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 844
        page.screenshot(path=str(screenshot_dir / "status-report-form-390.png"), full_page=True)

        page.fill("input[name=staff_returned]", "420")
        page.locator("details summary").click()
        page.fill("textarea[name=logistics_difficulty]", "Trucks cannot enter the city")
        page.check("input[name=logistics_needs_help]")
        submit.click()
        page.get_by_text("has been filed").wait_for()
        page.screenshot(path=str(screenshot_dir / "status-report-filed-390.png"), full_page=True)
    finally:
        context.close()

    report = StatusReport.objects.get(organisation=org, report_date=timezone.localdate())
    assert report.staff_returned == 420 and report.staff_total == 800
    assert AssistanceCase.objects.get().source_report == report
