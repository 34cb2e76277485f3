"""Fixtures of the supply tests: a fab (tests/conftest.py's `org`, in high-risk Wuhan) with a user per role, a
supplier of photoresist and gases, another fab, a partner, the secretariat, and requests and commitments in each
state. Helpers that are not fixtures (roles, request bodies, clients) are in helpers.py."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from members.models import Membership, Organisation
from members.rules import Actor, actor_for_user
from supply import services
from supply.models import Commitment

from ..members.factories import MembershipFactory, OrganisationFactory, RiskAreaFactory, SiteFactory
from .factories import FabFactory, QualificationFactory, SupplierFactory, category
from .helpers import TODAY, WEB_ROLES, S, request_fields


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English text; the Chinese catalogue must not change what they see."""


@pytest.fixture
def fab_site(org):
    RiskAreaFactory(province="hubei", city="武汉", city_en="Wuhan", level="high")
    return SiteFactory(organisation=org, name_zh="武汉一厂", name_en="Wuhan Fab 1", province="hubei", city="武汉")


@pytest.fixture
def fab_actor(org, org_admin) -> Actor:
    return actor_for_user(org_admin)


@pytest.fixture
def supplier_org(db):
    return SupplierFactory(name_en="Jiangsu Resist Co.", name_zh="江苏光刻胶有限公司", supplies=["photoresist", "gas"])


@pytest.fixture
def supplier_user(supplier_org):
    return MembershipFactory(organisation=supplier_org, role=Membership.Role.MEMBER).user


@pytest.fixture
def supplier_admin(supplier_org):
    return MembershipFactory(organisation=supplier_org, role=Membership.Role.ADMIN).user


@pytest.fixture
def supplier_viewer(supplier_org):
    return MembershipFactory(organisation=supplier_org, role=Membership.Role.VIEWER).user


@pytest.fixture
def supplier_actor(supplier_org, supplier_user) -> Actor:
    return actor_for_user(supplier_user)


@pytest.fixture
def other_fab(db):
    return FabFactory(name_en="Shanghai Other Fab", name_zh="上海其他晶圆厂")


@pytest.fixture
def other_fab_user(other_fab):
    return MembershipFactory(organisation=other_fab, role=Membership.Role.ADMIN).user


@pytest.fixture
def secretariat_actor(secretariat) -> Actor:
    return actor_for_user(secretariat)


@pytest.fixture
def partner(db) -> Organisation:
    return OrganisationFactory(
        kind=Organisation.Kind.LOGISTICS, name_en="Partner Logistics Co.", name_zh="伙伴物流有限公司"
    )


@pytest.fixture(params=WEB_ROLES)
def web_role(request):
    """(role name, client) for each role of the supply pages in turn."""
    if request.param == "anonymous":
        return request.param, Client()
    client = Client()
    client.force_login(request.getfixturevalue(request.param))
    return request.param, client


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


# --- commitments' shipments: a logistics member that carries them -------------------------------------------------


@pytest.fixture
def carrier_org(db) -> Organisation:
    return OrganisationFactory(
        kind=Organisation.Kind.LOGISTICS, name_en="Shunda Test Logistics", name_zh="顺达测试物流", slug="shunda-test"
    )


@pytest.fixture
def carrier_user(carrier_org):
    return MembershipFactory(organisation=carrier_org, role=Membership.Role.MEMBER).user


@pytest.fixture
def carrier_viewer(carrier_org):
    return MembershipFactory(organisation=carrier_org, role=Membership.Role.VIEWER).user


@pytest.fixture
def other_carrier_user(db):
    other = OrganisationFactory(kind=Organisation.Kind.LOGISTICS, name_en="Other Logistics", slug="other-logistics")
    return MembershipFactory(organisation=other, role=Membership.Role.ADMIN).user


@pytest.fixture
def carrier_actor(carrier_user) -> Actor:
    return actor_for_user(carrier_user)


@pytest.fixture
def carried(accepted, supplier_actor, carrier_org):
    """The accepted commitment, given to the logistics member to carry (planned)."""
    return services.commitment_assign_carrier(
        commitment=accepted, actor=supplier_actor, carrier=carrier_org, tracking_number="SDHG-1"
    )
