"""Reads of notices that several doors need: who a notice reaches, which notices a member sees, the report."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When

from members.models import Contact, Organisation

from .alerts import delivery_counts
from .events import NOTICE_PUBLISHED
from .models import Acknowledgement, Notice, NoticeRead

N = Notice.Status
A = Notice.Audience


def audience_organisations(
    *,
    audience_kind: str,
    kinds: Iterable[str] = (),
    provinces: Iterable[str] = (),
    organisation_ids: Iterable[int] = (),
) -> QuerySet[Organisation]:
    """The active organisations an audience reaches. "All members" and provinces leave out the secretariat, which
    sends the notices; it is reached only when chosen by kind or by name."""
    organisations = Organisation.objects.filter(status=Organisation.Status.ACTIVE)
    if audience_kind == A.ALL:
        return organisations.exclude(kind=Organisation.Kind.SECRETARIAT)
    if audience_kind == A.KINDS:
        return organisations.filter(kind__in=list(kinds))
    if audience_kind == A.PROVINCES:
        return organisations.filter(province__in=list(provinces)).exclude(kind=Organisation.Kind.SECRETARIAT)
    if audience_kind == A.ORGANISATIONS:
        return organisations.filter(pk__in=list(organisation_ids))
    return organisations.none()


def notice_audience(notice: Notice) -> QuerySet[Organisation]:
    named = Notice.organisations.through.objects.filter(notice_id=notice.pk).values("organisation_id")
    if notice.audience_kind == A.ORGANISATIONS:
        return Organisation.objects.filter(status=Organisation.Status.ACTIVE, pk__in=named)
    return audience_organisations(audience_kind=notice.audience_kind, kinds=notice.kinds, provinces=notice.provinces)


@dataclass(frozen=True)
class AudienceCount:
    organisations: int
    contacts: int


def audience_count(organisations: QuerySet[Organisation]) -> AudienceCount:
    """How many organisations an audience reaches, and how many of their contacts receive alerts by email."""
    contacts = Contact.objects.filter(organisation__in=organisations.values("pk"), receives_alerts=True).exclude(
        email=""
    )
    return AudienceCount(organisations=organisations.count(), contacts=contacts.count())


def _quoted(value: str) -> str:
    # kinds and provinces are JSON lists of slugs; a slug in quotes matches one element only. A JSON `contains`
    # lookup would say it better, but SQLite (the embedded mode) has none.
    return f'"{value}"'


def addressed_to(organisation: Organisation) -> Q:
    """The notices whose audience includes this organisation (an inactive organisation is in none)."""
    if organisation.status != Organisation.Status.ACTIVE:
        return Q(pk__in=[])
    named = Notice.organisations.through.objects.filter(organisation_id=organisation.pk).values("notice_id")
    broad = Q(audience_kind=A.KINDS, kinds__icontains=_quoted(organisation.kind)) | Q(
        audience_kind=A.ORGANISATIONS, pk__in=named
    )
    if organisation.kind == Organisation.Kind.SECRETARIAT:
        return broad
    # "All members" first: the database tests the alternatives in this order, row by row, as a list walks its order
    # index, and most notices go to all members.
    return (
        Q(audience_kind=A.ALL)
        | broad
        | Q(audience_kind=A.PROVINCES, provinces__icontains=_quoted(organisation.province))
    )


def visible_notices(*, organisation: Organisation | None, is_staff: bool = False) -> QuerySet[Notice]:
    """Published and archived notices a member may open; the secretariat may open every notice."""
    notices = Notice.objects.all()
    if is_staff:
        return notices
    if organisation is None:
        return notices.none()
    return notices.filter(addressed_to(organisation), status__in=[N.PUBLISHED, N.ARCHIVED])


def search_notices(notices: QuerySet[Notice], q: str) -> QuerySet[Notice]:
    """Notices whose title or text, in either language, holds every word of `q` (one query)."""
    for word in q.split()[:5]:
        notices = notices.filter(
            Q(title_zh__icontains=word)
            | Q(title_en__icontains=word)
            | Q(body_zh__icontains=word)
            | Q(body_en__icontains=word)
        )
    return notices


def notice_list(
    *,
    organisation: Organisation | None,
    user: User | AnonymousUser,
    is_staff: bool = False,
    category: str = "",
    q: str = "",
) -> QuerySet[Notice]:
    """The published notices for a member's list, pinned first then newest, with `is_read` and `acknowledged`."""
    notices = visible_notices(organisation=organisation, is_staff=is_staff).filter(status=N.PUBLISHED)
    if category:
        notices = notices.filter(category=category)
    if q:
        notices = search_notices(notices, q)
    return with_flags(notices, organisation=organisation, user=user).order_by("-pinned", "-published_at", "-pk")


