import pytest

from notices.alerts import registry


@pytest.fixture
def declare():
    """Registers event types for one test and forgets them afterwards (the registry lives as long as the process)."""
    before = dict(registry._REGISTRY)

    def declare_(*event_types):
        registry.register_all(event_types)
        return event_types[0] if len(event_types) == 1 else event_types

    yield declare_
    registry._REGISTRY.clear()
    registry._REGISTRY.update(before)
