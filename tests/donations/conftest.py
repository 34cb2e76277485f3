import pytest

from members.models import Membership

from ..members.factories import MembershipFactory
from .factories import advance, goods_pledge, logistics_org, make_appeal


@pytest.fixture
def appeal(db):
    return make_appeal()


@pytest.fixture
def carrier_org(db):
    return logistics_org(slug="shunda-test")


@pytest.fixture
def carrier_user(carrier_org):
    return MembershipFactory(organisation=carrier_org, role=Membership.Role.MEMBER).user


@pytest.fixture
def pledge(org, appeal):
    """A goods pledge of `org` to the appeal, just made."""
    return goods_pledge(org, appeal)


@pytest.fixture
def make_pledge(org, appeal, carrier_org):
    """A goods pledge of `org` to the appeal, moved to the status asked for (carried by carrier_org once dispatched)."""

    def _make(status: str = "pledged", **fields):
        return advance(goods_pledge(org, appeal, **fields), status, carrier=carrier_org)

    return _make
