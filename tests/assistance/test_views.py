"""Assistance pages against every role: scoping, internal notes never on the member's page, the secretariat's
steps through the web, the wrong method."""

import pytest
from django.test import Client
from django.urls import reverse

from assistance.models import AssistanceCase, CaseNote

from ..refusals import assert_refused, suspended
from .factories import AssistanceCaseFactory, CaseNoteFactory

pytestmark = pytest.mark.django_db

LIST = reverse("assistance:case_list")
NEW = reverse("assistance:case_open")
ROLES = ["secretariat", "org_admin", "org_member", "org_viewer", "other_user", "suspended_admin", "anonymous"]


def client_as(request, role) -> Client:
    if role == "anonymous":
        return Client()
    if role == "suspended_admin":
        suspended(request.getfixturevalue("org"))
        role = "org_admin"
    return request.getfixturevalue("client_for")(request.getfixturevalue(role))


@pytest.fixture
def own_case(org):
    case = AssistanceCaseFactory(organisation=org, description="Own trouble")
    CaseNoteFactory(case=case, text="INTERNAL: their GM is hard to reach", for_member=False)
    CaseNoteFactory(case=case, text="We are on it", for_member=True)
    return case


@pytest.fixture
def others_case(other_org):
    return AssistanceCaseFactory(organisation=other_org, description="Other trouble")


def url(name, case):
    return reverse(f"assistance:{name}", args=[case.pk])


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_only_own_cases(role, request, own_case, others_case):
    response = client_as(request, role).get(LIST)
    if role == "anonymous":
        assert response.status_code == 302
        return
    page = response.content.decode()
    assert ("Own trouble" in page) is (role != "other_user")
    assert ("Other trouble" in page) is (role in ("secretariat", "other_user"))


@pytest.mark.parametrize("role", ROLES)
def test_case_page_shows_internal_notes_only_to_the_secretariat(role, request, own_case):
    response = client_as(request, role).get(url("case_detail", own_case))
    expected = {"other_user": 404, "anonymous": 302}.get(role, 200)
    assert response.status_code == expected
    if expected == 200:
        page = response.content.decode()
        assert "We are on it" in page
        assert ("INTERNAL" in page) is (role == "secretariat")
        assert ('name="text"' in page) is (role == "secretariat")


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_adds_notes_assigns_and_resolves(role, request, own_case, secretariat):
    client = client_as(request, role)
    note = client.post(url("case_note", own_case), {"text": "Hello", "for_member": "on"})
    assign = client.post(url("case_assign", own_case), {"assignee": secretariat.pk})
    resolve = client.post(url("case_status", own_case), {"status": "resolved", "resolution": "Done"})
    own_case.refresh_from_db()
    if role == "secretariat":
        assert (note.status_code, assign.status_code, resolve.status_code) == (302, 302, 302)
        assert own_case.status == "resolved" and own_case.assignee == secretariat
    elif role == "anonymous":
        assert note.status_code == assign.status_code == resolve.status_code == 302
    else:
        for response in (note, assign, resolve):
            assert_refused(response)
    if role != "secretariat":
        assert own_case.status == "open"
        assert not CaseNote.objects.filter(text="Hello").exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_opens_a_case(role, request, org):
    client = client_as(request, role)
    response = client.post(NEW, {"organisation": org.pk, "kind": "permits", "description": "Permit"})
    if role == "secretariat":
        case = AssistanceCase.objects.get()
        assert response["Location"] == url("case_detail", case)
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)
        assert not AssistanceCase.objects.exists()


def test_resolving_without_a_resolution_is_a_field_error(secretariat, client_for, own_case, english):
    response = client_for(secretariat).post(url("case_status", own_case), {"status": "resolved"})
    assert response.status_code == 400
    assert "resolution" in response.context["transition_form"].errors
    own_case.refresh_from_db()
    assert own_case.status == "open"


def test_a_transition_not_allowed_is_a_message(secretariat, client_for, org):
    case = AssistanceCaseFactory(organisation=org, status="closed", resolution="Duplicate")
    response = client_for(secretariat).post(url("case_status", case), {"status": "open"}, follow=True)
    assert any(m.level_tag == "error" for m in response.context["messages"])
    case.refresh_from_db()
    assert case.status == "closed"


def test_an_empty_note_is_a_field_error(secretariat, client_for, own_case):
    response = client_for(secretariat).post(url("case_note", own_case), {"text": ""})
    assert response.status_code == 400
    assert "text" in response.context["note_form"].errors


def test_wrong_methods(secretariat, client_for, own_case):
    client = client_for(secretariat)
    assert client.post(LIST).status_code == 405
    assert client.post(url("case_detail", own_case)).status_code == 405
    assert client.get(url("case_note", own_case)).status_code == 405
    assert client.get(url("case_assign", own_case)).status_code == 405
    assert client.get(url("case_status", own_case)).status_code == 405
