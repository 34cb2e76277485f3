"""`/api/v1/notices/`: audience-filtered for each caller, filters, the idempotent acknowledge action, constant
query counts."""

import pytest
from django.urls import reverse

from notices.models import Acknowledgement, Notice, NoticeAttachment

from ..api_helpers import API_ROLES, api_client, query_count
from ..members.factories import UserFactory
from ..refusals import assert_refused, suspended, withdrawn
from .factories import make_notice

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notices/"
# Roles that act for `org` (the Wuhan fab of tests/conftest.py).
OWN = {"org_admin", "org_member", "org_viewer", "read_key", "write_key"}


@pytest.fixture
def notices(org, other_org):
    return {
        "all": make_notice(title_en="To all", audience_kind="all"),
        "hubei": make_notice(
            title_en="To Hubei", audience_kind="provinces", provinces=["hubei"], requires_ack=True, category="urgent"
        ),
        "other": make_notice(title_en="To the other", audience_kind="organisations", organisations=[other_org]),
        "draft": make_notice(title_en="A draft", status="draft"),
    }


def _titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["title_en"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", API_ROLES)
def test_list_is_filtered_to_the_callers_audience(role, request, notices):
    response = api_client(role, request).get(LIST)
    if role == "anonymous":
        assert response.status_code in (401, 403)
        return
    expected = {
        "secretariat": {"To all", "To Hubei", "To the other", "A draft"},
        "other_user": {"To all", "To the other"},
        "no_org_user": set(),
    }.get(role, {"To all", "To Hubei"})
    assert _titles(response) == expected


@pytest.mark.parametrize("role", API_ROLES)
def test_detail_of_a_notice_outside_the_audience_is_not_found(role, request, notices):
    response = api_client(role, request).get(f"{LIST}{notices['hubei'].pk}/")
    expected = 200 if role in OWN | {"secretariat"} else {"anonymous": 401}.get(role, 404)
    assert response.status_code in ((401, 403) if expected == 401 else (expected,))
    if expected == 200:
        body = response.json()
        assert body["body_html_en"] == "<p>Body</p>"
        assert body["provinces"] == ["hubei"] and body["requires_ack"] is True


@pytest.mark.parametrize("role", API_ROLES)
def test_acknowledge_for_each_role(role, request, notices, org):
    response = api_client(role, request).post(f"{LIST}{notices['hubei'].pk}/acknowledge/")
    expected = {
        "org_admin": 200,
        "org_member": 200,
        "write_key": 200,
        "org_viewer": 403,
        "read_key": 403,
        "secretariat": 403,  # no organisation of its own to acknowledge for
        "other_user": 404,
        "no_org_user": 403,
        "anonymous": 401,
    }[role]
    assert response.status_code in ((401, 403) if expected == 401 else (expected,)), response.content
    assert Acknowledgement.objects.filter(organisation=org).exists() == (expected == 200)
    if expected == 200:
        assert response.json()["acknowledged"] is True


def test_acknowledge_is_idempotent_and_once_per_organisation(request, notices, org):
    first = api_client("write_key", request).post(f"{LIST}{notices['hubei'].pk}/acknowledge/")
    second = api_client("org_member", request).post(f"{LIST}{notices['hubei'].pk}/acknowledge/")
    assert first.status_code == second.status_code == 200
    assert first.json()["acknowledged_at"] == second.json()["acknowledged_at"]
    ack = Acknowledgement.objects.get()
    assert ack.organisation == org and ack.api_key is not None and ack.user is None


def test_acknowledge_with_idempotency_key_replays(request, notices):
    client = api_client("org_member", request)
    url = f"{LIST}{notices['hubei'].pk}/acknowledge/"
    first = client.post(url, headers={"Idempotency-Key": "ack-1"})
    again = client.post(url, headers={"Idempotency-Key": "ack-1"})
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"


def test_acknowledging_a_notice_without_acknowledgement_is_a_conflict(request, notices):
    response = api_client("org_member", request).post(f"{LIST}{notices['all'].pk}/acknowledge/")
    assert response.status_code == 409 and response.json()["code"] == "no_ack_required"


def test_acknowledge_wrong_method(request, notices):
    assert api_client("org_member", request).get(f"{LIST}{notices['hubei'].pk}/acknowledge/").status_code == 405
    assert api_client("org_member", request).delete(f"{LIST}{notices['hubei'].pk}/").status_code == 405
    assert api_client("secretariat", request).put(f"{LIST}{notices['hubei'].pk}/", {}).status_code == 405


def test_filters(request, notices, org):
    client = api_client("org_member", request)
    assert _titles(client.get(LIST, {"category": "urgent"})) == {"To Hubei"}
    assert _titles(client.get(LIST, {"unacknowledged": "true"})) == {"To Hubei"}
    Acknowledgement.objects.create(notice=notices["hubei"], organisation=org)
    assert _titles(client.get(LIST, {"unacknowledged": "true"})) == set()
    staff = api_client("secretariat", request)
    assert _titles(staff.get(LIST, {"status": "draft"})) == {"A draft"}
    assert _titles(client.get(LIST, {"status": "draft"})) == set()
    future = "2999-01-01T00:00:00Z"
    assert _titles(client.get(LIST, {"updated_since": future})) == set()
    assert client.get(LIST, {"category": "nonsense"}).status_code == 400


def test_pinned_first_then_newest(request, notices):
    make_notice(title_en="Pinned", pinned=True)
    rows = api_client("org_member", request).get(LIST).json()["results"]
    assert rows[0]["title_en"] == "Pinned"


def test_list_query_count_is_constant(request, org):
    client = api_client("org_member", request)
    for index in range(3):
        make_notice(title_en=f"N{index}", requires_ack=True)
    few = query_count(client, LIST)
    for index in range(3, 30):
        make_notice(title_en=f"N{index}", requires_ack=True)
    assert query_count(client, LIST) == few


def test_list_shows_each_notice_its_own_attachments_in_at_most_one_more_query(request, org):
    client = api_client("read_key", request)
    make_notice(title_en="No files")
    with_files = make_notice(title_en="Two files")
    for name in ("plan.pdf", "annex.xlsx"):
        # The row only: the list reads no file.
        NoticeAttachment.objects.create(
            notice=with_files, file=f"notices/{with_files.pk}/{name}", name=name, content_type="x", size=1
        )
    rows = {row["title_en"]: row for row in client.get(LIST).json()["results"]}
    with_attachments = query_count(client, LIST)
    assert rows["No files"]["attachments"] == []
    files = rows["Two files"]["attachments"]
    assert [file["name"] for file in files] == ["plan.pdf", "annex.xlsx"]
    first = NoticeAttachment.objects.get(notice=with_files, name="plan.pdf")
    assert files[0]["url"] == "http://testserver" + reverse("notices:attachment", args=[with_files.pk, first.pk])
    NoticeAttachment.objects.filter(notice=with_files).delete()
    # A page without attachments reads none; with some, one query reads them all.
    assert query_count(client, LIST) == with_attachments - 1 == 1


def test_user_without_organisation_sees_nothing(request, notices):
    from ..api_helpers import login

    assert _titles(login(UserFactory()).get(LIST)) == set()


def test_archived_notice_stays_readable(request, notices):
    Notice.objects.filter(pk=notices["all"].pk).update(status="archived")
    assert "To all" in _titles(api_client("org_member", request).get(LIST))


# --- the secretariat drafts, publishes and archives -------------------------------------------------------------

DRAFT = {
    "title_en": "Hubei: report stocks",
    "body_en": "Report **today**.",
    "category": "urgent",
    "audience_kind": "provinces",
    "provinces": ["hubei"],
    "requires_ack": True,
}


@pytest.mark.parametrize("role", API_ROLES)
def test_only_the_secretariat_drafts_notices(role, request, org):
    response = api_client(role, request).post(LIST, DRAFT, content_type="application/json")
    expected = {"secretariat": 201, "anonymous": 401}.get(role, 403)
    assert response.status_code in ((401, 403) if expected == 401 else (expected,)), response.content
    assert Notice.objects.exists() == (expected == 201)
    if expected == 201:
        body = response.json()
        assert (body["status"], body["provinces"], body["body_html_en"]) == (
            "draft",
            ["hubei"],
            "<p>Report <strong>today</strong>.</p>",
        )


def test_draft_needs_a_title_and_an_audience(request):
    client = api_client("secretariat", request)
    response = client.post(LIST, {**DRAFT, "provinces": []}, content_type="application/json")
    assert response.status_code == 400 and "provinces" in response.json()
    response = client.post(LIST, {**DRAFT, "title_en": ""}, content_type="application/json")
    assert response.status_code == 400 and "title_zh" in response.json()
    response = client.post(
        LIST,
        {**DRAFT, "audience_kind": "organisations", "organizations": ["no-such-org"]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "organizations" in response.json()


def test_secretariat_publishes_and_archives_through_the_api(request, org):
    from notices import events
    from notices.models import Event

    client = api_client("secretariat", request)
    created = client.post(
        LIST, {**DRAFT, "audience_kind": "organisations", "organizations": [org.slug]}, content_type="application/json"
    ).json()
    published = client.post(f"{LIST}{created['id']}/publish/", {}, content_type="application/json")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert Event.objects.filter(name=events.NOTICE_PUBLISHED, object_id=str(created["id"])).count() == 1
    again = client.post(f"{LIST}{created['id']}/publish/", {}, content_type="application/json")
    assert again.status_code == 409
    assert client.post(f"{LIST}{created['id']}/archive/").json()["status"] == "archived"


def test_secretariat_schedules_through_the_api(request):
    client = api_client("secretariat", request)
    created = client.post(LIST, DRAFT, content_type="application/json").json()
    response = client.post(
        f"{LIST}{created['id']}/publish/", {"publish_at": "2999-01-01T09:00:00+08:00"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "scheduled"


@pytest.mark.parametrize("role", ["org_admin", "write_key", "other_user"])
def test_members_cannot_publish(role, request, notices):
    draft = notices["draft"]
    response = api_client(role, request).post(f"{LIST}{draft.pk}/publish/", {}, content_type="application/json")
    assert response.status_code in (403, 404)
    draft.refresh_from_db()
    assert draft.status == "draft"


# --- an organisation out of good standing -----------------------------------------------------------------------


@pytest.mark.parametrize("standing", ["suspended", "withdrawn"])
def test_an_administrator_out_of_good_standing_cannot_acknowledge_or_publish(request, notices, org, standing):
    client = api_client("org_admin", request)
    {"suspended": suspended, "withdrawn": withdrawn}[standing](org)
    response = client.post(f"{LIST}{notices['hubei'].pk}/acknowledge/")
    assert_refused(response)
    assert "suspended or has withdrawn" in response.json()["detail"]
    assert_refused(client.post(f"{LIST}{notices['draft'].pk}/publish/", {}, content_type="application/json"))
    assert_refused(client.post(LIST, DRAFT, content_type="application/json"))
    assert not Acknowledgement.objects.exists()
    assert Notice.objects.get(pk=notices["draft"].pk).status == "draft"
    assert Notice.objects.count() == len(notices)


@pytest.mark.parametrize("standing", ["suspended", "withdrawn"])
def test_a_write_key_out_of_good_standing_is_not_accepted(request, notices, org, standing):
    client = api_client("write_key", request)
    {"suspended": suspended, "withdrawn": withdrawn}[standing](org)
    assert_refused(client.post(f"{LIST}{notices['hubei'].pk}/acknowledge/"), status=401)
    assert not Acknowledgement.objects.exists()
