"""Each site keeps the risk level of its city (members.risk), and whatever door changed the city's risk area or the
site, the supply requests delivered there show the level in force: in the API, the secretariat's queue and the
request's priority."""

import pytest
from django.core import serializers
from django.core.management import call_command
from django.test import Client

from members.models import RiskArea, RiskLevel, Site
from members.risk import refresh_site_risk_levels
from supply.models import SupplyRequest
from supply.services import priority_recompute_bulk

from ..supply.factories import SupplyRequestFactory
from .factories import RiskAreaFactory, SiteFactory

pytestmark = pytest.mark.django_db


def level(site: Site) -> str:
    return Site.objects.values_list("risk_level", flat=True).get(pk=site.pk)


def test_a_site_takes_its_citys_level_and_an_unlisted_city_is_low():
    RiskAreaFactory(province="hubei", city="武汉", level=RiskLevel.HIGH)
    listed = SiteFactory(province="hubei", city="武汉")
    unlisted = SiteFactory(province="jiangsu", city="无锡")
    assert level(listed) == RiskLevel.HIGH and listed.risk_level == RiskLevel.HIGH
    assert level(unlisted) == RiskLevel.LOW


def test_the_sites_of_a_city_follow_its_risk_area_when_it_changes_moves_or_goes():
    wuhan = SiteFactory(province="hubei", city="武汉")
    wuxi = SiteFactory(province="jiangsu", city="无锡")
    area = RiskAreaFactory(province="hubei", city="武汉", level=RiskLevel.MEDIUM)
    assert level(wuhan) == RiskLevel.MEDIUM and level(wuxi) == RiskLevel.LOW

    area.level = RiskLevel.HIGH
    area.save()
    assert level(wuhan) == RiskLevel.HIGH

    area.province, area.city = "jiangsu", "无锡"  # corrected: the area was Wuxi's
    area.save()
    assert level(wuhan) == RiskLevel.LOW and level(wuxi) == RiskLevel.HIGH

    area.delete()
    assert level(wuxi) == RiskLevel.LOW


def test_a_site_that_moves_takes_its_new_citys_level_even_saving_only_those_fields():
    RiskAreaFactory(province="hubei", city="武汉", level=RiskLevel.HIGH)
    site = SiteFactory(province="jiangsu", city="无锡")
    site.province, site.city = "hubei", "武汉"
    site.save(update_fields=["province", "city"])
    assert level(site) == RiskLevel.HIGH
    site.city = "无锡"
    site.province = "jiangsu"
    site.save()
    assert level(site) == RiskLevel.LOW


def test_bulk_written_sites_are_put_right_by_the_refresh():
    RiskAreaFactory(province="hubei", city="武汉", level=RiskLevel.HIGH)
    site = SiteFactory(province="jiangsu", city="无锡")
    Site.objects.filter(pk=site.pk).update(province="hubei", city="武汉")  # no signal
    assert level(site) == RiskLevel.LOW
    assert refresh_site_risk_levels() >= 1
    assert level(site) == RiskLevel.HIGH


def test_a_delisted_city_drops_the_risk_from_its_requests_everywhere(secretariat):
    area = RiskAreaFactory(province="hubei", city="武汉", level=RiskLevel.HIGH)
    site = SiteFactory(province="hubei", city="武汉")
    request = SupplyRequestFactory(organisation=site.organisation, site=site, status=SupplyRequest.Status.SUBMITTED)
    priority_recompute_bulk(province="hubei", city="武汉")  # scored, as submitting does
    request.refresh_from_db()
    assert any(part["factor"] == "risk" and part["value"] == "high" for part in request.priority_parts)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(secretariat)
    row = client.get(f"/api/v1/supply-requests/{request.pk}/").json()
    assert row["risk_level"] == "high"

    RiskArea.objects.get(pk=area.pk).delete()

    request.refresh_from_db()
    assert not any(part["factor"] == "risk" and part["value"] == "high" for part in request.priority_parts)
    assert client.get(f"/api/v1/supply-requests/{request.pk}/").json()["risk_level"] == "low"
    listed = client.get("/api/v1/supply-requests/").json()["results"]
    assert [r["risk_level"] for r in listed if r["id"] == request.pk] == ["low"]


def test_rows_loaded_raw_come_back_with_their_citys_level_in_either_order(tmp_path):
    """A backup's import loads rows raw (loaddata): an archive made before sites kept their level says nothing (or
    something stale) of it, and the sites may come before or after the areas."""
    area = RiskAreaFactory(province="hubei", city="武汉", level=RiskLevel.HIGH)
    site = SiteFactory(province="hubei", city="武汉")
    Site.objects.filter(pk=site.pk).update(risk_level=RiskLevel.LOW)  # as an old archive would have it
    stale_site = tmp_path / "site.json"
    stale_site.write_text(serializers.serialize("json", Site.objects.filter(pk=site.pk)), encoding="utf-8")
    call_command("loaddata", str(stale_site), verbosity=0)
    assert level(site) == RiskLevel.HIGH  # the site came after its area

    RiskArea.objects.filter(pk=area.pk).update(level=RiskLevel.MEDIUM)
    newer_area = tmp_path / "area.json"
    newer_area.write_text(serializers.serialize("json", RiskArea.objects.filter(pk=area.pk)), encoding="utf-8")
    call_command("loaddata", str(newer_area), verbosity=0)
    assert level(site) == RiskLevel.MEDIUM  # the area came after its site
