"""The priority score of a supply request, and its explanation.

The score is a sum of parts, each from one input; the weights are in settings.SUPPLY_PRIORITY_WEIGHTS (documented
in the README). Every part is stored with the request so that any door (web, admin, API) can show why a request
sits where it does in the queue.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Inputs:
    risk_level: str  # "high" | "medium" | "low"
    priority_guarantee: bool
    days_of_stock: int
    urgency: str  # "critical" | "high" | "normal"
    needed_by: date
    submitted_at: datetime | None
    # Set when days_of_stock is the fab's newer figure from its status report of that date, not the request's own.
    stock_reported_on: date | None = None


def _stock_points(days: int, bands: list[tuple[int, int]]) -> int:
    for max_days, points in bands:
        if days <= max_days:
            return points
    return 0


def compute(inputs: Inputs, *, now: datetime | None = None) -> tuple[int, list[dict]]:
    """(score, parts). Each part is {"factor", "value", "points"}; parts worth nothing are left out."""
    weights = settings.SUPPLY_PRIORITY_WEIGHTS
    now = now or timezone.now()
    today = timezone.localdate(now)
    parts: list[dict] = []

    def add(factor: str, value, points: int, **extra: object) -> None:
        if points:
            parts.append({"factor": factor, "value": value, "points": points, **extra})

    add("risk", inputs.risk_level, weights["risk"].get(inputs.risk_level, 0))
    if inputs.priority_guarantee:
        add("guarantee", True, weights["priority_guarantee"])
    reported = {"reported_on": inputs.stock_reported_on.isoformat()} if inputs.stock_reported_on else {}
    add("stock", inputs.days_of_stock, _stock_points(inputs.days_of_stock, weights["days_of_stock"]), **reported)
    add("urgency", inputs.urgency, weights["urgency"].get(inputs.urgency, 0))
    days_to_need = (inputs.needed_by - today).days
    add("needed_by", days_to_need, _stock_points(days_to_need, weights["needed_by"]))
    if inputs.submitted_at is not None:
        waited = max((now - inputs.submitted_at).days, 0)
        add("waiting", waited, min(waited * weights["waiting_per_day"], weights["waiting_max"]))
    return sum(p["points"] for p in parts), parts


def describe_part(part: dict) -> str:
    """One part in words, in the active language: "high-risk area +40"."""
    factor, value, points = part["factor"], part["value"], part["points"]
    if factor == "risk":
        label = {"high": _("high-risk area"), "medium": _("medium-risk area"), "low": _("low-risk area")}.get(
            value, value
        )
    elif factor == "guarantee":
        label = _("priority guarantee")
    elif factor == "stock":
        label = ngettext("%(days)d day of stock", "%(days)d days of stock", value) % {"days": value}
        if part.get("reported_on"):
            label = _("%(stock)s (status report of %(date)s)") % {"stock": label, "date": part["reported_on"]}
    elif factor == "urgency":
        label = {"critical": _("critical urgency"), "high": _("high urgency")}.get(value, value)
    elif factor == "needed_by":
        if value < 0:
            label = ngettext("needed %(days)d day ago", "needed %(days)d days ago", -value) % {"days": -value}
        else:
            label = ngettext("needed within %(days)d day", "needed within %(days)d days", value) % {"days": value}
    elif factor == "waiting":
        label = ngettext("waited %(days)d day", "waited %(days)d days", value) % {"days": value}
    elif factor == "override":
        label = _("secretariat override")
    else:
        label = factor
    return f"{label} {points:+d}"


# Words of parts already described, per language, for the process: the same parts come back page after page (a risk
# level, a number of days), and gettext costs more than the look-up. Bounded: at most this many are kept.
_KEPT = 2048


@lru_cache(maxsize=_KEPT)
def _described(language: str | None, items: tuple) -> str:
    return describe_part({key: value for key, _kind, value in items})


def describe_part_kept(part: dict) -> str:
    """`describe_part`, remembered per language (a list page describes hundreds of parts, few of them distinct)."""
    try:
        # The value's type is part of the key: True and 1 are equal in Python, not in words.
        return _described(get_language(), tuple((key, type(value), value) for key, value in part.items()))
    except TypeError:  # a value that cannot be a key (a list, from elsewhere than compute): described each time
        return describe_part(part)


def explain(parts: list[dict], describe: Callable[[dict], str] = describe_part) -> str:
    """The parts in words; `describe` may be a memo of describe_part (the API's list puts each part in words once)."""
    return explain_described([describe(p) for p in parts])


def explain_described(described: list[str]) -> str:
    """The explanation of parts already put in words (describe_part), in their order."""
    return explainer()(described)


def explainer() -> Callable[[list[str]], str]:
    """`explain_described` with its words looked up now, in the active language: for a page of rows (a lookup
    through gettext costs more than joining a row's parts)."""
    separator, nothing = _(", "), _("no priority factors")
    return lambda described: separator.join(described) if described else nothing
