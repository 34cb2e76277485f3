"""Search (`q`) in the secretariat's and the supplier's queues and in the notice lists: every word must match, in
either language, the request's number too; the number of queries does not grow with the rows; nobody finds what
the list would not show them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notices.models import Notice

from .notices.factories import make_notice
from .supply.factories import SupplierFactory, SupplyRequestFactory, category

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}


def listed(page: str, names) -> set[str]:
    return {name for name in names if name in page}


@pytest.fixture
def requests_():
    argon = SupplyRequestFactory(material="Argon 6N", category=category("gas"), un_number="UN1006")
    resist = SupplyRequestFactory(material="KrF photoresist", category=category("photoresist"))
    return argon, resist


def test_secretariat_queue_search(client_for, secretariat, requests_):
    argon, resist = requests_
    client = client_for(secretariat)
    url = reverse("supply:secretariat_queue")
    names = ["Argon 6N", "KrF photoresist"]
    assert listed(client.get(url, {"q": "argon"}, headers=EN).content.decode(), names) == {"Argon 6N"}
    assert listed(client.get(url, {"q": "UN1006"}, headers=EN).content.decode(), names) == {"Argon 6N"}
    assert listed(client.get(url, {"q": f"#{resist.pk}"}, headers=EN).content.decode(), names) == {"KrF photoresist"}
    # Every word must match: the fab's name and the material together.
    fab = argon.organisation.name_en
    assert listed(client.get(url, {"q": f"{fab.split()[0]} argon"}).content.decode(), names) == {"Argon 6N"}
    assert listed(client.get(url, {"q": "nothing-like-this"}).content.decode(), names) == set()
    page = client.get(url, {"q": "argon"}).content.decode()
    assert 'name="q"' in page and 'value="argon"' in page


def test_supplier_queue_search_stays_in_its_categories(client_for, requests_):
    argon, _resist = requests_
    from members.models import Membership

    from .members.factories import MembershipFactory

    supplier = SupplierFactory(supplies=["photoresist"])
    user = MembershipFactory(organisation=supplier, role=Membership.Role.MEMBER).user
    client = client_for(user)
    url = reverse("supply:supplier_queue")
    names = ["Argon 6N", "KrF photoresist"]
    assert listed(client.get(url, {"q": "KrF"}).content.decode(), names) == {"KrF photoresist"}
    # Argon is not in its categories: a search does not reach it.
    assert listed(client.get(url, {"q": "argon"}).content.decode(), names) == set()
    assert listed(client.get(url, {"q": f"#{argon.pk}"}).content.decode(), names) == set()


def test_queue_search_queries_do_not_grow_with_rows(client_for, secretariat):
    client = client_for(secretariat)
    url = reverse("supply:secretariat_queue")
    SupplyRequestFactory(material="Argon A")
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"q": "argon"})
    for index in range(6):
        SupplyRequestFactory(material=f"Argon {index}")
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"q": "argon"})
    assert len(many) == len(few)


def test_notice_list_search(client_for, org_member, secretariat):
    make_notice(title_en="Argon shortage", title_zh="氩气短缺", body_en="Report stocks")
    make_notice(title_en="Holiday hours", title_zh="假期安排", body_en="Office closed")
    names = ["Argon shortage", "Holiday hours", "氩气短缺", "假期安排"]
    client = client_for(org_member)
    url = reverse("notices:list")
    assert listed(client.get(url, {"q": "argon"}, headers=EN).content.decode(), names) == {"Argon shortage"}
    assert listed(client.get(url, {"q": "氩气"}, headers=EN).content.decode(), names) == {"Argon shortage"}
    assert listed(client.get(url, {"q": "closed"}, headers=EN).content.decode(), names) == {"Holiday hours"}
    manage = client_for(secretariat).get(reverse("notices:manage"), {"q": "holiday"}, headers=EN).content.decode()
    assert listed(manage, names) == {"Holiday hours"}


def test_notice_search_finds_nothing_the_member_may_not_see(client_for, org_member, other_org):
    make_notice(title_en="Only for another", audience_kind=Notice.Audience.ORGANISATIONS, organisations=[other_org])
    page = client_for(org_member).get(reverse("notices:list"), {"q": "another"}, headers=EN).content.decode()
    assert "Only for another" not in page


def test_notice_search_queries_do_not_grow_with_rows(client_for, org_member):
    client = client_for(org_member)
    url = reverse("notices:list")
    make_notice(title_en="Argon 0")
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"q": "argon"})
    for index in range(6):
        make_notice(title_en=f"Argon {index + 1}")
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"q": "argon"})
    assert len(many) == len(few)
