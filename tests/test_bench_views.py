"""The benchmark's bare `.values()` views (bench/api_floor.py) are not in the portal's URLs unless the benchmark's
server turns them on (API_BENCH_VIEWS): a deployment never serves them."""

import pytest
from django.conf import settings
from django.test import Client

from alliance_portal import urls as portal_urls

pytestmark = pytest.mark.django_db


def test_the_bare_views_are_off_by_default(secretariat):
    client = Client()
    client.force_login(secretariat)

    assert settings.API_BENCH_VIEWS is False
    assert not any("bench" in str(pattern.pattern) for pattern in portal_urls.urlpatterns)
    assert client.get("/bench/bare/supply-requests/").status_code == 404
