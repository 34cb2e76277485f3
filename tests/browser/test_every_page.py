"""Every page every demo role can reach, in a real browser: on a 390×844 phone and a 1366×900 laptop, in Chinese and
in English, nothing scrolls sideways, no English msgid is left in a Chinese page, the console shows no error but the
page's own expected 4xx, and axe-core reports no serious or critical accessibility violation.

The pages are collected from the URL configuration, not listed here: each role starts from every GET page without
path parameters, then follows the links it is shown (same site, resolved against the URL patterns) until no new
URL name turns up, so a role visits one page of each kind it can reach with the demo's own objects (and a few
rows the demo lacks, added here); a page no link led to is tried with the path parameters of the role's other links.
The forms' targets count as reached. At the end every URL pattern must have been reached by some role or be named
below as not a page (an action, a file, the admin...) or not in the demo: a new page fails here until it is.

Screenshots of each role's start page (and of the main lists) at both sizes and in both languages go to
test-output/start-<role>-<width>-<language>.png; test-output/sweep.txt lists what was visited and found.
"""

import itertools
import os
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import NoReverseMatch, ResolverMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from donations.demo import CARRIER_USER
from members.demo import demo_logins
from members.models import Organisation
from notices.models import Notice
from supply.models import Commitment, SupplyRequest

from ..notices.factories import make_notice
from ..supply.factories import CommitmentFactory, SupplyRequestFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(390, 844), (1366, 900)]
LANGUAGES = ["zh-hans", "en"]
# One login per kind of demo role; anonymous visits the public pages.
ALL_ROLES = ["anonymous", "secretariat", "ymtc-admin", "ymtc-member", "ymtc-viewer", "supplier-admin", CARRIER_USER[0]]
# SWEEP_ROLES=secretariat,ymtc-admin runs a few (anonymous first when named: the public pages are noted from it).
ROLES = os.environ["SWEEP_ROLES"].split(",") if os.environ.get("SWEEP_ROLES") else ALL_ROLES

# URL names that are not pages a person reads in the portal's own layout: actions answered only to POST (their
# forms are on the pages visited), files, the Django admin and the API with its documentation, the language switch.
NOT_PAGES_ROUTES = ("admin/", "api/")
NOT_PAGES_PREFIXES = ("admin:", "api-")
NOT_PAGES = {
    "healthz",
    "schema",
    "set_language",
    "logout",
    "start_acknowledge",
    "members:invitation_revoke",
    "members:membership_role",
    "supply:request_submit",
    "supply:request_close",
    "supply:secretariat_close",
    "supply:commitment_accept",
    "supply:request_reconfirm",
    "supply:capacity_save",
    "supply:capacity_confirm",
    "supply:secretariat_bulk",
    "supply:secretariat_clear_override",
    "notices:acknowledge",
    "notices:attachment",
    "notices:reach",
    "notices:unschedule",
    "notices:archive",
    "notices:remind",
    "notices:progress",
    "dashboard:chart_csv",
    "dashboard:summary_csv",
    "supply:secretariat_export",
    "assistance:case_assign",
    "assistance:case_note",
    "assistance:case_status",
    "donations:pledge_certificate",
    "donations:pledge_acknowledge",
}
# Pages the demo cannot open, and why (the coverage check at the end accepts them unvisited).
NOT_IN_DEMO = {
    "donations:certificate_verify": "a certificate's number is read off its PDF and typed in: no page links it",
    "members:report_create": "every demo organisation has reported today: the page sends on to today's report",
}
# Pages only reached from an e-mail, with a value no demo page links to: visited with these (invalid) values.
FILL = {
    "accept_invitation": {"token": "no-such-invitation"},
    "password_reset_confirm": {"uidb64": "MQ", "token": "no-such-token"},
}

# Saved to test-output/<page>-<role>-<width>-<language>.png: each role's start page at both sizes in both languages,
# and the main lists as the phone's cards (390 px, Chinese).
SCREENSHOTS = {
    "start",
    "supply:secretariat_queue",
    "supply:supplier_queue",
    "supply:request_list",
    "members:my_organisation",
}
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
# The navigation bar, closed, is one row high at both sizes (a menu button on the phone, every link on the laptop).
NAV_HEIGHT = "() => document.querySelector('nav.navbar').getBoundingClientRect().height"
NAV_ONE_ROW = 64
# The links a page shows, and the addresses its forms post to (an action answered only to POST is reached so).
LINKS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"
# (getAttribute: a form with a field named "action" hides the property.)
ACTIONS = """() => Array.from(document.querySelectorAll('form[method=post i]'),
  f => new URL(f.getAttribute('action') || '', document.baseURI).href)"""
