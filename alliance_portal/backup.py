"""Backup and restore of the alliance's data: one JSON file per table in a dated zip, with a manifest of counts and
SHA-256 checksums (`manage.py export_alliance_data`, `manage.py import_alliance_data`).

What is exported: every model of the portal's own apps (their history tables included) and the accounts (users and
groups, with their permissions by natural key). Not exported: what `migrate` re-creates (content types,
permissions), sessions, the admin's log and django-axes' lockout records. Django's own dumpdata/loaddata do the
serialising (in the "exactjson" format, which keeps microseconds), so a restore keeps primary keys, checks every
foreign key at the end and resets the sequences.
"""

import hashlib
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

PROJECT_APPS = ("members", "supply", "donations", "notices", "assistance", "dashboard", "alliance_portal")
ACCOUNT_MODELS = ("auth.Group", "auth.User")
# Rows the migrations themselves create: present in an "empty" database, overwritten by the restore.
MIGRATION_SEEDED = {"members.materialcategory"}
FORMAT_VERSION = 1
# Django's serialisation through alliance_portal.exact_json: microseconds kept (the "json" format drops them).
FORMAT = "exactjson"


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Table:
    label: str  # app_label.ModelName
    file: str
    rows: int
    sha256: str


def exported_models() -> list[str]:
    labels = list(ACCOUNT_MODELS)
    for config in apps.get_app_configs():
        if config.label in PROJECT_APPS:
            labels += [f"{config.label}.{model.__name__}" for model in config.get_models() if not model._meta.proxy]
    return labels


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def export_data(directory: Path) -> Path:
    """Writes alliance-data-<timestamp>.zip into `directory` and returns its path."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = Path(directory) / f"alliance-data-{stamp}.zip"
    tables: list[Table] = []
    with tempfile.TemporaryDirectory() as work:
        for label in exported_models():
            name = f"{label.lower()}.{FORMAT}"
            path = Path(work) / name
            call_command(
                "dumpdata", label, output=str(path), natural_foreign=True, indent=None, verbosity=0, format=FORMAT
            )
            rows = len(json.loads(path.read_text(encoding="utf-8")))
            tables.append(Table(label=label, file=name, rows=rows, sha256=_sha256(path)))
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "tables": [table.__dict__ for table in tables],
        }
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            bundle.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
            for table in tables:
                bundle.write(Path(work) / table.file, arcname=table.file)
    return archive


def _read_manifest(bundle: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(bundle.read("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise BackupError("the archive has no readable manifest.json") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"unknown archive format {manifest.get('format')!r}")
    return manifest


def database_is_empty() -> bool:
    for label in exported_models():
        model = apps.get_model(label)
        if model._meta.label_lower not in MIGRATION_SEEDED and model._default_manager.exists():
            return False
    return True


def import_data(archive: Path) -> dict[str, int]:
    """Restores an archive into an empty (migrated) database, in one transaction: all or nothing."""
    if not database_is_empty():
        raise BackupError("the database already holds data; restore only into an empty, migrated database")
    counts: dict[str, int] = {}
    with zipfile.ZipFile(archive) as bundle, tempfile.TemporaryDirectory() as work:
        manifest = _read_manifest(bundle)
        files = []
        for entry in manifest["tables"]:
            table = Table(**entry)
            path = Path(work) / Path(table.file).name
            path.write_bytes(bundle.read(table.file))
            if _sha256(path) != table.sha256:
                raise BackupError(f"{table.file}: checksum does not match the manifest")
            if table.rows:
                files.append(str(path))
            counts[table.label] = table.rows
        with transaction.atomic():
            # The migrations' reference rows make way for the archive's own (their ids may differ).
            for label in MIGRATION_SEEDED:
                apps.get_model(label)._default_manager.all().delete()
            if files:
                call_command("loaddata", *files, verbosity=0)
    return counts
