"""The secretariat's queue table, built in Python: the page's rows read as plain values (`QUEUE_ROW_VALUES`, one
query), each row joined into its HTML with one string format, every value escaped on the way in.

The queue is opened all day, and the template engine cost more than the rest of the page: some 25 variable look-ups
a row, each one resolved, localised and escaped. Here the words are translated once a page, labels of choices
(status, urgency, unit, province) looked up once per distinct value, the small badges (status, stale, risk) rendered
from their own templates once per distinct value, each link made from one reversed pattern, each distinct text
escaped once, and dates, quantities and the priority's parts put into words once per process and language. The
markup is the one the template wrote; tests/supply/test_queue_page_rows.py compares each row with the old
template's loop over the shared templates.
"""

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from html import escape  # what django.utils.html.escape calls, without its lazy-string wrapper
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from members.regions import Province

from .. import priority
from ..models import SupplyRequest, SupplyRequestQuerySet, Unit, Urgency, request_stale_cutoff
from ..templatetags.supply_ui import qty

PK_PLACEHOLDER = 987654321  # reversed once, then replaced by each row's id
# What a row of the secretariat's queue reads (`secretariat_queue().values(*QUEUE_ROW_VALUES)`).
QUEUE_ROW_VALUES = (
    "id", "status", "priority", "priority_score", "priority_override", "override_reason", "priority_parts",
    "material", "quantity", "qty_committed", "unit", "urgency", "needed_by", "confirmed_at", "risk_level",
    "organisation__name_zh", "organisation__name_en", "organisation__priority_guarantee",
    "site__province", "site__city", "site__city_en", "category__name_zh", "category__name_en",
)  # fmt: skip

# One row of the table, as templates/supply/secretariat/queue.html wrote it in a loop.
_ROW = """
      <tr>
        <td><input class="form-check-input" type="checkbox" name="requests" value="{pk}" id="select-{pk}" \
aria-label="{select_label}"{checked}></td>
        <td>{priority_cell}</td>
        <td><a href="{detail_url}">#{pk}</a></td>
        <td>{fab}{guarantee}</td>
        <td>{province} · {city} {risk_badge}</td>
        <td><a href="{detail_url}">{material}</a><div class="small text-muted">{category} · {urgency}</div></td>
        <td class="text-nowrap">{remaining} {unit}</td>
        <td class="text-nowrap">{needed_by}</td>
        <td>{status_badge} {stale_badge}</td>
        <td class="text-end text-nowrap">
          {triage}
          <a class="btn btn-sm btn-link" href="{override_url}">{override_text}</a>
        </td>
      </tr>
      """
_TRIAGE = """
          <button type="submit" class="btn btn-sm btn-success" form="approve-{pk}">{approve_text}</button>
          <a class="btn btn-sm btn-link text-danger" href="{reject_url}">{reject_text}</a>
          """
# The compact branch of supply/_priority.html (a table cell: the priority, an override, the explanation).
_PRIORITY = """<div class="supply-priority">
  <span class="fs-5 fw-semibold" title="{title}">{priority}</span>{overridden}
  <div class="small text-muted">{explanation}</div>
</div>"""
_OVERRIDDEN = """
  <span class="badge text-bg-dark" title="{reason}">{override}</span>
  <span class="small text-muted">{computed}</span>"""
_APPROVE_FORM = """
<form method="post" action="{approve_url}" id="approve-{pk}" class="d-none"><input type="hidden" \
name="csrfmiddlewaretoken" value="{csrf_token}"><input type="hidden" name="next" value="{back_to}"></form>
"""


@dataclass(frozen=True)
class QueueTable:
    rows: SafeString  # the table body's rows
    approve_forms: SafeString  # one hidden form a submitted request, outside the bulk form (forms do not nest)


def _memo(function: Callable[[Any], str]) -> Callable[[Any], str]:
    """function, computed once per distinct argument a page holds."""
    memo: dict[Any, str] = {}

    def once(key: Any) -> str:
        try:
            return memo[key]
        except KeyError:
            memo[key] = result = function(key)
            return result

    return once


def _labels(choices: Iterable[tuple[str, Any]]) -> Callable[[str], str]:
    """value -> its label in the active language, escaped (an unknown value as is)."""
    lazy = dict(choices)
    return _memo(lambda value: escape(str(lazy.get(value, value))))


def _badges(template_name: str, context_for: Callable[[Any], dict[str, Any]]) -> Callable[[Any], str]:
    """key -> the badge template rendered for it."""
    return _memo(lambda key: render_to_string(template_name, context_for(key)))


def _url_maker(name: str, suffix: str = "") -> Callable[[int], str]:
    head, _placeholder, tail = reverse(name, args=[PK_PLACEHOLDER]).partition(str(PK_PLACEHOLDER))
    head, tail = escape(head), escape(f"{tail}{suffix}")
    return lambda pk: f"{head}{pk}{tail}"


# Per process and language: the words of a date, a quantity or a priority part never change while the process runs,
# and the same ones come back page after page (bounded: at most this many of each are kept).
_KEPT = 2048


