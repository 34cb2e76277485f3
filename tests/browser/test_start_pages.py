"""Every demo role signs in and lands on its start page, in Chinese, on a 390 px phone and a 1366 px laptop: nothing
scrolls sideways, the first card is what needs the role (the notices to acknowledge for a member, the action list
for the secretariat) with its button on the first screen, and a fab member acknowledges with one tap.

The demo alliance is seeded into the test database (`seed_demo`, as `make run` does), so these are the demo's own
people and data. Screenshots of each role's start page at both sizes go to test-output/."""

import pytest
from django.core.management import call_command

from donations.demo import CARRIER_USER
from members.demo import demo_logins
from notices.models import Acknowledgement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(390, 844), (1366, 900)]
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
# Where an element is, in CSS pixels of the viewport.
BOX = "el => { const r = el.getBoundingClientRect(); return [r.left, r.right, r.top, window.innerWidth]; }"


@pytest.fixture(autouse=True)
def _english(english):
    """Signing in reads the English labels; the start page is then opened in Chinese with the language cookie."""


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the logins are not this test's output
    logins = [(login.username, login.password, login.organisation) for login in demo_logins()]
    return [*logins, (CARRIER_USER[0], CARRIER_USER[1], "carrier")]


def _open_start(browser, live_server, sign_in, username, password):
    context = browser.new_context(locale="en-US", viewport={"width": SIZES[0][0], "height": SIZES[0][1]})
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, username, password)
    assert page.url == f"{live_server.url}/start/", f"{username} landed on {page.url}"
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    return context, page


def test_every_demo_role_lands_on_its_start_page_and_sees_first_what_needs_it(
    browser, live_server, sign_in, screenshot_dir, demo
):
    problems = []
    for username, password, organisation in demo:
        context, page = _open_start(browser, live_server, sign_in, username, password)
        try:
            for width, height in SIZES:
                page.set_viewport_size({"width": width, "height": height})
                page.goto(f"{live_server.url}/start/")
                where = f"{username} at {width}px"
                assert page.locator("html").get_attribute("lang") == "zh-hans", where
                overflow = page.evaluate(OVERFLOW)
                if overflow > 0:
                    problems.append(f"{where}: {overflow}px wider than the screen")
                if organisation is None:
                    first = page.locator("main [data-action]").first
                    assert first.get_attribute("data-action") == "to_triage", where
                    left, right, top, inner = first.evaluate(BOX)
                    if left < 0 or right > inner or top > height:
                        problems.append(f"{where}: the action list is off the first screen ({left}..{right}, {top})")
                else:
                    first = page.locator("main [data-card]").first
                    if first.get_attribute("data-card") != "notices":
                        problems.append(f"{where}: the first card is {first.get_attribute('data-card')}")
                    button = first.locator('[data-testid="acknowledge"]').first
                    if username.endswith("-viewer"):
                        assert first.locator('[data-testid="acknowledge"]').count() == 0, where
                        assert page.get_by_test_id("read-only").is_visible(), where
                    else:
                        left, right, top, inner = button.evaluate(BOX)
                        if left < 0 or right > inner or top > height:
                            problems.append(f"{where}: the acknowledge button is off the first screen ({left}, {top})")
                if organisation == "ymtc":
                    # Wuhan: the urgent Hubei notice comes before the alliance's pinned proposal.
                    assert "湖北" in first.locator("[data-notice]").first.inner_text(), where
                nav = page.get_by_test_id("nav-pending-phone" if width < 992 else "nav-pending")
                assert nav.is_visible(), where
                page.screenshot(path=str(screenshot_dir / f"start-{username}-{width}.png"), full_page=True)
        finally:
            context.close()
    assert not problems, "\n".join(problems)


def test_fab_member_acknowledges_the_urgent_notice_with_one_tap_on_a_phone(browser, live_server, sign_in, demo):
    username, password, _org = next(login for login in demo if login[0] == "ymtc-member")
    context, page = _open_start(browser, live_server, sign_in, username, password)
    try:
        page.goto(f"{live_server.url}/start/")
        notices = page.locator('[data-card="notices"] [data-notice]')
        before = notices.count()
        badge = page.get_by_test_id("nav-pending-phone").locator(".badge")
        assert badge.inner_text() == str(before)
        first = notices.first
        notice_id = int(first.get_attribute("data-notice"))
        first.get_by_test_id("acknowledge").click()
        page.locator(".alert-success").wait_for()
        assert page.url == f"{live_server.url}/start/"
        assert Acknowledgement.objects.filter(notice_id=notice_id, organisation__slug="ymtc").count() == 1
        assert page.locator(f'[data-notice="{notice_id}"]').count() == 0
        if before > 1:
            assert page.get_by_test_id("nav-pending-phone").locator(".badge").inner_text() == str(before - 1)
        else:
            assert page.get_by_test_id("nav-pending-phone").locator(".badge").count() == 0
        assert page.evaluate(OVERFLOW) <= 0
    finally:
        context.close()
