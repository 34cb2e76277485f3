"""A service's refusal in the supply admin (ConflictError, NotAllowed, ValidationError), whether from an action or
a save, is an error message on the admin's page and nothing is saved: never a 500. And the admin's capacity and
qualification saves go through the services, which set what the secretariat does not type in."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alliance_portal.errors import ConflictError, NotAllowed
from supply import services
from supply.models import Qualification, SupplierCapacity, SupplyRequest

from ..api_helpers import login
from ..refusals import assert_admin_refused
from .factories import SupplierCapacityFactory, SupplierFactory, SupplyRequestFactory, category

pytestmark = pytest.mark.django_db
S = SupplyRequest.Status

REFUSALS = {
    "conflict": ConflictError("The record changed meanwhile.", code="conflict"),
    "not allowed": NotAllowed("Not for you.", code="not_allowed"),
    "invalid": ValidationError({"quantity_per_week": ["Too much."]}),
}


def _refusing(error):
    def service(**kwargs):
        raise error

    return service


@pytest.fixture
def admin(secretariat):
    return login(secretariat)


def _capacity_form(supplier, **changes) -> dict:
    return {
        "supplier": supplier.pk,
        "category": category("photoresist").pk,
        "quantity_per_week": "250",
        "unit": "L",
        "lead_time_days": "4",
        "notes": "by phone",
        **changes,
    }


@pytest.mark.parametrize("refusal", REFUSALS)
def test_a_refused_capacity_save_is_a_message_and_saves_nothing(admin, refusal, monkeypatch):
    monkeypatch.setattr(services, "capacity_save", _refusing(REFUSALS[refusal]))
    url = reverse("admin:supply_suppliercapacity_add")

    response = admin.post(url, _capacity_form(SupplierFactory()))

    assert response.status_code == 302 and response["Location"] == url
    assert_admin_refused(response, admin)
    assert not SupplierCapacity.objects.exists()


@pytest.mark.parametrize("refusal", REFUSALS)
def test_a_refused_qualification_save_is_a_message_and_saves_nothing(admin, refusal, monkeypatch):
    monkeypatch.setattr(services, "qualification_add", _refusing(REFUSALS[refusal]))
    data = {
        "fab": SupplyRequestFactory().organisation.pk,
        "supplier": SupplierFactory().pk,
        "category": category("photoresist").pk,
        "qualified_on": timezone.localdate().isoformat(),
    }

    response = admin.post(reverse("admin:supply_qualification_add"), data)

    assert_admin_refused(response, admin)
    assert not Qualification.objects.exists()


@pytest.mark.parametrize("refusal", REFUSALS)
def test_a_refused_action_is_a_message_and_changes_nothing(admin, refusal, monkeypatch):
    monkeypatch.setattr(services, "supply_request_transition", _refusing(REFUSALS[refusal]))
    supply_request = SupplyRequestFactory(status=S.SUBMITTED)

    response = admin.post(
        reverse("admin:supply_supplyrequest_changelist"),
        {"action": "approve_selected", "_selected_action": [supply_request.pk], "index": 0},
    )

    assert_admin_refused(response, admin)
    supply_request.refresh_from_db()
    assert supply_request.status == S.SUBMITTED


def test_the_secretariat_records_capacity_through_the_service_which_confirms_it_now(admin, secretariat):
    old = timezone.now() - timedelta(days=30)
    capacity = SupplierCapacityFactory(confirmed_at=old)
    url = reverse("admin:supply_suppliercapacity_change", args=[capacity.pk])
    # "Last confirmed" is not typed in: a posted one is ignored; the service sets it.
    data = _capacity_form(capacity.supplier, confirmed_at_0="2019-01-01", confirmed_at_1="09:00:00")

    response = admin.post(url, data)

    assert response.status_code == 302
    capacity.refresh_from_db()
    assert capacity.quantity_per_week == Decimal(250) and capacity.notes == "by phone"
    assert capacity.confirmed_at > timezone.now() - timedelta(minutes=1)
    assert not capacity.is_stale
    assert capacity.history.latest().history_user == secretariat


def test_the_admin_cannot_move_a_capacity_to_another_supplier(admin):
    capacity = SupplierCapacityFactory()
    other = SupplierFactory()

    admin.post(
        reverse("admin:supply_suppliercapacity_change", args=[capacity.pk]), _capacity_form(other, notes="moved")
    )

    capacity.refresh_from_db()
    assert capacity.supplier_id != other.pk
    assert SupplierCapacity.objects.count() == 1


def test_capacity_stated_by_the_secretariat_for_a_non_supplier_is_refused(secretariat_actor, org):
    with pytest.raises(ValidationError):
        services.capacity_save(
            actor=secretariat_actor,
            supplier=org,
            category=category("photoresist"),
            quantity_per_week=Decimal(1),
            unit="L",
            lead_time_days=1,
        )
    assert not SupplierCapacity.objects.exists()