def with_flags(
    notices: QuerySet[Notice], *, organisation: Organisation | None, user: User | AnonymousUser | None = None
) -> QuerySet[Notice]:
    acknowledged = Acknowledgement.objects.filter(notice=OuterRef("pk"), organisation=organisation)
    notices = notices.annotate(acknowledged=Exists(acknowledged))
    if user is not None and user.pk:
        notices = notices.annotate(is_read=Exists(NoticeRead.objects.filter(notice=OuterRef("pk"), user_id=user.pk)))
    return notices


def public_notices(limit: int = 5) -> QuerySet[Notice]:
    return Notice.objects.filter(status=N.PUBLISHED, is_public=True).order_by("-pinned", "-published_at", "-pk")[:limit]


def unacknowledged_organisations(notice: Notice) -> QuerySet[Organisation]:
    acknowledged = Acknowledgement.objects.filter(notice=notice).values("organisation_id")
    return notice_audience(notice).exclude(pk__in=acknowledged)


@dataclass(frozen=True)
class AckReport:
    audience: int
    acknowledged: int
    missing: Sequence[Organisation]
    acknowledgements: list[Acknowledgement]

    @property
    def rate(self) -> int:
        """Per cent of the audience's organisations that have acknowledged, rounded down."""
        return (self.acknowledged * 100 // self.audience) if self.audience else 0


def acknowledgement_report(notice: Notice) -> AckReport:
    audience = notice_audience(notice)
    in_audience = Acknowledgement.objects.filter(notice=notice, organisation__in=audience.values("pk"))
    acknowledgements = list(in_audience.select_related("organisation", "user", "api_key").order_by("at"))
    # Each with the contacts who receive alerts (phone, email), so the secretariat can chase them: one more query.
    alert_contacts = Contact.objects.filter(receives_alerts=True).order_by("-is_primary", "name")
    missing = list(
        unacknowledged_organisations(notice)
        .prefetch_related(Prefetch("contacts", queryset=alert_contacts, to_attr="alert_contacts"))
        .order_by("province", "name_en")
    )
    return AckReport(
        audience=len(acknowledgements) + len(missing),
        acknowledged=len(acknowledgements),
        missing=missing,
        acknowledgements=acknowledgements,
    )


def delivery_progress(*, notice_id: int) -> dict[str, int]:
    """Delivered / pending / failed alerts of a notice's publication."""
    return delivery_counts(event=NOTICE_PUBLISHED, object_type="notices.notice", object_id=notice_id)


def awaiting_acknowledgement(organisation: Organisation | None) -> QuerySet[Notice]:
    """Published notices addressed to the organisation that ask for acknowledgement and have none from it yet:
    urgent ones first, then newest (a member's start page; its count is the navigation's badge, one query)."""
    if organisation is None:
        return Notice.objects.none()
    done = Acknowledgement.objects.filter(notice=OuterRef("pk"), organisation_id=organisation.pk)
    urgent_first = Case(When(category=Notice.Category.URGENT, then=Value(0)), default=Value(1))
    return (
        Notice.objects.filter(addressed_to(organisation), status=N.PUBLISHED, requires_ack=True)
        .exclude(Exists(done))
        .order_by(urgent_first, "-published_at", "-pk")
    )
