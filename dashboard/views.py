"""The secretariat's dashboard (with a CSV of each chart's numbers), the members' alliance summary, and the
carriers' shipments (pledges' and commitments').

All only read: every figure comes from dashboard.selectors, aggregated in the database."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from members.rules import actor_for_user, in_good_standing
from members.selectors import membership_for
from members.views.access import forbidden

from . import shipments as carried_shipments
from . import summary as alliance
from .charts import dashboard_charts
from .panels import key_figures, province_tiles, provinces_table
from .selectors import dashboard_figures
from .tiles import COLUMNS, ROWS

ECHARTS_FILE = "dashboard/vendor/echarts-6.1.0.min.js"


def secretariat_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_staff:
            return forbidden(request, _("Only the secretariat can open this page."))
        return view(request, *args, **kwargs)

    return wrapper


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The secretariat, or a user of a member organisation in good standing (a suspended one sees nothing)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_staff:
            membership = membership_for(request.user)
            if membership is None:
                return forbidden(request, _("Your account does not belong to a member organisation."))
            if not in_good_standing(membership.organisation):
                return forbidden(request, _("Your organisation is suspended or has withdrawn from the alliance."))
        return view(request, *args, **kwargs)

    return wrapper


def dashboard_context() -> dict:
    """What templates/dashboard/_panels.html needs. The secretariat's start page can include those panels with
    this context (plus its own), so the dashboard slots in without a copy."""
    figures = dashboard_figures()
    charts = dashboard_charts(figures)
    return {
        "figures": figures,
        "key_figures": key_figures(figures),
        "charts": charts,
        "chart_specs": [chart.spec() for chart in charts],
        "tiles": province_tiles(figures),
        "grid_columns": COLUMNS,
        "grid_rows": ROWS,
        "echarts_file": ECHARTS_FILE,
    }


@require_safe
@secretariat_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/dashboard.html", dashboard_context())


def _csv_response(chart, filename: str) -> HttpResponse:
    response = HttpResponse(chart.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@secretariat_required
def chart_csv(request: HttpRequest, key: str) -> HttpResponse:
    figures = dashboard_figures()
    chart = next((c for c in [*dashboard_charts(figures), provinces_table(figures)] if c.key == key), None)
    if chart is None:
        raise Http404
    return _csv_response(chart, f"{key}-{figures.today.isoformat()}.csv")


@require_safe
@member_required
def summary(request: HttpRequest) -> HttpResponse:
    totals = alliance.alliance_totals()
    chart = alliance.resumption_chart(totals)
    context = {"totals": totals, "chart": chart, "chart_specs": [chart.spec()], "echarts_file": ECHARTS_FILE}
    return render(request, "dashboard/summary.html", context)


@require_safe
@member_required
def summary_csv(request: HttpRequest) -> HttpResponse:
    totals = alliance.alliance_totals()
    return _csv_response(alliance.resumption_chart(totals), f"alliance-resumption-{totals['today'].isoformat()}.csv")


@require_safe
@login_required
def shipments(request: HttpRequest) -> HttpResponse:
    """A logistics member's shipments, pledges' and commitments' on one page (cards: a phone's screen); the
    secretariat sees every shipment. Each card opens the shipment's own page, where the carrier records its steps."""
    actor = actor_for_user(request.user)
    if not carried_shipments.carries(actor):
        return forbidden(request, _("This page is for logistics members: the shipments they carry."))
    return render(request, "dashboard/shipments.html", {"rows": carried_shipments.carried(actor)})
