"""Paper: the request, commitment and notice pages and the queues, printed from headless Chromium in Chinese, show
what the page says under a header naming the portal, the organisation and the date, with no navigation, no button,
no language switch and no filter; a list prints as a table whose heading repeats on each page, not as the phone's
cards. The PDFs go to test-output/print-*.pdf for a person to look at."""

import pytest
from django.core.management import call_command

from members.demo import demo_logins
from notices.models import Notice
from supply.models import Commitment, SupplyRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What is on screen and must not be on paper, and what is on paper only.
HIDDEN_ON_PAPER = ["nav.navbar", "footer", "#language-select", "main .btn", "main .portal-filters", "main .pagination"]
VISIBLE = """selector => Array.from(document.querySelectorAll(selector)).filter(el => {
  const box = el.getBoundingClientRect();
  return getComputedStyle(el).display !== 'none' && getComputedStyle(el).visibility !== 'hidden' && box.width > 0;
}).length"""
TABLES = """() => Array.from(document.querySelectorAll('main table')).map(t =>
  [getComputedStyle(t).display, getComputedStyle(t.tHead || t).display])"""


def _pages(role: str) -> list[tuple[str, str]]:
    notice = Notice.objects.filter(status=Notice.Status.PUBLISHED).order_by("pk").first()
    open_request = SupplyRequest.objects.filter(commitments__isnull=False).order_by("pk").first()
    if role == "secretariat":
        return [
            ("secretariat-queue", "/supply/secretariat/"),
            ("secretariat-request", f"/supply/secretariat/requests/{open_request.pk}/"),
            ("notice", f"/notices/{notice.pk}/"),
            ("notice-report", f"/notices/secretariat/{notice.pk}/report/"),
        ]
    if role == "supplier-admin":
        commitment = Commitment.objects.filter(supplier__slug="guanghui-pr").order_by("pk").first()
        return [
            ("supplier-queue", "/supply/queue/"),
            ("supplier-commitments", "/supply/commitments/"),
            ("supplier-request", f"/supply/queue/{commitment.request_id}/"),
        ]
    fab_request = SupplyRequest.objects.filter(organisation__slug="ymtc", commitments__isnull=False).first()
    return [("fab-requests", "/supply/requests/"), ("fab-request", f"/supply/requests/{fab_request.pk}/")]


@pytest.mark.parametrize("role", ["secretariat", "supplier-admin", "ymtc-admin"])
def test_request_commitment_and_notice_pages_and_queues_print_without_what_a_screen_needs(
    role, browser, live_server, screenshot_dir
):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the logins are not this test's output
    password = next(login.password for login in demo_logins() if login.username == role)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_username").fill(role)
        page.locator("#id_password").fill(password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/start/")
        context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
        problems = []
        for label, path in _pages(role):
            response = page.goto(live_server.url + path)
            assert response.status == 200, f"{path}: {response.status}"
            # On screen first: the navigation and the buttons are there, the print header is not.
            assert page.evaluate(VISIBLE, "nav.navbar") == 1, path
            assert page.evaluate(VISIBLE, ".portal-print-header") == 0, path
            page.emulate_media(media="print")
            try:
                for selector in HIDDEN_ON_PAPER:
                    if page.evaluate(VISIBLE, selector):
                        problems.append(f"{path}: {selector} prints")
                header = page.locator(".portal-print-header")
                printed = header.evaluate("el => getComputedStyle(el, '::before').content")
                if not header.is_visible():
                    problems.append(f"{path}: no print header")
                elif "集成电路材料联盟" not in printed:
                    problems.append(f"{path}: the print header reads {printed!r}")
                for table_display, head_display in page.evaluate(TABLES):
                    if table_display != "table" or head_display != "table-header-group":
                        problems.append(f"{path}: a list prints as {table_display}/{head_display}, not a table")
                assert page.locator("main h1").first.is_visible(), path
                page.pdf(path=str(screenshot_dir / f"print-{label}.pdf"), format="A4")
            finally:
                page.emulate_media(media="screen")
        assert not problems, "\n".join(problems)
    finally:
        context.close()
