"""The secretariat's web queue against the floor: the same page of the same rows as a bare `.values()` JSON view,
in process, interleaved, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliance_bench .venv/bin/python bench/queue_bench.py   # fills
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliance_bench .venv/bin/python bench/secretariat_queue_floor.py

Reads the requests bench/queue_bench.py left in the database (it does not write). Both pages go through Django's
test Client and the whole middleware stack as the secretariat's session: the queue (`GET /supply/secretariat/`,
the template, the navigation) and a bare view added for the run that returns the first page of
`supply.selectors.secretariat_queue()` as JSON from `.values()` of the fields the queue shows (no template, no
form). --rounds rounds of --requests requests each, alternating the two; reported: requests per second of each
(median of the rounds), the ratio, and the queries of one queue page.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")

FIELDS = (
    "id", "priority", "priority_score", "priority_override", "priority_parts", "status", "material", "quantity",
    "qty_committed", "unit", "urgency", "needed_by", "confirmed_at", "organisation__name_zh",
    "organisation__priority_guarantee", "site__province", "site__city", "category__name_zh", "risk_level",
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="requests of each page per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.http import JsonResponse
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import path

    import alliance_portal.urls
    from supply.selectors import secretariat_queue
    from supply.views.secretariat import PAGE_SIZE

    def bare(request):
        rows = list(secretariat_queue().values(*FIELDS)[: PAGE_SIZE + 1])
        return JsonResponse({"results": rows[:PAGE_SIZE], "has_next": len(rows) > PAGE_SIZE})

    urls = ModuleType("floor_urls")
    urls.urlpatterns = [path("__floor__/", bare), *alliance_portal.urls.urlpatterns]  # type: ignore[attr-defined]
    sys.modules["floor_urls"] = urls

    load_before = f"{os.getloadavg()[0]:.2f}"
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("pk").first()
    if staff is None:
        sys.exit("No staff user: run bench/queue_bench.py first.")
    client = Client()
    client.force_login(staff)
    headers = {"Accept-Language": "en"}
    pages = {"queue": "/supply/secretariat/", "bare": "/__floor__/"}
    rates: dict[str, list[float]] = {name: [] for name in pages}
    with override_settings(ROOT_URLCONF="floor_urls", ALLOWED_HOSTS=["testserver"]):
        for url in pages.values():
            for _ in range(5):
                assert client.get(url, headers=headers).status_code == 200
        queries: list[str] = []
        with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
            client.get(pages["queue"], headers=headers)
        rows = len(secretariat_queue()[:PAGE_SIZE])
        for _round in range(args.rounds):
            for name, url in pages.items():
                started = time.perf_counter()
                for _ in range(args.requests):
                    client.get(url, headers=headers)
                rates[name].append(args.requests / (time.perf_counter() - started))
    queue, floor = statistics.median(rates["queue"]), statistics.median(rates["bare"])
    print(f"load average {load_before} at the start, {os.getloadavg()[0]:.2f} at the end; {rows} rows a page")
    print("| page | requests/s | bare .values() JSON requests/s | ratio | queries a page |")
    print("|---|---|---|---|---|")
    print(f"| `/supply/secretariat/` | {queue:.1f} | {floor:.1f} | {queue / floor:.2f} | {len(queries)} |")
    for sql in queries:
        print("   ", sql[:160])


if __name__ == "__main__":
    main()
