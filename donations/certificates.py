"""The certificate of thanks: a one-page bilingual PDF made on demand from an acknowledged pledge.

Chinese is set in reportlab's built-in CID font STSong-Light (Adobe's Song, known to every PDF reader), so the PDF
renders on a machine with no Chinese font installed and the portal ships no font file. The QR code (reportlab's own
barcode module) and the printed link lead to the public check page, which confirms the number and nothing private.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from .models import Pledge

CJK_FONT = "STSong-Light"
LATIN_FONT = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
ALLIANCE_ZH = "集成电路材料产业技术创新联盟"
ALLIANCE_EN = "China Integrated Circuit Materials Industry Innovation Alliance"


def _register_fonts() -> None:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _gift(pledge: Pledge) -> tuple[str, str]:
    """What was given, in Chinese and in English."""
    if pledge.is_money:
        amount = f"{pledge.amount:,.2f} {pledge.currency}"
        return f"捐款 {amount}", f"a donation of {amount}"
    lines = list(pledge.lines.select_related("category"))
    zh = "、".join(
        f"{line.category.name_zh} {_qty(line.delivered_quantity or line.quantity)} {line.unit}" for line in lines
    )
    en = ", ".join(
        f"{line.category.name_en} {_qty(line.delivered_quantity or line.quantity)} {line.unit}" for line in lines
    )
    return zh, en


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _qr(url: str, size: float) -> Drawing:
    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def certificate_pdf(pledge: Pledge, *, verify_url: str) -> io.BytesIO:
    _register_fonts()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Certificate {pledge.certificate_number}")
    pdf.setAuthor(ALLIANCE_EN)
    pdf.setStrokeColor(colors.HexColor("#b8860b"))
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    centre = width / 2
    donor_zh, donor_en = pledge.donor.name_zh, pledge.donor.name_en
    gift_zh, gift_en = _gift(pledge)
    value = pledge.received_cny if pledge.is_money and pledge.received_cny is not None else pledge.value_cny
    when = timezone.localtime(pledge.delivered_at or pledge.acknowledged_at or timezone.now()).date()
    beneficiary = pledge.beneficiary

    y = height - 38 * mm
    pdf.setFont(CJK_FONT, 30)
    pdf.drawCentredString(centre, y, "感谢证书")
    pdf.setFont(LATIN_BOLD, 20)
    pdf.drawCentredString(centre, y - 11 * mm, "Certificate of Thanks")

    y -= 30 * mm
    pdf.setFont(CJK_FONT, 20)
    pdf.drawCentredString(centre, y, donor_zh)
    pdf.setFont(LATIN_BOLD, 16)
    pdf.drawCentredString(centre, y - 8 * mm, donor_en)

    y -= 22 * mm
    pdf.setFont(CJK_FONT, 12)
    pdf.drawCentredString(centre, y, f"衷心感谢贵单位向{beneficiary}捐赠{gift_zh}，价值人民币 {value:,.2f} 元。"[:90])
    # The beneficiary's name may be Chinese only: this line is set in the CID font, which has Latin letters too.
    pdf.setFont(CJK_FONT, 11)
    pdf.drawCentredString(
        centre, y - 7 * mm, f"With heartfelt thanks for {gift_en} to {beneficiary}, worth CNY {value:,.2f}."[:120]
    )
    pdf.setFont(CJK_FONT, 12)
    pdf.drawCentredString(centre, y - 16 * mm, f"日期：{when:%Y年%m月%d日}    证书编号：{pledge.certificate_number}")
    pdf.setFont(LATIN_FONT, 11)
    pdf.drawCentredString(
        centre, y - 23 * mm, f"Date: {when:%d %B %Y}    Certificate number: {pledge.certificate_number}"
    )

    pdf.setFont(CJK_FONT, 13)
    pdf.drawCentredString(centre, 40 * mm, ALLIANCE_ZH + " 秘书处")
    pdf.setFont(LATIN_FONT, 10)
    pdf.drawCentredString(centre, 33 * mm, f"Secretariat, {ALLIANCE_EN}")

    qr_size = 30 * mm
    renderPDF.draw(_qr(verify_url, qr_size), pdf, width - 20 * mm - qr_size, 20 * mm)
    pdf.setFont(CJK_FONT, 8)
    pdf.drawString(20 * mm, 24 * mm, "扫码或访问以下链接核验本证书：")
    pdf.setFont(LATIN_FONT, 8)
    pdf.drawString(20 * mm, 20 * mm, f"Verify this certificate: {verify_url}"[:140])
    pdf.showPage()
    pdf.save()
    buffer.seek(0)
    return buffer
