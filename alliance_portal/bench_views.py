"""The floor the API lists are measured against (bench/api_floor.py): the same page of the same rows as JSON
straight from `.values()`, without DRF, authentication or serialisers.

Served only when settings.API_BENCH_VIEWS is on (the benchmark's own server); production's URLs never include
them. `GET /bench/bare/<list>/?page=N&<column>=<value>...` (`<column>__in=a,b` for a list) filters on the
columns given (the caller's scope, as the benchmark sets it) and orders as the API list does by default.
"""

from django.apps import apps
from django.http import Http404, JsonResponse
from django.urls import path

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


urlpatterns = [path("bench/bare/<slug:name>/", bare_list, name="bench-bare")]
