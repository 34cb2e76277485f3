"""The certificate of thanks: a PDF that opens, says the donor's name and the number in both languages, renders its
Chinese (no font of ours: reportlab's built-in CID font), and a public page that confirms a real number only."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from donations.certificates import certificate_pdf

from ..refusals import assert_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def acknowledged(make_pledge, org):
    return make_pledge("acknowledged")


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def test_the_pdf_names_the_donor_and_the_number_in_both_languages(acknowledged, org):
    pdf = certificate_pdf(acknowledged, verify_url="https://portal.example/donations/certificates/x/").read()
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert org.name_zh in text and org.name_en in text
    assert "感谢证书" in text and "Certificate of Thanks" in text
    assert f"证书编号：{acknowledged.certificate_number}" in text
    assert f"Certificate number: {acknowledged.certificate_number}" in text
    assert "医用口罩" in text and "Medical masks" in text
    # The Chinese font is the standard CID font, referenced, not embedded: nothing to install, nothing shipped.
    assert b"STSong-Light" in pdf and b"FontFile" not in pdf


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (Debian's poppler-utils) is not installed")
def test_the_rendered_certificate_shows_its_chinese_title(acknowledged, tmp_path: Path):
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(certificate_pdf(acknowledged, verify_url="https://portal.example/v/").read())
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    image = Image.open(tmp_path / "page.png").convert("L")
    width, height = image.size
    # The Chinese title 感谢证书 is centred about 38 mm below the top of a 210 mm high landscape page.
    title = image.crop((int(width * 0.38), int(height * 0.12), int(width * 0.62), int(height * 0.2)))
    dark = sum(title.histogram()[:128])
    assert dark > 0.03 * title.width * title.height, "the Chinese title rendered blank"
    # ...and a blank band of the page really is blank, so the check can fail.
    blank = image.crop((int(width * 0.1), int(height * 0.5), int(width * 0.2), int(height * 0.55)))
    assert sum(blank.histogram()[:128]) == 0


@pytest.mark.parametrize(
    "role, status", [("secretariat", 200), ("org_member", 200), ("org_viewer", 200), ("other_user", 404)]
)
def test_the_certificate_download_is_the_donors_and_the_secretariats(client_for, request, role, status, acknowledged):
    response = client_for(request.getfixturevalue(role)).get(
        reverse("donations:pledge_certificate", args=[acknowledged.pk])
    )
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert acknowledged.certificate_number in _text(b"".join(response.streaming_content))


def test_the_carrier_cannot_download_the_certificate(client_for, carrier_user, acknowledged):
    assert_refused(client_for(carrier_user).get(reverse("donations:pledge_certificate", args=[acknowledged.pk])))


def test_no_certificate_before_acknowledgement(client_for, secretariat, make_pledge):
    pledge = make_pledge("delivered")
    assert client_for(secretariat).get(reverse("donations:pledge_certificate", args=[pledge.pk])).status_code == 404


def test_the_verification_page_confirms_a_real_number_and_shows_nothing_private(client, acknowledged, org, english):
    acknowledged.note = "internal: pay the courier 300 yuan"
    acknowledged.save()
    response = client.get(reverse("donations:certificate_verify", args=[acknowledged.certificate_number]))
    body = response.content.decode()
    assert response.status_code == 200
    assert acknowledged.certificate_number in body and org.name_zh in body and "genuine" in body
    assert "courier" not in body and "Medical masks" not in body


def test_a_made_up_certificate_number_is_a_404(client, acknowledged):
    assert client.get(reverse("donations:certificate_verify", args=["AP2026-00001-ABCDEF"])).status_code == 404


def test_a_cancelled_pledge_has_no_certificate_to_verify(client, make_pledge):
    assert client.get(reverse("donations:certificate_verify", args=["AP2026-00001"])).status_code == 404


def test_the_verification_page_refuses_post(client, acknowledged):
    url = reverse("donations:certificate_verify", args=[acknowledged.certificate_number])
    assert client.post(url).status_code == 405


def test_the_donation_certificate_is_a_pdf_download(client_for, secretariat, make_pledge):
    pledge = make_pledge("acknowledged")

    response = client_for(secretariat).get(reverse("donations:pledge_certificate", args=[pledge.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="certificate-{pledge.certificate_number}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
