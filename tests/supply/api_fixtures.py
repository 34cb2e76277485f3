"""Fixtures and clients of the supply API tests: the web tests' cast (a fab `org` in high-risk Wuhan with a user per
role, a supplier of photoresist and gases, another fab, the secretariat, requests in each state), plus API keys and
a partner organisation.

Import them into a test module with `from .api_fixtures import *`.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from members.models import ApiKey, Organisation
from supply import services
from supply.models import Commitment, SupplyRequest

from ..api_helpers import api_client, key_client
from ..members.factories import OrganisationFactory, make_api_key
from .web_fixtures import *  # noqa: F403
from .web_fixtures import __all__ as _web_fixtures

S = SupplyRequest.Status
C = Commitment.Status
TODAY = timezone.localdate

__all__ = [
    *_web_fixtures,
    "partner",
    "commitment",
    "accepted",
    "shipped",
    "supply_client",
    "new_request_body",
    "post",
    "S",
    "C",
    "TODAY",
    "ROLES",
    "FAB_ROLES",
    "FAB_WRITERS_API",
    "SUPPLIER_ROLES",
]

# Every caller of the supply API: the fab `org` (its users and keys), a supplier, another fab, a partner, the
# secretariat, a person without an organisation, nobody.
ROLES = [
    "secretariat",
    "org_admin",
    "org_member",
    "org_viewer",
    "read_key",
    "write_key",
    "supplier_user",
    "supplier_viewer",
    "supplier_key",
    "other_fab_user",
    "partner_key",
    "no_org_user",
    "anonymous",
]
FAB_ROLES = {"org_admin", "org_member", "org_viewer", "read_key", "write_key"}
FAB_WRITERS_API = {"org_admin", "org_member", "write_key"}
SUPPLIER_ROLES = {"supplier_user", "supplier_viewer", "supplier_key"}


@pytest.fixture
def partner(db) -> Organisation:
    return OrganisationFactory(
        kind=Organisation.Kind.LOGISTICS, name_en="Partner Logistics Co.", name_zh="伙伴物流有限公司"
    )


def supply_client(role: str, request) -> Client:
    """A client acting as `role` (see ROLES), answering in English."""
    if role == "supplier_key":
        _key, raw = make_api_key(request.getfixturevalue("supplier_org"), scope=ApiKey.Scope.WRITE, name=role)
        return key_client(raw)
    if role == "partner_key":
        _key, raw = make_api_key(request.getfixturevalue("partner"), scope=ApiKey.Scope.READ, name=role)
        return key_client(raw)
    return api_client(role, request)


def post(client: Client, path: str, data: dict | None = None, **headers):
    return client.post(path, data or {}, content_type="application/json", headers=headers or None)


def new_request_body(site, /, **overrides) -> dict:
    body = {
        "site": site.pk,
        "category": "photoresist",
        "material": "KrF photoresist",
        "specification": "KrF 248 nm",
        "un_number": "UN1866",
        "storage": "cold-chain",
        "quantity": "50",
        "unit": "L",
        "needed_by": (TODAY() + timedelta(days=20)).isoformat(),
        "days_of_stock": 2,
        "urgency": "critical",
        "justification": "Line 2 stops without it.",
    }
    body.update(overrides)
    return body


@pytest.fixture
def commitment(approved, supplier_actor) -> Commitment:
    """20 L of the approved request offered by the supplier, at a price with a note only the parties may see."""
    return services.commitment_create(
        request=approved,
        actor=supplier_actor,
        quantity=Decimal(20),
        expected_ship_date=TODAY() + timedelta(days=2),
        unit_price=Decimal("1250.00"),
        currency="CNY",
        notes="Price includes cold-chain freight.",
    )


@pytest.fixture
def accepted(commitment, qualified, fab_actor) -> Commitment:
    return services.commitment_accept(commitment=commitment, actor=fab_actor)


@pytest.fixture
def shipped(accepted, supplier_actor) -> Commitment:
    return services.commitment_ship(
        commitment=accepted, actor=supplier_actor, carrier="顺达物流", tracking_number="SD123", shipped_on=TODAY()
    )
