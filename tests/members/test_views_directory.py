"""The member directory: active members' public profiles, for signed-in users, never their private details."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import MaterialCategory, Organisation

from .factories import ContactFactory, OrganisationFactory

DIRECTORY = "/directory/"


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English text; the Chinese catalogue must not change what they see."""


def _category(code: str) -> MaterialCategory:
    return MaterialCategory.objects.get(code=code)


def test_directory_for_each_role(role_client, org, other_org):
    role, client = role_client
    response = client.get(DIRECTORY)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        return
    assert response.status_code == 200
    content = response.content.decode()
    assert org.name_zh in content and other_org.name_zh in content


def test_directory_refuses_post(client_for, org_member):
    assert client_for(org_member).post(DIRECTORY).status_code == 405


def test_directory_lists_only_active_members(client_for, org_member):
    for status in ("pending", "suspended", "withdrawn"):
        OrganisationFactory(name_en=f"Hidden {status} Co.", status=status)
    content = client_for(org_member).get(DIRECTORY).content.decode()
    assert "Hidden" not in content


def test_directory_never_shows_private_details(client_for, org, other_org, org_member):
    other_org.address = "浦东新区张江路 1 号"
    other_org.save()
    contact = ContactFactory(organisation=other_org, email="private.person@example.com", mobile="13912345678")
    for url in (DIRECTORY, reverse("members:directory_detail", args=[other_org.slug])):
        content = client_for(org_member).get(url).content.decode()
        assert other_org.name_zh in content
        assert other_org.credit_code not in content
        assert org.credit_code not in content
        assert other_org.address not in content
        assert contact.email not in content
        assert contact.mobile not in content
        assert contact.name not in content


def test_directory_shows_kind_location_and_categories(client_for, org, org_member):
    org.categories_consumed.add(_category("photoresist"))
    content = client_for(org_member).get(DIRECTORY).content.decode()
    assert "IC manufacturer (fab)" in content
    assert "Hubei · Wuhan" in content
    assert "Photoresists and ancillary reagents" in content


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"kind": "fab"}, "Wuhan Test Fab Co.", "Shanghai Other Materials Co."),
        ({"province": "shanghai"}, "Shanghai Other Materials Co.", "Wuhan Test Fab Co."),
        ({"q": "晶圆"}, "Wuhan Test Fab Co.", "Shanghai Other Materials Co."),
        ({"q": "other materials"}, "Shanghai Other Materials Co.", "Wuhan Test Fab Co."),
        ({"category": "gas"}, "Shanghai Other Materials Co.", "Wuhan Test Fab Co."),
        ({"category": "photoresist"}, "Wuhan Test Fab Co.", "Shanghai Other Materials Co."),
    ],
)
def test_directory_filters(client_for, org, other_org, org_member, query, shown, hidden):
    other_org.categories_supplied.add(_category("gas"))
    org.categories_consumed.add(_category("photoresist"))
    response = client_for(org_member).get(DIRECTORY, query)
    # The listing, below the page's heading (the print header above it names the reader's own organisation).
    content = response.content.decode().split("<h1", 1)[1]
    assert shown in content
    assert hidden not in content


def test_organisation_supplying_and_consuming_a_category_is_listed_once(client_for, org, org_member):
    org.categories_supplied.add(_category("wafer"))
    org.categories_consumed.add(_category("wafer"))
    response = client_for(org_member).get(DIRECTORY, {"category": "wafer"})
    assert list(response.context["page_obj"]) == [org]


def test_bad_filter_value_is_shown_not_crashed(client_for, org, org_member):
    response = client_for(org_member).get(DIRECTORY, {"kind": "spaceship", "category": "nope"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="id_kind_error"' in content
    assert org.name_zh in content  # the bad filters are ignored, not applied as "nothing"


def test_directory_is_paginated_and_pages_keep_the_filters(client_for, org_member):
    OrganisationFactory.create_batch(30, kind=Organisation.Kind.SUPPLIER)
    client = client_for(org_member)
    first = client.get(DIRECTORY, {"kind": "supplier"})
    assert len(first.context["page_obj"]) == 25
    assert "30 organisations" in first.content.decode()
    assert "?kind=supplier&amp;page=2" in first.content.decode()
    second = client.get(DIRECTORY, {"kind": "supplier", "page": 2})
    assert len(second.context["page_obj"]) == 5
    assert client.get(DIRECTORY, {"page": "999"}).status_code == 200


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_directory_query_count_does_not_grow_with_organisations(client_for, org_member):
    categories = list(MaterialCategory.objects.all()[:4])

    def add(n):
        for organisation in OrganisationFactory.create_batch(n):
            organisation.categories_supplied.add(*categories[:2])
            organisation.categories_consumed.add(*categories[2:])

    client = client_for(org_member)
    add(2)  # with org: 3 organisations
    with_3 = _count_queries(client, DIRECTORY)
    add(27)
    with_30 = _count_queries(client, DIRECTORY)
    assert with_3 == with_30


# --- one organisation's public profile --------------------------------------------------------------------------


def test_directory_detail_for_each_role(role_client, other_org):
    role, client = role_client
    other_org.description_en = "We make specialty gases."
    other_org.website = "https://gas.example.com"
    other_org.save()
    response = client.get(reverse("members:directory_detail", args=[other_org.slug]))
    if role == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    content = response.content.decode()
    assert other_org.name_en in content
    assert "We make specialty gases." in content
    assert "https://gas.example.com" in content


@pytest.mark.parametrize("status", ["pending", "suspended", "withdrawn"])
def test_inactive_organisation_is_not_found_for_members(client_for, org_member, secretariat, status):
    hidden = OrganisationFactory(status=status)
    url = reverse("members:directory_detail", args=[hidden.slug])
    assert client_for(org_member).get(url).status_code == 404
    staff_view = client_for(secretariat).get(url)
    assert staff_view.status_code == 200
    assert hidden.get_status_display() in staff_view.content.decode()


def test_unknown_slug_is_not_found(client_for, org_member):
    assert client_for(org_member).get(reverse("members:directory_detail", args=["no-such-org"])).status_code == 404


def test_directory_detail_refuses_post(client_for, org_member, org):
    assert client_for(org_member).post(reverse("members:directory_detail", args=[org.slug])).status_code == 405
