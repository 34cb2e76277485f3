"""export_alliance_data / import_alliance_data: a round trip through an emptied database gives back every row."""

import importlib
import json
import zipfile

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.forms.models import model_to_dict

from alliance_portal.backup import exported_models


def _snapshot() -> dict[str, dict]:
    """Every exported table: its row count and its rows as dicts (many-to-many included), by primary key."""
    state = {}
    for label in exported_models():
        model = apps.get_model(label)
        rows = {obj.pk: model_to_dict(obj) for obj in model._default_manager.all()}
        many = [field.name for field in model._meta.many_to_many]
        for row in rows.values():
            for key in many:  # compare as sorted ids
                row[key] = sorted(getattr(v, "pk", v) for v in row.get(key, []))
        state[label] = rows
    return state


@pytest.mark.django_db(transaction=True)
def test_round_trip_through_an_emptied_database_restores_every_row(tmp_path, capsys):
    call_command("seed_demo", verbosity=0)
    capsys.readouterr()
    before = _snapshot()
    assert sum(len(rows) for rows in before.values()) > 300, "the demo data is there to be saved"

    call_command("export_alliance_data", directory=str(tmp_path))
    archive = next(tmp_path.glob("alliance-data-*.zip"))
    capsys.readouterr()

    call_command("flush", interactive=False, verbosity=0)
    importlib.import_module("members.migrations.0002_seed_material_categories").seed(apps, None)
    assert apps.get_model("auth.User").objects.count() == 0

    call_command("import_alliance_data", str(archive))
    assert "Restored" in capsys.readouterr().out
    after = _snapshot()
    assert {label: len(rows) for label, rows in after.items()} == {label: len(rows) for label, rows in before.items()}
    assert after == before

    # Sequences were reset: a new row gets a fresh id, not a collision.
    Organisation = apps.get_model("members.Organisation")
    template = Organisation.objects.order_by("pk").first()
    fresh = Organisation.objects.create(
        slug="after-restore",
        name_zh="恢复后",
        name_en="After restore",
        credit_code="91350100M000100Y43",
        kind=template.kind,
    )
    assert fresh.pk > max(before["members.Organisation"])


@pytest.mark.django_db(transaction=True)
def test_import_refuses_a_database_that_holds_data(tmp_path, org):
    call_command("export_alliance_data", directory=str(tmp_path))
    archive = next(tmp_path.glob("alliance-data-*.zip"))
    with pytest.raises(CommandError, match="already holds data"):
        call_command("import_alliance_data", str(archive))


@pytest.mark.django_db(transaction=True)
def test_import_refuses_a_tampered_archive_and_changes_nothing(tmp_path, org):
    call_command("export_alliance_data", directory=str(tmp_path))
    archive = next(tmp_path.glob("alliance-data-*.zip"))
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(tampered, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "members.organisation.exactjson":
                rows = json.loads(data)
                rows[0]["fields"]["name_en"] = "Someone else"
                data = json.dumps(rows).encode()
            target.writestr(item, data)
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="checksum"):
        call_command("import_alliance_data", str(tampered))
    assert apps.get_model("members.Organisation").objects.count() == 0


def test_import_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_alliance_data", str(tmp_path / "nothing.zip"))


@pytest.mark.django_db(transaction=True)
def test_an_archive_made_before_notices_stored_their_html_restores_readable_notices(tmp_path, capsys):
    """Archives made before notices kept their rendered HTML hold only the Markdown: a restored notice shows it."""
    import hashlib

    Notice = apps.get_model("notices.Notice")
    call_command("seed_demo", verbosity=0)
    before = {n.pk: (n.body_html_zh, n.body_html_en) for n in Notice.objects.all()}
    assert any(zh and en for zh, en in before.values()), "the demo has notices with both bodies"
    call_command("export_alliance_data", directory=str(tmp_path))
    archive = next(tmp_path.glob("alliance-data-*.zip"))
    capsys.readouterr()

    # The same archive as an older portal wrote it: the notices' file without the HTML fields.
    old = tmp_path / "old.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(old, "w") as target:
        manifest = json.loads(source.read("manifest.json"))
        for entry in manifest["tables"]:
            data = source.read(entry["file"])
            if entry["label"] == "notices.Notice":
                rows = json.loads(data)
                for row in rows:
                    row["fields"].pop("body_html_zh")
                    row["fields"].pop("body_html_en")
                data = json.dumps(rows, ensure_ascii=False).encode()
                entry["sha256"] = hashlib.sha256(data).hexdigest()
            target.writestr(entry["file"], data)
        target.writestr("manifest.json", json.dumps(manifest))

    call_command("flush", interactive=False, verbosity=0)
    importlib.import_module("members.migrations.0002_seed_material_categories").seed(apps, None)
    call_command("import_alliance_data", str(old))
    after = {n.pk: (n.body_html_zh, n.body_html_en) for n in Notice.objects.all()}
    assert after == before
