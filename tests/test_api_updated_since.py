"""`updated_since` on every list that has it: any date-time a caller can type is a 400 naming the parameter or a
result, never a 500 (PostgreSQL cannot hold an offset beyond ±15:59; years at the calendar's edge overflow)."""

import pytest

from alliance_portal.api_urls import router

from .api_helpers import api_client

pytestmark = pytest.mark.django_db

LISTS = sorted(
    f"/api/v1/{prefix}/"
    for prefix, viewset, _basename in router.registry
    if "updated_since" in getattr(getattr(viewset, "filterset_class", None), "base_filters", {})
)


def test_the_lists_with_updated_since_are_found():
    assert "/api/v1/organizations/" in LISTS and "/api/v1/notices/" in LISTS


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    "value",
    [
        "2026-01-01T00:00:00+16:00",
        "2026-01-01T00:00:00-23:59",
        "0001-01-01T00:00:00+15:00",
        "9999-12-31T23:59:59-15:00",
        "2026-13-40T99:99:99",
        "yesterday",
        "2026-01-01T00:00:00+08:00" + "0" * 5000,
    ],
)
def test_bad_or_extreme_times_are_a_400_naming_the_parameter(url, value, request):
    response = api_client("secretariat", request).get(url, {"updated_since": value})
    assert response.status_code == 400, (url, value, response.status_code)
    assert "updated_since" in response.json()


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("value", ["2026-01-01T00:00:00+15:59", "2020-02-01T08:00:00+08:00", "2020-02-01T00:00:00Z"])
def test_good_times_in_any_offset_are_answered(url, value, request):
    assert api_client("secretariat", request).get(url, {"updated_since": value}).status_code == 200
