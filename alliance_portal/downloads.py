"""Files handed to browsers (attachments, generated PDFs): a type we know, and a download unless it is an image.

A stored content type is only echoed when it is one we accept; anything else goes out as
application/octet-stream. Only raster images are shown in the page (an SVG could carry a script); every other file,
PDFs included, is saved by the browser rather than opened in the portal's origin. `nosniff` keeps the browser from
guessing a more dangerous type from the bytes (SecurityMiddleware sends it too; set here so that no setting can
take it away from a file).
"""

from typing import IO

from django.http import FileResponse

SAFE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "text/csv"})
INLINE_TYPES = frozenset({"image/png", "image/jpeg"})
FALLBACK_TYPE = "application/octet-stream"


def file_download(handle: IO[bytes], *, filename: str, content_type: str) -> FileResponse:
    content_type = content_type if content_type in SAFE_TYPES else FALLBACK_TYPE
    response = FileResponse(
        handle, as_attachment=content_type not in INLINE_TYPES, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
