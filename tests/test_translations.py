"""Both languages, complete, on a fresh machine: the committed catalogues cover every string and are compiled."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _entries():
    return [e for e in polib.pofile(str(PO)) if not e.obsolete]


def test_every_string_has_a_chinese_translation():
    missing = [e.msgid for e in _entries() if not e.translated() or "fuzzy" in e.flags]
    assert missing == [], f"{len(missing)} strings lack a Chinese translation, e.g. {missing[:5]}"


def test_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for entry in _entries():
        if entry.msgid_plural:
            got = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
            want = entry.msgstr_plural[0]
        elif entry.msgctxt:
            got = compiled.pgettext(entry.msgctxt, entry.msgid)
            want = entry.msgstr
        else:
            got = compiled.gettext(entry.msgid)
            want = entry.msgstr
        if got != want:
            stale.append(entry.msgid)
    assert stale == [], f"django.mo is out of date for {len(stale)} strings (run `make messages`): {stale[:5]}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_catalogue_holds_every_string_of_the_code(tmp_path):
    # Extract afresh into a copy of the tree and compare: a string added to the code but not to the
    # catalogue would show in English on the Chinese pages.
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "staticfiles", "media", "test-output", "*.sqlite3", "__pycache__"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--ignore=tests"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    committed = {(e.msgctxt, e.msgid) for e in _entries()}
    new = sorted(m for _, m in fresh - committed)
    assert new == [], f"{len(new)} strings are not in the catalogue (run `make messages`), e.g. {new[:5]}"


@pytest.mark.django_db
def test_home_page_is_chinese_by_default_and_english_on_request():
    client = Client()
    zh = client.get("/").content.decode()
    assert 'lang="zh-hans"' in zh
    assert "集成电路材料产业技术创新联盟" in zh
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = client.get("/").content.decode()
    assert 'lang="en"' in en
    assert "China Integrated Circuit Materials Industry Innovation Alliance" in en
