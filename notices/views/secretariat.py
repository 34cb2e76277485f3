"""The secretariat's notice pages: every notice, compose and edit a draft with a preview and the audience it will
reach, publish now or at a set time, archive, and per notice the acknowledgement report with reminders and the
delivery progress of its alerts."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from alliance_portal.errors import ConflictError, NotAllowed
from alliance_portal.markdown import render as render_markdown
from alliance_portal.web import add_service_errors
from members.views.access import actor_for, posted, secretariat_required, service_refused

from .. import selectors, services
from ..forms import NoticeFilterForm, NoticeForm, PublishForm
from ..models import Notice
from ..selectors import acknowledgement_report, audience_count, audience_organisations, notice_audience

N = Notice.Status
PAGE_SIZE = 30


def delivery_progress(notice: Notice) -> dict[str, int] | None:
    """Delivered / pending / failed alerts of the notice's publication (None before it is published)."""
    if notice.status not in (N.PUBLISHED, N.ARCHIVED):
        return None
    return selectors.delivery_progress(notice_id=notice.pk)


def _report_url(pk: int) -> str:
    return reverse("notices:report", args=[pk])


def _edit_url(pk: int) -> str:
    return reverse("notices:edit", args=[pk])


def reach_text(count) -> str:
    organisations = ngettext("%(count)d organisation", "%(count)d organisations", count.organisations) % {
        "count": count.organisations
    }
    contacts = ngettext("%(count)d contact", "%(count)d contacts", count.contacts) % {"count": count.contacts}
    return _("Will reach %(organisations)s, %(contacts)s.") % {"organisations": organisations, "contacts": contacts}


def _form_reach(form: NoticeForm) -> str | None:
    data = form.cleaned_data
    count = audience_count(
        audience_organisations(
            audience_kind=data.get("audience_kind", ""),
            kinds=data.get("kinds") or [],
            provinces=data.get("provinces") or [],
            organisation_ids=[o.pk for o in data.get("organisations") or []],
        )
    )
    return reach_text(count)


def _preview(form: NoticeForm) -> dict[str, str]:
    data = form.cleaned_data
    return {
        "title_zh": data.get("title_zh", ""),
        "title_en": data.get("title_en", ""),
        "body_zh": render_markdown(data.get("body_zh", "")),
        "body_en": render_markdown(data.get("body_en", "")),
    }


@require_safe
@secretariat_required
def manage(request: HttpRequest) -> HttpResponse:
    form = NoticeFilterForm(request.GET or None)
    notices = Notice.objects.order_by("-created_at", "-pk")
    if category := form.category_value():
        notices = notices.filter(category=category)
    if q := form.search_value():
        notices = selectors.search_notices(notices, q)
    status = request.GET.get("status", "")
    if status in N.values:
        notices = notices.filter(status=status)
    page_obj = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page_obj, "statuses": N.choices, "status": status}
    return render(request, "notices/secretariat/manage.html", context)


def _compose_page(request: HttpRequest, form: NoticeForm, notice: Notice | None) -> HttpResponse:
    """GET shows the form; "preview" re-renders it with the rendered text and the audience; "save" writes."""
    context: dict[str, Any] = {"form": form, "notice": notice}
    if notice is not None:
        context["attachments"] = list(notice.attachments.all())
        context["publish_form"] = PublishForm()
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            context.update(preview=_preview(form), reach=_form_reach(form))
        else:
            actor = actor_for(request)
            try:
                with transaction.atomic():
                    fields = form.service_fields()
                    if notice is None:
                        saved = services.notice_create(actor=actor, **fields)
                    else:
                        saved = services.notice_update(actor=actor, notice=notice, **fields)
                    upload = form.cleaned_data.get("attachment")
                    if upload:
                        services.notice_attach(
                            actor=actor, notice=saved, file=upload, content_type=form.attachment_content_type
                        )
            except NotAllowed as error:
                return service_refused(request, error)
            except ConflictError as error:
                # Only an existing notice conflicts (published meanwhile); a new one is still a draft.
                messages.error(request, error.message)
                return redirect(_report_url(notice.pk) if notice is not None else reverse("notices:manage"))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The notice is saved as a draft. Publish it when it is ready."))
                return redirect(_edit_url(saved.pk))
    if "reach" not in context:
        context["reach"] = _form_reach(form) if form.is_bound and form.is_valid() else None
    if notice is not None and context["reach"] is None:
        context["reach"] = reach_text(audience_count(notice_audience(notice)))
    return render(request, "notices/secretariat/compose.html", context)


