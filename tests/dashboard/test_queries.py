"""The dashboard aggregates in the database: its queries do not grow with members, reports, requests or alerts."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donations.models import Appeal, Pledge
from members.models import Organisation, StatusReport, StockLevel
from notices.alerts.models import Alert, Event
from notices.models import Acknowledgement
from supply.models import SupplyRequest

from ..assistance.factories import AssistanceCaseFactory
from ..members.factories import OrganisationFactory, SiteFactory
from ..notices.factories import make_notice
from ..supply.factories import CommitmentFactory, SupplyRequestFactory, category

DAYS = 5


def grow(members: int) -> None:
    """`members` more organisations (half of them fabs), each with DAYS days of reports, a request (fabs), an
    alert, an acknowledgement, an assistance case and a pledge."""
    today = timezone.localdate()
    gas = category("gas")
    event = Event.objects.create(name="notice.published", payload={})
    notice = make_notice(requires_ack=True)
    appeal = Appeal.objects.create(
        title_zh="援助", title_en="Aid", beneficiary_name="医院", beneficiary_city="武汉", deadline=today, status="open"
    )
    for n in range(members):
        kind = Organisation.Kind.FAB if n % 2 else Organisation.Kind.SUPPLIER
        organisation = OrganisationFactory(kind=kind, province=["hubei", "shanghai", "jiangsu"][n % 3])
        reports = StatusReport.objects.bulk_create(
            StatusReport(
                organisation=organisation,
                report_date=today - timedelta(days=d),
                staff_total=100,
                staff_returned=50 + d,
                in_observation=d,
                capacity_percent=50,
            )
            for d in range(DAYS)
        )
        StockLevel.objects.bulk_create(StockLevel(report=report, category=gas, days=n % 20) for report in reports)
        if kind == Organisation.Kind.FAB:
            site = SiteFactory(organisation=organisation)
            request = SupplyRequestFactory(
                organisation=organisation, site=site, days_of_stock=n % 15, urgency="critical"
            )
            CommitmentFactory(request=request)
        Alert.objects.create(event=event, organisation=organisation, channel="email", status="failed")
        Acknowledgement.objects.create(notice=notice, organisation=organisation)
        AssistanceCaseFactory(organisation=organisation)
        Pledge.objects.create(
            donor=organisation,
            appeal=appeal,
            kind="money",
            amount=100,
            exchange_rate=1,
            amount_cny=100,
            promised_date=today - timedelta(days=n % 3),
        )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_dashboard_summary_and_stats_queries_do_not_grow_with_members(client_for, secretariat, org_member):
    grow(3)
    staff, member = client_for(secretariat), client_for(org_member)
    urls = [(staff, reverse("dashboard:dashboard")), (member, reverse("dashboard:summary")), (staff, "/api/v1/stats/")]
    urls.append((member, "/api/v1/stats/"))
    small = [_queries(client, url) for client, url in urls]
    grow(30)
    assert SupplyRequest.objects.count() >= 16 and StatusReport.objects.count() == 33 * DAYS
    large = [_queries(client, url) for client, url in urls]
    assert large == small
    # 30 for the figures, 1 for the navigation's pending count (dashboard.context_processors.pending).
    assert small[0] <= 31, f"the dashboard takes {small[0]} queries"
