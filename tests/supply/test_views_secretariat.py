"""The secretariat's supply pages: every open request by priority, filters, bulk and single approve / reject,
priority override with a kept reason; staff only."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from supply import services
from supply.models import Commitment, RequestTransition, SupplyRequest

from ..members.factories import RiskAreaFactory, SiteFactory
from .factories import SupplyRequestFactory, category
from .helpers import request_fields, snapshot

S = SupplyRequest.Status
C = Commitment.Status
QUEUE = reverse("supply:secretariat_queue")
BULK = reverse("supply:secretariat_bulk")
TODAY = timezone.localdate


def _url(name: str, supply_request) -> str:
    return reverse(f"supply:{name}", args=[supply_request.pk])


def _expect_denied(role: str, response) -> bool:
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        return True
    if role != "secretariat":
        assert response.status_code == 403
        return True
    return False


@pytest.fixture
def queue_rows(org, fab_site):
    """Open requests across provinces, risk levels and urgencies, plus some that are not open."""
    RiskAreaFactory(province="shanghai", city="上海", city_en="Shanghai", level="medium")
    shanghai = SiteFactory(organisation=org, province="shanghai", city="上海", city_en="Shanghai")
    beijing = SiteFactory(organisation=org, province="beijing", city="北京", city_en="Beijing")
    make = SupplyRequestFactory
    return {
        "wuhan": make(organisation=org, site=fab_site, priority=90, urgency="critical", status=S.SUBMITTED),
        "shanghai": make(organisation=org, site=shanghai, priority=50, urgency="high", category=category("gas")),
        "beijing": make(
            organisation=org,
            site=beijing,
            priority=10,
            confirmed_at=timezone.now() - timedelta(days=30),
            material="Old one",
        ),
        "draft": make(organisation=org, site=fab_site, status=S.DRAFT, priority=999),
        "rejected": make(organisation=org, site=fab_site, status=S.REJECTED, priority=999),
    }


# --- the queue --------------------------------------------------------------------------------------------------


def test_queue_for_each_role(web_role, submitted):
    role, client = web_role
    response = client.get(QUEUE)
    if _expect_denied(role, response):
        return
    content = response.content.decode()
    assert _url("secretariat_request", submitted) in content
    assert "Wuhan Test Fab Co." in content and "High risk" in content and "high-risk area +40" in content


def test_queue_lists_open_requests_highest_priority_first(client_for, secretariat, queue_rows):
    listed = [row["id"] for row in client_for(secretariat).get(QUEUE).context["page_obj"]]
    assert listed == [queue_rows["wuhan"].pk, queue_rows["shanghai"].pk, queue_rows["beijing"].pk]


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"status": "submitted"}, ["wuhan"]),
        ({"status": "approved"}, ["shanghai", "beijing"]),
        ({"category": "gas"}, ["shanghai"]),
        ({"province": "beijing"}, ["beijing"]),
        ({"risk_level": "high"}, ["wuhan"]),
        ({"risk_level": "medium"}, ["shanghai"]),
        ({"risk_level": "low"}, ["beijing"]),
        ({"urgency": "high"}, ["shanghai"]),
        ({"stale": "yes"}, ["beijing"]),
        ({"stale": "no"}, ["wuhan", "shanghai"]),
        ({"risk_level": "extreme", "province": "beijing"}, ["beijing"]),  # a bad value does not empty the queue
    ],
)
def test_queue_filters(client_for, secretariat, queue_rows, filters, expected):
    listed = [row["id"] for row in client_for(secretariat).get(QUEUE, filters).context["page_obj"]]
    assert listed == [queue_rows[name].pk for name in expected]


def test_queue_refuses_post(client_for, secretariat):
    assert client_for(secretariat).post(QUEUE).status_code == 405


def test_queue_queries_do_not_grow_with_rows(client_for, secretariat, org, fab_site):
    client = client_for(secretariat)

    def queries_for(count: int) -> int:
        SupplyRequestFactory.create_batch(count - SupplyRequest.objects.count(), organisation=org, site=fab_site)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(QUEUE)
        assert len(response.context["page_obj"]) == count
        return len(captured)

    assert queries_for(3) == queries_for(30)


def test_queue_pages_without_counting(client_for, secretariat, org, fab_site):
    SupplyRequestFactory.create_batch(60, organisation=org, site=fab_site)
    client = client_for(secretariat)
    with CaptureQueriesContext(connection) as captured:
        first = client.get(QUEUE).context["page_obj"]
    assert not any("COUNT(" in query["sql"].upper() for query in captured)
    assert len(first) == 50 and first.has_next and not first.has_previous
    second = client.get(QUEUE, {"page": "2"}).context["page_obj"]
    assert len(second) == 10 and not second.has_next and second.has_previous
    assert {r["id"] for r in first}.isdisjoint(r["id"] for r in second)
    assert client.get(QUEUE, {"page": "nonsense"}).context["page_obj"].number == 1


# --- bulk actions -----------------------------------------------------------------------------------------------


def test_bulk_approve_selected_reports_those_refused(client_for, secretariat, submitted, approved_other):
    response = client_for(secretariat).post(
        BULK, {"action": "approve", "requests": [submitted.pk, approved_other.pk, 999999]}, follow=True
    )
    submitted.refresh_from_db()
    assert submitted.status == S.APPROVED
    content = response.content.decode()
    assert f"1 request approved: #{submitted.pk}." in content
    assert f"#{approved_other.pk}: A request that is Approved cannot become Approved." in content
    assert "#999999: not found" in content


@pytest.fixture
def approved_other(org, fab_site):
    return SupplyRequestFactory(organisation=org, site=fab_site)


def test_bulk_reject_needs_one_reason_shown_inline_and_changes_nothing_without_it(
    client_for, secretariat, submitted, fab_actor, fab_site
):
    second = services.supply_request_create(actor=fab_actor, submit=True, **request_fields(fab_site))
    before = [snapshot(submitted), snapshot(second)]
    client = client_for(secretariat)
    response = client.post(BULK, {"action": "reject", "requests": [submitted.pk, second.pk], "reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["bulk_form"].errors
    assert "checked" in response.content.decode()  # the selection is kept
    assert [snapshot(submitted), snapshot(second)] == before
    response = client.post(
        BULK, {"action": "reject", "requests": [submitted.pk, second.pk], "reason": "Duplicate of #1"}, follow=True
    )
    assert "2 requests rejected" in response.content.decode()
    reasons = RequestTransition.objects.filter(to_status=S.REJECTED).values_list("reason", flat=True)
    assert list(reasons) == ["Duplicate of #1", "Duplicate of #1"]


def test_bulk_needs_a_selection(client_for, secretariat, submitted):
    response = client_for(secretariat).post(BULK, {"action": "approve"})
    assert "Select at least one request." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_bulk_keeps_the_filters(client_for, secretariat, submitted):
    response = client_for(secretariat).post(
        BULK, {"action": "approve", "requests": [submitted.pk], "filters": "risk_level=high&urgency=critical"}
    )
    assert response["Location"] == f"{QUEUE}?risk_level=high&urgency=critical"


def test_bulk_for_each_role_and_method(web_role, submitted):
    role, client = web_role
    response = client.post(BULK, {"action": "approve", "requests": [submitted.pk]})
    if not _expect_denied(role, response):
        assert response.status_code == 302
        assert client.get(BULK).status_code == 405
    submitted.refresh_from_db()
    assert submitted.status == (S.APPROVED if role == "secretariat" else S.SUBMITTED)


# --- one request ------------------------------------------------------------------------------------------------


def test_request_page_for_each_role(web_role, submitted):
    role, client = web_role
    response = client.get(_url("secretariat_request", submitted))
    if _expect_denied(role, response):
        return
    content = response.content.decode()
    assert "Line 2 stops without it." in content and "high-risk area +40" in content
    assert _url("secretariat_approve", submitted) in content and _url("secretariat_reject", submitted) in content
    assert "Draft → Submitted" in content


def test_drafts_are_the_fabs_own_but_staff_may_look(client_for, secretariat, draft):
    assert client_for(secretariat).get(_url("secretariat_request", draft)).status_code == 200
    listed = client_for(secretariat).get(QUEUE).context["page_obj"].object_list
    assert draft.pk not in [row["id"] for row in listed]


SECRETARIAT_ACTIONS = [
    ("secretariat_approve", {}),
    ("secretariat_reject", {"reason": "Not an IC material"}),
    ("secretariat_cancel", {"reason": "Filed twice"}),
    ("secretariat_override", {"priority": "300", "reason": "Ministry request"}),
]


@pytest.mark.parametrize("name, data", SECRETARIAT_ACTIONS)
def test_request_actions_for_each_role(web_role, submitted, name, data):
    role, client = web_role
    before = snapshot(submitted)
    response = client.post(_url(name, submitted), data)
    if _expect_denied(role, response):
        assert snapshot(submitted) == before
        return
    assert response.status_code == 302 and response["Location"] == _url("secretariat_request", submitted)
    assert snapshot(submitted) != before


def test_approve_refuses_get(client_for, secretariat, submitted):
    assert client_for(secretariat).get(_url("secretariat_approve", submitted)).status_code == 405


def test_approving_an_approved_request_is_refused_with_a_message(client_for, secretariat, approved):
    before = snapshot(approved)
    response = client_for(secretariat).post(_url("secretariat_approve", approved), follow=True)
    assert "A request that is Approved cannot become Approved." in response.content.decode()
    assert snapshot(approved) == before


def test_approving_from_the_queue_goes_back_to_it(client_for, secretariat, submitted):
    back = f"{QUEUE}?urgency=critical"
    response = client_for(secretariat).post(_url("secretariat_approve", submitted), {"next": back})
    assert response["Location"] == back
    response = client_for(secretariat).post(_url("secretariat_approve", submitted), {"next": "https://evil.example/"})
    assert response["Location"] == _url("secretariat_request", submitted)


def test_rejecting_needs_a_reason(client_for, secretariat, submitted):
    client = client_for(secretariat)
    assert client.get(_url("secretariat_reject", submitted)).status_code == 200
    response = client.post(_url("secretariat_reject", submitted), {"reason": ""})
    assert "reason" in response.context["form"].errors
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_override_needs_a_reason_and_is_shown_with_it(client_for, secretariat, submitted, org_viewer):
    client = client_for(secretariat)
    url = _url("secretariat_override", submitted)
    assert client.get(url).context["form"].initial["priority"] == submitted.priority
    response = client.post(url, {"priority": "300", "reason": ""})
    assert "reason" in response.context["form"].errors
    response = client.post(url, {"priority": "lots", "reason": "x"})
    assert "priority" in response.context["form"].errors
    submitted.refresh_from_db()
    assert submitted.priority_override is None
    client.post(url, {"priority": "300", "reason": "Ministry request"})
    submitted.refresh_from_db()
    assert submitted.priority == 300 and submitted.override_reason == "Ministry request"
    fab_page = client_for(org_viewer).get(reverse("supply:request_detail", args=[submitted.pk])).content.decode()
    assert "Ministry request" in fab_page and f"computed {submitted.priority_score}" in fab_page


def test_clearing_an_override(client_for, secretariat, submitted, secretariat_actor):
    services.supply_request_override_priority(request=submitted, priority=300, reason="x", actor=secretariat_actor)
    url = _url("secretariat_clear_override", submitted)
    client = client_for(secretariat)
    response = client.post(url, {"reason": ""})
    assert "reason" in response.context["form"].errors
    client.post(url, {"reason": "Ministry call resolved"})
    submitted.refresh_from_db()
    assert submitted.priority_override is None and submitted.priority == submitted.priority_score
    response = client.get(url)
    assert response.status_code == 302  # nothing to clear


def test_clear_override_page_is_the_secretariats_only(web_role, submitted, secretariat_actor):
    services.supply_request_override_priority(request=submitted, priority=300, reason="x", actor=secretariat_actor)
    role, client = web_role
    url = _url("secretariat_clear_override", submitted)

    response = client.get(url)

    if not _expect_denied(role, response):
        # The secretariat sees the form that asks why, for this request, with the way back to it.
        assert response.status_code == 200
        assert "reason" in response.context["form"].fields
        assert f"Clear the priority override of request #{submitted.pk}" in response.content.decode()
        assert response.context["back_url"] == _url("secretariat_request", submitted)
    if role != "secretariat":
        assert _expect_denied(role, client.post(url, {"reason": "mine now"}))
    submitted.refresh_from_db()
    assert submitted.priority_override == 300 and submitted.priority == 300  # a GET, or a refused POST, clears nothing


def test_clear_override_of_a_request_without_one_goes_back_to_it(client_for, secretariat, submitted):
    response = client_for(secretariat).get(_url("secretariat_clear_override", submitted), follow=True)

    assert response.redirect_chain == [(_url("secretariat_request", submitted), 302)]
    assert f"Request #{submitted.pk} has no priority override." in [str(m) for m in response.context["messages"]]


def test_secretariat_accepts_and_declines_offers(client_for, secretariat, approved, supplier_actor, qualified):
    offers = [
        services.commitment_create(
            request=approved, actor=supplier_actor, quantity=Decimal(10), expected_ship_date=TODAY()
        )
        for _ in range(2)
    ]
    client = client_for(secretariat)
    client.post(reverse("supply:secretariat_commitment_accept", args=[approved.pk, offers[0].pk]))
    decline = reverse("supply:secretariat_commitment_decline", args=[approved.pk, offers[1].pk])
    response = client.post(decline, {"reason": ""})
    assert "reason" in response.context["form"].errors
    client.post(decline, {"reason": "Too far away"})
    statuses = {c.pk: c.status for c in Commitment.objects.all()}
    assert statuses == {offers[0].pk: C.ACCEPTED, offers[1].pk: C.DECLINED}
    assert (
        client.get(reverse("supply:secretariat_commitment_accept", args=[approved.pk, offers[0].pk])).status_code == 405
    )


def test_a_commitment_through_another_request_is_not_found(
    client_for, secretariat, approved, supplier_actor, org, fab_site
):
    offer = services.commitment_create(request=approved, actor=supplier_actor, quantity=1, expected_ship_date=TODAY())
    other = SupplyRequestFactory(organisation=org, site=fab_site)
    url = reverse("supply:secretariat_commitment_accept", args=[other.pk, offer.pk])
    assert client_for(secretariat).post(url).status_code == 404


def test_unknown_request_is_not_found(client_for, secretariat, db):
    assert client_for(secretariat).get(reverse("supply:secretariat_request", args=[424242])).status_code == 404
