"""The mixed load of `make bench` (bench/load/run.py): members browsing, suppliers committing, partners paging the API,
the secretariat approving, as one kind of Locust user that plays every part, so one user alone makes the same mix.

Each simulated user holds three signed-in sessions (a fab member, a supplier's administrator, the secretariat) and a
partner's read key, and picks a task by weight with 0.1-0.5 s of thinking between two. The sessions were made through
the login form by bench/load/run.py before the measured runs (a sign-in costs half a second of PBKDF2) and come in
the JSON file LOAD_SESSIONS; user n takes set n.

The server runs with the production settings behind no proxy, so every request says `X-Forwarded-Proto: https` as
the TLS-terminating proxy would (SECURE_PROXY_SSL_HEADER), sends an `Origin` of https://<host> on POST (the CSRF check
of a secure request), and carries the Secure session and CSRF cookies in a Cookie header of its own (a cookie jar
keeps Secure cookies off plain HTTP).

A 409 (the request was approved or covered by someone else between reading the page and acting) is an answer of the
workflow, not an error: it is counted apart (written to LOAD_CONFLICTS at the end) and not as a failure. Anything
else at 400 or above is a failure.
"""

import http.cookiejar
import itertools
import json
import os
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task
from locust.clients import HttpSession

SESSIONS = json.loads(Path(os.environ["LOAD_SESSIONS"]).read_text())
NEXT_SESSION = itertools.count()
CONFLICTS: dict[str, int] = {}
FORWARDED = {"X-Forwarded-Proto": "https"}
SECRETARIAT_REQUEST = re.compile(r'href="/supply/secretariat/requests/(\d+)/"')
SUPPLIER_REQUEST = re.compile(r'href="/supply/queue/(\d+)/"')
OWN_REQUEST = re.compile(r'href="/supply/requests/(\d+)/"')


@events.quitting.add_listener
def _write_conflicts(environment, **_kwargs):
    path = os.environ.get("LOAD_CONFLICTS")
    if path:
        Path(path).write_text(json.dumps(CONFLICTS))


def _shanghai_date_in(days: int) -> str:
    return (datetime.now(UTC) + timedelta(hours=8, days=days)).date().isoformat()


class Portal(HttpUser):
    wait_time = between(0.1, 0.5)

    def _session(self) -> HttpSession:
        session = HttpSession(self.host, self.environment.events.request, self)
        session.trust_env = False
        # The loopback stands in for the HTTPS front: the Secure cookies are carried by hand (the Cookie header set in
        # on_start), and none is taken from the answers (a flash message's cookie is simply not sent back).
        session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        session.headers.update(FORWARDED)
        session.headers["Accept-Language"] = random.choice(["zh-hans", "zh-hans", "en"])
        return session

    def on_start(self) -> None:
        self._origin = "https://" + urlsplit(self.host).netloc
        signed_in = SESSIONS["sessions"][next(NEXT_SESSION) % len(SESSIONS["sessions"])]
        self.member, self.supplier, self.staff = self._session(), self._session(), self._session()
        for session, cookies in (
            (self.member, signed_in["member"]),
            (self.supplier, signed_in["supplier"]),
            (self.staff, signed_in["staff"]),
        ):
            session.headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        self.partner = self._session()
        self.partner.headers["Authorization"] = "Bearer " + signed_in["partner_key"]

    def _post(self, session: HttpSession, path: str, data: dict, name: str) -> None:
        data = {**data, "csrfmiddlewaretoken": session.headers["Cookie"].split("csrftoken=")[1].split(";")[0]}
        headers = {"Origin": self._origin, "Referer": self._origin + path}
        with session.post(
            path, data=data, headers=headers, allow_redirects=False, name=name, catch_response=True
        ) as response:
            if response.status_code == 409:
                CONFLICTS[name] = CONFLICTS.get(name, 0) + 1
                response.success()
            elif response.status_code != 302:
                response.failure(f"{response.status_code} (expected a redirect after the action)")

    # ---------------------------------------------------------------------------- a fab member browses (weight 10)

    @task(4)
    def member_notices(self) -> None:
        self.member.get("/notices/", name="/notices/")

    @task(3)
    def member_notice(self) -> None:
        self.member.get(f"/notices/{random.choice(SESSIONS['notices'])}/", name="/notices/[id]/")

    @task(2)
    def member_requests(self) -> None:
        page = self.member.get("/supply/requests/", name="/supply/requests/")
        ids = OWN_REQUEST.findall(page.text or "")
        if ids:
            self.member.get(f"/supply/requests/{random.choice(ids)}/", name="/supply/requests/[id]/")

    @task(1)
    def member_home(self) -> None:
        self.member.get("/", name="/")

    # ----------------------------------------------------------------------------- a supplier commits (weight 8)

    @task(4)
    def supplier_queue(self) -> None:
        page = random.choice(["", "", "", "?page=2", "?page=3"])
        self.supplier.get(f"/supply/queue/{page}", name="/supply/queue/")

    @task(2)
    def supplier_commit(self) -> None:
        page = self.supplier.get("/supply/queue/", name="/supply/queue/")
        ids = SUPPLIER_REQUEST.findall(page.text or "")
        if not ids:
            return
        pk = random.choice(ids)
        self.supplier.get(f"/supply/queue/{pk}/", name="/supply/queue/[id]/")
        data = {"quantity": "1", "expected_ship_date": _shanghai_date_in(3), "currency": "CNY", "unit_price": "120"}
        self._post(self.supplier, f"/supply/queue/{pk}/", data, "POST /supply/queue/[id]/ (commit)")

    @task(1)
    def supplier_commitments(self) -> None:
        self.supplier.get("/supply/commitments/", name="/supply/commitments/")

    # ----------------------------------------------------------------------- a partner pages the API (weight 6)

    @task(4)
    def partner_pages_requests(self) -> None:
        url = "/api/v1/supply-requests/"
        for _ in range(3):
            body = self.partner.get(url, name="/api/v1/supply-requests/ (page)").json()
            if not body.get("next"):
                break
            parts = urlsplit(body["next"])
            url = f"{parts.path}?{parts.query}"

    @task(1)
    def partner_organisations(self) -> None:
        self.partner.get("/api/v1/organizations/?kind=supplier", name="/api/v1/organizations/")

    @task(1)
    def partner_notices(self) -> None:
        self.partner.get("/api/v1/notices/", name="/api/v1/notices/")

    # -------------------------------------------------------------------------- the secretariat approves (weight 3)

    @task(1)
    def secretariat_queue(self) -> None:
        self.staff.get("/supply/secretariat/", name="/supply/secretariat/")

    @task(2)
    def secretariat_approve(self) -> None:
        page = self.staff.get("/supply/secretariat/?status=submitted", name="/supply/secretariat/?status=submitted")
        ids = SECRETARIAT_REQUEST.findall(page.text or "")
        if not ids:
            return
        pk = random.choice(ids[:20])
        self.staff.get(f"/supply/secretariat/requests/{pk}/", name="/supply/secretariat/requests/[id]/")
        self._post(self.staff, f"/supply/secretariat/requests/{pk}/approve/", {}, "POST .../[id]/approve/")
