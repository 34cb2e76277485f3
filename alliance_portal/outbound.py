"""The one door for every request the portal makes to an address a user typed (webhooks, group-chat robots, anything
later): it refuses private networks, at save time and again at connect time.

- `url_problem(url)`: why this URL may not be called (scheme, host, or any of its addresses private), or None.
  Forms, serializers and model validation call it when the URL is saved.
- `post(url, body, headers, timeout)`: resolves the host, checks EVERY resolved address, and connects to the
  checked address itself (TLS still verifies the certificate against the host name), so a DNS answer that changes
  between the check and the connection (rebinding) cannot slip past. No redirect is followed.
- Refused: loopback, private (RFC 1918, unique-local fc00::/7), link-local (169.254/16 incl. cloud metadata,
  fe80::/10), multicast, reserved, unspecified, shared (100.64/10), and IPv6 forms that embed an IPv4 address
  (IPv4-mapped, 6to4, Teredo) when the embedded one is refused. HTTPS only, except plain http to loopback where
  OUTBOUND_ALLOW_LOOPBACK is set (development and tests only; never in production).
- Errors reach the caller as a generic class ("refused: private address", "timeout", "TLS error", "connection
  failed", "HTTP 5xx"...), never the raw socket text, so the portal cannot be used to scan a network.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutboundError(Exception):
    """A call that did not go through, in a class a user may be told (`code`, and `message` in their language)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


def _resolve(host: str, port: int) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


# Tests replace this with a stub (there is no DNS on the test machines, and a stub can answer differently the
# second time, as a rebinding attacker would).
RESOLVER: Callable[[str, int], list[str]] = _resolve


def _embedded(address: IPAddress) -> IPAddress | None:
    if isinstance(address, ipaddress.IPv6Address):
        return address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
    return None


def _allow_loopback() -> bool:
    return bool(getattr(settings, "OUTBOUND_ALLOW_LOOPBACK", False))


def address_refused(address: IPAddress) -> bool:
    """True for an address the portal must never call (see the module's list)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address_refused(address.ipv4_mapped)  # the IPv4 address is the one reached
    inner = _embedded(address)
    if inner is not None and address_refused(inner):
        return True
    if address.is_loopback:
        return not _allow_loopback()
    return (
        not address.is_global
        or address.is_multicast
        or address.is_reserved
        or address.is_link_local
        or address.is_unspecified
        or address.is_private
    )


def _checked_addresses(host: str, port: int) -> list[IPAddress]:
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
        addresses = [literal]
    except ValueError:
        try:
            addresses = [ipaddress.ip_address(a.split("%")[0]) for a in RESOLVER(host, port)]
        except (OSError, UnicodeError, ValueError):
            raise OutboundError("dns", _("refused: the host name does not resolve")) from None
    if not addresses:
        raise OutboundError("dns", _("refused: the host name does not resolve"))
    if any(address_refused(a) for a in addresses):
        raise OutboundError("private_address", _("refused: private address"))
    return addresses


def _split(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise OutboundError("bad_url", _("refused: not a valid URL")) from None
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    if not host or scheme not in ("https", "http") or parts.username or parts.password:
        raise OutboundError("bad_url", _("refused: not a valid https:// URL"))
    if scheme == "http":
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not (loopback and _allow_loopback()):
            raise OutboundError("not_https", _("refused: only https:// addresses are called"))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port or (443 if scheme == "https" else 80), path


def url_problem(url: str) -> str | None:
    """Why the portal may not call this URL (in the user's language), or None. Called when a URL is saved."""
    try:
        _scheme, host, port, _path = _split(url)
        _checked_addresses("127.0.0.1" if host == "localhost" else host, port)
    except OutboundError as error:
        return error.message
    return None


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to an address checked beforehand, while TLS verifies the certificate for the host name."""

    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> tuple[int, bytes]:
    """POSTs `body`; returns (status, first 64 KiB of the answer) for a 2xx and raises OutboundError otherwise."""
    scheme, host, port, path = _split(url)
    addresses = _checked_addresses("127.0.0.1" if host == "localhost" else host, port)
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, str(addresses[0]), port, timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        status, answer = response.status, response.read(65536)
    except TimeoutError:
        raise OutboundError("timeout", _("timeout")) from None
    except ssl.SSLError:
        raise OutboundError("tls", _("TLS error")) from None
    except (OSError, http.client.HTTPException):
        raise OutboundError("connection", _("connection failed")) from None
    finally:
        connection.close()
    if 200 <= status < 300:
        return status, answer
    if 300 <= status < 400:
        raise OutboundError("redirect", _("HTTP %(status)d: redirects are not followed") % {"status": status})
    kind = "5xx" if status >= 500 else "4xx"
    raise OutboundError(f"http_{kind}", _("HTTP %(status)d") % {"status": status})
