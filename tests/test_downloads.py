"""Files are handed out with a type we know, as a download unless they are a raster image, and never sniffed."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from alliance_portal.downloads import file_download
from notices.models import NoticeAttachment

from .notices.factories import make_notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.mark.parametrize(
    "stored, served, disposition",
    [
        ("application/pdf", "application/pdf", "attachment"),
        ("image/png", "image/png", "inline"),
        ("image/jpeg", "image/jpeg", "inline"),
        ("text/html", "application/octet-stream", "attachment"),
        ("image/svg+xml", "application/octet-stream", "attachment"),
        ("application/javascript", "application/octet-stream", "attachment"),
    ],
)
def test_a_download_has_a_safe_type_and_is_an_attachment_unless_an_image(stored, served, disposition):
    response = file_download(io.BytesIO(b"x"), filename="plan.bin", content_type=stored)

    assert response["Content-Type"] == served
    assert response["Content-Disposition"].startswith(f"{disposition}; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"


def _attachment(notice, name: str, content_type: str, data: bytes) -> NoticeAttachment:
    attachment = NoticeAttachment(notice=notice, name=name, content_type=content_type, size=len(data))
    attachment.file.save(name, ContentFile(data), save=True)
    return attachment


@pytest.mark.parametrize(
    "name, stored, data, served, disposition",
    [
        ("plan.pdf", "application/pdf", b"%PDF-1.4\n", "application/pdf", "attachment"),
        ("map.png", "image/png", b"\x89PNG\r\n\x1a\n", "image/png", "inline"),
        # A row written before the upload check, or by hand: its type is not echoed and it is not opened in the page.
        ("page.html", "text/html", b"<script>alert(1)</script>", "application/octet-stream", "attachment"),
    ],
)
def test_a_notice_attachment_is_served_safely(client, name, stored, data, served, disposition):
    notice = make_notice(is_public=True)
    attachment = _attachment(notice, name, stored, data)

    response = client.get(reverse("notices:attachment", args=[notice.pk, attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == served
    assert response["Content-Disposition"].startswith(f"{disposition}; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
