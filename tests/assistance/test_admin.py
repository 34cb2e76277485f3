"""Assistance cases in the admin: opened through the service, worked through actions (events, stale flag), no
editing past the workflow, no deletion; the reminders' log."""

import pytest
from django.urls import reverse

from assistance.models import AssistanceCase, CaseNote
from notices.models import Event

from ..refusals import assert_admin_refused
from .factories import AssistanceCaseFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:assistance_assistancecase_changelist")


@pytest.fixture
def admin_client(client_for, secretariat):
    client = client_for(secretariat)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def act(client, action, cases, **data):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [c.pk for c in cases], "index": 0, **data}, follow=True
    )


def test_opening_a_case_in_the_admin_goes_through_the_service(admin_client, org):
    response = admin_client.post(
        reverse("admin:assistance_assistancecase_add"),
        {
            "organisation": org.pk,
            "kind": "permits",
            "description": "Night shift permit",
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    case = AssistanceCase.objects.get()
    assert Event.objects.filter(name="assistance_case.opened", object_id=str(case.pk)).exists()


def test_assign_to_me(admin_client, org, secretariat):
    case = AssistanceCaseFactory(organisation=org)
    act(admin_client, "assign_to_me", [case])
    case.refresh_from_db()
    assert case.assignee == secretariat and case.status == "in_progress"


def test_add_a_note_for_the_member(admin_client, org):
    case = AssistanceCaseFactory(organisation=org)
    page = act(admin_client, "add_note", [case])
    assert page.status_code == 200 and "text" in page.context["form"].fields
    act(admin_client, "add_note", [case], apply="1", text="We found trucks", for_member="on")
    assert CaseNote.objects.get().for_member
    assert Event.objects.filter(name="assistance_case.note").count() == 1


def test_resolve_asks_for_the_resolution(admin_client, org):
    case = AssistanceCaseFactory(organisation=org)
    act(admin_client, "resolve_selected", [case], apply="1", resolution="")
    case.refresh_from_db()
    assert case.status == "open"
    act(admin_client, "resolve_selected", [case], apply="1", resolution="Pass issued")
    case.refresh_from_db()
    assert case.status == "resolved"


def test_a_refused_transition_is_a_message_not_a_500(admin_client, org):
    case = AssistanceCaseFactory(organisation=org, status="closed", resolution="x")
    response = admin_client.post(
        CHANGELIST,
        {"action": "resolve_selected", "_selected_action": [case.pk], "index": 0, "apply": "1", "resolution": "y"},
    )
    assert_admin_refused(response, admin_client)


def test_the_changelist_and_stale_filter_open(admin_client, org):
    AssistanceCaseFactory(organisation=org)
    assert admin_client.get(CHANGELIST).status_code == 200
    assert admin_client.get(CHANGELIST, {"stale": "yes"}).status_code == 200
    assert admin_client.get(reverse("admin:assistance_missingreportreminder_changelist")).status_code == 200


def test_an_existing_case_changes_only_through_actions(admin_client, org):
    case = AssistanceCaseFactory(organisation=org, description="Original")
    url = reverse("admin:assistance_assistancecase_change", args=[case.pk])
    admin_client.post(url, {"description": "Changed", "notes-TOTAL_FORMS": "0", "notes-INITIAL_FORMS": "0"})
    case.refresh_from_db()
    assert case.description == "Original"
    assert admin_client.get(reverse("admin:assistance_assistancecase_delete", args=[case.pk])).status_code == 403


@pytest.mark.parametrize("role", ["org_admin", "org_viewer", "other_user"])
def test_members_cannot_open_the_admin(role, request, client_for):
    response = client_for(request.getfixturevalue(role)).get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
