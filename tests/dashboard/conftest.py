"""Fixtures of the dashboard tests: a small alliance whose figures are known (tests/dashboard/data.py)."""

import pytest

from members.models import Membership, Organisation

from ..members.factories import MembershipFactory, OrganisationFactory
from .data import make_known_data


@pytest.fixture
def suspended_admin(db):
    organisation = OrganisationFactory(status=Organisation.Status.SUSPENDED, name_en="Suspended Co.")
    return MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user


@pytest.fixture
def known_data(org, other_org):
    return make_known_data(org, other_org)
