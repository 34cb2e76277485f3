"""Loopback receivers for the alert tests and benchmarks: an HTTP sink (webhooks, robots) and an SMTP sink.

Both run in a thread of the test process on 127.0.0.1 and keep what they receive; the SMTP sink speaks just enough
SMTP (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for Django's SMTP backend.
"""

import contextlib
import email
import email.policy
import json
import re
import socketserver
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_DELIVERY_HEADER = re.compile(rb"^X-Alliance-Delivery: *(\S+)", re.MULTILINE | re.IGNORECASE)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class HttpSink:
    """Answers every POST with `status` and `answer` (JSON); records each request."""

    status: int = 200
    answer: dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    requests: list[Received] = field(default_factory=list)
    on_request: object = None  # a callable(Received) -> (status, answer) | None, for receivers with logic

    def __post_init__(self):
        sink = self
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                received = Received(self.path, dict(self.headers.items()), self.rfile.read(length))
                status, answer = sink.status, sink.answer
                if sink.on_request is not None:
                    decided = sink.on_request(received)
                    if decided is not None:
                        status, answer = decided
                with sink.lock:
                    sink.requests.append(received)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def delivery_ids(self) -> Counter:
        with self.lock:
            return Counter(r.headers.get("X-Alliance-Delivery") for r in self.requests)


class _SmtpHandler(socketserver.StreamRequestHandler):
    def send(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        sink = self.server.sink
        with sink.lock:
            sink.connections += 1
        with contextlib.suppress(ConnectionError):  # the client went away (a killed worker, say)
            self.converse(sink)

    def converse(self, sink):
        self.send("220 sink ESMTP")
        rcpt = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
            elif verb == "HELO":
                self.send("250 sink")
            elif verb == "MAIL":
                rcpt = []
                self.send("250 OK")
            elif verb == "RCPT":
                rcpt.append(command.split(":", 1)[1].strip().strip("<>"))
                self.send("250 OK")
            elif verb == "DATA":
                self.send("354 End data with <CR><LF>.<CR><LF>")
                chunks = []
                while True:
                    data = self.rfile.readline()
                    if not data or data == b".\r\n":
                        break
                    chunks.append(data[1:] if data.startswith(b"..") else data)
                sink.add(rcpt, b"".join(chunks))
                self.send("250 OK queued")
            elif verb == "RSET":
                rcpt = []
                self.send("250 OK")
            elif verb == "NOOP":
                self.send("250 OK")
            elif verb == "QUIT":
                self.send("221 Bye")
                return
            else:
                self.send("502 Command not implemented")


class _SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    """Keeps each message's raw bytes and counts its delivery id as it arrives; `messages` parses them when asked.

    Receiving is kept cheap (a header looked up in the raw bytes, no parsing) because the benchmarks run the sink
    in their own process and poll `delivery_ids()` while the worker sends: a costly receiver would measure itself.
    """

    def __init__(self):
        self.raw: list[tuple[list[str], bytes]] = []
        self.received: Counter = Counter()
        self.connections = 0
        self.lock = threading.Lock()
        self.server = _SmtpServer(("127.0.0.1", 0), _SmtpHandler)
        self.server.sink = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def add(self, rcpt: list[str], raw: bytes) -> None:
        found = _DELIVERY_HEADER.search(raw.split(b"\r\n\r\n", 1)[0])
        with self.lock:
            self.raw.append((rcpt, raw))
            self.received[found.group(1).decode() if found else None] += 1

    @property
    def messages(self) -> list[tuple[list[str], email.message.EmailMessage]]:
        with self.lock:
            raw = list(self.raw)
        return [(rcpt, email.message_from_bytes(data, policy=email.policy.default)) for rcpt, data in raw]

    def delivery_ids(self) -> Counter:
        with self.lock:
            return Counter(self.received)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
