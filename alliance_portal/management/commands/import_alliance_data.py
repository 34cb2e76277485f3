from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alliance_portal.backup import BackupError, import_data


class Command(BaseCommand):
    help = "Restores an archive of export_alliance_data into an empty, migrated database (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The alliance-data-….zip to restore.")

    def handle(self, *args, **options):
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            counts = import_data(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {sum(counts.values())} rows in {len(counts)} tables.")
