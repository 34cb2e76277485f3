"""The outbound-request policy: no call to a private network, whatever the URL, the DNS answer or its timing."""

import http.server
import ipaddress
import threading

import pytest

from alliance_portal import outbound
from alliance_portal.outbound import OutboundError, address_refused, url_problem

REFUSED = [
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.10",
    "127.0.0.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # shared address space
    "0.0.0.0",  # noqa: S104 - an address to refuse, not one to bind
    "224.0.0.1",
    "240.0.0.1",
    "::1",
    "fd00::1",
    "fe80::1",
    "::ffff:192.168.1.1",  # IPv4-mapped
    "::ffff:127.0.0.1",
    "2002:c0a8:0101::1",  # 6to4 of 192.168.1.1
    "ff02::1",
]
PUBLIC = ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34"]


@pytest.fixture
def resolves_to(monkeypatch):
    def install(*answers):
        calls = iter(answers)
        monkeypatch.setattr(outbound, "RESOLVER", lambda host, port: next(calls))

    return install


@pytest.mark.parametrize("address", REFUSED)
def test_private_and_special_addresses_are_refused(address, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    assert address_refused(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address):
    assert not address_refused(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    [
        "https://192.168.1.10/hook",
        "https://10.0.0.1:8443/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://127.0.0.1:6379/",
        "https://[fd00::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
    ],
)
def test_urls_to_private_literals_are_refused_at_save(url, settings, english):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    assert url_problem(url) == "refused: private address"


def test_a_name_resolving_to_any_private_address_is_refused(resolves_to, settings, english):
    resolves_to(["93.184.216.34", "10.1.2.3"])
    assert url_problem("https://erp.partner.example/hook") == "refused: private address"


def test_plain_http_and_odd_urls_are_refused(settings, english):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    assert url_problem("http://erp.partner.example/hook") == "refused: only https:// addresses are called"
    assert url_problem("ftp://erp.partner.example/") == "refused: not a valid https:// URL"
    assert url_problem("https://user:pw@erp.partner.example/") == "refused: not a valid https:// URL"
    assert url_problem("https://erp.partner.example:99999/") == "refused: not a valid URL"


def test_loopback_only_where_the_setting_allows_it(settings, english):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    assert url_problem("http://127.0.0.1:8000/hook") is None
    assert url_problem("http://localhost:8000/hook") is None
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    assert url_problem("http://127.0.0.1:8000/hook") == "refused: only https:// addresses are called"
    assert url_problem("https://127.0.0.1:8000/hook") == "refused: private address"


def test_an_unresolvable_name_is_refused_without_the_resolver_s_words(resolves_to, english):
    def fail(host, port):
        raise OSError("[Errno -2] Name or service not known: internal-db.corp")

    outbound.RESOLVER = fail
    try:
        assert url_problem("https://internal-db.corp/") == "refused: the host name does not resolve"
    finally:
        outbound.RESOLVER = outbound._resolve


def test_dns_rebinding_is_caught_at_connect_time(resolves_to, english):
    """Public when the URL is saved, private when the call is made: the connection is never attempted."""
    resolves_to(["93.184.216.34"], ["192.168.1.10"])
    assert url_problem("https://hooks.partner.example/x") is None
    with pytest.raises(OutboundError) as refused:
        outbound.post("https://hooks.partner.example/x", b"{}", {}, timeout=1)
    assert refused.value.code == "private_address"
    assert str(refused.value) == "refused: private address"


class _Sink(http.server.BaseHTTPRequestHandler):
    status = 204

    def do_POST(self):  # noqa: N802 - the standard library's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(type(self).status)
        if type(self).status == 302:
            self.send_header("Location", "http://10.0.0.1/")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def sink():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Sink)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    _Sink.status = 204


def test_a_loopback_sink_is_called_where_allowed_and_redirects_are_not_followed(sink, settings, english):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    url = f"http://127.0.0.1:{sink.server_port}/hook"
    assert outbound.post(url, b"{}", {"Content-Type": "application/json"}, timeout=2)[0] == 204
    _Sink.status = 302
    with pytest.raises(OutboundError) as refused:
        outbound.post(url, b"{}", {}, timeout=2)
    assert refused.value.code == "redirect"
    _Sink.status = 503
    with pytest.raises(OutboundError) as failed:
        outbound.post(url, b"{}", {}, timeout=2)
    assert (failed.value.code, str(failed.value)) == ("http_5xx", "HTTP 503")


def test_connection_errors_are_reported_by_class_not_by_socket_text(settings, english):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    with pytest.raises(OutboundError) as failed:
        outbound.post("http://127.0.0.1:1/hook", b"{}", {}, timeout=1)
    assert (failed.value.code, str(failed.value)) == ("connection", "connection failed")


@pytest.mark.parametrize(
    "url",
    ["https://192.168.1.10/hook", "https://169.254.169.254/", "https://127.0.0.1:6379/", "https://[fd00::1]/x"],
)
def test_webhooks_and_robots_to_private_addresses_are_a_400_on_create_and_on_patch(url, request, settings, org):
    from .api_helpers import api_client

    settings.OUTBOUND_ALLOW_LOOPBACK = False
    client = api_client("org_admin", request)
    created = client.post("/api/v1/webhooks/", {"url": url}, content_type="application/json")
    assert created.status_code == 400 and "url" in created.json()
    robot = {"kind": "wecom", "url": url, "name": "ops"}
    assert client.post("/api/v1/chat-robots/", robot, content_type="application/json").status_code == 400
    ok = client.post("/api/v1/webhooks/", {"url": "https://erp.partner.example/hook"}, content_type="application/json")
    assert ok.status_code == 201, ok.content
    etag = client.get(f"/api/v1/webhooks/{ok.json()['id']}/")["ETag"]
    patched = client.patch(
        f"/api/v1/webhooks/{ok.json()['id']}/",
        {"url": url},
        content_type="application/json",
        headers={"If-Match": etag},
    )
    assert patched.status_code == 400 and "url" in patched.json()


def test_the_webhook_test_action_reports_a_class_not_the_network_s_words(request, settings, org, monkeypatch):
    from .api_helpers import api_client

    client = api_client("org_admin", request)
    hook = client.post(
        "/api/v1/webhooks/", {"url": "https://erp.partner.example/hook"}, content_type="application/json"
    )
    monkeypatch.setattr(outbound, "RESOLVER", lambda host, port: ["10.0.0.7"])  # rebinding after the save
    answer = client.post(f"/api/v1/webhooks/{hook.json()['id']}/test/", {}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["delivered"] is False
    assert answer.json()["error"] == "refused: private address"