# Every piece of text a reader meets: the text nodes of the body (each trimmed, spaces collapsed; the language menu
# aside) and the attributes that are read out or shown (placeholder, aria-label, title, alt, a button's value).
TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(parent.tagName)) continue;
    if (parent.closest('#language-form')) continue;  // each language by its own name: "English" is right there
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], [alt], input[type=submit]')) {
    for (const name of ['placeholder', 'aria-label', 'title', 'alt', 'value']) {
      if (name === 'value' && el.type !== 'submit') continue;
      const value = (el.getAttribute(name) || '').replace(/\\s+/g, ' ').trim();
      if (value) out.push(value);
    }
  }
  const title = document.title.replace(/\\s+/g, ' ').trim();
  for (const part of title.split(' · ')) out.push(part);
  return out;
}"""
AXE_RUN = "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"  # noqa: E501
CJK = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def _axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def _catalog() -> tuple[set[str], list[re.Pattern[str]]]:
    """The English msgids that Chinese readers must never see: every msgid of the Chinese catalog (and the pending
    ones of the branches) whose translation differs from it. Those with placeholders become patterns."""
    exact: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    base = Path(settings.BASE_DIR) / "locale"
    files = [base / "zh_Hans" / "LC_MESSAGES" / "django.po", *sorted((base / "pending").glob("*.po"))]
    for path in files:
        if not path.exists():
            continue
        for entry in polib.pofile(str(path)):
            for msgid in [entry.msgid, entry.msgid_plural]:
                text = " ".join(msgid.split())
                # A word or two of capitals and digits (API, CSV, PDF, UN) or a lone symbol is not a sentence.
                if not text or not re.search(r"[a-z]{2,}", text) or entry.msgstr == msgid:
                    continue
                if PLACEHOLDER.search(text):
                    literal = [re.escape(part) for part in PLACEHOLDER.split(text)]
                    if sum(len(part) for part in PLACEHOLDER.split(text)) >= 8:
                        patterns.append(re.compile("^" + ".+?".join(literal) + "$"))
                else:
                    exact.add(text)
    return exact, patterns


def untranslated(texts: list[str], exact: set[str], patterns: list[re.Pattern[str]]) -> list[str]:
    """The texts that are an English msgid (or one of its pieces between links) rather than its translation."""
    found = []
    for text in texts:
        if CJK.search(text):
            continue
        candidate = text.rstrip(":：*").strip()
        if candidate in exact or any(pattern.match(candidate) for pattern in patterns):
            found.append(text)
    return found


@dataclass
class Sweep:
    visited: dict[str, set[str]] = field(default_factory=dict)  # role -> URL names
    problems: list[str] = field(default_factory=list)
    loads: int = 0
    load_seconds: float = 0.0
    axe_seconds: float = 0.0
    public: set[str] = field(default_factory=set)  # the pages anonymous visitors reach
    axe_signed_in: set[str] = field(default_factory=set)  # those already checked by axe for a signed-in role
    axe_second: set[str] = field(default_factory=set)  # those already checked by axe in the second language
    actions: set[str | None] = field(default_factory=set)  # where the forms of the pages visited post to
    refusal_checked: dict[str, bool] = field(default_factory=dict)


def _url_names() -> dict[str, list[str]]:
    """Every named URL pattern of the portal's pages, with the names of its path parameters (the admin and the API
    under their prefixes are not pages of the portal's layout)."""
    names: dict[str, list[str]] = {}

    def walk(resolver: URLResolver, namespace: str, prefix: str) -> None:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if route.startswith(NOT_PAGES_ROUTES):
                continue
            if isinstance(entry, URLResolver):
                walk(entry, namespace + (f"{entry.namespace}:" if entry.namespace else ""), route)
            elif isinstance(entry, URLPattern) and entry.name:
                names.setdefault(namespace + entry.name, list(entry.pattern.regex.groupindex))

    walk(get_resolver(), "", "")
    return names


