"""A fab's reported days of stock feed its open requests' priority when newer than the request's own figure, and
the priority's parts say where the figure came from."""

from datetime import timedelta

from django.utils import timezone

from members.services_reports import status_report_file
from supply import services
from supply.models import SupplyRequest
from supply.priority import explain

from .helpers import category, request_fields

REPORT = {"staff_total": 100, "staff_returned": 80, "capacity_percent": 70}


def _stock_part(request: SupplyRequest) -> dict:
    request.refresh_from_db()
    return next(p for p in request.priority_parts if p["factor"] == "stock")


def test_a_newer_report_of_two_days_of_stock_raises_a_request_filed_with_thirty(org, fab_actor, fab_site):
    request = services.supply_request_create(actor=fab_actor, submit=True, **request_fields(fab_site, days_of_stock=30))
    SupplyRequest.objects.filter(pk=request.pk).update(
        submitted_at=timezone.now() - timedelta(days=3), confirmed_at=timezone.now() - timedelta(days=3)
    )
    before = SupplyRequest.objects.get(pk=request.pk).priority
    assert _stock_part(request)["value"] == 30 if "stock" in str(request.priority_parts) else True

    today = timezone.localdate()
    status_report_file(
        actor=fab_actor, organisation=org, report_date=today, stock={category("photoresist"): 2}, **REPORT
    )

    request.refresh_from_db()
    part = _stock_part(request)
    assert part["value"] == 2
    assert part["reported_on"] == today.isoformat()
    assert request.priority > before
    assert f"2 days of stock (status report of {today.isoformat()})" in explain(request.priority_parts)


def test_a_report_older_than_the_request_s_own_figure_changes_nothing(org, fab_actor, fab_site):
    yesterday = timezone.localdate() - timedelta(days=1)
    status_report_file(
        actor=fab_actor, organisation=org, report_date=yesterday, stock={category("photoresist"): 2}, **REPORT
    )
    request = services.supply_request_create(actor=fab_actor, submit=True, **request_fields(fab_site, days_of_stock=30))
    assert all(p["factor"] != "stock" for p in request.priority_parts) or _stock_part(request)["value"] == 30
    assert "status report" not in explain(request.priority_parts)


def test_a_report_for_another_category_leaves_the_request_s_figure(org, fab_actor, fab_site):
    request = services.supply_request_create(actor=fab_actor, submit=True, **request_fields(fab_site, days_of_stock=2))
    SupplyRequest.objects.filter(pk=request.pk).update(confirmed_at=timezone.now() - timedelta(days=3))
    status_report_file(
        actor=fab_actor, organisation=org, report_date=timezone.localdate(), stock={category("wafer"): 1}, **REPORT
    )
    assert _stock_part(request)["value"] == 2
    assert "reported_on" not in _stock_part(request)
