"""The rules of a supply request that a form can know from its fields (SupplyRequest.clean(): a hazardous category's
UN number, no needed-by date in the past) and the length of its free text, through each door: the web form (all
in the first round, the limits shown), the API, and the admin (which cannot write a request at all)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from supply import services
from supply.models import SupplyRequest

from ..api_helpers import login
from .factories import category
from .helpers import new_request_body, post, request_fields, request_form_data

pytestmark = pytest.mark.django_db

NEW = reverse("supply:request_create")
API = "/api/v1/supply-requests/"
TODAY = timezone.localdate


# --- the web form ------------------------------------------------------------------------------------------------


def test_every_problem_is_said_in_the_first_round(client_for, org_member, fab_site):
    """A missing quantity, a missing UN number for a hazardous category and a past date: one answer names all three."""
    yesterday = (TODAY() - timedelta(days=1)).isoformat()
    response = client_for(org_member).post(
        NEW, request_form_data(fab_site, quantity="", un_number="", needed_by=yesterday)
    )

    errors = response.context["form"].errors
    assert {"quantity", "un_number", "needed_by"} <= set(errors)
    assert "hazardous goods: give the UN number" in " ".join(errors["un_number"])
    assert "is in the past" in " ".join(errors["needed_by"])
    assert not SupplyRequest.objects.exists()


def test_the_un_number_is_marked_required_for_a_hazardous_category(client_for, org_member, fab_site):
    client = client_for(org_member)
    page = client.get(NEW).content.decode()
    hazardous = {str(c.pk) for c in [category("photoresist"), category("gas")]}
    assert 'data-required-if-hazardous="id_category"' in page
    marked = page.split('data-hazardous="')[1].split('"')[0].split()
    assert hazardous <= set(marked)
    assert str(category("wafer").pk) not in marked
    assert "js/forms.js" in page

    # After a round with a hazardous category, the box is required on the page itself (without JavaScript too).
    answer = client.post(NEW, request_form_data(fab_site, un_number="")).content.decode()
    box = answer.split('name="un_number"')[1].split(">")[0]
    assert "required" in box
    assert 'aria-required="true"' in box


def test_a_non_hazardous_category_needs_no_un_number(client_for, org_member, fab_site):
    response = client_for(org_member).post(
        NEW, request_form_data(fab_site, category=category("wafer").pk, un_number="")
    )
    assert response.status_code == 302
    assert SupplyRequest.objects.get().un_number == ""


def test_the_date_picker_starts_today(client_for, org_member):
    page = client_for(org_member).get(NEW).content.decode()
    assert f'min="{TODAY().isoformat()}"' in page


def test_a_needed_by_date_today_is_accepted_and_earns_its_points(client_for, org_member, fab_site):
    response = client_for(org_member).post(NEW, request_form_data(fab_site, needed_by=TODAY().isoformat()))
    assert response.status_code == 302
    created = SupplyRequest.objects.get()
    assert created.needed_by == TODAY()
    assert {"factor": "needed_by", "value": 0, "points": 10} in created.priority_parts


def test_the_past_date_message_reads_in_chinese(client_for, org_member, fab_site):
    client = client_for(org_member)
    yesterday = TODAY() - timedelta(days=1)
    response = client.post(
        NEW, request_form_data(fab_site, needed_by=yesterday.isoformat()), headers={"Accept-Language": "zh-hans"}
    )
    message = " ".join(response.context["form"].errors["needed_by"])
    assert yesterday.isoformat() in message
    with translation.override("zh-hans"):
        from supply.models import needed_by_problem

        assert needed_by_problem(yesterday) == message


def test_free_text_has_its_limit_on_the_page_and_in_the_rule(client_for, org_member, fab_site):
    client = client_for(org_member)
    page = client.get(NEW).content.decode()
    justification = page.split('name="justification"')[1].split(">")[0]
    assert 'maxlength="2000"' in justification
    assert "At most 2000 characters." in page
    assert "At most 200 characters." in page  # the material's name
    assert "At most 500 characters." in page  # the specification

    response = client.post(NEW, request_form_data(fab_site, justification="x" * 10_000))
    assert "justification" in response.context["form"].errors
    assert not SupplyRequest.objects.exists()


# --- the API -----------------------------------------------------------------------------------------------------


def test_api_refuses_a_needed_by_date_in_the_past(org_member, fab_site):
    yesterday = (TODAY() - timedelta(days=1)).isoformat()
    response = post(login(org_member), API, new_request_body(fab_site, needed_by=yesterday))
    assert response.status_code == 400
    assert "is in the past" in " ".join(response.json()["needed_by"])
    assert not SupplyRequest.objects.exists()


def test_api_accepts_today_and_scores_it(org_member, fab_site):
    response = post(login(org_member), API, new_request_body(fab_site, needed_by=TODAY().isoformat(), submit=True))
    assert response.status_code == 201, response.content
    parts = {part["factor"]: part["points"] for part in response.json()["priority_parts"]}
    assert parts["needed_by"] == 10


def test_api_names_every_problem_at_once(org_member, fab_site):
    yesterday = (TODAY() - timedelta(days=1)).isoformat()
    response = post(login(org_member), API, new_request_body(fab_site, needed_by=yesterday, un_number=""))
    assert response.status_code == 400
    assert {"needed_by", "un_number"} <= set(response.json())


def test_api_refuses_free_text_over_its_limit(org_member, fab_site):
    response = post(login(org_member), API, new_request_body(fab_site, justification="x" * 10_000))
    assert response.status_code == 400
    assert "justification" in response.json()


def test_a_draft_whose_date_has_passed_is_not_submitted(org_member, fab_actor, fab_site):
    draft = services.supply_request_create(actor=fab_actor, **request_fields(fab_site))
    SupplyRequest.objects.filter(pk=draft.pk).update(needed_by=TODAY() - timedelta(days=3))

    response = post(login(org_member), f"{API}{draft.pk}/submit/")

    assert response.status_code == 400
    assert "needed_by" in response.json()
    draft.refresh_from_db()
    assert draft.status == SupplyRequest.Status.DRAFT


def test_a_submitted_request_whose_date_has_passed_still_moves_on(fab_actor, secretariat_actor, fab_site):
    """The rule is for what a fab asks for; a request already in the queue is approved, cancelled or closed."""
    submitted = services.supply_request_create(actor=fab_actor, submit=True, **request_fields(fab_site))
    SupplyRequest.objects.filter(pk=submitted.pk).update(needed_by=TODAY() - timedelta(days=3))
    submitted.refresh_from_db()
    services.supply_request_transition(
        request=submitted, to_status=SupplyRequest.Status.APPROVED, actor=secretariat_actor
    )
    submitted.refresh_from_db()
    assert submitted.status == SupplyRequest.Status.APPROVED


# --- the admin ---------------------------------------------------------------------------------------------------


def test_the_admin_cannot_write_a_request_or_its_date(client_for, secretariat, fab_actor, fab_site):
    """Requests change in the admin only through their workflow's actions; no door there sets a needed-by date."""
    draft = services.supply_request_create(actor=fab_actor, **request_fields(fab_site))
    client = client_for(secretariat)
    assert client.get(reverse("admin:supply_supplyrequest_add")).status_code == 403
    yesterday = (TODAY() - timedelta(days=1)).isoformat()
    client.post(reverse("admin:supply_supplyrequest_change", args=[draft.pk]), {"needed_by": yesterday})
    draft.refresh_from_db()
    assert draft.needed_by == TODAY() + timedelta(days=20)
