import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from members.models import Contact, Membership, Organisation, RiskArea, Site


def _counts():
    return (
        Organisation.objects.count(),
        Organisation.history.count(),
        Site.objects.count(),
        Contact.objects.count(),
        RiskArea.objects.count(),
        Membership.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_builds_the_alliance_and_is_idempotent(capsys):
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first

    ymtc = Organisation.objects.get(slug="ymtc")
    xmc = Organisation.objects.get(slug="xmc")
    for fab in (ymtc, xmc):
        assert fab.priority_guarantee
        assert fab.kind == Organisation.Kind.FAB
        assert fab.province == "hubei" and fab.city == "武汉"
        assert fab.name_zh and fab.name_en
    assert RiskArea.objects.get(province="hubei", city="武汉").level == "high"
    assert Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER, status="active").count() >= 12
    assert Organisation.objects.filter(kind=Organisation.Kind.FAB).exclude(city="武汉").exists()
    assert Organisation.objects.filter(status="pending").exists()
    for org in Organisation.objects.all():
        org.full_clean()  # every credit code passes the check character


@pytest.mark.django_db
def test_seed_demo_prints_logins_that_work(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    logins = [line.split()[:2] for line in out.splitlines() if line.startswith("  ")]
    assert len(logins) >= 5
    for username, password in logins:
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=username, password=password) is not None, username
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"admin", "member", "viewer"}
