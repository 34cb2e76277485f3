"""An empty value means the same wherever it is sent, and the schema says so.

- A filter of an API list given empty (`?status=`) is a 400 naming it, on every list (alliance_portal.filters
  .StrictFilterBackend); leaving a filter out is how not to filter. The schema leaves "" out of every filter
  parameter (an enum, a format, or minLength 1).
- An empty value in a form body is what "" is in a JSON body (alliance_portal.api.refuse_empty_form_values): refused
  by a field that takes no "" (`organization=`), kept by one that may be blank.
- An answer's text that may be empty (`website`) is documented as its format or "".
"""

import re
from urllib.parse import urlencode

import pytest
from django.test import Client

from alliance_portal.api_urls import router
from alliance_portal.filters import IdFilter

from .api_helpers import ENGLISH, login

pytestmark = pytest.mark.django_db

FILTERS = sorted(
    (f"/api/v1/{prefix}/", name)
    for prefix, viewset, _basename in router.registry
    for name in getattr(getattr(viewset, "filterset_class", None), "base_filters", {})
)


def test_the_filters_are_found():
    assert ("/api/v1/appeals/", "status") in FILTERS and ("/api/v1/status-reports/", "date_from") in FILTERS
    assert len(FILTERS) > 40


@pytest.mark.parametrize(("url", "name"), FILTERS)
def test_an_empty_filter_is_a_400_naming_it(url, name, secretariat):
    response = login(secretariat).get(url, {name: ""})

    assert response.status_code == 400, (url, name, response.content)
    assert name in response.json()


@pytest.fixture(scope="module")
def schema():
    return Client(headers=ENGLISH).get("/api/schema/", {"format": "json"}).json()


def test_no_filter_parameter_of_the_schema_takes_an_empty_value(schema):
    loose = []
    for url, name in FILTERS:
        parameters = {p["name"]: p for p in schema["paths"][url]["get"]["parameters"]}
        spec = parameters[name]["schema"]
        if spec.get("type") == "string" and not ({"enum", "format", "pattern", "minLength"} & set(spec)):
            loose.append((url, name))
    assert loose == []


def test_a_text_answered_empty_is_documented_as_a_url_or_empty(schema):
    website = schema["components"]["schemas"]["Organization"]["properties"]["website"]

    assert website["oneOf"] == [{"type": "string", "format": "uri"}, {"type": "string", "maxLength": 0}]


def test_a_decimal_needs_a_digit(schema):
    pattern = re.compile(schema["components"]["schemas"]["CommitmentWriteRequest"]["properties"]["quantity"]["pattern"])

    assert [v for v in ["", "-", ".", "-.", "1", "1.5", ".5", "-2.125", "12345678901.123"] if pattern.match(v)] == [
        "1",
        "1.5",
        ".5",
        "-2.125",
        "12345678901.123",
    ]
    assert not pattern.match("123456789012") and not pattern.match("1.1234")


SITE = {"name_zh": "二号工厂", "name_en": "Plant 2", "kind": "plant", "province": "hubei", "city": "武汉"}


@pytest.mark.parametrize("encoding", ["form", "multipart", "json"])
def test_an_empty_organization_is_refused_in_every_encoding(encoding, org_admin):
    body = {**SITE, "organization": ""}
    client = login(org_admin)
    if encoding == "json":
        response = client.post("/api/v1/sites/", body, content_type="application/json")
    elif encoding == "form":
        response = client.post("/api/v1/sites/", urlencode(body), content_type="application/x-www-form-urlencoded")
    else:
        response = client.post("/api/v1/sites/", body)

    assert response.status_code == 400, response.content
    assert "organization" in response.json()


def test_a_form_leaving_the_organization_out_or_a_blank_text_empty_is_accepted(org_admin, org):
    response = login(org_admin).post("/api/v1/sites/", {**SITE, "address": ""})

    assert response.status_code == 201, response.content
    assert response.json()["organization"] == org.slug
    assert response.json()["address"] == ""


@pytest.mark.parametrize("url", ["/api/v1/status-reports/", "/api/v1/supply-requests/", "/api/v1/organizations/"])
def test_a_page_beyond_what_the_database_can_count_is_a_404(url, secretariat):
    # Found by the fuzz test: an OFFSET past 64 bits was a database error answered as 409.
    response = login(secretariat).get(url, {"page": "3825629438845149174", "page_size": "16"})

    assert response.status_code == 404, response.content


ID_FILTERS = sorted(
    (f"/api/v1/{prefix}/", name)
    for prefix, viewset, _basename in router.registry
    for name, found in getattr(getattr(viewset, "filterset_class", None), "base_filters", {}).items()
    if isinstance(found, IdFilter)
)


def test_the_id_filters_are_found():
    assert {("/api/v1/pledges/", "appeal"), ("/api/v1/commitments/", "request")} <= set(ID_FILTERS)


@pytest.mark.parametrize(("url", "name"), ID_FILTERS)
@pytest.mark.parametrize("value", ["1.5", "2.16e+252", "0", "-3", str(2**63)])
def test_an_id_filter_takes_only_a_whole_number_a_record_can_have(url, name, value, secretariat):
    response = login(secretariat).get(url, {name: value})

    assert response.status_code == 400, (url, name, value, response.content)
    assert name in response.json()


@pytest.mark.parametrize(("url", "name"), ID_FILTERS)
def test_the_schema_says_an_id_filter_is_a_bounded_integer(url, name, schema):
    parameters = {p["name"]: p for p in schema["paths"][url]["get"]["parameters"]}
    assert parameters[name]["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
