"""What the README says about running and access is what the code does: PORT and HOST for `make run`, and the member
directory for signed-in users only (visitors are sent to sign in, and see no member's name)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_documents_port_and_host_as_the_makefile_reads_them():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "HOST ?= 127.0.0.1" in makefile and "PORT ?= 8000" in makefile
    assert "runserver $(HOST):$(PORT)" in makefile
    assert "make run PORT=8080" in README
    assert "make run HOST=0.0.0.0 PORT=8080" in README


def test_readme_says_the_directory_is_for_signed_in_users():
    row = next(line for line in README.splitlines() if "`/directory/`" in line and line.startswith("|"))
    assert "signed-in users only" in row
    assert "public fields" not in row


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["members:directory", "members:directory_detail"])
def test_visitors_are_sent_to_sign_in_as_the_readme_says(client, org, name):
    url = reverse(name, args=[org.slug] if name.endswith("detail") else [])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert org.name_en not in response.content.decode()
