"""Each role's start page, where the login lands (LOGIN_REDIRECT_URL): what needs the person first.

A member sees the notices waiting for its organisation's acknowledgement (one tap each), then what needs its action
by kind (a fab's commitments and open requests, a supplier's commitments to ship and matching requests, a carrier's
shipments), then today's status report if not filed, its open assistance cases and its pledges in progress. A viewer,
or anyone of a suspended organisation, sees the same without buttons. The secretariat sees its action list (a count
per item, each a link to the filtered list) and the dashboard's panels.

The page only reads, through each app's selectors; it lives in the dashboard app because it reads every app and
nothing may import it. Every list is cut to a few rows, so the page makes the same queries whatever the data."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from assistance.selectors import active_cases, case_counts
from donations.selectors import overdue_pledge_count, pledges_in_progress, shipments_to_update
from members.models import Organisation
from members.rules import Actor
from members.selectors import membership_for
from members.selectors_reports import has_reported, organisations_missing_reports, reports_expected_from
from members.views.access import actor_for
from notices.alerts import delivery_health
from notices.selectors import awaiting_acknowledgement, visible_notices
from notices.views.member import acknowledge_for_organisation
from supply.selectors import (
    fab_commitments_awaiting,
    fab_open_requests,
    secretariat_supply_counts,
    supplier_commitments,
    supplier_queue,
)
from supply.selectors import shipments_to_update as commitment_shipments_to_update

from .selectors import acknowledgements
from .views import dashboard_context

# Rows shown per card; one more is read to know whether to offer "see all".
SHOWN = 5


@dataclass
class Section:
    """One card of a member's start page: `template` draws `rows` (at most SHOWN); `more` when there are others."""

    key: str
    title: str
    template: str
    rows: list
    all_url: str = ""
    empty: str = ""
    more: bool = False

    @classmethod
    def of(cls, key: str, title: str, template: str, queryset, **kwargs) -> "Section":
        rows = list(queryset[: SHOWN + 1])
        return cls(key, title, template, rows[:SHOWN], more=len(rows) > SHOWN, **kwargs)


@dataclass
class ActionItem:
    """One line of the secretariat's action list: how many, and the list that shows them."""

    key: str
    label: str
    count: int
    url: str
    tone: str = "warning"
    hint: str = ""


@dataclass
class MemberStart:
    organisation: Organisation | None
    can_write: bool
    sections: list[Section] = field(default_factory=list)
    # Why the buttons are missing (a viewer; an organisation suspended or withdrawn), in the rule's own words.
    read_only: str = ""

    @property
    def waiting(self) -> list[Section]:
        """The cards with something in them, in the order of the page: what needs the member comes first."""
        return [section for section in self.sections if section.rows]

    @property
    def clear(self) -> list[Section]:
        return [section for section in self.sections if not section.rows]


@dataclass(frozen=True)
class Card:
    """What one card of a member's start page shows, for the kinds of organisation it is for (every kind when
    `kinds` is empty): its rows, drawn by `dashboard/start/_<key>.html`, the list behind them and what it says when
    nothing waits. `when` leaves the card out for an organisation it does not concern."""

    key: str
    title: Promise
    rows: Callable[[Organisation, Actor], Any]
    url_name: str
    empty: Promise
    kinds: tuple[str, ...] = ()
    query: str = ""
    when: Callable[[Organisation], bool] | None = None

    def section(self, organisation: Organisation, actor: Actor) -> Section:
        all_url = reverse(self.url_name) + (f"?{self.query}" if self.query else "")
        return Section.of(
            self.key,
            str(self.title),
            f"dashboard/start/_{self.key}.html",
            self.rows(organisation, actor),
            all_url=all_url,
            empty=str(self.empty),
        )


Kind = Organisation.Kind

