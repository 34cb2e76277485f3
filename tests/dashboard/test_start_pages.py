"""Each role's start page (dashboard/start.py): what is listed first, the counts, who may acknowledge from it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from donations.models import Pledge
from members.models import Membership, Organisation
from notices.models import Acknowledgement, Notice
from supply.models import Commitment, SupplyRequest

from ..assistance.factories import AssistanceCaseFactory
from ..donations.factories import advance, goods_pledge, logistics_org, make_appeal
from ..members.factories import MembershipFactory, OrganisationFactory, SiteFactory
from ..members.factories_reports import StatusReportFactory
from ..notices.factories import make_notice
from ..refusals import assert_refused
from ..supply.factories import CommitmentFactory, SupplyRequestFactory, category

S = SupplyRequest.Status
START = "/start/"


def _ack_url(notice) -> str:
    return reverse("start_acknowledge", args=[notice.pk])


def _fab_work(org, supplier):
    """For the fab `org`: a notice to acknowledge, one already acknowledged, one for another organisation only; an
    open critical request with a shipped commitment (to confirm) and an offer (to accept); a draft; an open case."""
    urgent = make_notice(requires_ack=True, category=Notice.Category.URGENT, title_en="Report your stocks today")
    done = make_notice(requires_ack=True, title_en="Already acknowledged")
    Acknowledgement.objects.create(notice=done, organisation=org)
    make_notice(
        requires_ack=True,
        audience_kind=Notice.Audience.ORGANISATIONS,
        organisations=[supplier],
        title_en="Only for the supplier",
    )
    make_notice(requires_ack=False, title_en="For information only")
    site = SiteFactory(organisation=org)
    request = SupplyRequestFactory(
        organisation=org, site=site, urgency="critical", priority=88, quantity=50, qty_committed=30, material="NF3 gas"
    )
    SupplyRequestFactory(organisation=org, site=site, status=S.SUBMITTED, priority=20, material="Slurry")
    SupplyRequestFactory(organisation=org, site=site, status=S.DRAFT, priority=0, material="Draft only")
    shipped = CommitmentFactory(request=request, supplier=supplier, quantity=20, status=Commitment.Status.SHIPPED)
    offered = CommitmentFactory(request=request, supplier=supplier, quantity=10, status=Commitment.Status.OFFERED)
    case = AssistanceCaseFactory(organisation=org)
    return urgent, request, shipped, offered, case


# --- a fab's people --------------------------------------------------------------------------------------------------


def test_fab_member_sees_the_notice_to_acknowledge_first_then_its_commitments_and_requests(
    client_for, org, org_member, other_org, english
):
    urgent, request, shipped, offered, case = _fab_work(org, other_org)
    response = client_for(org_member).get(START)
    assert response.status_code == 200
    start = response.context["start"]
    assert [s.key for s in start.waiting] == ["notices", "fab_commitments", "fab_requests", "report", "cases"]
    assert [n.title_en for n in start.waiting[0].rows] == ["Report your stocks today"]
    # Shipped first (goods at the gate), then the offer; open requests by priority, drafts left out.
    assert start.waiting[1].rows == [shipped, offered]
    assert [r.material for r in start.waiting[2].rows] == ["NF3 gas", "Slurry"]
    assert start.waiting[2].rows[0].remaining == 20
    assert [c.pk for c in start.waiting[4].rows] == [case.pk]
    assert [s.key for s in start.clear] == ["pledges"]
    html = response.content.decode()
    assert html.index("Report your stocks today") < html.index("NF3 gas")
    assert f'action="{_ack_url(urgent)}"' in html
    assert reverse("supply:commitment_deliver", args=[request.pk, shipped.pk]) in html
    assert 'data-testid="priority">88<' in html and 'data-testid="remaining">20 litres<' in html
    assert "Only for the supplier" not in html and "For information only" not in html


def test_fab_member_acknowledges_with_one_tap_and_lands_back_on_the_start_page(client_for, org, org_member, other_org):
    urgent, *_ = _fab_work(org, other_org)
    client = client_for(org_member)
    response = client.post(_ack_url(urgent))
    assert response.status_code == 302 and response["Location"] == START
    acknowledgement = Acknowledgement.objects.get(notice=urgent)
    assert (acknowledgement.organisation, acknowledgement.user) == (org, org_member)
    start = client.get(START).context["start"]
    assert "notices" in [s.key for s in start.clear]
    # A second tap (a colleague's stale page) changes nothing.
    assert client.post(_ack_url(urgent)).status_code == 302
    assert Acknowledgement.objects.filter(notice=urgent).count() == 1


def test_fab_admin_sees_the_same_start_page_with_buttons(client_for, org, org_admin, other_org):
    urgent, *_ = _fab_work(org, other_org)
    response = client_for(org_admin).get(START)
    assert response.context["start"].can_write
    assert f'action="{_ack_url(urgent)}"' in response.content.decode()


def test_viewer_sees_the_notices_and_work_without_any_button(client_for, org, org_viewer, other_org, english):
    urgent, request, shipped, *_ = _fab_work(org, other_org)
    response = client_for(org_viewer).get(START)
    start = response.context["start"]
    assert not start.can_write and "read-only" in start.read_only
    assert [s.key for s in start.waiting][:3] == ["notices", "fab_commitments", "fab_requests"]
    html = response.content.decode()
    assert "Report your stocks today" in html and "Acknowledgement needed" in html
    assert 'data-testid="acknowledge"' not in html
    assert reverse("supply:commitment_deliver", args=[request.pk, shipped.pk]) not in html
    assert reverse("supply:request_create") not in html.split('id="main-nav"')[1]


def test_viewer_cannot_acknowledge_from_the_start_page(client_for, org, org_viewer, other_org):
    urgent, *_ = _fab_work(org, other_org)
    assert_refused(client_for(org_viewer).post(_ack_url(urgent)))
    assert not Acknowledgement.objects.filter(notice=urgent).exists()


# --- other organisations and kinds -----------------------------------------------------------------------------------


def test_supplier_sees_its_commitments_to_ship_and_the_requests_it_can_supply(client_for, org, other_org, other_user):
    other_org.categories_supplied.add(category("photoresist"))
    to_ship = CommitmentFactory(
        supplier=other_org, status=Commitment.Status.ACCEPTED, request=SupplyRequestFactory(organisation=org)
    )
    high = SupplyRequestFactory(organisation=org, priority=70, material="KrF resist")
    SupplyRequestFactory(organisation=org, priority=40, material="i-line resist")
    SupplyRequestFactory(organisation=org, priority=99, category=category("gas"), material="Not its category")
    SupplyRequestFactory(organisation=org, priority=99, status=S.SUBMITTED, material="Not approved yet")
    response = client_for(other_user).get(START)
    start = response.context["start"]
    assert [s.key for s in start.waiting][:3] == ["supplier_commitments", "supplier_queue", "report"]
    assert start.waiting[0].rows == [to_ship]
    queue = [r.material for r in start.waiting[1].rows]
    assert queue[:2] == ["KrF resist", "i-line resist"] and "Not its category" not in queue
    assert "Not approved yet" not in queue
    html = response.content.decode()
    assert reverse("supply:commitment_ship", args=[to_ship.pk]) in html
    assert reverse("supply:supplier_request", args=[high.pk]) in html


def test_another_organisations_notices_and_requests_never_show(client_for, org, other_org, other_user):
    urgent, request, *_ = _fab_work(org, other_org)
    Acknowledgement.objects.create(notice=urgent, organisation=other_org)
    response = client_for(other_user).get(START)
    html = response.content.decode()
    titles = [n.title_en for n in response.context["start"].sections[0].rows]
    # Its own list: the notice to everyone it has acknowledged and the fab's own acknowledgements do not count.
    assert titles == ["Only for the supplier", "Already acknowledged"]
    assert "NF3 gas" not in html and reverse("supply:request_detail", args=[request.pk]) not in html


def test_another_organisation_cannot_acknowledge_a_notice_not_addressed_to_it(client_for, org, other_org, other_user):
    only_fab = make_notice(requires_ack=True, audience_kind=Notice.Audience.ORGANISATIONS, organisations=[org])
    assert client_for(other_user).post(_ack_url(only_fab)).status_code == 404
    assert not Acknowledgement.objects.exists()


def test_logistics_member_sees_the_shipments_it_must_update(client_for, org, english):
    carrier = logistics_org()
    dispatcher = MembershipFactory(organisation=carrier, role=Membership.Role.MEMBER).user
    pledge = advance(goods_pledge(org, make_appeal()), "dispatched", carrier=carrier)
    delivered = advance(goods_pledge(org, make_appeal()), "delivered", carrier=carrier)
    response = client_for(dispatcher).get(START)
    start = response.context["start"]
    assert start.waiting[0].key == "shipments"
    assert [s.pledge_id for s in start.waiting[0].rows] == [pledge.pk]
    assert delivered.shipment.pk not in [s.pk for s in start.waiting[0].rows]
    assert reverse("donations:shipment_detail", args=[pledge.shipment.pk]) in response.content.decode()


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("research", ["notices", "report", "cases", "pledges"]), ("partner", ["notices", "cases", "pledges"])],
)
def test_other_kinds_see_the_common_cards(client_for, db, kind, expected):
    organisation = OrganisationFactory(kind=kind)
    user = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user
    start = client_for(user).get(START).context["start"]
    assert [s.key for s in start.sections] == expected  # partners do not file status reports


def test_pledges_in_progress_and_todays_report(client_for, org, org_member):
    appeal = make_appeal()
    pledged = goods_pledge(org, appeal)
    advance(goods_pledge(org, appeal), "delivered")
    start = client_for(org_member).get(START).context["start"]
    pledges = next(s for s in start.sections if s.key == "pledges")
    assert [p.pk for p in pledges.rows] == [pledged.pk]
    assert "report" in [s.key for s in start.waiting]
    StatusReportFactory(organisation=org)
    start = client_for(org_member).get(START).context["start"]
    assert "report" in [s.key for s in start.clear]


def test_more_rows_than_a_card_shows_offer_the_full_list(client_for, org, org_member):
    site = SiteFactory(organisation=org)
    for n in range(7):
        SupplyRequestFactory(organisation=org, site=site, priority=n)
    requests = next(s for s in client_for(org_member).get(START).context["start"].sections if s.key == "fab_requests")
    assert len(requests.rows) == 5 and requests.more
    assert [r.priority for r in requests.rows] == [6, 5, 4, 3, 2]


def test_suspended_organisations_admin_sees_a_read_only_start_page(client_for, suspended_admin, english):
    organisation = Organisation.objects.get(memberships__user=suspended_admin)
    make_notice(requires_ack=True, title_en="To everyone")
    AssistanceCaseFactory(organisation=organisation)
    response = client_for(suspended_admin).get(START)
    assert response.status_code == 200
    start = response.context["start"]
    assert not start.can_write and "suspended" in start.read_only
    assert start.sections[0].key == "notices" and start.sections[0].rows == []  # it is in no audience now
    assert [s.key for s in start.waiting] == ["cases"]
    assert 'data-testid="acknowledge"' not in response.content.decode()


def test_suspended_organisation_cannot_acknowledge(client_for, suspended_admin):
    organisation = Organisation.objects.get(memberships__user=suspended_admin)
    notice = make_notice(requires_ack=True, audience_kind=Notice.Audience.ORGANISATIONS, organisations=[organisation])
    assert client_for(suspended_admin).post(_ack_url(notice)).status_code in (403, 404)
    assert not Acknowledgement.objects.exists()


def test_user_without_an_organisation_is_told_so(client_for, db):
    from ..members.factories import UserFactory

    response = client_for(UserFactory()).get(START)
    assert response.status_code == 200 and response.context["start"].organisation is None
    assert 'data-testid="no-organisation"' in response.content.decode()
    assert client_for(UserFactory()).post(_ack_url(make_notice(requires_ack=True))).status_code == 404


# --- the secretariat -------------------------------------------------------------------------------------------------


def test_secretariat_action_list_counts_what_each_link_lists(client_for, secretariat, known_data, english):
    response = client_for(secretariat).get(START)
    assert response.status_code == 200
    counts = {item.key: item.count for item in response.context["actions"]}
    assert counts == {
        "to_triage": 2,
        "critical_open": 2,
        "notices_behind": 2,
        "failed_alerts": 1,
        "overdue_pledges": 1,
        "not_reported": 1,
        "stale_cases": 1,
    }
    # The dashboard's panels slot in below the list; the navigation's badge counts the same requests to triage.
    html = response.content.decode()
    assert '<span class="badge rounded-pill text-bg-danger">2</span>' in html
    assert html.index('data-action="to_triage"') < html.index('data-key="members_reporting"')


def test_secretariat_action_links_open_lists_of_the_same_size(client_for, secretariat, known_data):
    client = client_for(secretariat)
    actions = {item.key: item for item in client.get(START).context["actions"]}
    queue = client.get(actions["to_triage"].url)
    assert len(queue.context["page_obj"].object_list) == actions["to_triage"].count
    critical = client.get(actions["critical_open"].url)
    assert len(critical.context["page_obj"].object_list) == actions["critical_open"].count
    pledges = client.get(actions["overdue_pledges"].url)
    assert pledges.status_code == 200
    assert [p.pk for p in pledges.context["pledges"]] == [p.pk for p in Pledge.objects.overdue()]
    assert client.get(actions["not_reported"].url).status_code == 200
    stale = client.get(actions["stale_cases"].url)
    assert len(stale.context["cases"]) == actions["stale_cases"].count
    assert client.get(actions["failed_alerts"].url).status_code == 200
    assert client.get(actions["notices_behind"].url).status_code == 200


def test_secretariat_with_nothing_to_do_sees_zeros(client_for, secretariat):
    counts = {item.key: item.count for item in client_for(secretariat).get(START).context["actions"]}
    assert set(counts.values()) == {0}


# --- doors -----------------------------------------------------------------------------------------------------------


def test_signing_in_lands_on_the_start_page(db, org_member):
    org_member.set_password("pw-for-the-test-1")
    org_member.save()
    response = Client().post(reverse("login"), {"username": org_member.username, "password": "pw-for-the-test-1"})
    assert response.status_code == 302 and response["Location"] == START


def test_anonymous_is_sent_to_sign_in_and_keeps_the_public_home(db):
    client = Client()
    response = client.get(START)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(_ack_url(make_notice(requires_ack=True))).status_code == 302
    assert not Acknowledgement.objects.exists()
    assert client.get("/").status_code == 200


def test_signed_in_users_still_reach_the_home_page(client_for, org_member):
    assert client_for(org_member).get("/").status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_start_page_only_reads(client_for, org_member, secretariat, method):
    assert getattr(client_for(org_member), method)(START).status_code == 405
    assert getattr(client_for(secretariat), method)(START).status_code == 405


def test_acknowledging_needs_a_post(client_for, org, org_member):
    notice = make_notice(requires_ack=True)
    assert client_for(org_member).get(_ack_url(notice)).status_code == 405
    assert not Acknowledgement.objects.exists()


def test_a_notice_no_longer_open_is_not_acknowledged(client_for, org, org_member):
    archived = make_notice(requires_ack=True, status=Notice.Status.ARCHIVED)
    response = client_for(org_member).post(_ack_url(archived), follow=True)
    assert response.redirect_chain[-1][0] == START
    assert not Acknowledgement.objects.exists()


def test_secretariat_without_an_organisation_cannot_acknowledge_for_anyone(client_for, secretariat):
    notice = make_notice(requires_ack=True)
    assert client_for(secretariat).post(_ack_url(notice)).status_code == 404
    assert not Acknowledgement.objects.exists()


def test_urgent_notices_come_first_then_the_newest(client_for, org, org_member):
    old_urgent = make_notice(
        requires_ack=True, category=Notice.Category.URGENT, published_at=timezone.now() - timedelta(days=3)
    )
    make_notice(requires_ack=True, pinned=True, published_at=timezone.now() - timedelta(days=20), title_en="Pinned")
    newer = make_notice(requires_ack=True, title_en="New")
    rows = client_for(org_member).get(START).context["start"].sections[0].rows
    assert rows[0] == old_urgent and [n.title_en for n in rows[1:]] == ["New", "Pinned"] and rows[1] == newer


def test_a_withdrawn_organisation_sees_nothing_to_acknowledge(client_for, db):
    organisation = OrganisationFactory(status=Organisation.Status.WITHDRAWN)
    user = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    make_notice(requires_ack=True)
    start = client_for(user).get(START).context["start"]
    assert start.sections[0].rows == [] and not start.can_write
