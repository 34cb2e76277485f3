"""A JSON POST with the standard library: no redirects followed (a webhook answers where it was registered)."""

import urllib.error
import urllib.request

from django.conf import settings

from . import DeliveryError


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post_json(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """POSTs body; returns (status, response body) for a 2xx answer and raises DeliveryError otherwise."""
    if not url.lower().startswith(("https://", "http://")):
        raise DeliveryError(f"not an http(s) URL: {url!r}")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "AlliancePortal-Alerts/1",
            **(headers or {}),
        },
    )
    try:
        with _opener.open(request, timeout=settings.ALERT_HTTP_TIMEOUT_SECONDS) as response:
            return response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}") from None
