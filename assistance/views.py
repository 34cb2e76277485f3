"""Assistance pages: a member reads its own cases and the notes written for it; the secretariat works every case
(opens, assigns, writes notes, resolves) here or in the admin. Another organisation's case is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from alliance_portal.errors import ConflictError, NotAllowed
from members.rules import Actor, actor_for_user
from members.views.access import forbidden, posted

from . import selectors, services
from .forms import AssignForm, CaseFilterForm, CaseOpenForm, NoteForm, TransitionForm
from .models import AssistanceCase

PAGE_SIZE = 30


def _reader(request: HttpRequest) -> tuple[Actor, HttpResponse | None]:
    actor = actor_for_user(request.user)
    if not actor.is_secretariat and actor.organisation is None:
        return actor, forbidden(request, _("Your account does not belong to a member organisation."))
    return actor, None


@require_safe
@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    actor, refused = _reader(request)
    if refused:
        return refused
    form = CaseFilterForm(request.GET or None)
    cases = selectors.visible_cases(actor)
    status = form.cleaned_data.get("status") if form.is_valid() else ""
    if status == "":
        cases = cases.active()
    elif status != "all":
        cases = cases.filter(status=status)
    if form.is_valid() and form.cleaned_data.get("stale"):
        cases = cases.filter(is_stale=True)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/case_list.html",
        {"form": form, "page_obj": page, "cases": page.object_list, "is_secretariat": actor.is_secretariat},
    )


@require_safe
@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor, refused = _reader(request)
    if refused:
        return refused
    case = get_object_or_404(selectors.visible_cases(actor), pk=pk)
    return _detail(request, actor, case)


def _detail(request, actor, case, *, note_form=None, assign_form=None, transition_form=None, status=200):
    context = {
        "case": case,
        "notes": selectors.visible_notes(actor, case),
        "is_secretariat": actor.is_secretariat,
    }
    if actor.is_secretariat:
        context.update(
            note_form=note_form or NoteForm(),
            assign_form=assign_form or AssignForm(initial={"assignee": case.assignee_id}),
            transition_form=transition_form or TransitionForm(initial={"resolution": case.resolution}),
            allowed=[(s, AssistanceCase.Status(s).label) for s in services.allowed_statuses(case, actor)],
        )
    return render(request, "assistance/case_detail.html", context, status=status)


def _secretariat_case(request: HttpRequest, pk: int):
    """(actor, case, refusal): the secretariat's write pages; a member gets the 403 page, whatever the case."""
    actor = actor_for_user(request.user)
    if not actor.is_secretariat:
        return actor, None, forbidden(request, _("Only the secretariat can do this."))
    return actor, get_object_or_404(selectors.visible_cases(actor), pk=pk), None


def _run(request, actor, case, form, call, done: str, form_name: str) -> HttpResponse:
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except NotAllowed as error:
            return forbidden(request, str(error.message))
        except ConflictError as error:
            messages.error(request, error.message)
            return redirect("assistance:case_detail", case.pk)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, done)
            return redirect("assistance:case_detail", case.pk)
    return _detail(request, actor, case, status=400, **{form_name: form})


@require_POST
@login_required
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case, refused = _secretariat_case(request, pk)
    if refused:
        return refused
    form = AssignForm(request.POST)
    return _run(
        request,
        actor,
        case,
        form,
        lambda data: services.case_assign(actor=actor, case=case, assignee=data["assignee"]),
        _("The case has been assigned."),
        "assign_form",
    )


@require_POST
@login_required
def case_note(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case, refused = _secretariat_case(request, pk)
    if refused:
        return refused
    form = NoteForm(request.POST)
    return _run(
        request,
        actor,
        case,
        form,
        lambda data: services.case_add_note(actor=actor, case=case, text=data["text"], for_member=data["for_member"]),
        _("The note has been added."),
        "note_form",
    )


@require_POST
@login_required
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case, refused = _secretariat_case(request, pk)
    if refused:
        return refused
    form = TransitionForm(request.POST)
    return _run(
        request,
        actor,
        case,
        form,
        lambda data: services.case_transition(
            actor=actor, case=case, to_status=data["status"], resolution=data["resolution"]
        ),
        _("The case's status has been changed."),
        "transition_form",
    )


@require_http_methods(["GET", "POST"])
@login_required
def case_open(request: HttpRequest) -> HttpResponse:
    actor = actor_for_user(request.user)
    if not actor.is_secretariat:
        return forbidden(request, _("Only the secretariat can do this."))
    form = CaseOpenForm(posted(request), initial={"organisation": request.GET.get("organisation")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(
                actor=actor,
                organisation=data["organisation"],
                kind=data["kind"],
                description=data["description"],
                assignee=data["assignee"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The case has been opened."))
            return redirect("assistance:case_detail", case.pk)
    return render(request, "assistance/case_form.html", {"form": form})
