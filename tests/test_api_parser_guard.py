"""Any body gets a 4xx with the error format, never a 500: nesting, size, encodings."""

import pytest

from alliance_portal.api_urls import router
from alliance_portal.parsers import json_depth

from .api_helpers import api_client

pytestmark = pytest.mark.django_db

DEEP = ("[" * 2000 + "]" * 2000).encode()
# Every collection that takes a POST, from the router itself: a new endpoint is covered without editing this test.
POSTABLE = sorted(f"/api/v1/{prefix}/" for prefix, viewset, basename in router.registry if hasattr(viewset, "create"))


def test_depth_is_measured_without_decoding_and_ignores_brackets_in_strings():
    assert json_depth(b'{"a": [1, {"b": []}]}') == 4
    assert json_depth(b'{"a": "[[[[[[[[[[[[[[[["}') == 1
    assert json_depth(b'["\\"[[[["]') == 1
    assert json_depth(DEEP) == 2000


@pytest.mark.parametrize("url", POSTABLE)
@pytest.mark.parametrize("role", ["secretariat", "org_admin", "write_key"])
def test_a_body_nested_2000_deep_is_a_4xx_naming_the_limit(url, role, request):
    client = api_client(role, request)
    response = client.post(url, DEEP, content_type="application/json")
    # The caller's right is checked first (a 403 for a role that cannot create here), then the body.
    assert response.status_code in (400, 403), (url, response.status_code, response.content[:200])
    if response.status_code == 400:
        assert "nested deeper than 32" in response.json()["detail"]


def test_the_secretariat_posting_a_deep_body_gets_the_nesting_message(request):
    client = api_client("secretariat", request)
    for url in ("/api/v1/risk-areas/", "/api/v1/notices/", "/api/v1/organizations/"):
        response = client.post(url, DEEP, content_type="application/json")
        assert response.status_code == 400, (url, response.content[:200])
        assert "nested deeper than 32" in response.json()["detail"]


def test_a_signed_in_browser_posting_a_deep_body_to_an_action_gets_a_400_not_a_500(request, org):
    """Session authentication parses the body for its CSRF check even on an action that takes none."""
    client = api_client("org_admin", request)
    client.handler.enforce_csrf_checks = True
    response = client.post("/api/v1/organizations/", DEEP, content_type="application/json")
    assert response.status_code in (400, 403)
    assert response.status_code != 500


def test_a_body_over_the_size_limit_is_a_400(request, settings):
    settings.API_JSON_MAX_BYTES = 1000
    client = api_client("secretariat", request)
    body = b'{"name_zh": "' + b"x" * 2000 + b'"}'
    response = client.post("/api/v1/risk-areas/", body, content_type="application/json")
    assert response.status_code == 400
    assert "larger than 1000 bytes" in response.json()["detail"]


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b'{"city": "\xff\xfe"}', "application/json"),
        ('{"city": "武汉"}'.encode("gb18030"), "application/json"),
        (b'{"city": "x"}', "application/json; charset=no-such-codec"),
        (b'{"city": NaN}', "application/json"),
        (b'{"city": 1' + b"0" * 5000 + b"}", "application/json"),
        (b"{not json", "application/json"),
    ],
)
def test_undecodable_or_invalid_bodies_are_a_400(request, body, content_type):
    client = api_client("secretariat", request)
    # generic() sends the bytes as they are, whatever the declared charset.
    response = client.generic("POST", "/api/v1/risk-areas/", body, content_type=content_type)
    assert response.status_code == 400, response.content[:300]
    # The error format: a detail, or (an unknown charset is ignored and the body read as UTF-8) field errors.
    assert isinstance(response.json(), dict) and response.json()


def test_an_ordinary_body_still_works(request):
    client = api_client("secretariat", request)
    response = client.post(
        "/api/v1/risk-areas/",
        {"province": "HB", "city": "武汉", "city_en": "Wuhan", "level": "high", "effective_date": "2020-01-23"},
        content_type="application/json",
    )
    assert response.status_code in (201, 400), response.content
    assert response.status_code != 500
