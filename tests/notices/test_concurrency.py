"""Acknowledgement under concurrency, on PostgreSQL: colleagues of one organisation clicking at the same moment
(through the web and the API) leave one acknowledgement, and every one of them gets an answer, never a 500.
SQLite serialises every write, so only PostgreSQL (CI) can show the race."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from members.models import ApiKey, Membership, Organisation
from notices.models import Acknowledgement

from ..api_helpers import key_client, login
from ..members.factories import MembershipFactory, OrganisationFactory, make_api_key
from .factories import make_notice

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writers on separate connections: SQLite serialises them (CI runs PostgreSQL)",
    ),
    pytest.mark.django_db(transaction=True),
]

COLLEAGUES = 12


def _post(client, url):
    try:
        return client.post(url).status_code
    finally:
        connections.close_all()


def test_colleagues_acknowledging_at_once_leave_one_acknowledgement():
    organisation = OrganisationFactory(kind=Organisation.Kind.FAB, province="hubei")
    notice = make_notice(audience_kind="provinces", provinces=["hubei"], requires_ack=True)
    clients = [
        login(MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user) for _ in range(COLLEAGUES)
    ]
    _key, raw = make_api_key(organisation, scope=ApiKey.Scope.WRITE)
    web_url = f"/notices/{notice.pk}/acknowledge/"
    api_url = f"/api/v1/notices/{notice.pk}/acknowledge/"
    with ThreadPoolExecutor(max_workers=8) as pool:
        calls = [pool.submit(_post, client, web_url) for client in clients]
        calls += [pool.submit(_post, key_client(raw), api_url) for _ in range(4)]
        statuses = [call.result() for call in calls]
    assert statuses.count(302) == COLLEAGUES and statuses.count(200) == 4, statuses
    assert Acknowledgement.objects.filter(notice=notice, organisation=organisation).count() == 1
