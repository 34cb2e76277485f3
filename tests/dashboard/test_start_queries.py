"""The start pages and the navigation's count stay cheap: the same queries whatever the data, and one query for the
count on every page, made once per request."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Membership
from members.rules import actor_for_user
from notices.models import Notice
from supply import services as supply_services
from supply.models import Commitment, SupplyRequest

from ..assistance.factories import AssistanceCaseFactory
from ..donations.factories import advance, goods_pledge, logistics_org, make_appeal
from ..members.factories import MembershipFactory, SiteFactory, UserFactory
from ..notices.factories import make_notice
from ..supply.factories import CommitmentFactory, SupplyRequestFactory, category
from .test_queries import grow

START = "/start/"


def _queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def _more_work(org, supplier, n: int) -> None:
    """n more of everything the fab `org` and the supplier see on their start pages."""
    site = SiteFactory(organisation=org)
    for _ in range(n):
        make_notice(requires_ack=True)
        request = SupplyRequestFactory(organisation=org, site=site)
        CommitmentFactory(request=request, supplier=supplier, status=Commitment.Status.SHIPPED)
        CommitmentFactory(request=request, supplier=supplier, status=Commitment.Status.ACCEPTED)
        AssistanceCaseFactory(organisation=org)
        AssistanceCaseFactory(organisation=supplier)
        goods_pledge(org)
        goods_pledge(supplier)


def test_member_start_pages_make_the_same_queries_with_one_or_many_rows(
    client_for, org, org_member, other_org, other_user
):
    other_org.categories_supplied.add(category("photoresist"))
    fab, supplier = client_for(org_member), client_for(other_user)
    _more_work(org, other_org, 1)
    small = [len(_queries(fab, START)), len(_queries(supplier, START))]
    _more_work(org, other_org, 12)
    assert SupplyRequest.objects.count() == 13 and Notice.objects.count() == 13
    large = [len(_queries(fab, START)), len(_queries(supplier, START))]
    assert large == small
    assert max(small) <= 20, f"a member's start page takes {small} queries"


def test_carrier_start_page_makes_the_same_queries_with_one_or_many_shipments(client_for, org):
    carrier = logistics_org()
    client = client_for(MembershipFactory(organisation=carrier, role=Membership.Role.MEMBER).user)
    advance(goods_pledge(org, make_appeal()), "dispatched", carrier=carrier)
    small = len(_queries(client, START))
    for _ in range(7):
        advance(goods_pledge(org, make_appeal()), "dispatched", carrier=carrier)
    assert len(_queries(client, START)) == small


def test_secretariat_start_page_makes_the_same_queries_at_two_sizes(client_for, secretariat):
    client = client_for(secretariat)
    grow(3)
    small = len(_queries(client, START))
    grow(30)
    assert SupplyRequest.objects.count() >= 16
    assert len(_queries(client, START)) == small
    # The dashboard's panels (30 queries, tests/dashboard/test_queries.py) and the action list's few.
    assert small <= 45, f"the secretariat's start page takes {small} queries"


# --- the navigation's count ---------------------------------------------------------------------------------------


def _reads_of(table: str, sqls: list[str]) -> int:
    return sum(1 for sql in sqls if f'FROM "{table}"' in sql)


def test_member_pages_count_notices_awaiting_acknowledgement_in_one_query(client_for, org, org_member):
    make_notice(requires_ack=True)
    make_notice(requires_ack=True)
    client = client_for(org_member)
    sqls = _queries(client, reverse("contact"))
    # The contact page reads no notice itself: the one read is the navigation's count, though it is shown twice.
    assert _reads_of("notices_notice", sqls) == 1
    html = client.get(reverse("contact")).content.decode()
    assert html.count('<span class="badge rounded-pill text-bg-danger">2</span>') == 2


def test_secretariat_pages_count_requests_to_triage_in_one_query(client_for, secretariat, org):
    SupplyRequestFactory(organisation=org, status=SupplyRequest.Status.SUBMITTED)
    SupplyRequestFactory(organisation=org, status=SupplyRequest.Status.APPROVED)
    client = client_for(secretariat)
    sqls = _queries(client, reverse("contact"))
    assert _reads_of("supply_supplyrequest", sqls) == 1
    html = client.get(reverse("contact")).content.decode()
    assert 'data-testid="nav-pending"' in html
    assert '<span class="badge rounded-pill text-bg-danger">1</span>' in html


def test_the_secretariats_count_is_kept_in_the_cache_and_follows_a_triage(client_for, secretariat, org):
    first, second = SupplyRequestFactory.create_batch(2, organisation=org, status=SupplyRequest.Status.SUBMITTED)
    client = client_for(secretariat)
    assert _reads_of("supply_supplyrequest", _queries(client, reverse("contact"))) == 1
    # Another staff user's pages read the same count from the cache (supply.selectors.TRIAGE_COUNT_SECONDS).
    colleague = client_for(UserFactory(username="colleague@example.com", is_staff=True))
    assert _reads_of("supply_supplyrequest", _queries(colleague, reverse("contact"))) == 0
    html = colleague.get(reverse("contact")).content.decode()
    assert '<span class="badge rounded-pill text-bg-danger">2</span>' in html
    supply_services.supply_request_transition(
        request=first, to_status=SupplyRequest.Status.APPROVED, actor=actor_for_user(secretariat)
    )
    html = client.get(reverse("contact")).content.decode()
    assert '<span class="badge rounded-pill text-bg-danger">1</span>' in html  # not the cached 2
    second.delete()
    assert "rounded-pill text-bg-danger" not in client.get(reverse("contact")).content.decode()


def test_the_count_never_counts_the_table_and_stops_at_99(client_for, secretariat, org):
    site = SiteFactory(organisation=org)
    SupplyRequestFactory.create_batch(100, organisation=org, site=site, status=SupplyRequest.Status.SUBMITTED)
    client = client_for(secretariat)
    sqls = _queries(client, reverse("contact"))
    assert not any("COUNT(" in sql.upper() for sql in sqls)
    assert (
        '<span class="badge rounded-pill text-bg-danger">99+</span>' in client.get(reverse("contact")).content.decode()
    )


def test_the_count_costs_one_query_whatever_the_number_of_notices(client_for, org, org_member):
    client = client_for(org_member)
    make_notice(requires_ack=True)
    small = len(_queries(client, reverse("contact")))
    for _ in range(20):
        make_notice(requires_ack=True)
    assert len(_queries(client, reverse("contact"))) == small


def test_visitors_pay_no_query_for_the_count(db):
    make_notice(requires_ack=True)
    sqls = _queries(Client(), reverse("contact"))
    assert _reads_of("notices_notice", sqls) == 0 and _reads_of("supply_supplyrequest", sqls) == 0


def test_nothing_waiting_shows_no_badge(client_for, org_member):
    html = client_for(org_member).get(reverse("contact")).content.decode()
    assert 'data-testid="nav-pending"' in html and "rounded-pill text-bg-danger" not in html


def test_the_count_drops_when_the_notice_is_acknowledged(client_for, org, org_member):
    notice = make_notice(requires_ack=True)
    client = client_for(org_member)
    client.post(reverse("start_acknowledge", args=[notice.pk]))
    assert "rounded-pill text-bg-danger" not in client.get(reverse("contact")).content.decode()


def test_the_admin_does_not_count(client_for, secretariat, org):
    SupplyRequestFactory(organisation=org, status=SupplyRequest.Status.SUBMITTED)
    sqls = _queries(client_for(secretariat), reverse("admin:index"))
    assert _reads_of("supply_supplyrequest", sqls) == 0
