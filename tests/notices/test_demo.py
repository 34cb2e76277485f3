"""The notices part of seed_demo: the founding proposal first, an urgent notice to Hubei, idempotent."""

import pytest
from django.core.management import call_command

from notices.models import Event, Notice
from notices.selectors import notice_audience

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", "--quiet-logins")


def test_the_founding_proposal_is_the_first_notice(seeded):
    first = Notice.objects.order_by("published_at", "pk").first()
    assert first.title_en.startswith("Proposal of the China IC Materials")
    assert (first.category, first.pinned, first.is_public, first.requires_ack, first.audience_kind) == (
        "initiative",
        True,
        True,
        True,
        "all",
    )
    assert first.status == "published" and first.created_by.username == "secretariat"
    for text in ("YMTC", "Wuhan Xinxin", "temperature", "disinfect", "donate", "/contact/"):
        assert text in first.body_en, text
    for text in ("长江存储", "武汉新芯", "体温检测", "捐赠", "/contact/"):
        assert text in first.body_zh, text
    assert Notice.objects.order_by("pk").first() == first


def test_an_urgent_notice_goes_to_the_hubei_members(seeded):
    urgent = Notice.objects.get(category="urgent")
    slugs = set(notice_audience(urgent).values_list("slug", flat=True))
    assert {"ymtc", "xmc", "guanggu-quartz", "shunda-logistics"} <= slugs
    assert "huaxin-sh" not in slugs and "secretariat" not in slugs


def test_seeding_again_changes_nothing(seeded):
    counts = (Notice.objects.count(), Notice.history.count(), Event.objects.count())
    call_command("seed_demo", "--quiet-logins")
    assert (Notice.objects.count(), Notice.history.count(), Event.objects.count()) == counts


def test_the_proposal_is_on_the_home_page(seeded, client):
    page = client.get("/", headers={"Accept-Language": "en"}).content.decode()
    assert "Proposal of the China IC Materials Industry Innovation Alliance" in page
