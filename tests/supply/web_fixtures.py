"""Fixtures of the supply web page tests: a fab (tests/conftest.py's `org`, in Wuhan) with a user per role, a
supplier of photoresist, another fab, the secretariat, and requests in each state.

Import them into a test module with `from .web_fixtures import *`.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from members.models import Membership
from supply import services
from supply.models import SupplyRequest
from supply.services import Actor

from ..members.factories import MembershipFactory, RiskAreaFactory, SiteFactory
from .factories import FabFactory, QualificationFactory, SupplierFactory, category

S = SupplyRequest.Status

__all__ = [
    "_english",
    "fab_site",
    "fab_actor",
    "supplier_org",
    "supplier_user",
    "supplier_viewer",
    "supplier_actor",
    "other_fab",
    "other_fab_user",
    "secretariat_actor",
    "web_role",
    "draft",
    "submitted",
    "approved",
    "qualified",
    "request_fields",
    "snapshot",
    "WEB_ROLES",
    "FAB_WRITERS",
]


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English text; the Chinese catalogue must not change what they see."""


@pytest.fixture
def fab_site(org):
    RiskAreaFactory(province="hubei", city="武汉", city_en="Wuhan", level="high")
    return SiteFactory(organisation=org, name_zh="武汉一厂", name_en="Wuhan Fab 1", province="hubei", city="武汉")


@pytest.fixture
def fab_actor(org, org_admin):
    return Actor(user=org_admin, organisation=org)


@pytest.fixture
def supplier_org(db):
    return SupplierFactory(name_en="Jiangsu Resist Co.", name_zh="江苏光刻胶有限公司", supplies=["photoresist", "gas"])


@pytest.fixture
def supplier_user(supplier_org):
    return MembershipFactory(organisation=supplier_org, role=Membership.Role.MEMBER).user


@pytest.fixture
def supplier_viewer(supplier_org):
    return MembershipFactory(organisation=supplier_org, role=Membership.Role.VIEWER).user


@pytest.fixture
def supplier_actor(supplier_org, supplier_user):
    return Actor(user=supplier_user, organisation=supplier_org)


@pytest.fixture
def other_fab(db):
    return FabFactory(name_en="Shanghai Other Fab", name_zh="上海其他晶圆厂")


@pytest.fixture
def other_fab_user(other_fab):
    return MembershipFactory(organisation=other_fab, role=Membership.Role.ADMIN).user


@pytest.fixture
def secretariat_actor(secretariat):
    return Actor(user=secretariat, is_secretariat=True)


WEB_ROLES = ["secretariat", "org_admin", "org_member", "org_viewer", "supplier_user", "other_fab_user", "anonymous"]
FAB_WRITERS = {"org_admin", "org_member"}


@pytest.fixture(params=WEB_ROLES)
def web_role(request):
    """(role name, client) for each role of the supply pages in turn."""
    if request.param == "anonymous":
        return request.param, Client()
    client = Client()
    client.force_login(request.getfixturevalue(request.param))
    return request.param, client


def request_fields(site, **overrides) -> dict:
    fields = {
        "site": site,
        "category": category("photoresist"),
        "material": "KrF photoresist",
        "specification": "KrF 248 nm, 5 µm",
        "un_number": "UN1866",
        "storage": "cold-chain",
        "quantity": Decimal(50),
        "unit": "L",
        "needed_by": timezone.localdate() + timedelta(days=20),
        "days_of_stock": 2,
        "urgency": "critical",
        "justification": "Line 2 stops without it.",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def draft(fab_actor, fab_site):
    return services.supply_request_create(actor=fab_actor, submit=False, **request_fields(fab_site))


@pytest.fixture
def submitted(fab_actor, fab_site):
    return services.supply_request_create(actor=fab_actor, submit=True, **request_fields(fab_site))


@pytest.fixture
def approved(submitted, secretariat_actor):
    return services.supply_request_transition(request=submitted, to_status=S.APPROVED, actor=secretariat_actor)


@pytest.fixture
def qualified(org, supplier_org):
    """The fab has qualified the supplier for photoresist, so the fab can accept its offers."""
    return QualificationFactory(fab=org, supplier=supplier_org, category=category("photoresist"))


def snapshot(obj) -> dict:
    """Every stored field of a row, to prove a refused action changed nothing."""
    obj.refresh_from_db()
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname != "updated_at"}
