"""The secretariat opens the dashboard in headless Chromium, in English and Chinese, on a phone and a laptop: the
charts are drawn with the known numbers, the tables hold them too, and nothing scrolls sideways on the phone."""

import pytest

from ..dashboard.data import make_known_data
from ..members.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHART_VALUES = """key => {
  const chart = echarts.getInstanceByDom(document.getElementById('chart-' + key));
  return chart.getOption().series.map(s => s.data.map(d => (d !== null && typeof d === 'object') ? d.value : d));
}"""


@pytest.fixture(autouse=True)
def _english(english):
    """Signing in reads the English labels; the Chinese run switches with the language cookie afterwards."""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("width", [390, 1366])
def test_secretariat_sees_the_dashboard_drawn_with_the_known_numbers(
    browser, sign_in, live_server, screenshot_dir, org, other_org, language, width
):
    make_known_data(org, other_org)
    UserFactory(username="staff@alliance.example", is_staff=True)
    context = browser.new_context(locale="en-US", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        sign_in(page, "staff@alliance.example")
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page.goto(f"{live_server.url}/dashboard/")
        assert page.locator("html").get_attribute("lang") == language
        page.locator('#chart-alerts[data-rendered="true"]').wait_for()

        # Every chart is drawn (an SVG inside its box).
        keys = ["resumption", "resumption-provinces", "observation", "stock", "stock-buckets", "requests"]
        keys += ["fulfilment", "donations", "acknowledgements", "assistance", "alerts"]
        for key in keys:
            assert page.locator(f'#chart-{key}[data-rendered="true"] svg').count() == 1, key

        # The charts hold the known numbers.
        assert page.evaluate(CHART_VALUES, "stock") == [[3, 5]]
        # One series per priority band, one value per status (submitted, approved, rejected, cancelled, fulfilled).
        assert page.evaluate(CHART_VALUES, "requests") == [
            [0, 1, 0, 0, 0],
            [1, 0, 0, 0, 0],
            [1, 0, 0, 0, 0],
            [0, 0, 0, 0, 1],
        ]
        resumption = page.evaluate(CHART_VALUES, "resumption")
        assert resumption[0][-2:] == [50.0, 58.3] and resumption[1][-1] == 3
        assert page.evaluate(CHART_VALUES, "observation")[0][-1] == 7
        assert page.evaluate(CHART_VALUES, "alerts")[2][-1] == 1  # one failed alert today
        assert page.evaluate(CHART_VALUES, "donations") == [[17000, 1000], [4500, 0]]
        assert page.evaluate(CHART_VALUES, "acknowledgements") == [[50, 50]]

        # ... and so do the tables and the key figures.
        stock_rows = page.locator('table[data-table="stock"] tbody tr')
        assert stock_rows.count() == 2
        assert stock_rows.nth(0).locator("td").text_content() == "3"
        assert page.locator('[data-key="fabs_at_risk"] .dash-key-value').text_content().strip() == "2"
        assert page.locator('[data-key="critical_requests"] .dash-key-value').text_content().strip() == "2"
        hubei = page.locator('a.dash-tile[data-province="hubei"]')
        assert "dash-risk-high" in hubei.get_attribute("class")

        # Labels come from the server in the reader's language.
        stock_labels = page.evaluate(
            "() => echarts.getInstanceByDom(document.getElementById('chart-stock')).getOption().yAxis[0].data"
        )
        if language == "en":
            assert stock_labels == ["Wuhan Test Fab Co.", "Shanghai Second Fab"]
            assert hubei.text_content().strip().startswith("Hubei")
        else:
            assert stock_labels == ["武汉测试晶圆有限公司", "上海第二晶圆"]
            assert hubei.text_content().strip().startswith("湖北")

        if width == 390:
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"the page is {overflow}px wider than the phone"
        page.screenshot(path=str(screenshot_dir / f"dashboard-{language}-{width}.png"), full_page=True)

        # The tile opens that province's members.
        hubei.click()
        page.wait_for_url("**/directory/?province=hubei")
    finally:
        context.close()
