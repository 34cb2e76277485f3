"""Reads of assistance cases shared by the web pages, the API and the admin, scoped to who asks."""

from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from members.rules import Actor

from .models import AssistanceCase, CaseNote, CaseQuerySet, StaleFlag

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def visible_cases(actor: Actor) -> "CaseQuerySet[WithAnnotations[AssistanceCase, StaleFlag]]":
    """The secretariat sees every case; an organisation its own (another's is a 404); nobody else any. Each with
    its stale flag (`is_stale`)."""
    cases = AssistanceCase.objects.all()
    if not actor.is_secretariat:
        cases = cases.filter(organisation_id=actor.organisation_id) if actor.organisation_id else cases.none()
    return cases.with_stale_flag().select_related("organisation", "assignee", "source_report")


def visible_notes(actor: Actor, case: AssistanceCase) -> QuerySet[CaseNote]:
    """Every note for the secretariat; for the member only the notes written for it (internal ones never leave)."""
    notes = CaseNote.objects.filter(case=case).select_related("author")
    if not actor.is_secretariat:
        notes = notes.filter(for_member=True)
    return notes.order_by("created_at", "pk")


def with_notes(cases: QuerySet[AssistanceCase], actor: Actor) -> QuerySet[AssistanceCase]:
    notes = CaseNote.objects.select_related("author").order_by("created_at", "pk")
    if not actor.is_secretariat:
        notes = notes.filter(for_member=True)
    return cases.prefetch_related(Prefetch("notes", queryset=notes, to_attr="visible_notes"))


def open_cases_by_type() -> dict[str, int]:
    rows = AssistanceCase.objects.active().values("kind").annotate(n=Count("pk"))
    return {row["kind"]: row["n"] for row in rows}


def case_counts(actor: Actor) -> dict[str, int]:
    cases = visible_cases(actor)
    return cases.aggregate(
        active=Count("pk", filter=Q(status__in=AssistanceCase.ACTIVE)),
        stale=Count("pk", filter=Q(is_stale=True)),
    )


def active_cases(actor: Actor) -> QuerySet[AssistanceCase]:
    """The open and in-progress cases the actor sees, stale ones first, then oldest first."""
    return visible_cases(actor).filter(status__in=AssistanceCase.ACTIVE).order_by("-is_stale", "created_at", "pk")
