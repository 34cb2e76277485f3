"""Figures from the apps that land after the dashboard: status reports (members), assistance cases (assistance)
and donations (donations). Each answers None while its model does not exist yet, and the dashboard shows that
panel as "not available yet"; once the model lands, the function reads it with one grouped query.
"""

from datetime import date

from django.apps import apps
from django.db.models import QuerySet


def _model(app_label: str, name: str):
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def fab_days_of_stock(fabs: QuerySet, *, from_requests) -> QuerySet:
    """Fabs annotated with `days`: the fewest days of stock they have given (open requests for now)."""
    return fabs.annotate(days=from_requests)


def members_reporting(*, day: date, members: QuerySet) -> int | None:
    return None


def resumption_series(*, span: list[date]) -> list[dict] | None:
    return None


def resumption_by_province(*, span: list[date]) -> dict | None:
    return None


def observation_series(*, span: list[date]) -> list[dict] | None:
    return None


def open_assistance_cases(*, today: date) -> dict | None:
    return None


def donations_by_appeal() -> list[dict] | None:
    return None


def pledges_overdue(*, today: date) -> int | None:
    return None
