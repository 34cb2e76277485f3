"""What a queue page shows of each row, built once per page in Python rather than once per cell in the template.

Labels of choices (status, urgency, unit, province) are looked up once per distinct value a page holds, the
priority explanation once per distinct part, the small badges (status, stale, risk) rendered from their own
templates once per distinct value, and each link from one reversed pattern: about 200 `{% url %}` tags, 150
includes and 200 `get_*_display` calls a page of 50 rows become dictionary look-ups. The queue's table rows and
its approve forms are then joined here too, one `format_html` a row (every value escaped), and the template prints
them whole: the template engine's some 25 variable look-ups a row cost more than the rest of the row.
"""

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from members.regions import Province

from .. import priority
from ..models import SupplyRequest, Unit, Urgency
from ..templatetags.supply_ui import qty

PK_PLACEHOLDER = 987654321  # reversed once, then replaced by each row's id
# What a row of the secretariat's queue reads: the page loads only these columns (a field left out would cost a
# query per row; tests/supply/test_queue_page_rows.py pins the page's queries).
QUEUE_ROW_FIELDS = (
    "status", "priority", "priority_score", "priority_override", "override_reason", "priority_parts", "material",
    "quantity", "qty_committed", "unit", "urgency", "needed_by", "confirmed_at", "submitted_at",
    "organisation__name_zh", "organisation__name_en", "organisation__priority_guarantee",
    "site__province", "site__city", "site__city_en", "category__name_zh", "category__name_en",
)  # fmt: skip


@dataclass(frozen=True)
class QueueRowDisplay:
    detail_url: str
    approve_url: str
    reject_url: str
    override_url: str
    status_label: str
    urgency_label: str
    unit_label: str
    province_label: str
    explanation: str
    select_label: str
    status_badge: SafeString
    stale_badge: SafeString
    risk_badge: SafeString
    priority_cell: SafeString
    remaining: str
    needed_by: str


def _labels(choices: Iterable[tuple[str, Any]]) -> Callable[[str], str]:
    """value -> its label in the active language, each translated once, on first use (an unknown value as is)."""
    lazy = dict(choices)
    memo: dict[str, str] = {}

    def label(value: str) -> str:
        if value not in memo:
            memo[value] = str(lazy.get(value, value))
        return memo[value]

    return label


def _badges(template_name: str, context_for: Callable[[Any], dict[str, Any]]) -> Callable[[Any], SafeString]:
    """key -> the badge template rendered for it, once per distinct key a page holds."""
    memo: dict[Any, SafeString] = {}

    def badge(key: Any) -> SafeString:
        if key not in memo:
            memo[key] = render_to_string(template_name, context_for(key))
        return memo[key]

    return badge


def _priority_cell() -> Callable[[SupplyRequest, str], SafeString]:
    """The compact branch of supply/_priority.html (a table cell: the priority, an override, the explanation), built
    in Python with its words translated once a page; tests/supply/test_queue_page_rows.py pins it to the template."""
    title = _("Priority")
    override = _("override")
    computed = _("computed %(score)s")

    def cell(supply_request: SupplyRequest, explanation: str) -> SafeString:
        overridden = (
            format_html(
                '\n  <span class="badge text-bg-dark" title="{}">{}</span>\n  <span class="small text-muted">{}</span>',
                supply_request.override_reason,
                override,
                computed % {"score": supply_request.priority_score},
            )
            if supply_request.priority_override is not None
            else ""
        )
        return format_html(
            '<div class="supply-priority">\n  <span class="fs-5 fw-semibold" title="{}">{}</span>{}\n'
            '  <div class="small text-muted">{}</div>\n</div>',
            title,
            supply_request.priority,
            overridden,
            explanation,
        )

    return cell


def _url_maker(name: str, suffix: str = "") -> Callable[[int], str]:
    head, _placeholder, tail = reverse(name, args=[PK_PLACEHOLDER]).partition(str(PK_PLACEHOLDER))
    return lambda pk: f"{head}{pk}{tail}{suffix}"


def _explainer() -> Callable[[list[dict]], str]:
    """priority.explain, with each distinct part described once a page (parts repeat: the same risk, urgency...)."""
    memo: dict[tuple, str] = {}
    separator = _(", ")
    nothing = _("no priority factors")

    def explain(parts: list[dict]) -> str:
        if not parts:
            return nothing
        words = []
        for part in parts:
            key = tuple(sorted((k, str(v)) for k, v in part.items()))
            if key not in memo:
                memo[key] = priority.describe_part(part)
            words.append(memo[key])
        return separator.join(words)

    return explain


