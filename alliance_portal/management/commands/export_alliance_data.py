from pathlib import Path

from django.core.management.base import BaseCommand

from alliance_portal.backup import export_data


class Command(BaseCommand):
    help = "Writes the alliance's data to a dated zip (one JSON file per table, a manifest with counts and checksums)."

    def add_arguments(self, parser):
        parser.add_argument("--directory", default=".", help="Where to write the archive (default: here).")

    def handle(self, *args, **options):
        archive = export_data(Path(options["directory"]))
        self.stdout.write(str(archive))
