"""seed_demo prints what a person needs (what was created, the logins), not Celery's per-task lines; its member
data comes from members/demo_data.json, checked against the models' choices before anything is written."""

import json
import logging

import pytest
from celery.signals import task_success
from django.core.management import call_command

from members.demo import DATA_FILE, demo_data, demo_logins
from members.management.commands.seed_demo import QUIET_LOGGERS


@pytest.mark.django_db(transaction=True)
def test_seed_demo_prints_no_celery_task_lines_although_its_tasks_run(caplog, capsys):
    """Transactional, so the tasks queued on commit really run (eagerly) inside the command, as on a laptop."""
    succeeded = []

    def count(sender=None, **kwargs):
        succeeded.append(sender.name)

    task_success.connect(count, weak=False)
    try:
        with caplog.at_level(logging.INFO, logger="celery.app.trace"):
            call_command("seed_demo")
            # The level is as it was: a worker started later in the same process logs its tasks again.
            assert logging.getLogger("celery.app.trace").level == logging.INFO
    finally:
        task_success.disconnect(count)

    assert succeeded, "the demo's events queued no task: this test would prove nothing"
    assert not [r for r in caplog.records if r.name.startswith("celery") and r.levelno < logging.WARNING]
    out = capsys.readouterr().out
    assert "Task " not in out
    assert out.splitlines()[0].startswith("Demo data ready (")
    assert [line.split()[0] for line in out.splitlines()[2:]] == [login.username for login in demo_logins()]
    assert all(logging.getLogger(name).level < logging.WARNING for name in QUIET_LOGGERS)


def test_the_demo_data_file_is_json_with_every_part_seed_demo_reads():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert set(data) >= {"organisations", "risk_areas", "secretariat_contacts", "users"}
    slugs = [spec["slug"] for spec in data["organisations"]]
    assert len(slugs) == len(set(slugs))
    assert {user["organisation"] for user in data["users"]} - {None} <= set(slugs)


def test_a_kind_the_models_do_not_know_is_refused_before_anything_is_written(tmp_path):
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    data["organisations"][0]["kind"] = "bakery"
    bad = tmp_path / "demo_data.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="bakery"):
        demo_data(bad)