@lru_cache(maxsize=_KEPT)
def _day(language: str | None, value: date) -> str:
    return escape(date_format(value, "DATE_FORMAT"))


@lru_cache(maxsize=_KEPT)
def _quantity(language: str | None, value: Decimal) -> str:
    return escape(qty(value))


def _explainer() -> Callable[[list[dict] | None], str]:
    """priority.explain, escaped, each distinct part described once (parts repeat: the same risk, urgency...)."""
    separator = _(", ")
    nothing = escape(_("no priority factors"))

    def explain(parts: list[dict] | None) -> str:
        return escape(separator.join(priority.describe_part_kept(part) for part in parts)) if parts else nothing

    return explain


def _in_language() -> Callable[[str, str], str]:
    """members.models.pick_language, with the language read once: the text in it, else in the other one."""
    if (get_language() or "zh-hans").startswith("zh"):
        return lambda zh, en: zh or en
    return lambda zh, en: en or zh


def secretariat_queue_table(
    rows: list[dict[str, Any]], *, back_to: str, selected: Collection[str], csrf_token: str
) -> QueueTable:
    """The queue page's table rows (and their approve forms) as HTML, from rows of `QUEUE_ROW_VALUES`. back_to is the
    page to return to after an approve, a reject or an override (their `next`), `selected` the ids to show checked
    (a bulk action sent back with an error), `csrf_token` the page's token for the approve forms."""
    suffix = f"?next={quote(back_to, safe='/')}"
    detail = _url_maker("supply:secretariat_request")
    approve = _url_maker("supply:secretariat_approve")
    reject = _url_maker("supply:secretariat_reject", suffix)
    override = _url_maker("supply:secretariat_override", suffix)
    statuses = dict(SupplyRequest.Status.choices)
    urgency = _labels(Urgency.choices)
    unit = _labels(Unit.choices)
    province = _labels(Province.choices)
    language = get_language()
    explain = _explainer()
    pick = _in_language()
    text = _memo(escape)
    select = escape(_("Select request #%(id)s"))
    status_badge = _badges(
        "supply/_status_badge.html",
        lambda value: {
            "supply_request": SimpleNamespace(status=value, get_status_display=lambda: statuses.get(value, value))
        },
    )
    stale_badge = _badges("supply/_stale_badge.html", lambda stale: {"supply_request": {"is_stale": stale}})
    risk_badge = _badges("supply/_risk_badge.html", lambda level: {"level": level})
    title, override_word, computed = escape(_("Priority")), escape(_("override")), _("computed %(score)s")
    guarantee = f' <span class="badge text-bg-danger">{escape(_("Priority guarantee"))}</span>'
    words = {"approve_text": escape(_("Approve")), "reject_text": escape(_("Reject"))}
    override_text = escape(_("Override"))
    open_statuses, stale_before = SupplyRequestQuerySet.OPEN_STATUSES, request_stale_cutoff()
    submitted = SupplyRequest.Status.SUBMITTED
    back = escape(back_to)
    zero = Decimal(0)
    table, forms = [], []
    for row in rows:
        pk, state, confirmed_at = row["id"], row["status"], row["confirmed_at"]
        overridden = (
            _OVERRIDDEN.format(
                reason=escape(row["override_reason"]),
                override=override_word,
                computed=escape(computed % {"score": row["priority_score"]}),
            )
            if row["priority_override"] is not None
            else ""
        )
        is_submitted = state == submitted
        table.append(
            _ROW.format(
                pk=pk,
                select_label=select % {"id": pk},
                checked=" checked" if str(pk) in selected else "",
                priority_cell=_PRIORITY.format(
                    title=title,
                    priority=row["priority"],
                    overridden=overridden,
                    explanation=explain(row["priority_parts"]),
                ),
                detail_url=detail(pk),
                fab=text(pick(row["organisation__name_zh"], row["organisation__name_en"])),
                guarantee=guarantee if row["organisation__priority_guarantee"] else "",
                province=province(row["site__province"]),
                city=text(pick(row["site__city"], row["site__city_en"])),
                risk_badge=risk_badge(row["risk_level"]),
                material=text(row["material"]),
                category=text(pick(row["category__name_zh"], row["category__name_en"])),
                urgency=urgency(row["urgency"]),
                remaining=_quantity(language, max(row["quantity"] - row["qty_committed"], zero)),
                unit=unit(row["unit"]),
                needed_by=_day(language, row["needed_by"]),
                status_badge=status_badge(state),
                stale_badge=stale_badge(
                    state in open_statuses and confirmed_at is not None and confirmed_at < stale_before
                ),
                triage=_TRIAGE.format(pk=pk, reject_url=reject(pk), **words) if is_submitted else "",
                override_url=override(pk),
                override_text=override_text,
            )
        )
        if is_submitted:
            forms.append(_APPROVE_FORM.format(approve_url=approve(pk), pk=pk, csrf_token=csrf_token, back_to=back))
    # Every value above went through escape() (or is a number, or a badge rendered by its own template).
    rows_html, forms_html = "".join(table), "".join(forms)
    return QueueTable(rows=mark_safe(rows_html), approve_forms=mark_safe(forms_html))  # noqa: S308  # nosec B308, B703
