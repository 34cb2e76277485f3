"""A JSON POST through the portal's outbound-request policy (alliance_portal.outbound): the host's addresses are
checked at connect time and the connection is made to the checked address; no redirect is followed (a webhook
answers where it was registered); failures are reported by class, never as raw socket text."""

from django.conf import settings

from alliance_portal import outbound

from . import DeliveryError


def post_json(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """POSTs body; returns (status, response body) for a 2xx answer and raises DeliveryError otherwise."""
    try:
        return outbound.post(
            url,
            body,
            {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "AlliancePortal-Alerts/1",
                **(headers or {}),
            },
            timeout=settings.ALERT_HTTP_TIMEOUT_SECONDS,
        )
    except outbound.OutboundError as error:
        raise DeliveryError(str(error)) from None
