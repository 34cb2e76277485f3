import pytest

from members.models import MaterialCategory

from ..api_helpers import API_ROLES, api_client, login, query_count
from .factories import MaterialCategoryFactory

# Declared, not only reached through fixtures, so pytest-django orders these before transactional tests.
pytestmark = pytest.mark.django_db

LIST = "/api/v1/material-categories/"


@pytest.mark.parametrize("role", API_ROLES)
def test_everyone_signed_in_reads_the_seeded_categories(role, request):
    client = api_client(role, request)

    listed = client.get(LIST)
    one = client.get(f"{LIST}gas/")

    if role == "anonymous":
        assert listed.status_code == one.status_code == 401
        return
    assert listed.status_code == one.status_code == 200
    codes = [row["code"] for row in listed.json()["results"]]
    assert codes[:2] == ["wafer", "photoresist"]
    assert {"gas", "medical-mask", "thermometer"} <= set(codes)
    assert one.json() == {
        "code": "gas",
        "name_zh": "电子特种气体",
        "name_en": "Electronic specialty gases",
        "group": "material",
        "hazardous": True,
        "cold_chain": False,
        "default_unit": "瓶 cylinders",
        "sort_order": 40,
    }
    assert one["ETag"]


def test_filter_by_group(org_viewer):
    response = login(org_viewer).get(LIST, {"group": "emergency"})

    codes = {row["code"] for row in response.json()["results"]}
    assert "medical-mask" in codes
    assert "wafer" not in codes
    assert {row["group"] for row in response.json()["results"]} == {"emergency"}


def test_bad_group_is_400(org_viewer):
    response = login(org_viewer).get(LIST, {"group": "weapons"})

    assert response.status_code == 400
    assert "group" in response.json()


@pytest.mark.parametrize("role", ["secretariat", "org_admin", "write_key"])
def test_categories_are_read_only(role, request):
    client = api_client(role, request)

    created = client.post(LIST, {"code": "new", "name_zh": "新", "name_en": "New"}, content_type="application/json")
    changed = client.patch(f"{LIST}gas/", {"name_en": "Gases"}, content_type="application/json")
    deleted = client.delete(f"{LIST}gas/")

    assert (created.status_code, changed.status_code, deleted.status_code) == (405, 405, 405)
    assert not MaterialCategory.objects.filter(code="new").exists()
    assert MaterialCategory.objects.get(code="gas").name_en == "Electronic specialty gases"


def test_unknown_code_is_404(org_viewer):
    assert login(org_viewer).get(f"{LIST}unobtainium/").status_code == 404


def test_list_query_count_does_not_grow_with_rows(org_viewer):
    client = login(org_viewer)
    # 16 are seeded; a page of 50 holds them and the ones added here.
    few = query_count(client, LIST)
    MaterialCategoryFactory.create_batch(27)

    assert query_count(client, LIST) == few
    assert len(client.get(LIST, {"page_size": 200}).json()["results"]) == MaterialCategory.objects.count()
