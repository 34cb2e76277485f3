"""An organisation that is not in good standing (suspended or withdrawn) writes nothing, through any door.

For every write of supply, its administrator (and its write-scope key) is refused by the service itself
(NotAllowed), by the web page (the 403 page), by the API (403; a key of such an organisation is not even
authenticated: 401) and, where a member could reach it, by the admin; and nothing is saved. One table of cases,
parametrized over the standing and the door, so a new write joins every door's test by one row.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from members.models import ApiKey, Organisation
from members.rules import actor_for_key, actor_for_user
from notices.models import Event
from supply import services
from supply.models import Commitment, Qualification, RequestTransition, SupplierCapacity, SupplyRequest

from ..api_helpers import key_client, login
from ..members.factories import make_api_key
from ..refusals import assert_refused, refused_by_service, suspended, withdrawn
from .factories import SupplierCapacityFactory, category
from .helpers import TODAY, S, new_request_body, request_fields, request_form_data

pytestmark = pytest.mark.django_db

STANDINGS = {"suspended": suspended, "withdrawn": withdrawn}
NOT_IN_GOOD_STANDING = "organisation_not_in_good_standing"
REQUESTS_API = "/api/v1/supply-requests/"
COMMITMENTS_API = "/api/v1/commitments/"

Get = Callable[[str], object]


@dataclass(frozen=True)
class Case:
    """One write: whose it is ("fab": tests/conftest.py's `org`; "supplier": `supplier_org`), the service call,
    and, where the door exists, the web page (url, form data) and the API call (method, url, body)."""

    party: str
    service: Callable[[Get, object], object]
    web: Callable[[Get], tuple[str, dict]] | None = None
    api: Callable[[Get], tuple[str, str, dict]] | None = None
    code: str = NOT_IN_GOOD_STANDING


def _url(name: str, *args) -> str:
    return reverse(f"supply:{name}", args=args)


def _commitment_url(name: str, commitment) -> str:
    return _url(name, commitment.request_id, commitment.pk)


def _transition(fixture: str, to_status: str, reason: str = ""):
    return lambda get, actor: services.supply_request_transition(
        request=get(fixture), to_status=to_status, actor=actor, reason=reason
    )


def _request_action(fixture: str, name: str, body: dict | None = None):
    return lambda get: ("post", f"{REQUESTS_API}{get(fixture).pk}/{name}/", body or {})


def _commitment_action(fixture: str, name: str, body: dict | None = None):
    return lambda get: ("post", f"{COMMITMENTS_API}{get(fixture).pk}/{name}/", body or {})


def _accepting(get: Get):
    get("qualified")  # so that only the standing stands in the way
    return get("commitment")


DELIVERY = {"received_quantity": "20", "delivered_on": TODAY().isoformat()}
SHIPMENT = {"carrier": "顺达物流", "tracking_number": "SD999", "shipped_on": TODAY().isoformat()}
CAPACITY = {"quantity_per_week": Decimal(100), "unit": "L", "lead_time_days": 3}

CASES: dict[str, Case] = {
    "create request": Case(
        "fab",
        lambda get, actor: services.supply_request_create(actor=actor, submit=True, **request_fields(get("fab_site"))),
        web=lambda get: (_url("request_create"), request_form_data(get("fab_site"))),
        api=lambda get: ("post", REQUESTS_API, new_request_body(get("fab_site"))),
    ),
    "edit draft": Case(
        "fab",
        lambda get, actor: services.supply_request_update(request=get("draft"), actor=actor, material="Changed"),
        web=lambda get: (_url("request_edit", get("draft").pk), request_form_data(get("fab_site"), action="save")),
        api=lambda get: ("patch", f"{REQUESTS_API}{get('draft').pk}/", {"material": "Changed"}),
    ),
    "submit draft": Case(
        "fab",
        _transition("draft", S.SUBMITTED),
        web=lambda get: (_url("request_submit", get("draft").pk), {}),
        api=_request_action("draft", "submit"),
    ),
    "cancel request": Case(
        "fab",
        _transition("submitted", S.CANCELLED, "No longer needed"),
        web=lambda get: (_url("request_cancel", get("submitted").pk), {"reason": "No longer needed"}),
        api=_request_action("submitted", "cancel", {"reason": "No longer needed"}),
    ),
    "close as fulfilled": Case(
        "fab",
        _transition("approved", S.FULFILLED),
        web=lambda get: (_url("request_close", get("approved").pk), {}),
        api=_request_action("approved", "fulfil"),
    ),
    "approve request": Case(
        "fab",
        _transition("submitted", S.APPROVED),
        web=lambda get: (_url("secretariat_approve", get("submitted").pk), {}),
        api=_request_action("submitted", "approve"),
    ),
    "reconfirm request": Case(
        "fab",
        lambda get, actor: services.supply_request_reconfirm(request=get("submitted"), actor=actor),
        web=lambda get: (_url("request_reconfirm", get("submitted").pk), {}),
        api=_request_action("submitted", "reconfirm"),
    ),
    "override priority": Case(
        "fab",
        lambda get, actor: services.supply_request_override_priority(
            request=get("submitted"), priority=900, reason="Line stops", actor=actor
        ),
        web=lambda get: (_url("secretariat_override", get("submitted").pk), {"priority": 900, "reason": "Line stops"}),
        api=_request_action("submitted", "override-priority", {"priority": 900, "reason": "Line stops"}),
        code="secretariat_only",
    ),
    "record qualification": Case(
        "fab",
        lambda get, actor: services.qualification_add(
            fab=get("org"), supplier=get("supplier_org"), category=category("photoresist"), actor=actor
        ),
        web=lambda get: (
            _url("qualification_add", get("submitted").pk),
            {"supplier": get("supplier_org").pk, "note": "Audit 2019"},
        ),
    ),
    "accept commitment": Case(
        "fab",
        lambda get, actor: services.commitment_accept(commitment=_accepting(get), actor=actor),
        web=lambda get: (_commitment_url("commitment_accept", _accepting(get)), {}),
        api=lambda get: ("post", f"{COMMITMENTS_API}{_accepting(get).pk}/accept/", {}),
    ),
    "decline commitment": Case(
        "fab",
        lambda get, actor: services.commitment_decline(commitment=get("commitment"), actor=actor, reason="Too late"),
        web=lambda get: (_commitment_url("commitment_decline", get("commitment")), {"reason": "Too late"}),
        api=_commitment_action("commitment", "decline", {"reason": "Too late"}),
    ),
    "confirm delivery": Case(
        "fab",
        lambda get, actor: services.commitment_deliver(
            commitment=get("shipped"), actor=actor, received_quantity=Decimal(20), delivered_on=TODAY()
        ),
        web=lambda get: (_commitment_url("commitment_deliver", get("shipped")), DELIVERY),
        api=_commitment_action("shipped", "deliver", DELIVERY),
    ),
    "commit supply": Case(
        "supplier",
        lambda get, actor: services.commitment_create(
            request=get("approved"), actor=actor, quantity=Decimal(20), expected_ship_date=TODAY() + timedelta(days=2)
        ),
        web=lambda get: (
            _url("supplier_request", get("approved").pk),
            {"quantity": "20", "expected_ship_date": (TODAY() + timedelta(days=2)).isoformat(), "currency": "CNY"},
        ),
        api=lambda get: (
            "post",
            COMMITMENTS_API,
            {"request": get("approved").pk, "quantity": "20", "expected_ship_date": TODAY().isoformat()},
        ),
    ),
    "ship commitment": Case(
        "supplier",
        lambda get, actor: services.commitment_ship(
            commitment=get("accepted"), actor=actor, carrier="顺达物流", tracking_number="SD999", shipped_on=TODAY()
        ),
        web=lambda get: (_url("commitment_ship", get("accepted").pk), SHIPMENT),
        api=_commitment_action("accepted", "ship", SHIPMENT),
    ),
    "withdraw commitment": Case(
        "supplier",
        lambda get, actor: services.commitment_withdraw(commitment=get("commitment"), actor=actor, reason="No stock"),
        web=lambda get: (_url("commitment_withdraw", get("commitment").pk), {"reason": "No stock"}),
        api=_commitment_action("commitment", "withdraw", {"reason": "No stock"}),
    ),
    "state capacity": Case(
        "supplier",
        lambda get, actor: services.capacity_save(actor=actor, category=category("photoresist"), **CAPACITY),
        web=lambda get: (
            _url("capacity_save"),
            {"category": "photoresist", "quantity_per_week": "100", "unit": "L", "lead_time_days": "3"},
        ),
    ),
    "confirm capacity": Case(
        "supplier",
        lambda get, actor: services.capacity_save(actor=actor, category=get("capacity").category, **CAPACITY),
        web=lambda get: (_url("capacity_confirm", get("capacity").pk), {}),
    ),
}
WEB_CASES = [name for name, case in CASES.items() if case.web is not None]
API_CASES = [name for name, case in CASES.items() if case.api is not None]


@pytest.fixture
def capacity(supplier_org):
    return SupplierCapacityFactory(supplier=supplier_org, category=category("photoresist"))


def _organisation(case: Case, get: Get) -> Organisation:
    return get("org") if case.party == "fab" else get("supplier_org")


def _admin_user(case: Case, get: Get):
    return get("org_admin") if case.party == "fab" else get("supplier_admin")


def _world() -> dict:
    """Every row a supply write could add or change (and the events it would raise), to prove none did."""
    models = (SupplyRequest, Commitment, SupplierCapacity, Qualification, RequestTransition, Event)
    return {
        model.__name__: [
            {k: v for k, v in row.items() if k != "updated_at"} for row in model.objects.order_by("pk").values()
        ]
        for model in models
    }


def _prepare(case: Case, request):
    """Builds what the write acts on (the doors' lambdas ask for their fixtures), the organisation's administrator
    and a write key, all while the organisation is still in good standing."""
    get = request.getfixturevalue
    for door in (case.web, case.api):
        if door is not None:
            door(get)
    user = _admin_user(case, get)
    key, raw_key = make_api_key(_organisation(case, get), scope=ApiKey.Scope.WRITE, name="erp")
    return get, user, key, raw_key


def _put_out_of_good_standing(case: Case, get: Get, standing: str) -> None:
    STANDINGS[standing](_organisation(case, get))


@pytest.mark.parametrize("standing", STANDINGS)
@pytest.mark.parametrize("name", CASES)
def test_the_service_refuses_an_organisation_not_in_good_standing(name, standing, request):
    case = CASES[name]
    get, user, key, _raw = _prepare(case, request)
    _put_out_of_good_standing(case, get, standing)
    before = _world()
    # Read afresh, as each request does: the fixtures' user object remembers its membership from before.
    person = actor_for_user(get_user_model().objects.get(pk=user.pk))
    for actor in (person, actor_for_key(ApiKey.objects.select_related("organisation").get(pk=key.pk))):
        with refused_by_service(case.code):
            case.service(get, actor)
        assert _world() == before


@pytest.mark.parametrize("standing", STANDINGS)
@pytest.mark.parametrize("name", WEB_CASES)
def test_the_web_page_refuses_an_organisation_not_in_good_standing(name, standing, request):
    case = CASES[name]
    get, user, _key, _raw = _prepare(case, request)
    url, data = case.web(get)
    _put_out_of_good_standing(case, get, standing)
    before = _world()

    response = login(user).post(url, data)

    assert_refused(response)
    assert _world() == before


@pytest.mark.parametrize("standing", STANDINGS)
@pytest.mark.parametrize("name", API_CASES)
def test_the_api_refuses_an_organisation_not_in_good_standing(name, standing, request):
    case = CASES[name]
    get, user, _key, raw_key = _prepare(case, request)
    method, url, body = case.api(get)
    _put_out_of_good_standing(case, get, standing)
    before = _world()
    client = login(user)
    headers = {"Idempotency-Key": f"{name}-{standing}"} if method == "post" else {}
    if method == "patch":
        headers["If-Match"] = client.get(url)["ETag"]

    response = getattr(client, method)(url, body, content_type="application/json", headers=headers)
    assert_refused(response)
    assert _world() == before

    # Its write key is not even let in: the authentication refuses keys of organisations not in good standing.
    response = getattr(key_client(raw_key), method)(url, body, content_type="application/json", headers=headers)
    assert_refused(response, status=401)
    assert _world() == before


def test_the_api_says_why_it_refuses_a_suspended_organisation(org, org_admin, fab_site):
    suspended(org)

    response = login(org_admin).post(REQUESTS_API, new_request_body(fab_site), content_type="application/json")

    assert_refused(response)
    assert "suspended" in response.json()["detail"]
    assert not SupplyRequest.objects.exists()


def test_the_web_page_says_why_it_refuses_a_withdrawn_organisation(org, org_admin, fab_site):
    withdrawn(org)

    response = login(org_admin).post(_url("request_create"), request_form_data(fab_site))

    assert_refused(response)
    assert "withdrawn" in response.content.decode()
    assert not SupplyRequest.objects.exists()


@pytest.mark.parametrize("standing", STANDINGS)
def test_a_suspended_or_withdrawn_fab_sees_no_write_buttons(standing, org, org_admin, submitted):
    STANDINGS[standing](org)

    response = login(org_admin).get(_url("request_detail", submitted.pk))

    assert response.status_code == 200
    assert response.context["can_write"] is False
    assert not response.context["can_cancel"]
    assert _url("request_cancel", submitted.pk) not in response.content.decode()


@pytest.mark.parametrize("standing", STANDINGS)
def test_the_admin_does_not_let_a_member_in_whatever_its_standing(standing, supplier_org, supplier_admin):
    STANDINGS[standing](supplier_org)
    data = {"supplier": supplier_org.pk, "category": category("photoresist").pk, **CAPACITY}

    response = login(supplier_admin).post(reverse("admin:supply_suppliercapacity_add"), data)

    assert_refused(response, status=302)
    assert response["Location"].startswith(reverse("admin:login"))
    assert not SupplierCapacity.objects.exists()
