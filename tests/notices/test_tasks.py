"""The notices' periodic tasks are on the beat schedule and call the services."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from alliance_portal.celery import app
from notices import tasks
from notices.models import Notice

from .factories import make_notice

pytestmark = pytest.mark.django_db


def test_beat_runs_the_notice_tasks():
    scheduled = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled["notices.tasks.publish_due_notices"] == 60
    assert scheduled["notices.tasks.remind_unacknowledged_notices"] == 3600
    assert {"notices.tasks.publish_due_notices", "notices.tasks.remind_unacknowledged_notices"} <= set(app.tasks)


def test_publish_task_publishes_a_due_notice():
    notice = make_notice(status="scheduled", publish_at=timezone.now() - timedelta(minutes=1))
    assert tasks.publish_due_notices.delay().get() == 1
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED


def test_reminder_task_runs():
    assert tasks.remind_unacknowledged_notices.delay().get() == {"reminded": 0, "escalated": 0}
