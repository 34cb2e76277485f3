"""The navigation's pending count on every page: for a member, the notices waiting for its organisation's
acknowledgement; for the secretariat, the supply requests waiting for triage.

Counted at most once per request, with one query, and only when a template shows it (the admin's pages do not).
The query reads at most CAP + 1 ids (no COUNT over a table that may hold 100,000 open requests): past CAP the
badge says "99+". The secretariat's count is the same for every staff user, so it is kept in the shared cache for
a few seconds (supply.selectors.TRIAGE_COUNT_SECONDS; forgotten when a request is saved): its pages, the queue
first, then make no query for it. The dashboard app is the top of the import graph, so reading notices and supply
here makes no lower app import it."""

from collections.abc import Callable

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest

from members.selectors import membership_for
from notices.selectors import awaiting_acknowledgement
from supply.selectors import TRIAGE_COUNT_KEY, TRIAGE_COUNT_SECONDS, requests_to_triage

CAP = 99


def _capped(queryset: QuerySet) -> int:
    return len(queryset.order_by().values_list("pk", flat=True)[: CAP + 1])


def pending_count_for(request: HttpRequest) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    if user.is_staff:
        count = cache.get(TRIAGE_COUNT_KEY)
        if count is None:
            count = _capped(requests_to_triage())
            cache.set(TRIAGE_COUNT_KEY, count, TRIAGE_COUNT_SECONDS)
        return count
    membership = membership_for(user)  # cached on the user: the portal context processor has read it already
    if membership is None:
        return 0
    return _capped(awaiting_acknowledgement(membership.organisation))


def pending(request: HttpRequest) -> dict[str, Callable[[], int]]:
    def count() -> int:
        # A template calls a callable each time it names it: the first call counts, the others read the answer.
        if not hasattr(request, "_pending_count"):
            request._pending_count = pending_count_for(request)  # type: ignore[attr-defined]
        return request._pending_count  # type: ignore[attr-defined]

    return {"pending_count": count}
