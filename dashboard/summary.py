"""The alliance in totals, for members and partners: never one member's own numbers.

A day's report figures are shown only when at least MIN_GROUP members reported that day; with fewer, a sum would
be one or two members' own figures, and the day is left blank."""

from django.utils.translation import gettext as _

from . import sources
from .charts import BLUE, GREY, Chart, Series
from .selectors import HISTORY_DAYS, days_back, members, supply_totals, today

MIN_GROUP = 3
REPORT_FIGURES = ("staff_total", "staff_returned", "rate", "in_observation", "fever_cases")


def grouped_only(reports: list[dict]) -> list[dict]:
    """The daily report series with the figures of days under MIN_GROUP reporting members blanked."""
    return [row if row["reporting"] >= MIN_GROUP else {**row, **dict.fromkeys(REPORT_FIGURES)} for row in reports]


def alliance_totals(*, days: int = HISTORY_DAYS) -> dict:
    day = today()
    reports = grouped_only(sources.report_series(span=days_back(days, end=day)))
    latest = next((row for row in reversed(reports) if row["rate"] is not None), None)
    supply = supply_totals()
    alliance = members()
    return {
        "today": day,
        "members": alliance.count(),
        "members_reporting": sources.members_reporting(day=day, members=alliance),
        "latest_report_date": latest["date"] if latest else None,
        "resumption_rate": latest["rate"] if latest else None,
        "in_observation": latest["in_observation"] if latest else None,
        "requests_open": supply["open"],
        "requests_fulfilled": supply["fulfilled"],
        "requests_submitted": supply["submitted"],
        "donations": sources.donation_totals(),
        "reports": reports,
    }


def resumption_chart(totals: dict) -> Chart:
    reports = totals["reports"]
    return Chart(
        key="alliance-resumption",
        title=_("Work resumption rate, whole alliance"),
        kind="line",
        x_label=_("Date"),
        categories=[row["date"].isoformat() for row in reports],
        series=[
            Series(_("Staff back at work (%)"), [row["rate"] for row in reports], BLUE),
            Series(_("Members reporting"), [row["reporting"] for row in reports], GREY, axis=1),
        ],
        percent=True,
        note=_("Days on which fewer than %(count)d members reported are left blank, so no member's own figures show.")
        % {"count": MIN_GROUP},
    )
