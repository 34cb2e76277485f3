"""`assistance-cases` against every role: scoping, internal notes never reaching the member, the secretariat's
steps, the wrong method."""

import pytest

from assistance.models import AssistanceCase, CaseNote

from ..api_helpers import API_ROLES, OWN_ORG_ROLES, api_client, login
from .factories import AssistanceCaseFactory, CaseNoteFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/assistance-cases/"


def detail(case, tail="") -> str:
    return f"{LIST}{case.pk}/{tail}"


@pytest.fixture
def own_case(org):
    case = AssistanceCaseFactory(organisation=org, description="Own trouble")
    CaseNoteFactory(case=case, text="INTERNAL: their GM is hard to reach", for_member=False)
    CaseNoteFactory(case=case, text="We are on it", for_member=True)
    return case


@pytest.fixture
def others_case(other_org):
    return AssistanceCaseFactory(organisation=other_org, description="Other trouble")


@pytest.mark.parametrize("role", API_ROLES)
def test_list_shows_only_own_cases(role, request, own_case, others_case):
    response = api_client(role, request).get(LIST)
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    descriptions = {row["description"] for row in response.json()["results"]}
    expected = {"secretariat": {"Own trouble", "Other trouble"}, "other_user": {"Other trouble"}, "no_org_user": set()}
    assert descriptions == expected.get(role, {"Own trouble"})


@pytest.mark.parametrize("role", API_ROLES)
def test_another_organisations_case_is_404(role, request, others_case):
    response = api_client(role, request).get(detail(others_case))
    assert response.status_code == {"secretariat": 200, "other_user": 200, "anonymous": 401}.get(role, 404)


@pytest.mark.parametrize("role", API_ROLES)
def test_internal_notes_never_reach_the_member(role, request, own_case):
    client = api_client(role, request)
    case_response = client.get(detail(own_case))
    notes_response = client.get(detail(own_case, "notes/"))
    list_response = client.get(LIST)
    if role == "anonymous":
        assert case_response.status_code == notes_response.status_code == 401
        return
    if role not in OWN_ORG_ROLES | {"secretariat"}:
        assert case_response.status_code == notes_response.status_code == 404
        return
    texts = [note["text"] for note in case_response.json()["notes"]]
    listed = [note["text"] for row in list_response.json()["results"] for note in row["notes"]]
    separate = [note["text"] for note in notes_response.json()]
    if role == "secretariat":
        assert texts == separate == listed == ["INTERNAL: their GM is hard to reach", "We are on it"]
    else:
        assert texts == separate == listed == ["We are on it"]
        assert "INTERNAL" not in case_response.content.decode() + list_response.content.decode()


@pytest.mark.parametrize("role", API_ROLES)
def test_only_the_secretariat_opens_a_case(role, request, org):
    response = api_client(role, request).post(
        LIST,
        {"organization": org.slug, "type": "permits", "description": "Night shift permit"},
        content_type="application/json",
    )
    if role == "secretariat":
        assert response.status_code == 201, response.content
        assert response.json()["status"] == "open"
    else:
        assert response.status_code == (401 if role == "anonymous" else 403)
        assert not AssistanceCase.objects.exists()


def test_opening_a_case_checks_its_fields(secretariat, org):
    response = login(secretariat).post(
        LIST, {"organization": org.slug, "type": "weather", "description": "x" * 2001}, content_type="application/json"
    )
    assert response.status_code == 400
    assert {"type", "description"} <= set(response.json())


@pytest.mark.parametrize("role", API_ROLES)
def test_only_the_secretariat_adds_notes(role, request, own_case):
    response = api_client(role, request).post(
        detail(own_case, "notes/"), {"text": "Hello", "for_member": True}, content_type="application/json"
    )
    expected = {"secretariat": 201, "anonymous": 401}.get(role, 403)
    assert response.status_code == expected
    assert CaseNote.objects.filter(text="Hello").count() == (1 if expected == 201 else 0)


@pytest.mark.parametrize("role", API_ROLES)
def test_only_the_secretariat_assigns_and_resolves(role, request, own_case, secretariat):
    client = api_client(role, request)
    assign = client.post(detail(own_case, "assign/"), {"assignee": secretariat.pk}, content_type="application/json")
    resolve = client.post(detail(own_case, "resolve/"), {"resolution": "Done"}, content_type="application/json")
    expected = {"secretariat": 200, "anonymous": 401}.get(role, 403)
    assert (assign.status_code, resolve.status_code) == (expected, expected)
    own_case.refresh_from_db()
    assert own_case.status == ("resolved" if expected == 200 else "open")


def test_the_secretariat_works_a_case_through(secretariat, own_case):
    client = login(secretariat)
    data = client.post(detail(own_case, "assign/"), {"assignee": secretariat.pk}, content_type="application/json")
    assert data.json()["status"] == "in_progress"
    assert "resolved" in data.json()["allowed_transitions"]
    no_reason = client.post(detail(own_case, "resolve/"), {}, content_type="application/json")
    assert no_reason.status_code == 400 and "resolution" in no_reason.json()
    assert (
        client.post(
            detail(own_case, "resolve/"), {"resolution": "Pass issued"}, content_type="application/json"
        ).status_code
        == 200
    )
    assert (
        client.post(detail(own_case, "reopen/"), {}, content_type="application/json").json()["status"] == "in_progress"
    )
    assert (
        client.post(detail(own_case, "close/"), {"resolution": "Done"}, content_type="application/json").status_code
        == 200
    )
    conflict = client.post(detail(own_case, "reopen/"), {}, content_type="application/json")
    assert conflict.status_code == 409


def test_assigning_a_member_user_is_a_400(secretariat, own_case, org_admin):
    response = login(secretariat).post(
        detail(own_case, "assign/"), {"assignee": org_admin.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "assignee" in response.json()


def test_wrong_methods(secretariat, own_case):
    client = login(secretariat)
    assert client.delete(detail(own_case)).status_code == 405
    assert client.patch(detail(own_case), {"status": "closed"}, content_type="application/json").status_code == 405
    assert client.get(detail(own_case, "resolve/")).status_code == 405


def test_stale_filter_and_flag(secretariat, org, settings):
    from datetime import timedelta

    from django.utils import timezone

    old = timezone.now() - timedelta(days=settings.ASSISTANCE_STALE_DAYS + 1)
    stale = AssistanceCaseFactory(organisation=org, created_at=old, last_activity_at=old)
    AssistanceCaseFactory(organisation=org)
    response = login(secretariat).get(LIST, {"stale": "true"})
    assert [(row["id"], row["is_stale"]) for row in response.json()["results"]] == [(stale.pk, True)]


def test_the_case_list_does_not_query_per_case(secretariat, org):
    from ..api_helpers import query_count

    for _ in range(2):
        CaseNoteFactory(case=AssistanceCaseFactory(organisation=org))
    few = query_count(login(secretariat), LIST)
    for _ in range(4):
        CaseNoteFactory(case=AssistanceCaseFactory(organisation=org))
    assert query_count(login(secretariat), LIST) == few


def test_a_suspended_organisations_admin_reads_its_cases_but_writes_nothing(org, org_admin, own_case):
    from ..refusals import suspended

    suspended(org)
    client = login(org_admin)
    assert [n["text"] for n in client.get(detail(own_case)).json()["notes"]] == ["We are on it"]
    response = client.post(detail(own_case, "notes/"), {"text": "x"}, content_type="application/json")
    assert response.status_code == 403
