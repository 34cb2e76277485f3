"""The floor the API lists are measured against (bench/api_floor.py): the same page of the same rows as JSON
straight from `.values()`, without DRF, authentication or serialisers.

Served only when settings.API_BENCH_VIEWS is on (the benchmark's own server); production's URLs never include
them. `GET /bench/bare/<list>/?page=N&<column>=<value>...` (`<column>__in=a,b` for a list) filters on the
columns given (the caller's scope, as the benchmark sets it) and orders as the API list does by default.
"""

import json

from django.apps import apps
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone

PAGE_SIZE = 50

# list name -> (model label, default ordering of the API list)
LISTS = {
    "supply-requests": ("supply.SupplyRequest", ["-priority", "submitted_at", "pk"]),
    "organizations": ("members.Organisation", ["name_en"]),
    "notices": ("notices.Notice", ["-pinned", "-published_at", "-pk"]),
    "alerts": ("notices.Alert", ["-created_at", "-id"]),
    "commitments": ("supply.Commitment", ["-created_at", "-pk"]),
    "sites": ("members.Site", ["organisation__slug", "name_zh", "pk"]),
    "pledges": ("donations.Pledge", ["-created_at", "-pk"]),
    "status-reports": ("members.StatusReport", ["-report_date", "pk"]),
}


def bare_list(request, name: str) -> JsonResponse:
    if name not in LISTS:
        raise Http404
    label, ordering = LISTS[name]
    model = apps.get_model(label)
    filters = {
        key: value.split(",") if key.endswith("__in") else value for key, value in request.GET.items() if key != "page"
    }
    page = max(1, int(request.GET.get("page", "1") or 1))
    offset = (page - 1) * PAGE_SIZE
    rows = list(model._default_manager.filter(**filters).order_by(*ordering).values()[offset : offset + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    return JsonResponse({"next": page + 1 if has_next else None, "results": rows[:PAGE_SIZE]})


def _iso(value):
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def ceiling_alerts(request) -> HttpResponse:
    """A ceiling, not a floor: the alerts list of an API key's organisation (its first page), written by hand as
    lean as it can be and still be the API's answer: the key checked as the API checks it (one cache round trip),
    the row's columns read with `.values_list()` (the event and the organisation joined), each row a dictionary
    written out, one `json.dumps`; no DRF view, serializer, filter, throttle or model instance. Its results are the
    API's (tests/test_bench_views.py). What it reaches against the bare view bounds what any API list can."""
    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework.request import Request

    from .api_auth import ApiKeyAuthentication

    try:
        found = ApiKeyAuthentication().authenticate(Request(request))
    except AuthenticationFailed:
        found = None
    if found is None:
        return HttpResponse(status=401)
    organisation_id = found[1].organisation_id
    # By label: outside notices/alerts/ only the pipeline's entry is imported (tests/test_architecture.py).
    alert_model, robot_model = apps.get_model("notices.Alert"), apps.get_model("notices.ChatRobot")
    columns = ["delivery_id", "event__name", "event_id", "event__created_at", "organisation__slug", "channel"]
    columns += ["email", "webhook__url", "robot_id", "robot__name", "robot__kind", "language", "status", "attempts"]
    columns += ["next_attempt_at", "delivered_at", "last_error", "created_at"]
    rows = list(
        alert_model._default_manager.filter(organisation_id=organisation_id)
        .order_by("-created_at", "-id")
        .values_list(*columns)[: PAGE_SIZE + 1]
    )
    results = []
    for row in rows[:PAGE_SIZE]:
        (delivery, event, event_id, event_at, slug, channel, email, url, robot, robot_name, robot_kind) = row[:11]
        if channel == "email":
            destination = email
        elif channel == "webhook":
            destination = url or ""
        elif channel == "robot" and robot:
            destination = robot_name or str(robot_model._default_manager.get(pk=robot))
        else:
            destination = ""
        language, status, attempts, next_at, delivered_at, last_error, created_at = row[11:]
        results.append(
            {
                "delivery_id": str(delivery),
                "event": event,
                "event_id": event_id,
                "event_created_at": _iso(event_at),
                "organization": slug,
                "channel": channel,
                "destination": destination,
                "language": language,
                "status": status,
                "attempts": attempts,
                "next_attempt_at": _iso(next_at),
                "delivered_at": _iso(delivered_at),
                "last_error": last_error,
                "created_at": _iso(created_at),
            }
        )
    next_page = request.build_absolute_uri("?page=2") if len(rows) > PAGE_SIZE else None
    body = json.dumps({"next": next_page, "previous": None, "results": results}, ensure_ascii=False)
    return HttpResponse(body, content_type="application/json")


urlpatterns = [
    path("bench/bare/<slug:name>/", bare_list, name="bench-bare"),
    path("bench/ceiling/alerts/", ceiling_alerts, name="bench-ceiling-alerts"),
]
