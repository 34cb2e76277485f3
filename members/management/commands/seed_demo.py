"""A believable alliance for the demo: `python manage.py seed_demo`. Running it again changes nothing.

The members' data is in members/demo_data.json (seeded by members.demo); every other app adds its part through the
seeder it registered when it started (alliance_portal.demo.register_demo), so this command names no other app.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from alliance_portal.demo import demo_seeders
from members.demo import demo_logins, seed_members

# The demo's own events run Celery tasks in process (eager mode); each would log "Task ... succeeded" at INFO
# above the logins. A real worker's log keeps them: they are lowered only while this command runs.
QUIET_LOGGERS = ("celery.app.trace", "celery.worker", "celery.task")


@contextmanager
def quiet_task_logs() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class Command(BaseCommand):
    help = "Fills the database with a believable demo alliance (idempotent) and prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo creates users with published passwords; it refuses to run in production.")
        # The demo's own events (requests filed, notices published) reach their demo recipients through the alert
        # pipeline; their emails go to memory rather than flooding the console ahead of the logins. The transaction
        # is the innermost block, so the tasks it queues on commit run while the task logs are still quiet.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            quiet_task_logs(),
            transaction.atomic(),
        ):
            created = seed_members() + sum(seeder.seed() for seeder in demo_seeders())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new rows)."))
        if not options["quiet_logins"]:
            self.stdout.write("Demo logins (user / password / role):")
            for login in demo_logins():
                self.stdout.write(f"  {login.username:16} {login.password:26} {login.describe()}")
