"""The dashboard's figures for the known data set of tests/dashboard/data.py, counted by hand."""

from decimal import Decimal

from dashboard.charts import dashboard_charts
from dashboard.panels import key_figures, province_tiles
from dashboard.selectors import dashboard_figures
from dashboard.summary import alliance_totals


def test_key_figures_are_right_for_the_known_data(known_data):
    figures = dashboard_figures()
    values = {figure.key: figure.value for figure in key_figures(figures)}
    assert values == {
        "members_reporting": 3,
        "fabs_at_risk": 2,  # org: a request with 3 days; fab2: 5 days in its report, under its request's 12
        "critical_requests": 2,
        "pledges_overdue": 1,  # 10,000 CNY confirmed for yesterday, not dispatched
        "notices_unacknowledged": 3,  # everyone: 4 addressed, 2 acknowledged; fabs only: 2 addressed, 1
        "failed_alerts": 1,
    }
    assert figures.members_total == 4


def test_supply_figures_count_open_critical_and_fulfilled_requests_without_drafts(known_data):
    figures = dashboard_figures()
    assert figures.supply == {"open": 3, "critical_open": 2, "fulfilled": 1, "submitted": 4}
    assert figures.requests_by_status == {
        ("approved", "≥ 80"): 1,
        ("submitted", "20–49"): 1,
        ("submitted", "50–79"): 1,
        ("fulfilled", "< 20"): 1,
    }


def test_fab_stock_takes_the_fewer_days_of_open_requests_and_latest_report(known_data, org):
    figures = dashboard_figures()
    assert [(row["slug"], row["days"]) for row in figures.fab_stock] == [(org.slug, 3), (known_data.fab2.slug, 5)]
    assert figures.stock_buckets == {"0–1": 0, "2–3": 1, "4–6": 1, "7–13": 0, "14–29": 0, "≥ 30": 0}


def test_fulfilment_counts_commitments_made_and_delivered_today(known_data):
    today = dashboard_figures().fulfilment[-1]
    assert today == {"date": known_data.today, "committed": 2, "delivered": 1}


def test_acknowledgement_rates_count_only_the_audience(known_data):
    rows = {
        row["title_en"]: (row["audience"], row["acknowledged"], row["rate"])
        for row in dashboard_figures().acknowledgements
    }
    # other_org's acknowledgement of the fabs' notice is outside its audience and does not count.
    assert rows == {"Everyone acknowledges": (4, 2, 50), "Fabs acknowledge": (2, 1, 50)}


def test_alert_health_counts_by_status(known_data):
    figures = dashboard_figures()
    assert figures.alert_totals == {"delivered": 3, "pending": 1, "failed": 1}
    assert figures.alerts_by_day[-1] == {"date": known_data.today, "delivered": 3, "pending": 1, "failed": 1}


def test_report_series_sums_the_days_reports(known_data):
    figures = dashboard_figures()
    today, yesterday = figures.reports[-1], figures.reports[-2]
    assert (today["reporting"], today["staff_total"], today["staff_returned"], today["rate"]) == (3, 600, 350, 58.3)
    assert (today["in_observation"], today["fever_cases"]) == (7, 1)
    assert (yesterday["reporting"], yesterday["rate"]) == (1, 50.0)
    assert figures.reports[0]["rate"] is None  # no report that day
    by_province = figures.resumption_by_province
    assert by_province["hubei"][known_data.today] == {"rate": 60.0, "reporting": 1}
    assert by_province["shanghai"][known_data.today] == {"rate": 57.5, "reporting": 2}


def test_open_assistance_cases_by_type_and_age(known_data):
    assistance = dashboard_figures().assistance
    assert assistance["open"] == 2 and assistance["stale"] == 1
    assert assistance["by_kind_age"] == {("logistics", "0-1"): 1, ("permits", "7+"): 1}


def test_province_tiles_show_worst_risk_members_and_critical_requests(known_data):
    tiles = {tile.code: tile for tile in province_tiles(dashboard_figures())}
    assert (tiles["hubei"].risk_level, tiles["hubei"].members, tiles["hubei"].critical_open) == ("high", 1, 1)
    assert (tiles["shanghai"].risk_level, tiles["shanghai"].members, tiles["shanghai"].critical_open) == (
        "medium",
        2,
        1,
    )
    assert (tiles["jiangsu"].risk_level, tiles["jiangsu"].members) == (None, 1)
    assert tiles["beijing"].members == 0  # the secretariat is not a member
    assert tiles["hubei"].url.endswith("?province=hubei")


def test_every_chart_has_as_many_values_as_categories(known_data):
    for chart in dashboard_charts(dashboard_figures()):
        for series in chart.series:
            assert len(series.values) == len(chart.categories), chart.key
    charts = {chart.key: chart for chart in dashboard_charts(dashboard_figures())}
    assert charts["donations"].rows() == [
        [charts["donations"].categories[0], Decimal("17000.00"), Decimal("4500.00")],
        [charts["donations"].categories[1], Decimal("1000.00"), Decimal("0.00")],
    ]
    assert charts["stock"].point_colors == ["#dc3545", "#dc3545"]


def test_donations_per_appeal_count_money_and_goods_value_without_cancelled_pledges(known_data):
    figures = dashboard_figures()
    assert [(row["title_en"], row["pledged"], row["delivered"]) for row in figures.donations] == [
        ("Wuhan hospitals", Decimal("17000.00"), Decimal("4500.00")),  # 10,000 + 2,000 + 5,000; 2,000 + half of 5,000
        ("", Decimal("1000.00"), Decimal("0.00")),  # the pledge to no appeal
    ]
    assert figures.donation_totals == {
        "pledged_value": Decimal("18000.00"),
        "delivered_value": Decimal("4500.00"),
        "pledges": 4,
        "donors": 3,
    }
    assert figures.pledges_overdue == 1


def test_alliance_totals_blank_days_with_fewer_than_three_reports(known_data):
    totals = alliance_totals()
    assert totals["members"] == 4 and totals["members_reporting"] == 3
    assert totals["resumption_rate"] == 58.3 and totals["in_observation"] == 7
    assert totals["reports"][-2]["rate"] is None and totals["reports"][-2]["reporting"] == 1
    assert (totals["requests_open"], totals["requests_fulfilled"]) == (3, 1)
