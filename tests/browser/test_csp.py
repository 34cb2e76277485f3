"""The Content-Security-Policy in a real browser: the watch of tests/browser/conftest.py sees what it blocks; the
pages without a browser test of their own (the admin, the API docs, the donation and dashboard pages) load with
nothing blocked and still work."""

import pytest

from ..members.factories import UserFactory
from .conftest import CSP_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _english(english):
    """The assertions read the English labels."""


def test_the_watch_sees_an_inline_script_and_style_blocked(page, live_server):
    page.goto(f"{live_server.url}/")
    page.evaluate(
        """() => {
        const style = document.createElement('div');
        style.setAttribute('style', 'color: red');
        document.body.appendChild(style);
        const script = document.createElement('script');
        script.textContent = 'window.inlineRan = true';
        document.body.appendChild(script);
    }"""
    )
    page.wait_for_timeout(200)

    assert page.evaluate("() => window.inlineRan === undefined"), "the inline script did not run"
    assert any("script-src" in text for text in CSP_VIOLATIONS), CSP_VIOLATIONS
    assert any("style-src" in text for text in CSP_VIOLATIONS), CSP_VIOLATIONS
    CSP_VIOLATIONS.clear()


def test_the_language_menu_switches_without_an_inline_handler(page, live_server):
    page.goto(f"{live_server.url}/")
    page.locator("#language-select").select_option("zh-hans")
    page.wait_for_load_state()
    page.locator("html[lang='zh-hans']").wait_for()


def test_swagger_ui_and_redoc_render_their_operations(page, live_server):
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".opblock").first.wait_for()
    page.goto(f"{live_server.url}/api/redoc/")
    page.get_by_text("Alliance Portal API").first.wait_for()
    page.locator("[data-section-id]").first.wait_for()
    page.wait_for_load_state("networkidle")

    # ReDoc's "powered by" logo comes from its CDN: the policy blocks it, as it should (no foreign host), and the
    # page works without it. Nothing else is blocked.
    foreign_logo = [text for text in CSP_VIOLATIONS if "https://cdn.redoc.ly/" in text and "img-src" in text]
    assert len(foreign_logo) <= 1
    assert [text for text in CSP_VIOLATIONS if text not in foreign_logo] == []
    CSP_VIOLATIONS.clear()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/members/organisation/",
        "/admin/supply/supplyrequest/",
        "/admin/notices/notice/add/",
        "/dashboard/",
        "/donations/",
        "/notices/",
    ],
)
def test_secretariat_pages_load_with_nothing_blocked(page, live_server, sign_in, path):
    UserFactory(username="staff@alliance.example", is_staff=True, is_superuser=True)
    sign_in(page, "staff@alliance.example")

    response = page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("networkidle")

    assert response.status == 200, path


def test_a_chart_tooltip_shows_with_nothing_blocked(page, live_server, sign_in, org, other_org, screenshot_dir):
    from ..dashboard.data import make_known_data

    make_known_data(org, other_org)
    UserFactory(username="staff@alliance.example", is_staff=True)
    sign_in(page, "staff@alliance.example")
    page.goto(f"{live_server.url}/dashboard/")
    chart = page.locator('#chart-requests[data-rendered="true"]')
    chart.wait_for()
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    count_texts = "() => document.querySelectorAll('#chart-requests svg text').length"
    texts_before = page.evaluate(count_texts)

    for fraction in (0.3, 0.5, 0.7):
        chart.hover(position={"x": box["width"] * fraction, "y": box["height"] * 0.5})
        page.wait_for_timeout(300)

    # ECharts draws the tooltip inside the chart (its HTML tooltip would need inline style attributes).
    assert (
        page.evaluate(
            "() => echarts.getInstanceByDom(document.getElementById('chart-requests'))"
            ".getOption().tooltip[0].renderMode"
        )
        == "richText"
    )
    assert page.evaluate(count_texts) > texts_before, "the tooltip's text is drawn"
    page.screenshot(path=str(screenshot_dir / "csp-chart-tooltip.png"))
    assert CSP_VIOLATIONS == []