def _match(url: str, base: str) -> ResolverMatch | None:
    """What an address of this site resolves to, None for another site's or an unknown one."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != base:
        return None
    try:
        return resolve(parts.path)
    except Resolver404:
        return None


def _view_name(url: str, base: str) -> str | None:
    match = _match(url, base)
    return match.view_name if match else None


# Candidate fillings tried per unreached page and role, newest first: the rows in states the demo does not show are
# made last (`_complete_the_demo`), so their pages are found among the highest ids of the role's links. Each try is a
# plain request, not a page load.
PROBES = 40


def _probe(page, base: str, name: str, params: list[str], pool: dict[str, set[str]]) -> str | None:
    """A path of the page `name` that answers this role 200, its parameters taken from `pool`; None if none does."""
    namespace = name.rpartition(":")[0]
    values = [sorted(pool.get(f"{namespace}:{param}", ()), key=lambda v: (len(v), v), reverse=True) for param in params]
    for combination in itertools.islice(itertools.product(*values), PROBES):
        try:
            path = reverse(name, kwargs=dict(zip(params, combination, strict=True)))
        except NoReverseMatch:
            continue
        if page.request.get(base + path, max_redirects=0).status == 200:
            return path
    return None


def _is_page(name: str) -> bool:
    return name not in NOT_PAGES and not name.startswith(NOT_PAGES_PREFIXES)


def _start_urls(names: dict[str, list[str]]) -> dict[str, str]:
    urls = {}
    for name, params in names.items():
        if not _is_page(name):
            continue
        try:
            urls[name] = reverse(name, kwargs=FILL.get(name)) if params else reverse(name)
        except NoReverseMatch:
            continue
    return urls


def _sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/start/")


def _check_page(page, base, path, name, role, sweep, catalog, axe_script, screenshot_dir, errors) -> list[str] | None:
    """Visits one page in both languages at both sizes; returns the links it shows, or None when it is not a page of
    this role's: it is sent elsewhere (to sign in...), the method is not allowed, or it is one more refusal page (the
    first one of each role is checked)."""
    links: list[str] = []
    # axe: in Chinese on the phone for every role's page; in English on the laptop once per kind of page (the first
    # role to reach it: the rules read the structure and colours, which the other roles' copies share). A public
    # page (one anonymous visitors see too) is checked in Chinese once for signed-in people, by the first role.
    axe_first = role == "anonymous" or name not in sweep.public or name not in sweep.axe_signed_in
    axe_second = name not in sweep.axe_second
    sweep.axe_second.add(name)
    if role != "anonymous" and name in sweep.public:
        sweep.axe_signed_in.add(name)
    for language in LANGUAGES:
        page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
        page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
        errors.clear()
        began = time.monotonic()
        response = page.goto(base + path)
        sweep.loads += 1
        status = response.status if response else 0
        where = f"{role} {name} {path} [{language}]"
        if status >= 500 or status == 0:
            sweep.problems.append(f"{where}: HTTP {status}")
            continue
        if language == LANGUAGES[0]:
            if status == 405 or urlsplit(page.url).path != path:
                return None
            if status >= 400 and name not in FILL:
                if sweep.refusal_checked.get(role):
                    return None
                sweep.refusal_checked[role] = True
        expected = [f"status of {status}"] if status >= 400 else []
        if language == LANGUAGES[0]:
            links = page.evaluate(LINKS)
            sweep.actions.update(_view_name(action, base) for action in page.evaluate(ACTIONS))
            texts = page.evaluate(TEXTS)
            left = untranslated(texts, *catalog)
            if left:
                sweep.problems.append(f"{where}: untranslated {sorted(set(left))}")
        sweep.load_seconds += time.monotonic() - began
        began = time.monotonic()
        axe_width = SIZES[LANGUAGES.index(language) % len(SIZES)][0]
        run_axe = axe_first if language == LANGUAGES[0] else axe_second
        if run_axe:
            page.evaluate(axe_script)
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            overflow = page.evaluate(OVERFLOW)
            if overflow > 0:
                sweep.problems.append(f"{where} at {width}px: {overflow}px wider than the screen")
            nav_height = page.evaluate(NAV_HEIGHT)
            if nav_height > NAV_ONE_ROW:
                sweep.problems.append(f"{where} at {width}px: the navigation wraps ({nav_height}px high)")
            violations = page.evaluate(AXE_RUN) if run_axe and width == axe_width else []
            for violation in violations:
                if violation["impact"] in ("serious", "critical"):
                    sweep.problems.append(
                        f"{where} at {width}px: axe {violation['id']} ({violation['impact']}): "
                        f"{violation['help']} {violation['nodes']}"
                    )
            if name == "start" or (name in SCREENSHOTS and width == SIZES[0][0] and language == LANGUAGES[0]):
                label = name.replace(":", "-")
                page.screenshot(path=str(screenshot_dir / f"{label}-{role}-{width}-{language}.png"), full_page=True)
        sweep.axe_seconds += time.monotonic() - began
        for error in errors:
            if not any(text in error for text in expected):
                sweep.problems.append(f"{where}: console error {error}")
    return links if status < 400 or name in FILL else None


def _complete_the_demo() -> None:
    """Rows in the states the demo does not show, so that the pages they open are visited too: a draft notice (its
    edit page), a draft request of YMTC (its edit page), and an offer and an accepted commitment of Guanghui on an
    approved YMTC request (the fab's decline, the supplier's withdraw and ship)."""
    ymtc = Organisation.objects.get(slug="ymtc")
    supplier = Organisation.objects.get(slug="guanghui-pr")
    make_notice(status=Notice.Status.DRAFT, title_zh="草稿：复工安排", title_en="Draft: resumption")
    approved = SupplyRequest.objects.filter(organisation=ymtc, status=SupplyRequest.Status.APPROVED).first()
    SupplyRequestFactory(
        organisation=ymtc,
        site=approved.site,
        category=approved.category,
        status=SupplyRequest.Status.DRAFT,
        submitted_at=None,
        material="光刻胶稀释剂",
    )
    for status in (Commitment.Status.OFFERED, Commitment.Status.ACCEPTED):
        CommitmentFactory(request=approved, supplier=supplier, quantity=Decimal(1), status=status)


def test_every_page_of_every_role_fits_a_phone_speaks_chinese_and_passes_axe(browser, live_server, screenshot_dir):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the logins are not this test's output
    _complete_the_demo()
    passwords = {login.username: login.password for login in demo_logins()} | {CARRIER_USER[0]: CARRIER_USER[1]}
    names = _url_names()
    start_urls = _start_urls(names)
    catalog = _catalog()
    axe_script = _axe_script()
    base = live_server.url
    sweep = Sweep()
    began = time.monotonic()

    for role in ROLES:
        context = browser.new_context(locale="zh-CN", viewport={"width": SIZES[0][0], "height": SIZES[0][1]})
        errors: list[str] = []
        context.on("console", lambda message, errors=errors: message.type == "error" and errors.append(message.text))
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on("pageerror", lambda error, errors=errors: errors.append(f"script error: {error}"))
        try:
            if role != "anonymous":
                _sign_in(page, base, role, passwords[role])
            queue = list(start_urls.items())
            seen = {name for name, _ in queue}
            visited = sweep.visited.setdefault(role, set())
            pool: dict[str, set[str]] = {}  # "namespace:param" -> the values this role's links carried
            for probing in (False, True):
                if probing:
                    # The pages no link of the demo led to for anyone yet: their parameters filled from the values
                    # of this role's links in the same app, tried without rendering until one answers 200.
                    reached = set().union(*sweep.visited.values(), sweep.actions)
                    for name, params in names.items():
                        if params and name not in reached and name not in seen and _is_page(name):
                            path = _probe(page, base, name, params, pool)
                            if path:
                                seen.add(name)
                                queue.append((name, path))
                while queue:
                    name, path = queue.pop(0)
                    links = _check_page(
                        page, base, path, name, role, sweep, catalog, axe_script, screenshot_dir, errors
                    )
                    if links is None:
                        continue
                    visited.add(name)
                    if role == "anonymous":
                        sweep.public.add(name)
                    for link in links:
                        match = _match(link, base)
                        if match is None:
                            continue
                        for param, value in match.kwargs.items():
                            pool.setdefault(f"{match.namespace}:{param}", set()).add(str(value))
                        if match.view_name in seen or not _is_page(match.view_name):
                            continue
                        seen.add(match.view_name)
                        queue.append((match.view_name, urlsplit(link).path))
        finally:
            context.close()

    elapsed = time.monotonic() - began
    summary = [
        f"sweep: {sweep.loads} page loads in {elapsed:.0f}s (loading and text {sweep.load_seconds:.0f}s, "
        f"sizes and axe {sweep.axe_seconds:.0f}s)",
        *(f"  {role}: {len(visited)} pages: {' '.join(sorted(visited))}" for role, visited in sweep.visited.items()),
        *sweep.problems,
    ]
    (screenshot_dir / "sweep.txt").write_text("\n".join(summary) + "\n")
    print("\n" + "\n".join(summary[: len(sweep.visited) + 1]))
    reached = set().union(*sweep.visited.values(), sweep.actions)
    missing = sorted(name for name in names if _is_page(name) and name not in reached and name not in NOT_IN_DEMO)
    assert not missing, f"pages no demo role reached (link them, or name them in NOT_PAGES): {missing}"
    assert not sweep.problems, f"{len(sweep.problems)} problems:\n" + "\n".join(sweep.problems)
