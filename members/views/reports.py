"""Status report pages: a member files and reads its own reports; the secretariat reads every member's, files on a
member's behalf and sees who has not reported."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from alliance_portal.errors import NotAllowed

from ..forms_reports import StatusReportForm, initial_from
from ..models import Organisation, StatusReport
from ..rules import Actor, actor_for_user, require_write
from ..selectors_reports import (
    organisations_missing_reports,
    period_start,
    previous_report,
    report_for,
    stock_categories,
    visible_reports,
)
from ..services_reports import status_report_file
from .access import forbidden, posted

PAGE_SIZE = 30


def _actor(request: HttpRequest) -> Actor:
    return actor_for_user(request.user)


def _reader_or_403(request: HttpRequest, actor: Actor) -> HttpResponse | None:
    if not actor.is_secretariat and actor.organisation is None:
        return forbidden(request, _("Your account does not belong to a member organisation."))
    return None


@require_safe
@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    refused = _reader_or_403(request, actor)
    if refused:
        return refused
    reports = visible_reports(actor)
    organisation = None
    if actor.is_secretariat and request.GET.get("organisation"):
        organisation = Organisation.objects.filter(slug=request.GET["organisation"]).first()
        reports = reports.filter(organisation=organisation)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    context = {
        "page": page,
        "reports": page.object_list,
        "organisation": organisation,
        "is_secretariat": actor.is_secretariat,
        "can_write": actor.can_write and actor.organisation is not None,
        "reported_today": (
            actor.organisation is not None
            and StatusReport.objects.filter(organisation=actor.organisation, report_date=today).exists()
        ),
    }
    return render(request, "members/reports/report_list.html", context)


@require_safe
@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    refused = _reader_or_403(request, actor)
    if refused:
        return refused
    report = get_object_or_404(visible_reports(actor), pk=pk)
    history = report.history.select_related("history_user").order_by("-history_date")[:20]
    can_edit = actor.is_secretariat or (actor.can_write and actor.organisation_id == report.organisation_id)
    return render(
        request,
        "members/reports/report_detail.html",
        {"report": report, "history": history, "can_edit": can_edit, "is_secretariat": actor.is_secretariat},
    )


def _form_page(
    request: HttpRequest, actor: Actor, organisation: Organisation, report: StatusReport | None
) -> HttpResponse:
    try:
        require_write(actor, organisation=organisation)
    except NotAllowed as error:
        return forbidden(request, str(error.message))
    categories = stock_categories(organisation) if organisation.kind == Organisation.Kind.FAB else []
    source: StatusReport | None
    initial: dict[str, Any]
    if report is not None:
        source, initial = report, {}
    else:
        source = previous_report(organisation, timezone.localdate())
        initial = {**initial_from(source), "report_date": timezone.localdate()}
    stock_initial = {level.category_id: level.days for level in source.stock_levels.all()} if source else {}
    instance = report or StatusReport(organisation=organisation)
    form = StatusReportForm(
        posted(request),
        instance=instance,
        initial=initial,
        stock_categories=categories,
        stock_initial=stock_initial,
    )
    if request.method == "POST" and form.is_valid():
        report_date = report.report_date if report is not None else form.cleaned_data["report_date"]
        try:
            saved, created = status_report_file(
                actor=actor,
                organisation=organisation,
                report_date=report_date,
                stock=form.stock(),
                **form.report_fields(),
            )
        except NotAllowed as error:
            return forbidden(request, str(error.message))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Your report for %(date)s has been filed.") % {"date": saved.report_date.isoformat()}
                if created
                else _("Your report for %(date)s has been updated.") % {"date": saved.report_date.isoformat()},
            )
            return redirect("members:report_detail", saved.pk)
    context = {
        "form": form,
        "organisation": organisation,
        "report": report,
        "previous": source if report is None else None,
        "on_behalf": actor.is_secretariat and actor.organisation_id != organisation.pk,
    }
    return render(request, "members/reports/report_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def report_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if actor.is_secretariat and request.GET.get("organisation"):
        organisation = get_object_or_404(Organisation, slug=request.GET["organisation"])
    elif actor.organisation is not None:
        organisation = actor.organisation
    elif actor.is_secretariat:
        messages.info(request, _("Choose the member to file a report for."))
        return redirect("members:reports_missing")
    else:
        return forbidden(request, _("Your account does not belong to a member organisation."))
    if request.method == "GET":
        # The day's report exists already: change it rather than start another.
        wanted = parse_date(request.GET.get("date") or "") or timezone.localdate()
        existing = report_for(organisation, wanted)
        if existing is not None and (actor.is_secretariat or actor.can_write):
            return redirect("members:report_edit", existing.pk)
    return _form_page(request, actor, organisation, None)


@require_http_methods(["GET", "POST"])
@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    refused = _reader_or_403(request, actor)
    if refused:
        return refused
    report = get_object_or_404(visible_reports(actor), pk=pk)
    return _form_page(request, actor, report.organisation, report)


@require_safe
@login_required
def reports_missing(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        return forbidden(request, _("Only the secretariat can open this page."))
    today = timezone.localdate()
    missing = list(organisations_missing_reports(today))
    context = {"organisations": missing, "since": period_start(today), "today": today}
    return render(request, "members/reports/missing.html", context)
