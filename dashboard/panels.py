"""The dashboard's key figures (each linking to the list behind it) and its province tile map, from the figures read
once per page (dashboard.selectors.Figures); the charts are in dashboard.charts."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from members.models import RiskLevel
from members.regions import Province

from .charts import Chart, Series
from .selectors import AT_RISK_DAYS, Figures
from .tiles import GRID

# --- key figures -----------------------------------------------------------------------------------------------------


@dataclass
class KeyFigure:
    key: str
    label: str
    value: int | None
    url: str | None
    tone: str = "primary"
    detail: str = ""


def _admin_url(name: str, **filters) -> str | None:
    try:
        url = reverse(f"admin:{name}_changelist")
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(filters)}" if filters else url


def key_figures(figures: Figures) -> list[KeyFigure]:
    today = figures.today.isoformat()
    fabs_at_risk = figures.fabs_at_risk
    critical = figures.supply["critical_open"]
    unacknowledged = figures.notices_unacknowledged
    failed = figures.alert_totals["failed"]
    return [
        KeyFigure(
            "members_reporting",
            _("Members reporting today"),
            figures.reports_today,
            _admin_url("members_statusreport", report_date=today),
            detail=_("of %(count)d members") % {"count": figures.members_total},
        ),
        KeyFigure(
            "fabs_at_risk",
            _("Fabs at risk of a line stop"),
            fabs_at_risk,
            _admin_url("supply_supplyrequest", days_of_stock__lt=AT_RISK_DAYS),
            "danger" if fabs_at_risk else "success",
            _("under %(days)d days of stock") % {"days": AT_RISK_DAYS},
        ),
        KeyFigure(
            "critical_requests",
            _("Critical requests open"),
            critical,
            _admin_url("supply_supplyrequest", urgency__exact="critical"),
            "danger" if critical else "success",
        ),
        KeyFigure(
            "pledges_overdue",
            _("Pledges overdue"),
            figures.pledges_overdue,
            _admin_url("donations_pledge", overdue="yes"),
            "warning" if figures.pledges_overdue else "success",
        ),
        KeyFigure(
            "notices_unacknowledged",
            _("Notices unacknowledged"),
            unacknowledged,
            reverse("notices:manage"),
            "warning" if unacknowledged else "success",
            _("acknowledgements still owed"),
        ),
        KeyFigure(
            "failed_alerts",
            _("Failed alerts"),
            failed,
            _admin_url("notices_alert", status__exact="failed"),
            "danger" if failed else "success",
        ),
    ]


# --- province tiles --------------------------------------------------------------------------------------------------


@dataclass
class Tile:
    code: str
    name: str
    col: int
    row: int
    risk_level: str | None
    risk_label: str
    members: int
    critical_open: int
    url: str


def province_tiles(figures: Figures) -> list[Tile]:
    labels = dict(Province.choices)
    risk_labels = dict(RiskLevel.choices)
    directory = reverse("members:directory")
    tiles = []
    for code, (col, row) in GRID.items():
        data = figures.provinces[code]
        level = data["risk_level"]
        tiles.append(
            Tile(
                code=code,
                name=str(labels[code]),
                col=col,
                row=row,
                risk_level=level,
                risk_label=str(risk_labels[level]) if level else _("No risk area listed"),
                members=data["members"],
                critical_open=data["critical_open"],
                url=f"{directory}?{urlencode({'province': code})}",
            )
        )
    return tiles


def provinces_table(figures: Figures) -> Chart:
    """The tile map's numbers, as a table and a CSV (not drawn as a chart: the tiles are the picture)."""
    tiles = [tile for tile in province_tiles(figures) if tile.members or tile.risk_level or tile.critical_open]
    return Chart(
        key="provinces",
        title=_("Provinces: risk level, members and critical requests"),
        kind="table",
        x_label=_("Province"),
        categories=[tile.name for tile in tiles],
        series=[
            Series(_("Risk level"), [tile.risk_label for tile in tiles]),
            Series(_("Members"), [tile.members for tile in tiles]),
            Series(_("Critical requests open"), [tile.critical_open for tile in tiles]),
        ],
    )
