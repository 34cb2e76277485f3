"""Every write of notices, whichever door it comes through (web pages, API, admin, Celery beat).

The secretariat composes, publishes, archives and reminds; a member organisation in good standing acknowledges, by
a person with the admin or member role or a write key, and only a notice addressed to it. Each service takes the
`actor` (members.rules.Actor) and asks members.rules first; a refusal is NotAllowed. The periodic tasks
(publish_due_notices, remind_unacknowledged) act for the system and take no actor.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alliance_portal.errors import ConflictError, NotAllowed
from members.models import Organisation
from members.rules import MSG_NO_ORGANISATION, Actor, require_secretariat, require_write

from . import events
from .alerts import emit
from .models import Acknowledgement, Notice, NoticeAttachment, NoticeRead
from .selectors import notice_audience, unacknowledged_organisations

N = Notice.Status

NOTICE_FIELDS = (
    "title_zh",
    "title_en",
    "body_zh",
    "body_en",
    "category",
    "audience_kind",
    "kinds",
    "provinces",
    "pinned",
    "requires_ack",
    "is_public",
)


def _validate(notice: Notice, organisations: Sequence[Organisation]) -> None:
    errors = {}
    if not (notice.title_zh.strip() or notice.title_en.strip()):
        errors["title_zh"] = _("Give the notice a title, in Chinese or English or both.")
    if notice.audience_kind == Notice.Audience.KINDS and not notice.kinds:
        errors["kinds"] = _("Choose at least one kind of organisation.")
    if notice.audience_kind == Notice.Audience.PROVINCES and not notice.provinces:
        errors["provinces"] = _("Choose at least one province.")
    if notice.audience_kind == Notice.Audience.ORGANISATIONS and not organisations:
        errors["organisations"] = _("Choose at least one organisation.")
    if errors:
        raise ValidationError(errors)


def _apply(notice: Notice, fields: Mapping[str, Any], organisations: Sequence[Organisation]) -> None:
    for name in NOTICE_FIELDS:
        if name in fields:
            setattr(notice, name, fields[name])
    notice.kinds = sorted(set(notice.kinds or [])) if notice.audience_kind == Notice.Audience.KINDS else []
    notice.provinces = sorted(set(notice.provinces or [])) if notice.audience_kind == Notice.Audience.PROVINCES else []
    _validate(notice, organisations)


def notice_check(
    *, notice: Notice | None = None, organisations: Iterable[Organisation] | None = None, **fields: Any
) -> None:
    """Raises the ValidationError notice_create / notice_update would raise for these values, writing nothing:
    for forms that show the errors next to the fields before saving."""
    draft = Notice() if notice is None else Notice.objects.get(pk=notice.pk)
    if organisations is None:
        organisations = list(notice.organisations.all()) if notice is not None else []
    _apply(draft, fields, list(organisations))


@transaction.atomic
def notice_create(*, actor: Actor, organisations: Iterable[Organisation] = (), **fields: Any) -> Notice:
    require_secretariat(actor)
    notice = Notice(created_by=actor.person)
    organisations = list(organisations or [])
    _apply(notice, fields, organisations)
    notice.save()
    notice.organisations.set(organisations if notice.audience_kind == Notice.Audience.ORGANISATIONS else [])
    return notice


@transaction.atomic
def notice_update(
    *, actor: Actor, notice: Notice, organisations: Iterable[Organisation] | None = None, **fields: Any
) -> Notice:
    require_secretariat(actor)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status not in (N.DRAFT, N.SCHEDULED):
        raise ConflictError(_("Only a draft or a scheduled notice can be edited."), code="not_draft")
    organisations = list(notice.organisations.all()) if organisations is None else list(organisations)
    _apply(notice, fields, organisations)
    notice.save()
    notice.organisations.set(organisations if notice.audience_kind == Notice.Audience.ORGANISATIONS else [])
    return notice


def notice_url(notice: Notice) -> str:
    return settings.SITE_URL + reverse("notices:detail", args=[notice.pk])


def _publish(notice: Notice, now: datetime) -> None:
    notice.status = N.PUBLISHED
    notice.published_at = now
    notice.save(update_fields=["status", "published_at", "updated_at"])
    emit(
        events.NOTICE_PUBLISHED,
        notice,
        payload={
            "notice_id": notice.pk,
            "title_zh": notice.title_zh,
            "title_en": notice.title_en,
            "category": notice.category,
            "requires_ack": notice.requires_ack,
            "url": notice_url(notice),
        },
        organisation=None,
    )


@transaction.atomic
def notice_set_pinned(*, actor: Actor, notice: Notice, pinned: bool) -> Notice:
    """Pinning is the one thing that changes on a published notice (besides archiving it): the text and the audience
    are what the members were sent."""
    require_secretariat(actor)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status == N.ARCHIVED:
        raise ConflictError(_("An archived notice cannot be pinned."), code="archived")
    if notice.pinned != pinned:
        notice.pinned = pinned
        notice.save(update_fields=["pinned", "updated_at"])
    return notice


def reach_to_confirm(notice: Notice) -> int | None:
    """How many organisations publishing this notice reaches, when that is more than a handful
    (NOTICE_CONFIRM_REACH_ABOVE) and a person must confirm the number first; None when no confirmation is needed."""
    reach = notice_audience(notice).count()
    return reach if reach > settings.NOTICE_CONFIRM_REACH_ABOVE else None


@transaction.atomic
def notice_publish(
    *, actor: Actor, notice: Notice, at: datetime | None = None, confirmed_reach: int | None = None
) -> Notice:
    """Publishes now (at None or in the past), or schedules for `at`; the periodic task publishes it then.

    A person's door (the web page, the admin action) passes `confirmed_reach`, the number of organisations the person
    was shown (0 before being shown any): a wide publication (reach_to_confirm) whose number was not confirmed is a
    409 `confirm_reach` carrying the number to show. A program (the API, the demo) passes None: no person to ask."""
    require_secretariat(actor)
    # Locked so that a click and the periodic task cannot both publish it (and send it twice).
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status not in (N.DRAFT, N.SCHEDULED):
        raise ConflictError(
            _("This notice is %(status)s; only a draft or a scheduled notice can be published.")
            % {"status": notice.get_status_display()},
            code="transition_not_allowed",
        )
    _validate(notice, list(notice.organisations.all()))
    if confirmed_reach is not None:
        reach = reach_to_confirm(notice)
        if reach is not None and reach != confirmed_reach:
            raise ConflictError(
                ngettext(
                    "This notice reaches %(count)d organisation. Confirm to publish it to all of them.",
                    "This notice reaches %(count)d organisations. Confirm to publish it to all of them.",
                    reach,
                )
                % {"count": reach},
                code="confirm_reach",
                extra={"reach": reach},
            )
    now = timezone.now()
    if at is not None and at > now:
        notice.status = N.SCHEDULED
        notice.publish_at = at
        notice.save(update_fields=["status", "publish_at", "updated_at"])
        return notice
    notice.publish_at = notice.publish_at if at is None else at
    _publish(notice, now)
    return notice


@transaction.atomic
def notice_unschedule(*, actor: Actor, notice: Notice) -> Notice:
    require_secretariat(actor)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != N.SCHEDULED:
        raise ConflictError(_("Only a scheduled notice can go back to draft."), code="transition_not_allowed")
    notice.status = N.DRAFT
    notice.publish_at = None
    notice.save(update_fields=["status", "publish_at", "updated_at"])
    return notice


@transaction.atomic
def notice_archive(*, actor: Actor, notice: Notice) -> Notice:
    require_secretariat(actor)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status == N.ARCHIVED:
        return notice
    notice.status = N.ARCHIVED
    notice.save(update_fields=["status", "updated_at"])
    return notice


def publish_due_notices(*, now: datetime | None = None) -> int:
    """Publishes every scheduled notice whose time has come, each in its own transaction."""
    now = now or timezone.now()
    due = list(Notice.objects.filter(status=N.SCHEDULED, publish_at__lte=now).values_list("pk", flat=True))
    published = 0
    for pk in due:
        with transaction.atomic():
            # skip_locked: a notice a person is publishing right now is theirs; the next run sees it published.
            notice = Notice.objects.select_for_update(skip_locked=True).filter(pk=pk, status=N.SCHEDULED).first()
            if notice is None:
                continue
            _publish(notice, timezone.now())
            published += 1
    return published


@transaction.atomic
def notice_attach(*, actor: Actor, notice: Notice, file: UploadedFile, content_type: str) -> NoticeAttachment:
    require_secretariat(actor)
    if Notice.objects.filter(pk=notice.pk).exclude(status__in=(N.DRAFT, N.SCHEDULED)).exists():
        raise ConflictError(_("Only a draft or a scheduled notice can be edited."), code="not_draft")
    name, size = file.name, file.size
    if name is None or size is None:
        # Django's uploads always carry both; only a file object made some other way could lack them.
        raise ValueError("an attachment needs the file's name and size")
    if size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError({"attachment": _("This file is too big.")})
    attachment = NoticeAttachment(notice=notice, name=name[:200], content_type=content_type, size=size)
    attachment.file.save(name, file, save=False)
    attachment.save()
    return attachment


NOT_IN_AUDIENCE = "not_in_audience"


@transaction.atomic
def notice_acknowledge(*, actor: Actor, notice: Notice) -> tuple[Acknowledgement, bool]:
    """The actor's organisation acknowledges (a person's, or a key's); a second acknowledgement is the first.

    The organisation's own act: the secretariat does not acknowledge for it. A notice not addressed to the
    organisation is refused with the code NOT_IN_AUDIENCE (the doors look notices up through the audience first, so
    they answer 404 as if it did not exist). Returns (acknowledgement, created)."""
    require_write(actor, secretariat=False)
    organisation = actor.organisation
    if organisation is None:
        # members.rules lets a staff user through even with secretariat=False; without an organisation it has
        # nobody to acknowledge for.
        raise NotAllowed(MSG_NO_ORGANISATION, code="no_organisation")
    if not notice_audience(notice).filter(pk=organisation.pk).exists():
        raise NotAllowed(_("This notice is not addressed to your organisation."), code=NOT_IN_AUDIENCE)
    user = actor.person
    if notice.status != N.PUBLISHED:
        raise ConflictError(_("This notice is no longer open for acknowledgement."), code="not_published")
    if not notice.requires_ack:
        raise ConflictError(_("This notice does not ask for acknowledgement."), code="no_ack_required")
    existing = Acknowledgement.objects.filter(notice=notice, organisation=organisation).first()
    if existing is not None:
        return existing, False
    try:
        # A colleague clicking at the same moment: the unique constraint keeps one, and both see it.
        with transaction.atomic():
            acknowledgement = Acknowledgement.objects.create(
                notice=notice,
                organisation=organisation,
                user=user,
                api_key=actor.api_key,
            )
    except IntegrityError:
        return Acknowledgement.objects.get(notice=notice, organisation=organisation), False
    if user is not None:
        NoticeRead.objects.bulk_create([NoticeRead(notice=notice, user=user)], ignore_conflicts=True)
    return acknowledgement, True


def notice_mark_read(*, notice: Notice, user: User) -> None:
    if user.pk:
        NoticeRead.objects.bulk_create([NoticeRead(notice=notice, user=user)], ignore_conflicts=True)


def _missing_ids(notice: Notice) -> list[int]:
    return list(unacknowledged_organisations(notice).order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def notice_remind(*, actor: Actor, notice: Notice) -> list[int]:
    """Reminds the organisations of the audience that have not acknowledged; returns their ids."""
    require_secretariat(actor)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != N.PUBLISHED or not notice.requires_ack:
        raise ConflictError(
            _("Only a published notice that asks for acknowledgement can be reminded."), code="not_remindable"
        )
    missing = _missing_ids(notice)
    if not missing:
        raise ConflictError(_("Every organisation has acknowledged this notice."), code="all_acknowledged")
    emit(events.NOTICE_REMINDER, notice, payload={"notice_id": notice.pk, "organisation_ids": missing})
    notice.last_reminded_at = timezone.now()
    notice.save(update_fields=["last_reminded_at", "updated_at"])
    return missing


def remind_unacknowledged(*, now: datetime | None = None) -> dict[str, int]:
    """Periodic: a notice that asks for acknowledgement and is not acknowledged by everyone within
    NOTICE_ACK_REMINDER_HOURS is reminded to the missing organisations once; if some are still missing after as
    long again, it is escalated to the secretariat once."""
    now = now or timezone.now()
    period = timedelta(hours=settings.NOTICE_ACK_REMINDER_HOURS)
    open_notices = Notice.objects.filter(status=N.PUBLISHED, requires_ack=True)
    reminded = escalated = 0
    to_remind = open_notices.filter(auto_reminded_at__isnull=True, published_at__lte=now - period)
    for pk in list(to_remind.values_list("pk", flat=True)):
        with transaction.atomic():
            notice = Notice.objects.select_for_update().filter(pk=pk, auto_reminded_at__isnull=True).first()
            if notice is None:
                continue
            missing = _missing_ids(notice)
            if missing:
                emit(events.NOTICE_REMINDER, notice, payload={"notice_id": notice.pk, "organisation_ids": missing})
                reminded += 1
            notice.auto_reminded_at = now
            notice.save(update_fields=["auto_reminded_at", "updated_at"])
    to_escalate = open_notices.filter(escalated_at__isnull=True, auto_reminded_at__lte=now - period)
    for pk in list(to_escalate.values_list("pk", flat=True)):
        with transaction.atomic():
            notice = Notice.objects.select_for_update().filter(pk=pk, escalated_at__isnull=True).first()
            if notice is None:
                continue
            missing = _missing_ids(notice)
            if missing:
                emit(
                    events.NOTICE_ESCALATED,
                    notice,
                    payload={
                        "notice_id": notice.pk,
                        "title_zh": notice.title_zh,
                        "title_en": notice.title_en,
                        "organisation_ids": missing,
                        "url": notice_url(notice),
                    },
                )
                escalated += 1
            notice.escalated_at = now
            notice.save(update_fields=["escalated_at", "updated_at"])
    return {"reminded": reminded, "escalated": escalated}
