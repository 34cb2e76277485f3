"""Members' notice pages against every role: the list, one notice, acknowledging, attachments; the home page."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Membership
from notices.models import Acknowledgement, Notice, NoticeAttachment, NoticeRead

from ..members.factories import MembershipFactory
from ..refusals import assert_refused, suspended, withdrawn
from .factories import make_notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def hubei_notice(org):
    return make_notice(
        title_en="Hubei: report your staff",
        title_zh="湖北：报告员工情况",
        body_en="Please **report** by Friday.",
        body_zh="请于周五前**报告**。",
        category=Notice.Category.URGENT,
        audience_kind=Notice.Audience.PROVINCES,
        provinces=["hubei"],
        requires_ack=True,
    )


def _detail(notice):
    return reverse("notices:detail", args=[notice.pk])


def _ack(notice):
    return reverse("notices:acknowledge", args=[notice.pk])


# --- list -------------------------------------------------------------------------------------------------------


def test_list_for_each_role(role_client, hubei_notice):
    role, client = role_client
    response = client.get(reverse("notices:list"))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert response.status_code == 200
    shows = hubei_notice.title_en in response.content.decode()
    assert shows == (role != "other_user")


def test_list_marks_unread_puts_pinned_first_and_filters_by_category(client_for, org_member, hubei_notice):
    pinned = make_notice(title_en="Pinned initiative", pinned=True, category=Notice.Category.INITIATIVE)
    NoticeRead.objects.create(notice=pinned, user=org_member)
    client = client_for(org_member)
    page = client.get(reverse("notices:list")).content.decode()
    assert page.index("Pinned initiative") < page.index("Hubei: report your staff")
    assert page.count('data-testid="unread"') == 1
    filtered = client.get(reverse("notices:list"), {"category": "urgent"}).content.decode()
    assert "Hubei: report your staff" in filtered and "Pinned initiative" not in filtered


def test_list_hides_drafts_scheduled_and_archived(client_for, org_member):
    for status in ("draft", "scheduled", "archived"):
        make_notice(title_en=f"A {status} notice", status=status)
    page = client_for(org_member).get(reverse("notices:list")).content.decode()
    for status in ("draft", "scheduled", "archived"):
        assert f"A {status} notice" not in page


def test_list_wrong_method(client_for, org_member):
    assert client_for(org_member).post(reverse("notices:list")).status_code == 405


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("notices:list")).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_notices(client_for, org_member):
    client = client_for(org_member)
    for index in range(3):
        make_notice(title_en=f"Notice {index}", requires_ack=index % 2 == 0)
    few = _list_queries(client)
    for index in range(3, 30):
        make_notice(title_en=f"Notice {index}", requires_ack=index % 2 == 0)
    assert _list_queries(client) == few


# --- detail -----------------------------------------------------------------------------------------------------


def test_detail_for_each_role(role_client, hubei_notice):
    role, client = role_client
    response = client.get(_detail(hubei_notice))
    expected = {"other_user": 404, "anonymous": 302}.get(role, 200)
    assert response.status_code == expected
    if expected == 200:
        assert "<strong>report</strong>" in response.content.decode()


def test_detail_marks_the_notice_read(client_for, org_viewer, hubei_notice):
    client_for(org_viewer).get(_detail(hubei_notice))
    assert NoticeRead.objects.filter(notice=hubei_notice, user=org_viewer).exists()


def test_detail_in_chinese_falls_back_to_english(client_for, org_member):
    notice = make_notice(title_zh="", body_zh="", title_en="Only English", body_en="English *only*")
    client = client_for(org_member)
    page = client.get(_detail(notice), headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "English <em>only</em>" in page


def test_detail_shows_chinese_body_to_chinese_reader(client_for, org_member, hubei_notice, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    page = client_for(org_member).get(_detail(hubei_notice)).content.decode()
    assert "请于周五前<strong>报告</strong>。" in page


def test_draft_is_not_found_for_a_member(client_for, org_member):
    draft = make_notice(status="draft")
    assert client_for(org_member).get(_detail(draft)).status_code == 404


def test_public_notice_is_readable_by_visitors(client):
    public = make_notice(title_en="Our proposal", is_public=True)
    private = make_notice(title_en="Members only")
    assert client.get(_detail(public)).status_code == 200
    assert client.get(_detail(private)).status_code == 302


def test_home_lists_public_notices_only(client):
    make_notice(title_en="Our proposal", is_public=True)
    make_notice(title_en="Members only")
    make_notice(title_en="Draft public", is_public=True, status="draft")
    page = client.get("/", headers={"Accept-Language": "en"}).content.decode()
    assert "Our proposal" in page and "Members only" not in page and "Draft public" not in page


def test_detail_wrong_method(client_for, org_member, hubei_notice):
    assert client_for(org_member).post(_detail(hubei_notice)).status_code == 405


# --- acknowledging ----------------------------------------------------------------------------------------------


def test_acknowledge_for_each_role(role_client, hubei_notice, org):
    role, client = role_client
    response = client.post(_ack(hubei_notice))
    # The secretariat sees the notice but belongs to no organisation of its audience.
    expected = {
        "org_admin": 302,
        "org_member": 302,
        "org_viewer": 403,
        "other_user": 404,
        "secretariat": 404,
        "anonymous": 302,
    }[role]
    assert response.status_code == expected
    acknowledged = Acknowledgement.objects.filter(notice=hubei_notice, organisation=org).exists()
    assert acknowledged == (role in ("org_admin", "org_member"))


def test_acknowledge_wrong_method(client_for, org_member, hubei_notice):
    assert client_for(org_member).get(_ack(hubei_notice)).status_code == 405


def test_two_colleagues_acknowledge_once_for_their_organisation(client_for, org, org_admin, org_member, hubei_notice):
    first = client_for(org_member).post(_ack(hubei_notice), follow=True).content.decode()
    assert "your organisation has acknowledged this notice" in first
    second = client_for(org_admin).post(_ack(hubei_notice), follow=True).content.decode()
    assert "already acknowledged this notice for your organisation" in second
    ack = Acknowledgement.objects.get(notice=hubei_notice)
    assert (ack.organisation, ack.user) == (org, org_member)
    assert "Acknowledged for your organisation by" in second


def test_acknowledging_a_notice_that_asks_none_is_a_message(client_for, org_member):
    notice = make_notice(requires_ack=False)
    page = client_for(org_member).post(_ack(notice), follow=True).content.decode()
    assert "does not ask for acknowledgement" in page
    assert not Acknowledgement.objects.exists()


def test_user_without_organisation_cannot_acknowledge(client_for, hubei_notice):
    from ..members.factories import UserFactory

    assert client_for(UserFactory()).post(_ack(hubei_notice)).status_code == 404


# --- attachments ------------------------------------------------------------------------------------------------


def _attach(notice) -> NoticeAttachment:
    attachment = NoticeAttachment(notice=notice, name="plan.pdf", content_type="application/pdf", size=9)
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return attachment


def test_attachment_for_each_role(role_client, hubei_notice):
    role, client = role_client
    attachment = _attach(hubei_notice)
    response = client.get(reverse("notices:attachment", args=[hubei_notice.pk, attachment.pk]))
    expected = {"other_user": 404, "anonymous": 302}.get(role, 200)
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == b"%PDF-1.4\n"


def test_attachment_of_another_notice_is_not_found(client_for, org_member, hubei_notice):
    attachment = _attach(make_notice(audience_kind="organisations"))
    url = reverse("notices:attachment", args=[hubei_notice.pk, attachment.pk])
    assert client_for(org_member).get(url).status_code == 404


def test_member_of_a_fab_sees_a_notice_to_fabs(client_for):
    from ..supply.factories import FabFactory

    fab = FabFactory()
    user = MembershipFactory(organisation=fab, role=Membership.Role.VIEWER).user
    notice = make_notice(audience_kind="kinds", kinds=["fab"])
    assert client_for(user).get(_detail(notice)).status_code == 200


def test_visitor_downloads_the_attachment_of_a_public_notice(client):
    public = make_notice(is_public=True)
    attachment = _attach(public)
    response = client.get(reverse("notices:attachment", args=[public.pk, attachment.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


# --- an organisation out of good standing -----------------------------------------------------------------------


@pytest.mark.parametrize("standing", ["suspended", "withdrawn"])
def test_an_administrator_out_of_good_standing_cannot_acknowledge(client_for, org, org_admin, hubei_notice, standing):
    {"suspended": suspended, "withdrawn": withdrawn}[standing](org)
    client = client_for(org_admin)
    # Out of good standing, the organisation is in no audience: the notice is not there for it, and nothing is saved.
    assert_refused(client.post(_ack(hubei_notice)), status=404)
    assert not Acknowledgement.objects.exists()
