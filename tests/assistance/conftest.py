import pytest

from ..members.factories import ContactFactory


@pytest.fixture
def alert_contacts(settings, org, other_org):
    """An alert contact for each organisation and a secretariat address, so every audience gets an email row."""
    settings.ALERT_SECRETARIAT_EMAILS = ["desk@alliance.example"]
    return ContactFactory(organisation=org), ContactFactory(organisation=other_org)