@require_http_methods(["GET", "POST"])
@secretariat_required
def compose(request: HttpRequest) -> HttpResponse:
    form = NoticeForm(posted(request), request.FILES or None)
    return _compose_page(request, form, None)


@require_http_methods(["GET", "POST"])
@secretariat_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    if notice.status not in (N.DRAFT, N.SCHEDULED):
        messages.info(request, _("This notice is published; it can no longer be edited."))
        return redirect(_report_url(pk))
    form = NoticeForm(posted(request), request.FILES or None, initial=NoticeForm.initial_for(notice))
    return _compose_page(request, form, notice)


@require_POST
@secretariat_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                # Iterating an ErrorList yields its messages; the stubs type the stored items.
                messages.error(request, error)  # type: ignore[arg-type]
        return redirect(_edit_url(pk))
    try:
        published = services.notice_publish(
            actor=actor_for(request),
            notice=notice,
            at=form.at,
            confirmed_reach=form.cleaned_data.get("confirmed_reach") or 0,
        )
    except NotAllowed as error:
        return service_refused(request, error)
    except ConflictError as error:
        if error.code == "confirm_reach":
            # A wide publication: the same choice again, with the number the person is asked to confirm.
            confirm = PublishForm(initial={**form.cleaned_data, "confirmed_reach": error.extra["reach"]})
            context = {"notice": notice, "form": confirm, "reach": error.extra["reach"], "at": form.at}
            return render(request, "notices/secretariat/publish_confirm.html", context)
        messages.error(request, error.message)
        return redirect(_report_url(pk))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_edit_url(pk))
    if published.status == N.SCHEDULED:
        messages.success(request, _("The notice is scheduled; it will be published at the time set."))
        return redirect(_edit_url(pk))
    messages.success(request, _("The notice is published; its alerts are going out."))
    return redirect(_report_url(pk))


@require_POST
@secretariat_required
def unschedule(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    try:
        services.notice_unschedule(actor=actor_for(request), notice=notice)
    except NotAllowed as error:
        return service_refused(request, error)
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The notice is back to draft; it will not be published until you publish it."))
    return redirect(_edit_url(pk))


@require_POST
@secretariat_required
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    try:
        services.notice_archive(actor=actor_for(request), notice=notice)
    except NotAllowed as error:
        return service_refused(request, error)
    messages.success(request, _("The notice is archived: members no longer see it in their list."))
    return redirect(_report_url(pk))


@require_safe
@secretariat_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice.objects.select_related("created_by"), pk=pk)
    context = {
        "notice": notice,
        "report": acknowledgement_report(notice),
        "progress": delivery_progress(notice),
        "can_remind": notice.status == N.PUBLISHED and notice.requires_ack,
    }
    return render(request, "notices/secretariat/report.html", context)


@require_POST
@secretariat_required
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    try:
        missing = services.notice_remind(actor=actor_for(request), notice=notice)
    except NotAllowed as error:
        return service_refused(request, error)
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "A reminder is going out to %(count)d organisation.",
                "A reminder is going out to %(count)d organisations.",
                len(missing),
            )
            % {"count": len(missing)},
        )
    return redirect(_report_url(pk))


@require_safe
@secretariat_required
def reach(request: HttpRequest) -> JsonResponse:
    """The live audience count of the compose page, for the audience being chosen."""
    form = NoticeForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    count = audience_count(
        audience_organisations(
            audience_kind=data.get("audience_kind") or "",
            kinds=data.get("kinds") or [],
            provinces=data.get("provinces") or [],
            organisation_ids=[o.pk for o in data.get("organisations") or []],
        )
    )
    return JsonResponse({"organisations": count.organisations, "contacts": count.contacts, "text": reach_text(count)})


@require_safe
@secretariat_required
def progress(request: HttpRequest, pk: int) -> JsonResponse:
    notice = get_object_or_404(Notice, pk=pk)
    return JsonResponse({"progress": delivery_progress(notice)})
