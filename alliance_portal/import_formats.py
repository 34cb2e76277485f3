"""CSV files as offices save them, for django-import-export's imports: UTF-8 with or without its BOM ("CSV UTF-8"),
GB18030 / GBK (Excel's plain "CSV (逗号分隔)" on a Chinese Windows machine) and UTF-16 with its BOM are detected and
read, never refused for their encoding. The admin's import shows a preview of the decoded rows, and the encoding it
chose, before anything is saved, so a wrong guess is seen and nothing is written."""

import codecs

from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import CSV

# The encodings tried, in order, with what a person calls them. UTF-8 first: it is strict, so text in another
# encoding rarely passes for it; GB18030 (a superset of GBK and GB2312) next. Latin-1 reads any byte: last, so a
# file is never refused, and the preview shows the guess.
ENCODINGS = (
    ("utf-8", _("UTF-8")),
    ("gb18030", _("GB18030 / GBK (Chinese Windows)")),
    ("latin-1", _("Latin-1 (Western)")),
)
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", _("UTF-8")),
    (codecs.BOM_UTF16_LE, "utf-16", _("UTF-16")),
    (codecs.BOM_UTF16_BE, "utf-16", _("UTF-16")),
)


ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx workbook is a zip archive


class NotText(ValueError):
    """The bytes are not text in any encoding (a workbook, an image): the format chosen is wrong, not the encoding."""

    def __init__(self, *, workbook: bool) -> None:
        super().__init__("an Excel workbook" if workbook else "binary data")
        self.workbook = workbook


def decode_text(data: bytes | str) -> tuple[str, str]:
    """The file's text and the name of the encoding it was read in (for the preview)."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), str(_("UTF-8"))
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            return data.decode(codec).removeprefix("\ufeff"), str(name)
    if data.startswith(ZIP_MAGIC) or b"\x00" in data:
        raise NotText(workbook=data.startswith(ZIP_MAGIC))
    for codec, name in ENCODINGS:
        try:
            return data.decode(codec), str(name)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any byte")  # pragma: no cover


class DetectingCSV(CSV):
    """CSV for imports: read as bytes, decoded by `decode_text`. Exports keep django-import-export's CSV (UTF-8 with
    its BOM, which Excel opens as Unicode)."""

    def get_read_mode(self):
        return "rb"

    def is_binary(self):
        # Bytes all the way to create_dataset (the temporary file too), so that this class, not a fixed
        # `from_encoding`, decides how the file is read.
        return True

    def create_dataset(self, in_stream, **kwargs):
        text, self.detected_encoding = decode_text(in_stream)
        return super().create_dataset(text, **kwargs)
