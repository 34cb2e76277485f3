"""The demo's status reports tell the story: resumption rising, Wuhan behind, fever cases early, fabs' stock dipping
then recovering; two open assistance cases; idempotent."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from assistance.models import AssistanceCase, CaseNote
from members.models import StatusReport, StockLevel
from members.selectors_reports import organisations_missing_reports

pytestmark = pytest.mark.django_db


def _resumption(reports) -> float:
    totals = reports.aggregate(returned=Sum("staff_returned"), total=Sum("staff_total"))
    return totals["returned"] / totals["total"]


@pytest.fixture
def seeded():
    call_command("seed_demo", "--quiet-logins")


def test_the_demo_reports_tell_a_believable_story(seeded):
    today = timezone.localdate()
    first = today - timedelta(days=29)
    assert StatusReport.objects.filter(report_date=first).count() >= 15
    assert StatusReport.objects.filter(report_date__lt=first).count() == 0

    outside = StatusReport.objects.exclude(organisation__province="hubei")
    assert 0.15 < _resumption(outside.filter(report_date=first)) < 0.3
    assert 0.75 < _resumption(outside.filter(report_date=today - timedelta(days=1))) < 0.92

    wuhan = StatusReport.objects.filter(organisation__city="武汉", organisation__kind__in=["supplier", "logistics"])
    assert _resumption(wuhan.filter(report_date=today)) < _resumption(outside.filter(report_date=today)) - 0.2

    early_fever = StatusReport.objects.filter(report_date__lt=first + timedelta(days=9)).aggregate(n=Sum("fever_cases"))
    late_fever = StatusReport.objects.filter(report_date__gte=first + timedelta(days=9)).aggregate(n=Sum("fever_cases"))
    assert early_fever["n"] > 0 and late_fever["n"] == 0

    ymtc_gas = StockLevel.objects.filter(report__organisation__slug="ymtc", category__code="gas")
    start = ymtc_gas.get(report__report_date=first).days
    dip = ymtc_gas.get(report__report_date=first + timedelta(days=15)).days
    end = ymtc_gas.get(report__report_date=today).days
    assert dip < start / 2 and end > dip * 2

    for report in StatusReport.objects.all():
        report.report_date = today  # the figures pass the rules (old dates may no longer be filed)
        report.full_clean(validate_unique=False, validate_constraints=False)


def test_the_demo_has_two_open_cases_and_non_reporters(seeded):
    cases = AssistanceCase.objects.active()
    assert cases.count() == 2
    assert {c.organisation.slug for c in cases} == {"ymtc", "guanggu-quartz"}
    assert cases.filter(source_report__isnull=False).count() == 1
    assert CaseNote.objects.filter(for_member=True).exists() and CaseNote.objects.filter(for_member=False).exists()
    assert {o.slug for o in organisations_missing_reports()} == {"shuxin-mat", "fengce-pack"}


def test_seeding_again_adds_nothing(seeded):
    counts = (
        StatusReport.objects.count(),
        StockLevel.objects.count(),
        AssistanceCase.objects.count(),
        CaseNote.objects.count(),
    )
    call_command("seed_demo", "--quiet-logins")
    assert (
        StatusReport.objects.count(),
        StockLevel.objects.count(),
        AssistanceCase.objects.count(),
        CaseNote.objects.count(),
    ) == counts


def test_the_demo_pages_open_for_the_secretariat_and_a_wuhan_fab(seeded, client_for):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    secretariat = client_for(users.get(username="secretariat"))
    for url in (
        "/reports/",
        "/reports/missing/",
        "/assistance/",
        "/admin/members/statusreport/",
        "/admin/members/nonreportingorganisation/",
        "/admin/assistance/assistancecase/",
    ):
        assert secretariat.get(url).status_code == 200, url
    case = AssistanceCase.objects.get(organisation__slug="guanggu-quartz")
    assert secretariat.get(f"/assistance/{case.pk}/").status_code == 200

    ymtc = client_for(users.get(username="ymtc-member"))
    page = ymtc.get("/reports/").content.decode()
    assert "/reports/new/" in page
    assert ymtc.get("/reports/new/").status_code == 302  # today's report exists: it opens for editing
    assert ymtc.get(f"/assistance/{case.pk}/").status_code == 404  # another member's case
