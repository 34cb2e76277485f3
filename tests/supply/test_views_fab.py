"""A fab's supply pages: its own requests only, drafts included; viewers read, admins and members write; every
write goes through supply.services, refused ones show a message and change nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Organisation
from supply import services
from supply.models import Commitment, Qualification, RequestTransition, SupplyRequest

from ..members.factories import MembershipFactory, OrganisationFactory, SiteFactory
from .factories import (
    CommitmentFactory,
    QualificationFactory,
    SupplierCapacityFactory,
    SupplierFactory,
    SupplyRequestFactory,
    category,
)
from .helpers import FAB_WRITERS, request_form_data, snapshot

S = SupplyRequest.Status
C = Commitment.Status
LIST = reverse("supply:request_list")
NEW = reverse("supply:request_create")
TODAY = timezone.localdate


def _detail(supply_request) -> str:
    return reverse("supply:request_detail", args=[supply_request.pk])


def _expect_denied(role: str, response, *, other_fab_status: int = 404) -> bool:
    """Asserts the answer for roles that may not act here; True when the role was one of them."""
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        return True
    if role in ("secretariat", "supplier_user"):
        assert response.status_code == 403
        return True
    if role == "other_fab_user":
        assert response.status_code == other_fab_status
        return True
    if role == "org_viewer":
        assert response.status_code == 403
        return True
    return False


# --- my requests ------------------------------------------------------------------------------------------------


def test_request_list_for_each_role(web_role, draft, submitted):
    role, client = web_role
    response = client.get(LIST)
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        return
    if role in ("secretariat", "supplier_user"):
        assert response.status_code == 403
        assert "fabs" in response.content.decode()
        return
    assert response.status_code == 200
    content = response.content.decode()
    if role == "other_fab_user":
        assert _detail(draft) not in content and _detail(submitted) not in content
        assert "has not filed a supply request yet" in content
        return
    # The fab's own drafts are listed along with the rest.
    assert _detail(draft) in content and _detail(submitted) in content
    assert "Draft" in content and "Submitted" in content
    assert (NEW in content) is (role in FAB_WRITERS)


def test_request_list_shows_priority_explanation_stale_badge_and_quantities(client_for, org_member, approved):
    SupplyRequest.objects.filter(pk=approved.pk).update(
        confirmed_at=timezone.now() - timedelta(days=30), qty_committed=Decimal(20)
    )
    content = client_for(org_member).get(LIST).content.decode()
    assert "high-risk area +40" in content and "critical urgency +20" in content
    assert "stale" in content
    assert "partial" in content
    assert "30 litres" in content  # remaining


def test_request_list_filters_by_status(client_for, org_member, draft, submitted):
    content = client_for(org_member).get(LIST, {"status": "draft"}).content.decode()
    assert _detail(draft) in content and _detail(submitted) not in content


def test_request_list_refuses_post(client_for, org_member):
    assert client_for(org_member).post(LIST).status_code == 405


def test_request_list_queries_do_not_grow_with_rows(client_for, org, org_member, fab_site):
    client = client_for(org_member)

    def queries_for(count: int) -> int:
        SupplyRequestFactory.create_batch(count - SupplyRequest.objects.count(), organisation=org, site=fab_site)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    assert queries_for(3) == queries_for(30)


# --- new request ------------------------------------------------------------------------------------------------


def test_new_request_form_for_each_role(web_role, fab_site):
    role, client = web_role
    response = client.get(NEW)
    if role == "other_fab_user":
        assert response.status_code == 200  # its own form, with its own sites
        assert "Wuhan Fab 1" not in response.content.decode()
        return
    if _expect_denied(role, response):
        return
    assert response.status_code == 200
    content = response.content.decode()
    assert "Wuhan Fab 1" in content
    assert "Save draft" in content and "Submit" in content


def test_new_request_offers_only_own_active_sites_and_ic_materials(client_for, org, org_member, fab_site):
    SiteFactory(organisation=org, name_en="Closed Plant", is_active=False)
    SiteFactory(name_en="Someone Else's Fab")
    form = client_for(org_member).get(NEW).context["form"]
    assert list(form.fields["site"].queryset) == [fab_site]
    codes = set(form.fields["category"].queryset.values_list("code", flat=True))
    assert "photoresist" in codes and "medical-mask" not in codes


def test_fab_submits_a_new_request(client_for, org, org_member, fab_site):
    client = client_for(org_member)
    response = client.post(NEW, request_form_data(fab_site))
    created = SupplyRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(created)
    assert created.organisation == org and created.status == S.SUBMITTED
    assert created.created_by == org_member
    assert created.priority == 40 + 20 + 20 + 5  # high risk, 2 days of stock, critical, needed within 5 days
    page = client.get(response["Location"]).content.decode()
    assert f"Request #{created.pk} has been submitted to the secretariat." in page


def test_fab_saves_a_draft(client_for, org_admin, fab_site):
    client_for(org_admin).post(NEW, request_form_data(fab_site, action="draft"))
    assert SupplyRequest.objects.get().status == S.DRAFT


@pytest.mark.parametrize(
    "field, changes, message",
    [
        ("quantity", {"quantity": "0"}, "greater than zero"),
        ("quantity", {"quantity": "-5"}, "greater than zero"),
        ("site", {"site": "other"}, "Select a valid choice"),
        ("un_number", {"un_number": ""}, "hazardous goods: give the UN number"),
        ("un_number", {"un_number": "1866"}, "UN followed by four digits"),
        ("needed_by", {"needed_by": "soon"}, "Enter a valid date"),
        ("category", {"category": "medical-mask"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_saves_nothing(
    client_for, org_member, fab_site, field, changes, message
):
    if changes.get("site") == "other":
        changes = {"site": SiteFactory(name_en="Not ours").pk}
    if changes.get("category") == "medical-mask":
        changes = {"category": category("medical-mask").pk}
    response = client_for(org_member).post(NEW, request_form_data(fab_site, **changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not SupplyRequest.objects.exists()


def test_an_empty_post_is_validated(client_for, org_member, fab_site):
    response = client_for(org_member).post(NEW, {})
    assert response.status_code == 200
    assert {"site", "category", "quantity", "needed_by"} <= set(response.context["form"].errors)
    assert not SupplyRequest.objects.exists()


def test_new_request_refuses_put(client_for, org_member):
    assert client_for(org_member).put(NEW).status_code == 405


# --- edit a draft -----------------------------------------------------------------------------------------------


def test_edit_draft_for_each_role(web_role, draft):
    role, client = web_role
    response = client.get(reverse("supply:request_edit", args=[draft.pk]))
    if _expect_denied(role, response):
        return
    assert response.status_code == 200
    assert response.context["form"].initial["material"] == "KrF photoresist"


def test_editing_a_draft_saves_and_can_submit(client_for, org_member, draft, fab_site):
    url = reverse("supply:request_edit", args=[draft.pk])
    client = client_for(org_member)
    client.post(url, request_form_data(fab_site, material="KrF photoresist, high purity", action="draft"))
    draft.refresh_from_db()
    assert draft.material == "KrF photoresist, high purity" and draft.status == S.DRAFT
    response = client.post(url, request_form_data(fab_site, quantity="45"))
    draft.refresh_from_db()
    assert response["Location"] == _detail(draft)
    assert draft.status == S.SUBMITTED and draft.quantity == 45


def test_editing_a_draft_with_bad_input_changes_nothing(client_for, org_member, draft, fab_site):
    before = snapshot(draft)
    response = client_for(org_member).post(
        reverse("supply:request_edit", args=[draft.pk]), request_form_data(fab_site, un_number="", action="draft")
    )
    assert "hazardous goods: give the UN number" in " ".join(response.context["form"].errors["un_number"])
    response = client_for(org_member).post(
        reverse("supply:request_edit", args=[draft.pk]), request_form_data(fab_site, quantity="0", un_number="")
    )
    assert response.status_code == 200
    assert "quantity" in response.context["form"].errors
    assert snapshot(draft) == before


def test_a_submitted_request_cannot_be_edited(client_for, org_member, submitted, fab_site):
    before = snapshot(submitted)
    url = reverse("supply:request_edit", args=[submitted.pk])
    response = client_for(org_member).post(url, request_form_data(fab_site, quantity="1"), follow=True)
    assert "Only a draft can be edited; this request is Submitted." in response.content.decode()
    assert snapshot(submitted) == before
    response = client_for(org_member).get(url)
    assert response.status_code == 302 and response["Location"] == _detail(submitted)


# --- the request page -------------------------------------------------------------------------------------------


def test_request_detail_for_each_role(web_role, draft):
    role, client = web_role
    response = client.get(_detail(draft))
    if role == "org_viewer":
        assert response.status_code == 200
        content = response.content.decode()
        assert "KrF photoresist" in content
        assert reverse("supply:request_submit", args=[draft.pk]) not in content
        return
    if _expect_denied(role, response):
        return
    assert response.status_code == 200
    content = response.content.decode()
    assert "KrF photoresist" in content and "Draft" in content
    assert reverse("supply:request_submit", args=[draft.pk]) in content
    assert reverse("supply:request_edit", args=[draft.pk]) in content


def test_request_detail_refuses_post(client_for, org_member, draft):
    assert client_for(org_member).post(_detail(draft)).status_code == 405


def test_request_detail_shows_priority_parts_override_history_commitments_and_suggestions(
    client_for, org_viewer, approved, supplier_org, secretariat_actor
):
    services.supply_request_override_priority(
        request=approved, priority=500, reason="Minister's call: YMTC first", actor=secretariat_actor
    )
    CommitmentFactory(request=approved, supplier=supplier_org, quantity=Decimal(10), unit_price=Decimal("88.50"))
    content = client_for(org_viewer).get(_detail(approved)).content.decode()
    for part in ("high-risk area +40", "2 days of stock +20", "critical urgency +20"):
        assert part in content
    assert "500" in content and "Minister&#x27;s call: YMTC first" in content
    assert "Draft → Submitted" in content and "Submitted → Approved" in content
    assert "Jiangsu Resist Co." in content and "88.50 yuan" in content
    assert "Suggested suppliers" in content


def test_suggested_suppliers_put_qualified_then_fresh_capacity_then_same_province_first(
    client_for, org, org_member, submitted
):
    far_fresh = SupplierFactory(name_en="A Far Fresh", province="guangdong", city="深圳")
    SupplierCapacityFactory(supplier=far_fresh)
    SupplierFactory(name_en="B Near", province="hubei", city="武汉")
    qualified_one = SupplierFactory(name_en="Z Qualified", province="beijing", city="北京")
    QualificationFactory(fab=org, supplier=qualified_one)
    stale = SupplierFactory(name_en="C Stale Near", province="hubei", city="武汉")
    SupplierCapacityFactory(supplier=stale, confirmed_at=timezone.now() - timedelta(days=60))
    SupplierFactory(name_en="Gas Only", supplies=["gas"])
    matching = client_for(org_member).get(_detail(submitted)).context["matching"]
    assert [s.name_en for s in matching] == ["Z Qualified", "A Far Fresh", "B Near", "C Stale Near"]


# --- actions on a request ---------------------------------------------------------------------------------------

ONE_CLICK = ["request_submit", "request_reconfirm", "request_close"]


@pytest.mark.parametrize("name", [*ONE_CLICK, "request_cancel"])
def test_request_actions_for_each_role(web_role, draft, name):
    role, client = web_role
    response = client.post(reverse(f"supply:{name}", args=[draft.pk]), {"reason": "Not needed"})
    if _expect_denied(role, response):
        return
    assert response.status_code == 302 and response["Location"] == _detail(draft)


@pytest.mark.parametrize("name", ONE_CLICK)
def test_one_click_actions_refuse_get(client_for, org_member, draft, name):
    assert client_for(org_member).get(reverse(f"supply:{name}", args=[draft.pk])).status_code == 405


def test_submitting_a_draft(client_for, org_member, draft):
    response = client_for(org_member).post(reverse("supply:request_submit", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED
    assert "has been submitted" in response.content.decode()


def test_submitting_twice_is_refused_with_a_message_and_changes_nothing(client_for, org_member, submitted):
    before = snapshot(submitted)
    steps = RequestTransition.objects.count()
    response = client_for(org_member).post(reverse("supply:request_submit", args=[submitted.pk]), follow=True)
    assert "A request that is Submitted cannot become Submitted." in response.content.decode()
    assert snapshot(submitted) == before and RequestTransition.objects.count() == steps


def test_cancelling_needs_a_reason_shown_inline(client_for, org_member, submitted):
    url = reverse("supply:request_cancel", args=[submitted.pk])
    client = client_for(org_member)
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    response = client.post(url, {"reason": "Found stock in our Shanghai warehouse"}, follow=True)
    submitted.refresh_from_db()
    assert submitted.status == S.CANCELLED
    assert "Found stock in our Shanghai warehouse" in response.content.decode()  # the history shows the reason


def test_cancelling_a_cancelled_request_is_refused_with_a_message(client_for, org_member, submitted, fab_actor):
    services.supply_request_transition(request=submitted, to_status=S.CANCELLED, actor=fab_actor, reason="dup")
    before = snapshot(submitted)
    response = client_for(org_member).post(
        reverse("supply:request_cancel", args=[submitted.pk]), {"reason": "again"}, follow=True
    )
    assert "A request that is Cancelled cannot become Cancelled." in response.content.decode()
    assert snapshot(submitted) == before


def test_reconfirming_a_stale_request(client_for, org_member, submitted):
    SupplyRequest.objects.filter(pk=submitted.pk).update(confirmed_at=timezone.now() - timedelta(days=30))
    submitted.refresh_from_db()
    assert submitted.is_stale
    page = client_for(org_member).get(_detail(submitted)).content.decode()
    assert "Still needed" in page and "stale" in page
    client_for(org_member).post(reverse("supply:request_reconfirm", args=[submitted.pk]))
    submitted.refresh_from_db()
    assert not submitted.is_stale


def test_reconfirming_a_draft_is_refused(client_for, org_member, draft):
    response = client_for(org_member).post(reverse("supply:request_reconfirm", args=[draft.pk]), follow=True)
    assert "Only an open request can be re-confirmed." in response.content.decode()
    draft.refresh_from_db()
    assert draft.confirmed_at is None


def test_closing_before_delivery_is_refused_with_a_message(client_for, org_member, approved):
    before = snapshot(approved)
    response = client_for(org_member).post(reverse("supply:request_close", args=[approved.pk]), follow=True)
    assert "Only 0 of 50 litres have been delivered" in response.content.decode()
    assert snapshot(approved) == before


def test_closing_when_delivered_covers_it(client_for, org_member, approved):
    SupplyRequest.objects.filter(pk=approved.pk).update(qty_committed=50, qty_delivered=50)
    client = client_for(org_member)
    assert "Close as fulfilled" in client.get(_detail(approved)).content.decode()
    client.post(reverse("supply:request_close", args=[approved.pk]))
    approved.refresh_from_db()
    assert approved.status == S.FULFILLED


# --- commitments: accept, decline, confirm delivery; qualification --------------------------------------------


@pytest.fixture
def offer(approved, supplier_actor):
    return services.commitment_create(
        request=approved,
        actor=supplier_actor,
        quantity=Decimal(20),
        expected_ship_date=TODAY() + timedelta(days=2),
        unit_price=Decimal("120.00"),
        notes="From our Suzhou plant",
    )


def _commitment_url(name: str, commitment) -> str:
    return reverse(f"supply:{name}", args=[commitment.request_id, commitment.pk])


@pytest.mark.parametrize("name", ["commitment_accept", "commitment_decline", "commitment_deliver"])
def test_commitment_actions_for_each_role(web_role, offer, qualified, name):
    role, client = web_role
    response = client.post(_commitment_url(name, offer), {"reason": "Too late", "received_quantity": "20"})
    if _expect_denied(role, response):
        return
    assert response.status_code in (200, 302)


def test_commitment_accept_refuses_get(client_for, org_member, offer):
    assert client_for(org_member).get(_commitment_url("commitment_accept", offer)).status_code == 405


def test_accepting_an_unqualified_supplier_is_refused_until_the_qualification_is_recorded(
    client_for, org, org_member, offer, supplier_org
):
    client = client_for(org_member)
    page = client.get(_detail(offer.request)).content.decode()
    assert "not qualified" in page and "Record qualification" in page
    response = client.post(_commitment_url("commitment_accept", offer), follow=True)
    assert "has not qualified" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == C.OFFERED

    qualify = reverse("supply:qualification_add", args=[offer.request_id])
    assert client.get(qualify, {"supplier": supplier_org.pk}).status_code == 200
    response = client.post(qualify, {"supplier": supplier_org.pk, "note": "Audit 2019"}, follow=True)
    assert "is recorded as qualified" in response.content.decode()
    assert Qualification.objects.filter(fab=org, supplier=supplier_org, category=offer.request.category).exists()
    client.post(_commitment_url("commitment_accept", offer))
    offer.refresh_from_db()
    assert offer.status == C.ACCEPTED


def test_qualification_page_offers_only_suppliers_of_the_category(client_for, org_member, submitted, supplier_org):
    gas_only = SupplierFactory(supplies=["gas"])
    url = reverse("supply:qualification_add", args=[submitted.pk])
    response = client_for(org_member).post(url, {"supplier": gas_only.pk})
    assert "supplier" in response.context["form"].errors
    assert not Qualification.objects.exists()


def test_qualification_page_for_each_role(web_role, submitted, supplier_org):
    role, client = web_role
    response = client.get(reverse("supply:qualification_add", args=[submitted.pk]))
    if _expect_denied(role, response):
        return
    assert response.status_code == 200


def test_declining_an_offer_needs_a_reason_and_releases_the_quantity(client_for, org_member, offer):
    url = _commitment_url("commitment_decline", offer)
    client = client_for(org_member)
    response = client.post(url, {"reason": ""})
    assert "reason" in response.context["form"].errors
    offer.refresh_from_db()
    assert offer.status == C.OFFERED
    client.post(url, {"reason": "Price too high"})
    offer.refresh_from_db()
    offer.request.refresh_from_db()
    assert offer.status == C.DECLINED and offer.reason == "Price too high"
    assert offer.request.qty_committed == 0


def test_confirming_delivery(client_for, org_member, offer, qualified, fab_actor, supplier_actor):
    services.commitment_accept(commitment=offer, actor=fab_actor)
    services.commitment_ship(
        commitment=offer, actor=supplier_actor, carrier="SF Express", tracking_number="SF123", shipped_on=TODAY()
    )
    url = _commitment_url("commitment_deliver", offer)
    client = client_for(org_member)
    page = client.get(_detail(offer.request)).content.decode()
    assert url in page and "SF Express" in page
    response = client.post(url, {"received_quantity": "18", "delivered_on": (TODAY() + timedelta(days=3)).isoformat()})
    assert "delivered_on" in response.context["form"].errors  # in the future
    response = client.post(url, {"received_quantity": "25", "delivered_on": TODAY().isoformat()})
    assert "received_quantity" in response.context["form"].errors  # more than shipped
    offer.refresh_from_db()
    assert offer.status == C.SHIPPED
    client.post(url, {"received_quantity": "18", "delivered_on": TODAY().isoformat()})
    offer.refresh_from_db()
    request = SupplyRequest.objects.get(pk=offer.request_id)
    assert offer.status == C.DELIVERED and offer.delivered_quantity == 18
    assert request.qty_delivered == 18 and request.remaining == 32  # the shortfall of 2 is open again


def test_confirming_delivery_of_an_unshipped_commitment_is_refused(client_for, org_member, offer):
    before = snapshot(offer)
    response = client_for(org_member).post(
        _commitment_url("commitment_deliver", offer),
        {"received_quantity": "20", "delivered_on": TODAY().isoformat()},
        follow=True,
    )
    assert "A commitment that is Offered cannot be confirmed as delivered." in response.content.decode()
    assert snapshot(offer) == before


def test_another_fabs_commitment_is_not_found(client_for, other_fab_user, offer):
    response = client_for(other_fab_user).post(_commitment_url("commitment_accept", offer))
    assert response.status_code == 404


def test_commitment_of_another_request_is_not_found_through_this_one(client_for, org, org_member, offer, fab_site):
    other_request = SupplyRequestFactory(organisation=org, site=fab_site)
    url = reverse("supply:commitment_accept", args=[other_request.pk, offer.pk])
    assert client_for(org_member).post(url).status_code == 404


def test_non_fab_organisation_kinds_are_refused(client_for, db):
    research = OrganisationFactory(kind=Organisation.Kind.RESEARCH)
    user = MembershipFactory(organisation=research, role="admin").user
    assert client_for(user).get(LIST).status_code == 403
