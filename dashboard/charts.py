"""What the dashboard draws, made from the figures: each chart's labels (in the reader's language), its categories
and series, and the same numbers as a table and a CSV file. The browser only draws what is here."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from members.models import Difficulty, pick_language
from members.regions import Province
from supply.models import SupplyRequest

from . import selectors
from .selectors import AT_RISK_DAYS, PRIORITY_BANDS, STOCK_BUCKETS, Figures
from .sources import CASE_AGES

RED, AMBER, GREEN, BLUE, GREY, TEAL = "#dc3545", "#fd7e14", "#198754", "#0d6efd", "#adb5bd", "#20c997"
PALETTE = [BLUE, TEAL, AMBER, "#6f42c1", "#d63384", "#6c757d", "#0dcaf0", "#ffc107", "#6610f2", "#198754"]


@dataclass
class Series:
    name: str
    values: list
    color: str = ""
    stack: str = ""
    # 1: drawn against a second value axis on the right (a count beside a percentage).
    axis: int = 0
    # False: in the table and the CSV only (the counts behind a drawn percentage).
    drawn: bool = True


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # "line", "bar" (categories along the bottom) or "hbar" (categories down the side)
    x_label: str
    categories: list[str]
    series: list[Series]
    percent: bool = False
    # One colour per category of a single-series bar chart (the red bars of fabs under AT_RISK_DAYS).
    point_colors: list[str] = field(default_factory=list)
    note: str = ""
    unit: str = ""

    @property
    def empty(self) -> bool:
        return not self.categories or all(v in (None, 0) for s in self.series for v in s.values)

    def header(self) -> list[str]:
        return [self.x_label, *(s.name for s in self.series)]

    def rows(self) -> list[list]:
        return [[category, *(s.values[i] for s in self.series)] for i, category in enumerate(self.categories)]

    def spec(self) -> dict:
        """What dashboard.js needs to draw it (serialised with json_script)."""
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "categories": self.categories,
            "series": [
                {
                    "name": s.name,
                    "values": [_number(v) for v in s.values],
                    "color": s.color,
                    "stack": s.stack,
                    "axis": s.axis,
                }
                for s in self.series
                if s.drawn
            ],
            "percent": self.percent,
            "pointColors": self.point_colors,
            "unit": self.unit,
        }

    def csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.header())
        for row in self.rows():
            writer.writerow(["" if value is None else value for value in row])
        # A byte-order mark, so spreadsheet programs on Chinese Windows read the UTF-8 as such.
        return "\ufeff" + buffer.getvalue()


def _number(value):
    # json_script would write a Decimal as a string; the chart wants a number (the table and CSV keep the Decimal).
    return float(value) if isinstance(value, Decimal) else value


def _day(day: date) -> str:
    return day.isoformat()


# --- one builder per chart -------------------------------------------------------------------------------------------


def resumption_chart(figures: Figures) -> Chart:
    days = figures.reports
    return Chart(
        key="resumption",
        title=_("Work resumption rate, whole alliance"),
        kind="line",
        x_label=_("Date"),
        categories=[_day(row["date"]) for row in days],
        series=[
            Series(_("Staff back at work (%)"), [row["rate"] for row in days], BLUE),
            Series(_("Members reporting"), [row["reporting"] for row in days], GREY, axis=1),
        ],
        percent=True,
        note=_("Staff back at work as a share of the staff in total, summed over the day's reports."),
    )


def resumption_by_province_chart(figures: Figures) -> Chart:
    span = [row["date"] for row in figures.reports]
    provinces = [code for code in Province.values if code in figures.resumption_by_province]
    labels = dict(Province.choices)
    return Chart(
        key="resumption-provinces",
        title=_("Work resumption rate by province"),
        kind="line",
        x_label=_("Date"),
        categories=[_day(day) for day in span],
        series=[
            Series(
                str(labels[code]),
                [(figures.resumption_by_province[code].get(day) or {}).get("rate") for day in span],
                PALETTE[i % len(PALETTE)],
            )
            for i, code in enumerate(provinces)
        ],
        percent=True,
    )


def observation_chart(figures: Figures) -> Chart:
    days = figures.reports
    return Chart(
        key="observation",
        title=_("People under observation"),
        kind="line",
        x_label=_("Date"),
        categories=[_day(row["date"]) for row in days],
        series=[
            Series(_("In observation or quarantine"), [row["in_observation"] for row in days], AMBER),
            Series(_("Fever cases"), [row["fever_cases"] for row in days], RED),
        ],
    )


def stock_chart(figures: Figures) -> Chart:
    fabs = figures.fab_stock
    return Chart(
        key="stock",
        title=_("Fabs by days of stock left"),
        kind="hbar",
        x_label=_("Fab"),
        categories=[pick_language(row["name_zh"], row["name_en"]) for row in fabs],
        series=[Series(_("Days of stock"), [row["days"] for row in fabs], BLUE)],
        point_colors=[RED if row["days"] < AT_RISK_DAYS else BLUE for row in fabs],
        note=_(
            "The fewest days of stock each fab has given, in its open supply requests or its latest status report; "
            "under %(days)d days in red. The %(count)d fabs with the fewest are shown."
        )
        % {"days": AT_RISK_DAYS, "count": selectors.STOCK_CHART_FABS},
    )


def stock_buckets_chart(figures: Figures) -> Chart:
    labels = [label for _upper, label in STOCK_BUCKETS]
    at_risk = set(selectors.at_risk_buckets())
    return Chart(
        key="stock-buckets",
        title=_("Fabs by days of stock left, grouped"),
        kind="bar",
        x_label=_("Days of stock"),
        categories=labels,
        series=[Series(_("Fabs"), [figures.stock_buckets[label] for label in labels], BLUE)],
        point_colors=[RED if label in at_risk else BLUE for label in labels],
    )


def requests_chart(figures: Figures) -> Chart:
    statuses = [(value, label) for value, label in SupplyRequest.Status.choices if value != SupplyRequest.Status.DRAFT]
    bands = [label for _low, label in PRIORITY_BANDS]
    colours = [RED, AMBER, BLUE, GREY]
    return Chart(
        key="requests",
        title=_("Supply requests by status and priority"),
        kind="bar",
        x_label=_("Status"),
        categories=[str(label) for _value, label in statuses],
        series=[
            Series(
                _("Priority %(band)s") % {"band": band},
                [figures.requests_by_status.get((value, band), 0) for value, _label in statuses],
                colours[i],
                stack="bands",
            )
            for i, band in enumerate(bands)
        ],
    )


def fulfilment_chart(figures: Figures) -> Chart:
    days = figures.fulfilment
    return Chart(
        key="fulfilment",
        title=_("Supply fulfilment"),
        kind="bar",
        x_label=_("Date"),
        categories=[_day(row["date"]) for row in days],
        series=[
            Series(_("Commitments made"), [row["committed"] for row in days], BLUE),
            Series(_("Commitments delivered"), [row["delivered"] for row in days], GREEN),
        ],
    )


def donations_chart(figures: Figures) -> Chart:
    rows = figures.donations
    return Chart(
        key="donations",
        title=_("Donations pledged and delivered per appeal"),
        kind="hbar",
        x_label=_("Appeal"),
        categories=[pick_language(row["title_zh"], row["title_en"]) or _("Not to an appeal") for row in rows],
        series=[
            Series(_("Pledged (CNY)"), [row["pledged"] for row in rows], BLUE),
            Series(_("Delivered (CNY)"), [row["delivered"] for row in rows], GREEN),
        ],
        note=_("Money and goods together, goods at their estimated value; cancelled pledges left out."),
    )


def acknowledgements_chart(figures: Figures) -> Chart:
    rows = figures.acknowledgements[: selectors.ACK_CHART_NOTICES]
    return Chart(
        key="acknowledgements",
        title=_("Notice acknowledgement rates"),
        kind="hbar",
        x_label=_("Notice"),
        categories=[pick_language(row["title_zh"], row["title_en"]) for row in rows],
        series=[
            Series(_("Acknowledged (%)"), [row["rate"] for row in rows], GREEN),
            Series(_("Organisations addressed"), [row["audience"] for row in rows], drawn=False),
            Series(_("Organisations acknowledged"), [row["acknowledged"] for row in rows], drawn=False),
        ],
        percent=True,
        note=_("The newest published notices that ask for an acknowledgement."),
    )


def assistance_chart(figures: Figures) -> Chart:
    ages = {
        "0-1": _("Opened under 2 days ago"),
        "2-6": _("Opened 2–6 days ago"),
        "7+": _("Opened 7 days ago or more"),
    }
    colours = {"0-1": BLUE, "2-6": AMBER, "7+": RED}
    by_kind_age = figures.assistance["by_kind_age"]
    return Chart(
        key="assistance",
        title=_("Open assistance cases by type and age"),
        kind="bar",
        x_label=_("Type"),
        categories=[str(label) for _value, label in Difficulty.choices],
        series=[
            Series(ages[key], [by_kind_age.get((kind, key), 0) for kind in Difficulty.values], colours[key], "ages")
            for _days, key in CASE_AGES
        ],
    )


def alerts_chart(figures: Figures) -> Chart:
    days = figures.alerts_by_day
    return Chart(
        key="alerts",
        title=_("Alert delivery health"),
        kind="bar",
        x_label=_("Date"),
        categories=[_day(row["date"]) for row in days],
        series=[
            Series(pgettext("alerts", "Delivered"), [row["delivered"] for row in days], GREEN, "alerts"),
            Series(pgettext("alerts", "Pending"), [row["pending"] for row in days], GREY, "alerts"),
            Series(pgettext("alerts", "Failed"), [row["failed"] for row in days], RED, "alerts"),
        ],
        note=_("Alerts made each day, by what has become of them."),
    )


BUILDERS = [
    resumption_chart,
    resumption_by_province_chart,
    observation_chart,
    stock_chart,
    stock_buckets_chart,
    requests_chart,
    fulfilment_chart,
    donations_chart,
    acknowledgements_chart,
    assistance_chart,
    alerts_chart,
]


def dashboard_charts(figures: Figures) -> list[Chart]:
    return [build(figures) for build in BUILDERS]
