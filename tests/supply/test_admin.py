"""The secretariat's supply admin: the queue changelist, its actions through supply.services, who may see it, and
that a page view never counts the whole request table."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from alliance_portal.admin_tools import QueuePaginator
from notices.models import Event
from supply.models import Commitment, Qualification, RequestTransition, SupplierCapacity, SupplyRequest

from ..members.factories import RiskAreaFactory, SiteFactory
from .factories import (
    CommitmentFactory,
    FabFactory,
    QualificationFactory,
    SupplierCapacityFactory,
    SupplierFactory,
    SupplyRequestFactory,
    category,
)

pytestmark = pytest.mark.django_db
S = SupplyRequest.Status
CHANGELIST = "admin:supply_supplyrequest_changelist"


def english(client):
    # Assertions read the English texts; the admin's default language is Chinese.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def admin_client(client_for, secretariat):
    return english(client_for(secretariat))


def shown_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def act(client, action, objects, url_name=CHANGELIST, query="", **data):
    return client.post(
        reverse(url_name) + query,
        {"action": action, "_selected_action": [o.pk for o in objects], "index": 0, **data},
        follow=True,
    )


def make_objects():
    request = SupplyRequestFactory(status=S.SUBMITTED, material="ArF photoresist")
    RequestTransition.objects.create(request=request, from_status=S.DRAFT, to_status=S.SUBMITTED)
    return {
        "supplyrequest": request,
        "commitment": CommitmentFactory(request=request),
        "suppliercapacity": SupplierCapacityFactory(),
        "qualification": QualificationFactory(),
    }


def admin_urls(model_name, obj):
    base = f"admin:supply_{model_name}"
    return [
        reverse(f"{base}_changelist"),
        reverse(f"{base}_change", args=[obj.pk]),
        reverse(f"{base}_history", args=[obj.pk]),
    ]


MODELS = ["supplyrequest", "commitment", "suppliercapacity", "qualification"]


# --- who may see it ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model_name", MODELS)
def test_secretariat_can_open_every_supply_admin_page(admin_client, model_name):
    obj = make_objects()[model_name]
    for url in admin_urls(model_name, obj):
        assert admin_client.get(url).status_code == 200, url
    history = obj.history.earliest()
    url = reverse(f"admin:supply_{model_name}_simple_history", args=[obj.pk, history.history_id])
    assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize("model_name", ["suppliercapacity", "qualification"])
def test_capacity_and_qualifications_can_be_added_in_the_admin(admin_client, model_name):
    assert admin_client.get(reverse(f"admin:supply_{model_name}_add")).status_code == 200


@pytest.mark.parametrize("model_name", ["supplyrequest", "commitment"])
def test_requests_and_commitments_are_not_added_in_the_admin(admin_client, model_name):
    # Fabs file requests and suppliers commit, through their pages and the API.
    assert admin_client.get(reverse(f"admin:supply_{model_name}_add")).status_code == 403


@pytest.mark.parametrize("model_name", MODELS)
def test_members_and_anonymous_are_sent_to_the_admin_login(client_for, org_admin, model_name):
    obj = make_objects()[model_name]
    urls = [*admin_urls(model_name, obj), reverse(f"admin:supply_{model_name}_add")]
    for client in (client_for(org_admin), Client()):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("admin:login")), url


def test_a_member_cannot_post_an_action(client_for, org_admin):
    request = SupplyRequestFactory(status=S.SUBMITTED)
    response = client_for(org_admin).post(
        reverse(CHANGELIST), {"action": "approve_selected", "_selected_action": [request.pk], "index": 0}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == S.SUBMITTED


# --- the queue -----------------------------------------------------------------------------------------------------


def test_the_queue_lists_open_requests_highest_priority_first_with_the_reasons(admin_client):
    low = SupplyRequestFactory(status=S.APPROVED, material="Low material", priority=10)
    high = SupplyRequestFactory(
        status=S.SUBMITTED,
        material="High material",
        priority=85,
        priority_parts=[
            {"factor": "risk", "value": "high", "points": 40},
            {"factor": "guarantee", "value": True, "points": 25},
            {"factor": "stock", "value": 2, "points": 20},
        ],
    )
    SupplyRequestFactory(status=S.REJECTED, material="Rejected material", priority=99)
    SupplyRequestFactory(status=S.DRAFT, material="Draft material", priority=98, submitted_at=None)

    response = admin_client.get(reverse(CHANGELIST))
    assert [r.pk for r in response.context["cl"].result_list] == [high.pk, low.pk]
    text = response.text
    assert "high-risk area +40, priority guarantee +25, 2 days of stock +20" in text
    assert "Rejected material" not in text and "Draft material" not in text

    everything = admin_client.get(reverse(CHANGELIST), {"status": "all"})
    assert len(everything.context["cl"].result_list) == 4


def test_the_queue_shows_remaining_fill_states_stale_and_the_override(admin_client):
    SupplyRequestFactory(
        status=S.APPROVED,
        quantity=Decimal(50),
        unit="L",
        qty_committed=Decimal(20),
        qty_delivered=Decimal(0),
        confirmed_at=timezone.now() - timedelta(days=30),
        priority_score=40,
        priority_override=200,
        priority=200,
        override_reason="Line 2 stops tonight",
    )
    response = admin_client.get(reverse(CHANGELIST))
    text = response.text
    assert "30 litres" in text  # remaining
    assert "partial" in text and "nothing" in text
    assert "overridden (computed 40): Line 2 stops tonight" in text
    assert '<span class="supply-stale">stale</span>' in text

    stale = admin_client.get(reverse(CHANGELIST), {"stale": "yes"})
    assert len(stale.context["cl"].result_list) == 1
    fresh = admin_client.get(reverse(CHANGELIST), {"stale": "no"})
    assert len(fresh.context["cl"].result_list) == 0


def test_the_queue_filters_by_urgency_category_province_and_risk(admin_client):
    RiskAreaFactory(province="hubei", city="武汉", level="high")
    wuhan = SupplyRequestFactory(status=S.APPROVED, urgency="critical")
    shanghai_fab = FabFactory(province="shanghai", city="上海")
    shanghai = SupplyRequestFactory(
        organisation=shanghai_fab,
        site=SiteFactory(organisation=shanghai_fab, province="shanghai", city="上海"),
        category=category("gas"),
        status=S.SUBMITTED,
    )
    url = reverse(CHANGELIST)

    def listed(**params):
        return {r.pk for r in admin_client.get(url, params).context["cl"].result_list}

    assert listed(urgency="critical") == {wuhan.pk}
    assert listed(category__id__exact=category("gas").pk) == {shanghai.pk}
    assert listed(province="shanghai") == {shanghai.pk}
    assert listed(risk="high") == {wuhan.pk}
    assert listed(risk="low") == {shanghai.pk}


def test_the_queue_is_searched_by_fab_name_and_number(admin_client):
    request = SupplyRequestFactory(status=S.SUBMITTED)
    other = SupplyRequestFactory(status=S.SUBMITTED)
    url = reverse(CHANGELIST)
    found = admin_client.get(url, {"q": request.organisation.name_zh}).context["cl"].result_list
    assert [r.pk for r in found] == [request.pk]
    found = admin_client.get(url, {"q": str(other.pk)}).context["cl"].result_list
    assert other.pk in [r.pk for r in found]


def _changelist_queries(client, **params) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_the_queue_page_costs_the_same_queries_for_3_or_30_requests(admin_client):
    fab = FabFactory()
    site = SiteFactory(organisation=fab)
    for _ in range(3):
        SupplyRequestFactory(status=S.SUBMITTED, organisation=fab, site=site)
    _changelist_queries(admin_client)  # warm caches (content types, session)
    few = len(_changelist_queries(admin_client))
    for _ in range(27):
        SupplyRequestFactory(status=S.APPROVED)  # each with its own fab and site
    many = _changelist_queries(admin_client)
    assert len(many) == few, "\n".join(many)


COUNT_RE = re.compile(r"COUNT\(\*\)", re.IGNORECASE)


def _whole_table_counts(sqls: list[str]) -> list[str]:
    """Counts of supply requests that are not bounded by a LIMIT (the paginator's capped count is)."""
    return [sql for sql in sqls if COUNT_RE.search(sql) and "supply_supplyrequest" in sql and "LIMIT" not in sql]


@pytest.mark.parametrize("params", [{}, {"status": "all"}, {"urgency": "critical"}, {"q": "photoresist"}])
def test_the_queue_never_counts_the_whole_request_table(admin_client, params):
    for _ in range(3):
        SupplyRequestFactory(status=S.SUBMITTED, urgency="critical")
    sqls = _changelist_queries(admin_client, **params)
    assert not _whole_table_counts(sqls), _whole_table_counts(sqls)
    assert any(COUNT_RE.search(sql) and "LIMIT" in sql for sql in sqls)  # the capped one


def test_past_the_cap_the_queue_says_about_or_more_than(admin_client, monkeypatch):
    monkeypatch.setattr(QueuePaginator, "COUNT_CAP", 5)
    fab = FabFactory()
    site = SiteFactory(organisation=fab)
    for _ in range(8):
        SupplyRequestFactory(status=S.SUBMITTED, organisation=fab, site=site)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(reverse(CHANGELIST), {"status": "all"})
    sqls = [q["sql"] for q in queries.captured_queries]
    assert not _whole_table_counts(sqls)
    paginator = response.context["cl"].paginator
    assert not paginator.count_is_exact
    assert paginator.count >= 6
    assert re.search(r"(more than 5|about \d+) supply requests", response.text)
    # The first page still lists the rows it shows.
    assert len(response.context["cl"].result_list) == 8


def test_an_exact_count_is_shown_below_the_cap(admin_client):
    for _ in range(3):
        SupplyRequestFactory(status=S.SUBMITTED)
    response = admin_client.get(reverse(CHANGELIST))
    assert response.context["cl"].paginator.count_is_exact
    assert "3 supply requests" in response.text


# --- actions -------------------------------------------------------------------------------------------------------


def test_approve_action_approves_through_the_service(admin_client, secretariat):
    requests = [SupplyRequestFactory(status=S.SUBMITTED) for _ in range(2)]
    response = act(admin_client, "approve_selected", requests)
    assert "Approved 2 requests." in shown_messages(response)
    for request in requests:
        request.refresh_from_db()
        assert request.status == S.APPROVED
        step = RequestTransition.objects.filter(request=request).latest("at")
        assert (step.from_status, step.to_status, step.by) == (S.SUBMITTED, S.APPROVED, secretariat)
        assert Event.objects.filter(name="supply_request.approved", object_id=str(request.pk)).exists()


def test_a_refused_transition_is_one_message_per_request_and_changes_nothing(admin_client):
    ok = SupplyRequestFactory(status=S.SUBMITTED)
    rejected = SupplyRequestFactory(status=S.REJECTED, material="Rejected resist")
    cancelled = SupplyRequestFactory(status=S.CANCELLED, material="Cancelled resist")
    response = act(admin_client, "approve_selected", [ok, rejected, cancelled], query="?status=all")
    shown = shown_messages(response)
    assert "Approved 1 request." in shown
    assert any(f"#{rejected.pk} Rejected resist" in m and "Rejected cannot become Approved" in m for m in shown)
    assert any(f"#{cancelled.pk} Cancelled resist" in m and "cannot become Approved" in m for m in shown)
    for request, status in ((rejected, S.REJECTED), (cancelled, S.CANCELLED)):
        before = request.history.count()
        request.refresh_from_db()
        assert request.status == status
        assert not RequestTransition.objects.filter(request=request).exists()
        assert request.history.count() == before


def test_reject_asks_for_a_reason_first_and_keeps_it(admin_client, secretariat):
    request = SupplyRequestFactory(status=S.SUBMITTED, material="Duplicate resist")
    page = act(admin_client, "reject_selected", [request])
    assert page.status_code == 200
    assert "Duplicate resist" in page.text
    assert 'name="reason"' in page.text
    request.refresh_from_db()
    assert request.status == S.SUBMITTED

    empty = act(admin_client, "reject_selected", [request], apply=1, reason="  ")
    assert "This field is required." in empty.text
    request.refresh_from_db()
    assert request.status == S.SUBMITTED

    reason = "Duplicate of request filed by phone on Monday; the fab confirmed it. " * 3  # longer than 100 chars
    done = act(admin_client, "reject_selected", [request], apply=1, reason=reason)
    assert "Rejected 1 request." in shown_messages(done)
    request.refresh_from_db()
    assert request.status == S.REJECTED
    step = RequestTransition.objects.filter(request=request).latest("at")
    assert step.reason == reason.strip()
    assert step.by == secretariat
    assert request.history.latest().history_user == secretariat


def test_reject_runs_on_every_row_of_the_filtered_list_when_all_are_selected(admin_client):
    critical = [SupplyRequestFactory(status=S.SUBMITTED, urgency="critical") for _ in range(2)]
    normal = SupplyRequestFactory(status=S.SUBMITTED, urgency="normal")
    url = reverse(CHANGELIST) + "?urgency=critical"
    # As the browser does after "select all": the page's rows are ticked, and select_across is set.
    selection = {"action": "reject_selected", "index": 0, "select_across": 1, "_selected_action": [critical[0].pk]}
    page = admin_client.post(url, selection)
    assert page.status_code == 200
    assert 'name="select_across" value="1"' in page.text
    response = admin_client.post(url, {**selection, "apply": 1, "reason": "Filed twice"}, follow=True)
    assert "Rejected 2 requests." in shown_messages(response)
    assert {r.status for r in SupplyRequest.objects.filter(pk__in=[r.pk for r in critical])} == {S.REJECTED}
    normal.refresh_from_db()
    assert normal.status == S.SUBMITTED


def test_override_sets_the_priority_and_keeps_the_reason_in_history(admin_client, secretariat):
    request = SupplyRequestFactory(status=S.APPROVED, priority=30, priority_score=30)
    page = act(admin_client, "override_priority", [request])
    assert 'name="priority"' in page.text and 'name="reason"' in page.text

    refused = act(admin_client, "override_priority", [request], apply=1, priority=150, reason="")
    assert "This field is required." in refused.text
    request.refresh_from_db()
    assert request.priority == 30

    reason = "Line 3 stops tonight: confirmed by phone with the fab's plant manager."
    done = act(admin_client, "override_priority", [request], apply=1, priority=150, reason=reason)
    assert "Set the priority of 1 request." in shown_messages(done)
    request.refresh_from_db()
    assert (request.priority, request.priority_override, request.priority_score) == (150, 150, 30)
    assert request.override_reason == reason
    latest = request.history.latest()
    assert latest.override_reason == reason
    assert latest.priority_override == 150
    assert latest.history_user == secretariat
    assert latest.history_change_reason == reason

    history_page = admin_client.get(reverse("admin:supply_supplyrequest_history", args=[request.pk]))
    assert escape(reason) in history_page.text
    assert "overridden (computed 30)" in admin_client.get(reverse(CHANGELIST)).text

    cleared = act(admin_client, "override_priority", [request], apply=1, priority="", reason="Line 3 is running again")
    assert "Cleared the override of 1 request." in shown_messages(cleared)
    request.refresh_from_db()
    assert (request.priority, request.priority_override) == (30, None)
    assert request.history.filter(override_reason=reason).exists()


def test_close_and_cancel_go_through_the_workflow(admin_client):
    delivered = SupplyRequestFactory(status=S.APPROVED, quantity=Decimal(10), qty_delivered=Decimal(10))
    short = SupplyRequestFactory(status=S.APPROVED, quantity=Decimal(10), qty_delivered=Decimal(4), material="Short")
    response = act(admin_client, "close_selected", [delivered, short])
    shown = shown_messages(response)
    assert "Closed 1 request as fulfilled." in shown
    assert any("Only 4 of 10" in m for m in shown)
    delivered.refresh_from_db()
    short.refresh_from_db()
    assert (delivered.status, short.status) == (S.FULFILLED, S.APPROVED)

    response = act(admin_client, "cancel_selected", [short], apply=1, reason="The fab found stock")
    assert "Cancelled 1 request." in shown_messages(response)
    short.refresh_from_db()
    assert short.status == S.CANCELLED


# --- read-only pages, nothing deleted ------------------------------------------------------------------------------


def test_a_request_page_is_read_only_with_its_workflow_buttons_and_history(admin_client):
    request = SupplyRequestFactory(status=S.SUBMITTED, material="Resist for line 2")
    RequestTransition.objects.create(request=request, from_status=S.DRAFT, to_status=S.SUBMITTED, reason="filed")
    CommitmentFactory(request=request)
    url = reverse("admin:supply_supplyrequest_change", args=[request.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'value="approve_selected"' in page.text and 'value="reject_selected"' in page.text
    assert 'value="close_selected"' not in page.text  # not allowed from submitted
    assert "workflow history" in page.text.lower()
    assert 'name="material"' not in page.text  # read-only

    assert admin_client.post(url, {"material": "changed"}).status_code == 403
    request.refresh_from_db()
    assert request.material == "Resist for line 2"


@pytest.mark.parametrize("model_name", ["supplyrequest", "commitment"])
def test_requests_and_commitments_cannot_be_deleted(admin_client, model_name):
    obj = make_objects()[model_name]
    changelist = admin_client.get(reverse(f"admin:supply_{model_name}_changelist"))
    assert "delete_selected" not in changelist.text
    delete_url = reverse(f"admin:supply_{model_name}_delete", args=[obj.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


# --- commitments, capacity, qualifications -------------------------------------------------------------------------


def test_accepting_an_unqualified_offer_is_refused_and_a_qualified_one_accepted(admin_client):
    request = SupplyRequestFactory(status=S.APPROVED, qty_committed=Decimal(20))
    qualified = CommitmentFactory(request=request, quantity=Decimal(10))
    QualificationFactory(fab=request.organisation, supplier=qualified.supplier, category=request.category)
    unqualified = CommitmentFactory(request=request, quantity=Decimal(10))
    response = act(admin_client, "accept_selected", [qualified, unqualified], "admin:supply_commitment_changelist")
    shown = shown_messages(response)
    assert "Accepted 1 commitment." in shown
    assert any("has not qualified" in m for m in shown)
    qualified.refresh_from_db()
    unqualified.refresh_from_db()
    assert (qualified.status, unqualified.status) == ("accepted", "offered")


def test_declining_a_commitment_needs_a_reason_and_releases_the_quantity(admin_client):
    request = SupplyRequestFactory(status=S.APPROVED, qty_committed=Decimal(10))
    commitment = CommitmentFactory(request=request, quantity=Decimal(10))
    url = "admin:supply_commitment_changelist"
    page = act(admin_client, "decline_selected", [commitment], url)
    assert 'name="reason"' in page.text
    response = act(admin_client, "decline_selected", [commitment], url, apply=1, reason="Wrong grade offered")
    assert "Declined 1 commitment." in shown_messages(response)
    commitment.refresh_from_db()
    request.refresh_from_db()
    assert (commitment.status, commitment.reason) == ("declined", "Wrong grade offered")
    assert request.qty_committed == 0


def test_commitment_list_costs_the_same_queries_for_3_or_30(admin_client):
    url = reverse("admin:supply_commitment_changelist")
    for _ in range(3):
        CommitmentFactory()
    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    for _ in range(27):
        CommitmentFactory()
    with CaptureQueriesContext(connection) as many:
        admin_client.get(url)
    assert len(many) == len(few)


def test_stale_capacity_is_flagged_and_filtered(admin_client):
    fresh = SupplierCapacityFactory()
    stale = SupplierCapacityFactory(confirmed_at=timezone.now() - timedelta(days=20))
    url = reverse("admin:supply_suppliercapacity_changelist")
    assert [c.pk for c in admin_client.get(url, {"stale": "yes"}).context["cl"].result_list] == [stale.pk]
    assert [c.pk for c in admin_client.get(url, {"stale": "no"}).context["cl"].result_list] == [fresh.pk]


def test_adding_a_qualification_goes_through_the_service_and_checks_the_kinds(admin_client, secretariat):
    fab = FabFactory()
    supplier = SupplierFactory()
    url = reverse("admin:supply_qualification_add")
    data = {"fab": fab.pk, "supplier": supplier.pk, "category": category().pk, "qualified_on": "2020-02-03"}

    swapped = admin_client.post(url, {**data, "fab": supplier.pk, "supplier": fab.pk})
    assert swapped.status_code == 200
    assert "Only a fab qualifies suppliers." in swapped.text
    assert "Only a materials supplier can be qualified." in swapped.text
    assert not Qualification.objects.exists()

    response = admin_client.post(url, data)
    assert response.status_code == 302
    qualification = Qualification.objects.get()
    assert (qualification.fab, qualification.supplier, str(qualification.qualified_on)) == (
        fab,
        supplier,
        "2020-02-03",
    )
    assert qualification.history.earliest().history_user == secretariat

    again = admin_client.post(url, data)
    assert again.status_code == 200  # the unique constraint, as a form error
    assert Qualification.objects.count() == 1


def test_capacity_is_edited_with_history(admin_client, secretariat):
    capacity = SupplierCapacityFactory()
    url = reverse("admin:supply_suppliercapacity_change", args=[capacity.pk])
    response = admin_client.post(
        url,
        {
            "supplier": capacity.supplier.pk,
            "category": capacity.category.pk,
            "quantity_per_week": "250",
            "unit": "L",
            "lead_time_days": 4,
            "notes": "by phone",
            "confirmed_at_0": timezone.localdate().isoformat(),
            "confirmed_at_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    capacity = SupplierCapacity.objects.get(pk=capacity.pk)
    assert capacity.quantity_per_week == 250
    assert capacity.history.latest().history_user == secretariat


def test_no_supply_model_can_be_reverted_from_history(admin_client):
    commitment = CommitmentFactory()
    commitment.notes = "changed"
    commitment.save()
    old = commitment.history.earliest()
    url = reverse("admin:supply_commitment_simple_history", args=[commitment.pk, old.history_id])
    assert admin_client.post(url, {"notes": ""}).status_code == 403
    assert Commitment.objects.get(pk=commitment.pk).notes == "changed"


def test_a_long_override_reason_is_kept_whole_on_the_row_and_a_too_long_one_refused(secretariat):
    from django.core.exceptions import ValidationError

    from members.rules import actor_for_user
    from supply import services

    actor = actor_for_user(secretariat)
    request = SupplyRequestFactory(status=S.APPROVED)
    reason = "The fab's line 2 stops tonight; confirmed by phone with the plant manager and the logistics firm. " * 2
    services.supply_request_override_priority(request=request, priority=120, reason=reason, actor=actor)
    request.refresh_from_db()
    assert request.override_reason == reason.strip()
    assert request.history.latest().history_change_reason == reason.strip()[:100]

    with pytest.raises(ValidationError):
        services.supply_request_override_priority(request=request, priority=130, reason="x" * 301, actor=actor)
    request.refresh_from_db()
    assert request.priority == 120