def secretariat_queue_rows(requests: list[SupplyRequest], *, back_to: str) -> list[SupplyRequest]:
    """Attaches `show` (a QueueRowDisplay) to each request of a secretariat queue page; back_to is the page to
    return to after a reject or an override (it becomes their `?next=`)."""
    suffix = f"?next={quote(back_to, safe='/')}"
    detail = _url_maker("supply:secretariat_request")
    approve = _url_maker("supply:secretariat_approve")
    reject = _url_maker("supply:secretariat_reject", suffix)
    override = _url_maker("supply:secretariat_override", suffix)
    status = _labels(SupplyRequest.Status.choices)
    urgency = _labels(Urgency.choices)
    unit = _labels(Unit.choices)
    province = _labels(Province.choices)
    explain = _explainer()
    select = _("Select request #%(id)s")
    status_badge = _badges(
        "supply/_status_badge.html",
        lambda value: {"supply_request": SimpleNamespace(status=value, get_status_display=lambda: status(value))},
    )
    stale_badge = _badges("supply/_stale_badge.html", lambda stale: {"supply_request": {"is_stale": stale}})
    risk_badge = _badges("supply/_risk_badge.html", lambda level: {"level": level})
    priority_cell = _priority_cell()
    dates: dict[Any, str] = {}
    for supply_request in requests:
        pk = supply_request.pk
        explanation = explain(supply_request.priority_parts or [])
        supply_request.show = QueueRowDisplay(  # type: ignore[attr-defined]  # read by the template
            detail_url=detail(pk),
            approve_url=approve(pk),
            reject_url=reject(pk),
            override_url=override(pk),
            status_label=status(supply_request.status),
            urgency_label=urgency(supply_request.urgency),
            unit_label=unit(supply_request.unit),
            province_label=province(supply_request.site.province),
            explanation=explanation,
            select_label=select % {"id": pk},
            status_badge=status_badge(supply_request.status),
            stale_badge=stale_badge(supply_request.is_stale),
            risk_badge=risk_badge(supply_request.risk_level),  # type: ignore[attr-defined]  # annotated
            priority_cell=priority_cell(supply_request, explanation),
            remaining=qty(supply_request.remaining),
            needed_by=dates.get(supply_request.needed_by)
            or dates.setdefault(supply_request.needed_by, date_format(supply_request.needed_by, "DATE_FORMAT")),
        )
    return requests


# One row of templates/supply/secretariat/queue.html's table, as the template wrote it (tests/supply/
# test_queue_page_rows.py compares it with the shared templates it replaces).
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
_APPROVE_FORM = """
<form method="post" action="{approve_url}" id="approve-{pk}" class="d-none"><input type="hidden" \
name="csrfmiddlewaretoken" value="{csrf_token}"><input type="hidden" name="next" value="{back_to}"></form>
"""


@dataclass(frozen=True)
class QueueTable:
    rows: SafeString  # the table body's rows
    approve_forms: SafeString  # one hidden form a submitted request, outside the bulk form (forms do not nest)


def secretariat_queue_table(
    requests: list[SupplyRequest], *, back_to: str, selected: Collection[str], csrf_token: str
) -> QueueTable:
    """The queue page's rows (and their approve forms) as HTML; `selected` are the ids to show checked (a bulk
    action sent back with an error), `csrf_token` the page's token for the approve forms."""
    secretariat_queue_rows(requests, back_to=back_to)
    guarantee = format_html(' <span class="badge text-bg-danger">{}</span>', _("Priority guarantee"))
    words = {"approve_text": _("Approve"), "reject_text": _("Reject"), "override_text": _("Override")}
    submitted = SupplyRequest.Status.SUBMITTED
    rows, forms = [], []
    for supply_request in requests:
        pk, show = supply_request.pk, supply_request.show  # type: ignore[attr-defined]  # set above
        is_submitted = supply_request.status == submitted
        rows.append(
            format_html(
                _ROW,
                pk=pk,
                select_label=show.select_label,
                checked=mark_safe(" checked") if str(pk) in selected else "",
                priority_cell=show.priority_cell,
                detail_url=show.detail_url,
                fab=supply_request.organisation.name,
                guarantee=guarantee if supply_request.organisation.priority_guarantee else "",
                province=show.province_label,
                city=supply_request.site.city_name,
                risk_badge=show.risk_badge,
                material=supply_request.material,
                category=supply_request.category.name,
                urgency=show.urgency_label,
                remaining=show.remaining,
                unit=show.unit_label,
                needed_by=show.needed_by,
                status_badge=show.status_badge,
                stale_badge=show.stale_badge,
                triage=format_html(_TRIAGE, pk=pk, reject_url=show.reject_url, **words) if is_submitted else "",
                override_url=show.override_url,
                **words,
            )
        )
        if is_submitted:
            forms.append(
                format_html(_APPROVE_FORM, approve_url=show.approve_url, pk=pk, csrf_token=csrf_token, back_to=back_to)
            )
    return QueueTable(rows=mark_safe("".join(rows)), approve_forms=mark_safe("".join(forms)))  # noqa: S308  # each part escaped