# The cards in the order of the page: the notices first, then what the kind of organisation has to act on.
CARDS = (
    Card(
        "notices",
        gettext_lazy("Notices to acknowledge"),
        lambda organisation, actor: awaiting_acknowledgement(organisation),
        "notices:list",
        gettext_lazy("No notice waits for your acknowledgement."),
    ),
    Card(
        "fab_commitments",
        gettext_lazy("Commitments waiting for you"),
        lambda organisation, actor: fab_commitments_awaiting(organisation=organisation),
        "supply:request_list",
        gettext_lazy("No offer to accept and no delivery to confirm."),
        kinds=(Kind.FAB,),
    ),
    Card(
        "fab_requests",
        gettext_lazy("Open supply requests"),
        lambda organisation, actor: fab_open_requests(organisation=organisation),
        "supply:request_list",
        gettext_lazy("No open supply request."),
        kinds=(Kind.FAB,),
    ),
    Card(
        "supplier_commitments",
        gettext_lazy("Commitments to ship"),
        lambda organisation, actor: supplier_commitments(supplier=organisation, status="accepted"),
        "supply:commitment_list",
        gettext_lazy("No accepted commitment waits for shipping."),
        kinds=(Kind.SUPPLIER,),
        query="status=accepted",
    ),
    Card(
        "supplier_queue",
        gettext_lazy("Requests you can supply"),
        lambda organisation, actor: supplier_queue(supplier=organisation),
        "supply:supplier_queue",
        gettext_lazy("Nothing in your categories needs supply right now."),
        kinds=(Kind.SUPPLIER,),
    ),
    Card(
        "shipments",
        gettext_lazy("Shipments to update"),
        lambda organisation, actor: shipments_to_update(organisation),
        "dashboard:shipments",
        gettext_lazy("No shipment waits for a pick-up, checkpoint or hand-over."),
        kinds=(Kind.LOGISTICS,),
    ),
    Card(
        "commitment_shipments",
        gettext_lazy("Supply shipments to update"),
        lambda organisation, actor: commitment_shipments_to_update(organisation),
        "dashboard:shipments",
        gettext_lazy("No supply shipment waits for a pick-up, checkpoint or hand-over."),
        kinds=(Kind.LOGISTICS,),
    ),
    Card(
        "report",
        gettext_lazy("Today's status report"),
        lambda organisation, actor: [] if has_reported(organisation) else [timezone.localdate()],
        "members:report_list",
        gettext_lazy("Today's status report is filed."),
        when=reports_expected_from,
    ),
    Card(
        "cases",
        gettext_lazy("Open assistance cases"),
        lambda organisation, actor: active_cases(actor),
        "assistance:case_list",
        gettext_lazy("No open assistance case."),
    ),
    Card(
        "pledges",
        gettext_lazy("Pledges in progress"),
        lambda organisation, actor: pledges_in_progress(organisation),
        "donations:pledge_list",
        gettext_lazy("No pledge in progress."),
    ),
)


def _member_sections(actor: Actor) -> list[Section]:
    organisation = actor.organisation
    assert organisation is not None
    return [
        card.section(organisation, actor)
        for card in CARDS
        if (not card.kinds or organisation.kind in card.kinds) and (card.when is None or card.when(organisation))
    ]


def member_start(actor: Actor) -> MemberStart:
    organisation = actor.organisation
    if organisation is None:
        return MemberStart(organisation=None, can_write=False)
    refusal = actor.refusal()
    return MemberStart(
        organisation=organisation,
        can_write=refusal is None,
        sections=_member_sections(actor),
        read_only=str(refusal.message) if refusal is not None else "",
    )


def _admin_url(name: str, **filters) -> str:
    try:
        url = reverse(f"admin:{name}_changelist")
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode(filters)}" if filters else url


def secretariat_actions(actor: Actor) -> list[ActionItem]:
    """The secretariat's action list, in the order it works through it; each count is what its link lists."""
    supply = secretariat_supply_counts()
    # The newest notices asking for acknowledgement (dashboard.selectors.ACK_NOTICES of them), as the dashboard reads
    # them; those whose audience has not all acknowledged are behind.
    behind = sum(1 for row in acknowledgements() if row["acknowledged"] < row["audience"])
    # The pipeline's entry gives the totals with a per-day breakdown; from now on, that part reads no row.
    failed = delivery_health(since=timezone.now())[0]["failed"]
    queue = reverse("supply:secretariat_queue")
    return [
        ActionItem(
            "to_triage",
            _("Supply requests to triage"),
            supply["to_triage"],
            f"{queue}?status=submitted",
            "primary",
            _("submitted, waiting for approval"),
        ),
        ActionItem(
            "critical_open",
            _("Critical requests not met"),
            supply["critical_open"],
            f"{queue}?urgency=critical",
            "danger",
            _("open, not yet fulfilled"),
        ),
        ActionItem(
            "notices_behind",
            _("Notices behind on acknowledgement"),
            behind,
            reverse("notices:manage"),
            "warning",
            _("members still to acknowledge"),
        ),
        ActionItem(
            "failed_alerts", _("Failed alerts"), failed, _admin_url("notices_alert", status__exact="failed"), "danger"
        ),
        ActionItem(
            "overdue_pledges",
            _("Pledges overdue"),
            overdue_pledge_count(),
            f"{reverse('donations:pledge_list')}?overdue=1",
            "warning",
            _("past the promised date, not dispatched"),
        ),
        ActionItem(
            "not_reported",
            _("Members not reported today"),
            organisations_missing_reports().count(),
            reverse("members:reports_missing"),
            "warning",
        ),
        ActionItem(
            "stale_cases",
            _("Stale assistance cases"),
            case_counts(actor)["stale"],
            f"{reverse('assistance:case_list')}?stale=on",
            "warning",
            _("no note for days"),
        ),
    ]


@require_safe
@login_required
def start_page(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    if actor.is_secretariat:
        context = {"actions": secretariat_actions(actor), **dashboard_context()}
        return render(request, "dashboard/start_secretariat.html", context)
    return render(request, "dashboard/start_member.html", {"start": member_start(actor)})


@require_POST
@login_required
def start_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """The start page's one-tap acknowledgement, as the notice's own page does it (notices' door helper); back to the
    start page. Only a notice addressed to the organisation is found here, whoever asks."""
    membership = membership_for(request.user)
    if membership is None:
        raise Http404
    notice = get_object_or_404(visible_notices(organisation=membership.organisation), pk=pk)
    thanks = _("Acknowledged for your organisation: %(title)s") % {"title": notice.title}
    return acknowledge_for_organisation(request, membership, notice, thanks=thanks, then=reverse("start"))
