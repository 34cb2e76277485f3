from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from members.models import ApiKey, Organisation, hash_api_key

from ..api_helpers import key_client

# Declared, not only reached through fixtures, so pytest-django orders these before transactional tests.
pytestmark = pytest.mark.django_db


def issue(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("issue_api_key", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_prints_a_summary_then_the_key_alone_on_the_last_line(org):
    out, _err = issue(org.slug, "--name", "YMTC ERP")

    lines = out.strip().splitlines()
    raw = lines[-1]
    key = ApiKey.objects.get(organisation=org)
    assert raw.startswith(f"ap_{key.prefix}_") and " " not in raw
    assert key.key_hash == hash_api_key(raw)
    assert key.name == "YMTC ERP"
    assert key.scope == ApiKey.Scope.READ
    assert org.slug in out and key.prefix in lines[0]
    assert raw not in "\n".join(lines[:-1])


def test_the_printed_key_works_with_its_scope(org):
    read_out, _ = issue(org.slug, "--name", "reader")
    write_out, _ = issue(org.slug, "--name", "writer", "--write")
    reader = key_client(read_out.strip().splitlines()[-1])
    writer = key_client(write_out.strip().splitlines()[-1])
    change = {"website": "https://erp.example.com"}

    assert reader.get("/api/v1/organizations/").status_code == 200
    assert reader.patch(f"/api/v1/organizations/{org.slug}/", change, "application/json").status_code == 403
    assert writer.patch(f"/api/v1/organizations/{org.slug}/", change, "application/json").status_code == 200
    assert ApiKey.objects.get(name="writer").scope == ApiKey.Scope.WRITE


def test_unknown_organisation_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No organisation has the short name nobody"):
        issue("nobody", "--name", "x")

    assert not ApiKey.objects.exists()


def test_name_is_required(org):
    with pytest.raises(CommandError, match="--name"):
        issue(org.slug)


def test_too_long_name_is_a_clear_error(org):
    with pytest.raises(CommandError, match="100"):
        issue(org.slug, "--name", "x" * 101)

    assert not ApiKey.objects.exists()


def test_warns_when_the_organisation_cannot_use_keys(org):
    org.status = Organisation.Status.SUSPENDED
    org.save()

    out, err = issue(org.slug, "--name", "later")

    assert "Warning" in err
    assert out.strip().splitlines()[-1].startswith("ap_")
