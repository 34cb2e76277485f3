"""notices.services and selectors: audience, publishing (now, scheduled, periodic), acknowledgement, reminders."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from alliance_portal.errors import ConflictError
from members.models import ApiKey, Membership, Organisation
from members.rules import Actor, actor_for_key, actor_for_user
from notices import events, services
from notices.models import Acknowledgement, Event, Notice, NoticeRead
from notices.selectors import (
    acknowledgement_report,
    audience_count,
    audience_organisations,
    notice_audience,
    visible_notices,
)

from ..members.factories import ContactFactory, MembershipFactory, OrganisationFactory, make_api_key
from ..refusals import refused_by_service, suspended, withdrawn
from .factories import make_notice

K = Organisation.Kind
N = Notice.Status
SECRETARIAT = Actor(is_secretariat=True)
pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(db):
    return {
        "wuhan_fab": OrganisationFactory(kind=K.FAB, province="hubei", city="武汉"),
        "xiaogan_supplier": OrganisationFactory(kind=K.SUPPLIER, province="hubei", city="孝感"),
        "shanghai_supplier": OrganisationFactory(kind=K.SUPPLIER, province="shanghai"),
        "beijing_logistics": OrganisationFactory(kind=K.LOGISTICS, province="beijing"),
        "hubei_suspended": OrganisationFactory(kind=K.FAB, province="hubei", status=Organisation.Status.SUSPENDED),
        "hubei_pending": OrganisationFactory(kind=K.SUPPLIER, province="hubei", status=Organisation.Status.PENDING),
        "secretariat": OrganisationFactory(kind=K.SECRETARIAT, province="beijing"),
    }


def _names(queryset, orgs):
    reverse = {o.pk: name for name, o in orgs.items()}
    return {reverse[pk] for pk in queryset.values_list("pk", flat=True)}


def _create(**fields):
    base = {"title_en": "Hubei alert", "body_en": "Text", "category": "urgent"}
    return services.notice_create(actor=SECRETARIAT, **{**base, **fields})


# --- audience -------------------------------------------------------------------------------------------------


def test_audience_all_members_is_every_active_member_but_the_secretariat(orgs):
    notice = _create(audience_kind="all")
    assert _names(notice_audience(notice), orgs) == {
        "wuhan_fab",
        "xiaogan_supplier",
        "shanghai_supplier",
        "beijing_logistics",
    }


def test_audience_by_kinds(orgs):
    notice = _create(audience_kind="kinds", kinds=["fab", "logistics"])
    assert _names(notice_audience(notice), orgs) == {"wuhan_fab", "beijing_logistics"}


def test_audience_by_provinces_excludes_inactive_organisations(orgs):
    notice = _create(audience_kind="provinces", provinces=["hubei"])
    assert _names(notice_audience(notice), orgs) == {"wuhan_fab", "xiaogan_supplier"}


def test_audience_named_organisations(orgs):
    notice = _create(
        audience_kind="organisations",
        organisations=[orgs["shanghai_supplier"], orgs["hubei_suspended"], orgs["secretariat"]],
    )
    assert _names(notice_audience(notice), orgs) == {"shanghai_supplier", "secretariat"}


def test_kinds_and_provinces_are_dropped_when_the_audience_does_not_use_them(orgs):
    notice = _create(audience_kind="all", kinds=["fab"], provinces=["hubei"])
    assert (notice.kinds, notice.provinces) == ([], [])


def test_member_sees_only_notices_addressed_to_it(orgs):
    published = {
        "all": make_notice(audience_kind="all"),
        "fabs": make_notice(audience_kind="kinds", kinds=["fab"]),
        "hubei": make_notice(audience_kind="provinces", provinces=["hubei"]),
        "named": make_notice(audience_kind="organisations", organisations=[orgs["shanghai_supplier"]]),
    }
    make_notice(status=N.DRAFT)
    make_notice(status=N.SCHEDULED)

    def seen(org):
        ids = set(visible_notices(organisation=org).values_list("pk", flat=True))
        return {name for name, n in published.items() if n.pk in ids}

    assert seen(orgs["wuhan_fab"]) == {"all", "fabs", "hubei"}
    assert seen(orgs["xiaogan_supplier"]) == {"all", "hubei"}
    assert seen(orgs["shanghai_supplier"]) == {"all", "named"}
    assert seen(orgs["hubei_suspended"]) == set()
    assert visible_notices(organisation=None).count() == 0
    assert visible_notices(organisation=None, is_staff=True).count() == 6


def test_audience_count_counts_organisations_and_alert_contacts_with_email(orgs):
    ContactFactory(organisation=orgs["wuhan_fab"])
    ContactFactory(organisation=orgs["wuhan_fab"])
    ContactFactory(organisation=orgs["wuhan_fab"], receives_alerts=False)
    ContactFactory(organisation=orgs["wuhan_fab"], email="")
    ContactFactory(organisation=orgs["xiaogan_supplier"])
    ContactFactory(organisation=orgs["shanghai_supplier"])
    ContactFactory(organisation=orgs["hubei_suspended"])
    count = audience_count(audience_organisations(audience_kind="provinces", provinces=["hubei"]))
    assert (count.organisations, count.contacts) == (2, 3)


# --- drafts and publishing ------------------------------------------------------------------------------------


def test_create_refuses_an_audience_without_choices(orgs):
    with pytest.raises(ValidationError) as error:
        _create(audience_kind="kinds", kinds=[])
    assert "kinds" in error.value.message_dict
    with pytest.raises(ValidationError):
        _create(audience_kind="organisations")
    with pytest.raises(ValidationError):
        _create(title_en="", title_zh="")


def test_publish_now_records_the_event_in_the_same_transaction(orgs, settings):
    settings.SITE_URL = "https://portal.example"
    notice = _create(audience_kind="provinces", provinces=["hubei"], requires_ack=True)
    services.notice_publish(actor=SECRETARIAT, notice=notice)
    notice.refresh_from_db()
    assert notice.status == N.PUBLISHED and notice.published_at is not None
    event = Event.objects.get(name=events.NOTICE_PUBLISHED)
    assert event.payload == {
        "notice_id": notice.pk,
        "title_zh": "",
        "title_en": "Hubei alert",
        "category": "urgent",
        "requires_ack": True,
        "url": f"https://portal.example/notices/{notice.pk}/",
    }
    assert event.object_id == str(notice.pk) and event.organisation is None


def test_publishing_twice_is_a_conflict(orgs):
    notice = _create()
    services.notice_publish(actor=SECRETARIAT, notice=notice)
    with pytest.raises(ConflictError):
        services.notice_publish(actor=SECRETARIAT, notice=notice)
    assert Event.objects.filter(name=events.NOTICE_PUBLISHED).count() == 1


def test_a_rolled_back_publish_records_no_event(orgs):
    notice = _create()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notice_publish(actor=SECRETARIAT, notice=notice)
        raise RuntimeError("the caller's transaction fails after publishing")
    notice.refresh_from_db()
    assert notice.status == N.DRAFT
    assert not Event.objects.filter(name=events.NOTICE_PUBLISHED).exists()


def test_scheduled_notice_is_published_by_the_periodic_task_when_due(orgs):
    from notices.tasks import publish_due_notices

    at = timezone.now() + timedelta(hours=2)
    notice = services.notice_publish(actor=SECRETARIAT, notice=_create(), at=at)
    assert notice.status == N.SCHEDULED and notice.publish_at == at
    assert publish_due_notices() == 0
    assert not Event.objects.filter(name=events.NOTICE_PUBLISHED).exists()
    assert services.publish_due_notices(now=at + timedelta(seconds=1)) == 1
    notice.refresh_from_db()
    assert notice.status == N.PUBLISHED
    assert Event.objects.filter(name=events.NOTICE_PUBLISHED, object_id=str(notice.pk)).count() == 1
    assert services.publish_due_notices(now=at + timedelta(minutes=2)) == 0


def test_only_drafts_and_scheduled_notices_are_edited(orgs):
    notice = _create()
    services.notice_update(actor=SECRETARIAT, notice=notice, title_en="Changed")
    services.notice_publish(actor=SECRETARIAT, notice=notice)
    with pytest.raises(ConflictError):
        services.notice_update(actor=SECRETARIAT, notice=notice, title_en="Again")


def test_archive(orgs):
    notice = make_notice()
    assert services.notice_archive(actor=SECRETARIAT, notice=notice).status == N.ARCHIVED


# --- acknowledgement --------------------------------------------------------------------------------------------


@pytest.fixture
def hubei_notice(orgs):
    notice = _create(audience_kind="provinces", provinces=["hubei"], requires_ack=True)
    return services.notice_publish(actor=SECRETARIAT, notice=notice)


def _user(org, role=Membership.Role.MEMBER):
    return MembershipFactory(organisation=org, role=role).user


def test_acknowledgement_is_once_per_organisation(orgs, hubei_notice):
    first, second = _user(orgs["wuhan_fab"]), _user(orgs["wuhan_fab"])
    ack, created = services.notice_acknowledge(actor=actor_for_user(first), notice=hubei_notice)
    assert created and ack.user == first
    again, created = services.notice_acknowledge(actor=actor_for_user(second), notice=hubei_notice)
    assert not created and again.pk == ack.pk and again.user == first
    assert Acknowledgement.objects.filter(notice=hubei_notice).count() == 1
    report = acknowledgement_report(hubei_notice)
    assert (report.audience, report.acknowledged, report.rate) == (2, 1, 50)
    assert [o.pk for o in report.missing] == [orgs["xiaogan_supplier"].pk]
    assert NoticeRead.objects.filter(notice=hubei_notice, user=first).exists()


def test_an_organisation_outside_the_audience_cannot_acknowledge(orgs, hubei_notice):
    with refused_by_service(code=services.NOT_IN_AUDIENCE):
        services.notice_acknowledge(actor=actor_for_user(_user(orgs["shanghai_supplier"])), notice=hubei_notice)
    with refused_by_service(code="organisation_not_in_good_standing"):
        services.notice_acknowledge(actor=actor_for_user(_user(orgs["hubei_suspended"])), notice=hubei_notice)
    assert not Acknowledgement.objects.exists()


def test_a_notice_without_acknowledgement_cannot_be_acknowledged(orgs):
    notice = services.notice_publish(actor=SECRETARIAT, notice=_create())
    with pytest.raises(ConflictError):
        services.notice_acknowledge(actor=actor_for_user(_user(orgs["wuhan_fab"])), notice=notice)


def test_mark_read_is_idempotent(orgs, hubei_notice):
    user = _user(orgs["wuhan_fab"])
    services.notice_mark_read(notice=hubei_notice, user=user)
    services.notice_mark_read(notice=hubei_notice, user=user)
    assert NoticeRead.objects.filter(notice=hubei_notice, user=user).count() == 1


# --- reminders --------------------------------------------------------------------------------------------------


def test_manual_reminder_names_the_organisations_not_yet_acknowledged(orgs, hubei_notice):
    services.notice_acknowledge(actor=actor_for_user(_user(orgs["wuhan_fab"])), notice=hubei_notice)
    assert services.notice_remind(actor=SECRETARIAT, notice=hubei_notice) == [orgs["xiaogan_supplier"].pk]
    event = Event.objects.get(name=events.NOTICE_REMINDER)
    assert event.payload == {"notice_id": hubei_notice.pk, "organisation_ids": [orgs["xiaogan_supplier"].pk]}
    services.notice_acknowledge(actor=actor_for_user(_user(orgs["xiaogan_supplier"])), notice=hubei_notice)
    with pytest.raises(ConflictError):
        services.notice_remind(actor=SECRETARIAT, notice=hubei_notice)


def test_unacknowledged_notice_is_reminded_once_then_escalated_once(orgs, hubei_notice, settings):
    settings.NOTICE_ACK_REMINDER_HOURS = 24
    published = hubei_notice.published_at
    services.notice_acknowledge(actor=actor_for_user(_user(orgs["wuhan_fab"])), notice=hubei_notice)

    assert services.remind_unacknowledged(now=published + timedelta(hours=23)) == {"reminded": 0, "escalated": 0}
    assert services.remind_unacknowledged(now=published + timedelta(hours=25)) == {"reminded": 1, "escalated": 0}
    reminder = Event.objects.get(name=events.NOTICE_REMINDER)
    assert reminder.payload["organisation_ids"] == [orgs["xiaogan_supplier"].pk]
    assert services.remind_unacknowledged(now=published + timedelta(hours=30)) == {"reminded": 0, "escalated": 0}
    assert services.remind_unacknowledged(now=published + timedelta(hours=50)) == {"reminded": 0, "escalated": 1}
    escalation = Event.objects.get(name=events.NOTICE_ESCALATED)
    assert escalation.payload["organisation_ids"] == [orgs["xiaogan_supplier"].pk]
    assert services.remind_unacknowledged(now=published + timedelta(hours=100)) == {"reminded": 0, "escalated": 0}
    assert Event.objects.filter(name=events.NOTICE_REMINDER).count() == 1
    assert Event.objects.filter(name=events.NOTICE_ESCALATED).count() == 1


def test_fully_acknowledged_notice_is_neither_reminded_nor_escalated(orgs, hubei_notice):
    services.notice_acknowledge(actor=actor_for_user(_user(orgs["wuhan_fab"])), notice=hubei_notice)
    services.notice_acknowledge(actor=actor_for_user(_user(orgs["xiaogan_supplier"])), notice=hubei_notice)
    published = hubei_notice.published_at
    services.remind_unacknowledged(now=published + timedelta(hours=25))
    services.remind_unacknowledged(now=published + timedelta(hours=50))
    assert not Event.objects.filter(name__in=[events.NOTICE_REMINDER, events.NOTICE_ESCALATED]).exists()


# --- who may: members.rules, asked first by every write ---------------------------------------------------------

OUT_OF_STANDING = {"suspended": suspended, "withdrawn": withdrawn}


def _state(notice: Notice) -> tuple:
    notice = Notice.objects.get(pk=notice.pk)
    return (
        notice.status,
        notice.title_en,
        notice.pinned,
        notice.last_reminded_at,
        Notice.objects.count(),
        Acknowledgement.objects.count(),
        notice.attachments.count(),
        Event.objects.count(),
    )


def _upload():
    return SimpleUploadedFile("note.pdf", b"%PDF-1.4 test", content_type="application/pdf")


# name -> call(actor, notice); the secretariat's own writes
SECRETARIAT_CALLS = {
    "notice_create": lambda a, n: services.notice_create(
        actor=a, title_en="New", category="urgent", audience_kind="all"
    ),
    "notice_update": lambda a, n: services.notice_update(actor=a, notice=n, title_en="Changed"),
    "notice_publish": lambda a, n: services.notice_publish(actor=a, notice=n),
    "notice_unschedule": lambda a, n: services.notice_unschedule(actor=a, notice=n),
    "notice_archive": lambda a, n: services.notice_archive(actor=a, notice=n),
    "notice_remind": lambda a, n: services.notice_remind(actor=a, notice=n),
    "notice_set_pinned": lambda a, n: services.notice_set_pinned(actor=a, notice=n, pinned=True),
    "notice_attach": lambda a, n: services.notice_attach(
        actor=a, notice=n, file=_upload(), content_type="application/pdf"
    ),
}


@pytest.fixture
def wuhan_admin(orgs):
    return _user(orgs["wuhan_fab"], Membership.Role.ADMIN)


@pytest.mark.parametrize("standing", [None, *OUT_OF_STANDING])
@pytest.mark.parametrize("service", SECRETARIAT_CALLS)
def test_only_the_secretariat_composes_publishes_archives_and_reminds(orgs, wuhan_admin, standing, service):
    notice = _create(audience_kind="provinces", provinces=["hubei"], requires_ack=True)
    if standing:
        OUT_OF_STANDING[standing](orgs["wuhan_fab"])
    before = _state(notice)
    with refused_by_service(code="secretariat_only"):
        SECRETARIAT_CALLS[service](actor_for_user(wuhan_admin), notice)
    assert _state(notice) == before


@pytest.mark.parametrize("standing", OUT_OF_STANDING)
@pytest.mark.parametrize("service", SECRETARIAT_CALLS)
def test_a_write_key_out_of_good_standing_is_refused_by_the_secretariats_services(orgs, standing, service):
    notice = _create()
    key, _raw = make_api_key(orgs["wuhan_fab"], scope=ApiKey.Scope.WRITE)
    OUT_OF_STANDING[standing](orgs["wuhan_fab"])
    before = _state(notice)
    with refused_by_service(code="secretariat_only"):
        SECRETARIAT_CALLS[service](actor_for_key(ApiKey.objects.select_related("organisation").get(pk=key.pk)), notice)
    assert _state(notice) == before


@pytest.mark.parametrize("standing", OUT_OF_STANDING)
def test_an_administrator_out_of_good_standing_cannot_acknowledge(orgs, hubei_notice, wuhan_admin, standing):
    OUT_OF_STANDING[standing](orgs["wuhan_fab"])
    with refused_by_service(code="organisation_not_in_good_standing"):
        services.notice_acknowledge(actor=actor_for_user(wuhan_admin), notice=hubei_notice)
    assert not Acknowledgement.objects.exists()


@pytest.mark.parametrize("standing", OUT_OF_STANDING)
def test_a_write_key_out_of_good_standing_cannot_acknowledge(orgs, hubei_notice, standing):
    key, _raw = make_api_key(orgs["wuhan_fab"], scope=ApiKey.Scope.WRITE)
    OUT_OF_STANDING[standing](orgs["wuhan_fab"])
    with refused_by_service(code="organisation_not_in_good_standing"):
        services.notice_acknowledge(
            actor=actor_for_key(ApiKey.objects.select_related("organisation").get(pk=key.pk)), notice=hubei_notice
        )
    assert not Acknowledgement.objects.exists()


def test_a_viewer_a_read_key_and_the_secretariat_do_not_acknowledge_for_an_organisation(orgs, hubei_notice):
    viewer = _user(orgs["wuhan_fab"], Membership.Role.VIEWER)
    with refused_by_service(code="read_only"):
        services.notice_acknowledge(actor=actor_for_user(viewer), notice=hubei_notice)
    read_key, _raw = make_api_key(orgs["wuhan_fab"], scope=ApiKey.Scope.READ)
    with refused_by_service(code="read_only"):
        services.notice_acknowledge(actor=actor_for_key(read_key), notice=hubei_notice)
    with refused_by_service(code="no_organisation"):
        services.notice_acknowledge(actor=SECRETARIAT, notice=hubei_notice)
    assert not Acknowledgement.objects.exists()


def test_a_write_key_acknowledges_for_its_organisation(orgs, hubei_notice):
    key, _raw = make_api_key(orgs["wuhan_fab"], scope=ApiKey.Scope.WRITE)
    acknowledgement, created = services.notice_acknowledge(actor=actor_for_key(key), notice=hubei_notice)
    assert created and (acknowledgement.organisation, acknowledgement.api_key, acknowledgement.user) == (
        orgs["wuhan_fab"],
        key,
        None,
    )


def test_pinning_is_what_changes_on_a_published_notice(orgs, hubei_notice):
    assert services.notice_set_pinned(actor=SECRETARIAT, notice=hubei_notice, pinned=True).pinned
    with pytest.raises(ConflictError):
        services.notice_update(actor=SECRETARIAT, notice=hubei_notice, title_en="Rewritten")
    with pytest.raises(ConflictError):
        services.notice_attach(actor=SECRETARIAT, notice=hubei_notice, file=_upload(), content_type="application/pdf")
    services.notice_archive(actor=SECRETARIAT, notice=hubei_notice)
    with pytest.raises(ConflictError):
        services.notice_set_pinned(actor=SECRETARIAT, notice=hubei_notice, pinned=False)
