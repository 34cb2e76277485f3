"""The periodic tasks: priorities follow the waiting time, and a stale request is reported once per staleness."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from alliance_portal.celery import app
from members.rules import Actor
from notices.models import Event
from supply import services, tasks
from supply.models import SupplyRequest

from ..members.factories import UserFactory
from .factories import SupplyRequestFactory

pytestmark = pytest.mark.django_db
S = SupplyRequest.Status
STALE = "supply_request.stale"


def days_ago(days: float):
    return timezone.now() - timedelta(days=days)


def stale_events(request=None):
    events = Event.objects.filter(name=STALE)
    if request is not None:
        events = events.filter(object_id=str(request.pk))
    return events


def test_both_tasks_are_on_the_beat_schedule_and_registered():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"supply.tasks.recompute_priorities", "supply.tasks.flag_stale_requests"} <= scheduled
    app.loader.import_default_modules()
    assert {"supply.tasks.recompute_priorities", "supply.tasks.flag_stale_requests"} <= set(app.tasks)


def test_recompute_adds_the_waiting_time_to_open_requests():
    waited = SupplyRequestFactory(status=S.SUBMITTED, submitted_at=days_ago(4), priority=0, priority_score=0)
    draft = SupplyRequestFactory(status=S.DRAFT, submitted_at=None, priority=0, priority_score=0)
    closed = SupplyRequestFactory(status=S.REJECTED, submitted_at=days_ago(4), priority=0, priority_score=0)

    assert tasks.recompute_priorities.delay().get() == 2  # the open one and the draft

    waited.refresh_from_db()
    assert {"factor": "waiting", "value": 4, "points": 4} in waited.priority_parts
    assert waited.priority == waited.priority_score > 0
    draft.refresh_from_db()
    assert not any(part["factor"] == "waiting" for part in draft.priority_parts)
    closed.refresh_from_db()
    assert closed.priority == 0


def test_recompute_keeps_an_override_in_front():
    request = SupplyRequestFactory(status=S.APPROVED, submitted_at=days_ago(2), priority_override=500, priority=500)
    tasks.recompute_priorities.delay()
    request.refresh_from_db()
    assert request.priority == 500
    assert request.priority_score != 500


def test_a_request_not_reconfirmed_for_the_stale_period_is_reported_once():
    stale_after = settings.SUPPLY_STALE_AFTER_DAYS
    stale = SupplyRequestFactory(status=S.SUBMITTED, confirmed_at=days_ago(stale_after + 1))
    also_stale = SupplyRequestFactory(status=S.APPROVED, confirmed_at=days_ago(stale_after + 30))
    fresh = SupplyRequestFactory(status=S.APPROVED, confirmed_at=days_ago(stale_after - 1))
    closed = SupplyRequestFactory(status=S.CANCELLED, confirmed_at=days_ago(stale_after + 5))
    draft = SupplyRequestFactory(status=S.DRAFT, submitted_at=None, confirmed_at=None)

    assert tasks.flag_stale_requests.delay().get() == 2

    assert stale_events(stale).count() == 1
    assert stale_events(also_stale).count() == 1
    for request in (fresh, closed, draft):
        assert not stale_events(request).exists()
    event = stale_events(stale).get()
    assert event.organisation_id == stale.organisation_id
    assert event.payload["id"] == stale.pk
    assert event.payload["days_since_confirmed"] == stale_after + 1
    stale.refresh_from_db()
    assert stale.stale_notified_at is not None

    # The next runs (hourly) report nothing new while nobody re-confirms.
    assert tasks.flag_stale_requests.delay().get() == 0
    assert tasks.flag_stale_requests.delay().get() == 0
    assert stale_events().count() == 2


def test_reconfirming_clears_the_report_so_the_next_staleness_is_reported_again():
    request = SupplyRequestFactory(status=S.SUBMITTED, confirmed_at=days_ago(settings.SUPPLY_STALE_AFTER_DAYS + 2))
    tasks.flag_stale_requests.delay()
    assert stale_events(request).count() == 1

    fab = Actor(user=UserFactory(), organisation=request.organisation, role="admin")
    services.supply_request_reconfirm(request=request, actor=fab)
    request.refresh_from_db()
    assert request.stale_notified_at is None
    assert not request.is_stale
    assert tasks.flag_stale_requests.delay().get() == 0

    # A week and more later the fab has gone quiet again: a second report.
    later = timezone.now() + timedelta(days=settings.SUPPLY_STALE_AFTER_DAYS + 1)
    assert services.supply_request_flag_stale(now=later) == 1
    assert stale_events(request).count() == 2


def test_a_report_already_claimed_by_another_run_is_not_sent_again():
    request = SupplyRequestFactory(status=S.SUBMITTED, confirmed_at=days_ago(settings.SUPPLY_STALE_AFTER_DAYS + 2))
    # Another worker claimed it a moment ago (its event is in its own transaction).
    SupplyRequest.objects.filter(pk=request.pk).update(stale_notified_at=timezone.now())
    assert services.supply_request_flag_stale() == 0
    assert not stale_events(request).exists()
