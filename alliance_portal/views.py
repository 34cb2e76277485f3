import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from members.models import SecretariatContact
from notices.selectors import public_notices

logger = logging.getLogger(__name__)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"notices": list(public_notices(limit=5))})


@require_safe
def contact(request: HttpRequest) -> HttpResponse:
    contacts = SecretariatContact.objects.filter(is_active=True)
    return render(request, "contact.html", {"contacts": contacts})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.exception("health check: database unreachable")
        return False


def _broker_state() -> str:
    if not settings.REDIS_URL:
        return "eager"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
        return "ok"
    except Exception:
        logger.exception("health check: broker unreachable")
        return "down"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 "ok"; 200 "degraded" when only Redis (broker and cache) is away — pages and the API still answer, alerts
    wait in the outbox for the re-queue —; 503 "down" when the database is."""
    database = "ok" if _database_ok() else "down"
    broker = _broker_state()
    down = ["database"] if database == "down" else []
    degraded = ["redis"] if broker == "down" else []
    status = "down" if down else "degraded" if degraded else "ok"
    body = {"status": status, "database": database, "broker": broker, "down": down, "degraded": degraded}
    return JsonResponse(body, status=503 if down else 200)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Under /api/ a path that matches no endpoint is answered like every API error (JSON), not with the web page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found."), "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)
