"""The rules that live on the models: what is open, stale and closed is said once (the querysets) and the row's
properties agree with it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from supply.models import SupplierCapacity, SupplyRequest

from .factories import SupplierCapacityFactory, SupplyRequestFactory

pytestmark = pytest.mark.django_db
S = SupplyRequest.Status


def _ago(days: float):
    return timezone.now() - timedelta(days=days)


def test_a_request_is_stale_in_the_list_exactly_when_it_is_stale_on_its_own(settings):
    settings.SUPPLY_STALE_AFTER_DAYS = 7
    rows = [
        SupplyRequestFactory(status=status, confirmed_at=confirmed)
        for status in S.values
        for confirmed in (_ago(1), _ago(6.9), _ago(7.1), _ago(30), None)
    ]

    stale = set(SupplyRequest.objects.stale().values_list("pk", flat=True))

    assert stale == {r.pk for r in rows if r.is_stale}
    expected = {
        r.pk for r in rows if r.status in (S.SUBMITTED, S.APPROVED) and r.confirmed_at and r.confirmed_at < _ago(7)
    }
    assert stale == expected and len(expected) == 4
    assert set(SupplyRequest.objects.not_stale().values_list("pk", flat=True)) == {r.pk for r in rows} - stale


def test_open_and_closed_are_said_once_and_the_rows_agree():
    rows = [SupplyRequestFactory(status=status) for status in S.values]

    assert {r.status for r in SupplyRequest.objects.open()} == {S.SUBMITTED, S.APPROVED}
    assert {r.status for r in SupplyRequest.objects.not_open()} == set(S.values) - {S.SUBMITTED, S.APPROVED}
    assert {r.status for r in SupplyRequest.objects.not_closed()} == {S.DRAFT, S.SUBMITTED, S.APPROVED}
    assert {r.status for r in rows if r.is_open} == {S.SUBMITTED, S.APPROVED}
    assert {r.status for r in rows if r.is_closed} == {S.REJECTED, S.CANCELLED, S.FULFILLED}


def test_capacity_is_stale_in_the_list_exactly_when_it_is_stale_on_its_own(settings):
    settings.SUPPLY_CAPACITY_STALE_AFTER_DAYS = 14
    rows = [SupplierCapacityFactory(confirmed_at=_ago(days)) for days in (0, 13.9, 14.1, 40)]

    stale = set(SupplierCapacity.objects.stale().values_list("pk", flat=True))

    assert stale == {c.pk for c in rows if c.is_stale} == {rows[2].pk, rows[3].pk}
    assert set(SupplierCapacity.objects.fresh().values_list("pk", flat=True)) == {rows[0].pk, rows[1].pk}
