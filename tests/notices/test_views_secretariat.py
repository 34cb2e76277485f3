"""The secretariat's notice pages against every role: compose with preview and reach, edit, publish now or later,
archive, the acknowledgement report, reminders, delivery progress; attachments refused by size and type."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Organisation
from members.rules import Actor, actor_for_user
from notices import events, services
from notices.models import Acknowledgement, Event, Notice, NoticeAttachment

from ..members.factories import ContactFactory, OrganisationFactory
from ..refusals import assert_refused, suspended, withdrawn
from .factories import make_notice

SECRETARIAT = Actor(is_secretariat=True)
pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _form(**overrides) -> dict:
    data = {
        "title_zh": "湖北成员：请报告复工情况",
        "title_en": "Hubei members: report your return to work",
        "body_zh": "请**今天**报告。",
        "body_en": "Please report **today**.",
        "category": "urgent",
        "audience_kind": "provinces",
        "provinces": ["hubei"],
        "requires_ack": "on",
        "action": "save",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def hubei_orgs(org):
    second = OrganisationFactory(kind=Organisation.Kind.SUPPLIER, province="hubei", city="孝感")
    ContactFactory(organisation=org)
    ContactFactory(organisation=org)
    ContactFactory(organisation=second)
    return [org, second]


SECRETARIAT_ONLY = {"secretariat": 200, "anonymous": 302}


def _expected(role: str, ok: int = 200) -> int:
    return {"secretariat": ok, "anonymous": 302}.get(role, 403)


# --- every page against every role ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["notices:manage", "notices:compose", "notices:reach"])
def test_secretariat_pages_for_each_role(role_client, name):
    role, client = role_client
    assert client.get(reverse(name)).status_code == _expected(role)


@pytest.mark.parametrize("name", ["notices:edit", "notices:report", "notices:progress"])
def test_secretariat_notice_pages_for_each_role(role_client, name):
    role, client = role_client
    notice = make_notice(status="draft")
    assert client.get(reverse(name, args=[notice.pk])).status_code == _expected(role)


@pytest.mark.parametrize("name", ["notices:publish", "notices:archive", "notices:remind"])
def test_secretariat_actions_for_each_role(role_client, name, hubei_orgs):
    role, client = role_client
    notice = make_notice(status="draft", audience_kind="provinces", provinces=["hubei"], requires_ack=True)
    if name == "notices:remind":
        notice = services.notice_publish(actor=SECRETARIAT, notice=notice)
    before = Notice.objects.get(pk=notice.pk).status
    response = client.post(reverse(name, args=[notice.pk]), {"when": "now"})
    assert response.status_code == _expected(role, 302)
    if role != "secretariat":
        assert Notice.objects.get(pk=notice.pk).status == before


@pytest.mark.parametrize(
    "name,method",
    [
        ("notices:publish", "get"),
        ("notices:archive", "get"),
        ("notices:remind", "get"),
        ("notices:report", "post"),
        ("notices:progress", "post"),
    ],
)
def test_secretariat_wrong_method(client_for, secretariat, name, method):
    notice = make_notice()
    assert getattr(client_for(secretariat), method)(reverse(name, args=[notice.pk])).status_code == 405


def test_manage_and_reach_wrong_method(client_for, secretariat):
    client = client_for(secretariat)
    assert client.post(reverse("notices:manage")).status_code == 405
    assert client.post(reverse("notices:reach")).status_code == 405
    assert client.put(reverse("notices:compose")).status_code == 405


def test_unknown_notice_is_not_found(client_for, secretariat):
    assert client_for(secretariat).get(reverse("notices:report", args=[999])).status_code == 404


# --- compose ----------------------------------------------------------------------------------------------------


def test_preview_renders_sanitised_and_saves_nothing(client_for, secretariat, hubei_orgs):
    body = "Hello <script>alert(1)</script> [x](javascript:alert(1)) **bold**"
    page = (
        client_for(secretariat).post(reverse("notices:compose"), _form(body_en=body, action="preview")).content.decode()
    )
    assert 'data-testid="preview"' in page
    assert "<strong>bold</strong>" in page
    preview = page.split('data-testid="preview"')[1].split("</section>")[0]
    assert "<script>alert" not in preview and "javascript:" not in preview
    assert "Will reach 2 organisations, 3 contacts." in page
    assert not Notice.objects.exists()


def test_reach_counts_the_audience_being_chosen(client_for, secretariat, hubei_orgs, other_org):
    client = client_for(secretariat)
    hubei = client.get(reverse("notices:reach"), {"audience_kind": "provinces", "provinces": ["hubei"]}).json()
    assert (hubei["organisations"], hubei["contacts"]) == (2, 3)
    assert hubei["text"] == "Will reach 2 organisations, 3 contacts."
    everyone = client.get(reverse("notices:reach"), {"audience_kind": "all"}).json()
    assert everyone["organisations"] == 3
    named = client.get(reverse("notices:reach"), {"audience_kind": "organisations", "organisations": [other_org.pk]})
    assert named.json()["organisations"] == 1


def test_compose_saves_a_draft_with_an_attachment(client_for, secretariat, hubei_orgs):
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    response = client_for(secretariat).post(reverse("notices:compose"), _form(attachment=upload))
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("notices:edit", args=[notice.pk])
    assert (notice.status, notice.provinces, notice.requires_ack, notice.created_by) == (
        "draft",
        ["hubei"],
        True,
        secretariat,
    )
    attachment = notice.attachments.get()
    assert (attachment.name, attachment.content_type, attachment.size) == ("plan.pdf", "application/pdf", len(PDF))
    assert not Event.objects.exists()


def test_compose_refuses_an_audience_without_choices(client_for, secretariat):
    page = client_for(secretariat).post(reverse("notices:compose"), _form(provinces=None)).content.decode()
    assert "Choose at least one province." in page
    assert not Notice.objects.exists()


def test_compose_refuses_a_notice_without_title(client_for, secretariat):
    page = client_for(secretariat).post(reverse("notices:compose"), _form(title_zh="", title_en="")).content.decode()
    assert "Give the notice a title" in page


def test_attachment_too_big_is_a_form_error(client_for, secretariat, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048, content_type="application/pdf")
    response = client_for(secretariat).post(reverse("notices:compose"), _form(attachment=upload))
    assert response.status_code == 200
    assert "attachments may be up to 1.0\xa0KB" in response.content.decode()
    assert not Notice.objects.exists() and not NoticeAttachment.objects.exists()


@pytest.mark.parametrize(
    "name,content",
    [
        ("virus.exe", b"MZ\x90\x00"),
        ("fake.pdf", b"<html><script>alert(1)</script>"),
        ("image.png", PDF),  # a PDF named as a PNG
        ("page.html", b"<html></html>"),
        ("drawing.svg", b"<svg onload='alert(1)'></svg>"),
    ],
)
def test_attachment_of_the_wrong_type_is_a_form_error(client_for, secretariat, name, content):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client_for(secretariat).post(reverse("notices:compose"), _form(attachment=upload))
    assert response.status_code == 200
    assert "Attach a PDF, PNG or JPEG file." in response.content.decode()
    assert not Notice.objects.exists()


def test_png_attachment_is_accepted(client_for, secretariat):
    upload = SimpleUploadedFile("chart.PNG", PNG, content_type="image/png")
    client_for(secretariat).post(reverse("notices:compose"), _form(attachment=upload))
    assert NoticeAttachment.objects.get().content_type == "image/png"


# --- edit and publish -------------------------------------------------------------------------------------------


def test_edit_a_draft(client_for, secretariat, hubei_orgs):
    notice = make_notice(status="draft")
    client = client_for(secretariat)
    page = client.get(reverse("notices:edit", args=[notice.pk])).content.decode()
    assert "Test notice" in page and "Will reach" in page
    client.post(reverse("notices:edit", args=[notice.pk]), _form(title_en="Changed"))
    notice.refresh_from_db()
    assert notice.title_en == "Changed" and notice.provinces == ["hubei"]


def test_a_published_notice_cannot_be_edited(client_for, secretariat):
    notice = make_notice()
    response = client_for(secretariat).post(reverse("notices:edit", args=[notice.pk]), _form(title_en="Changed"))
    assert response.status_code == 302 and response["Location"] == reverse("notices:report", args=[notice.pk])
    notice.refresh_from_db()
    assert notice.title_en == "Test notice"


def test_publish_now(client_for, secretariat, hubei_orgs):
    notice = make_notice(status="draft", audience_kind="provinces", provinces=["hubei"])
    response = client_for(secretariat).post(reverse("notices:publish", args=[notice.pk]), {"when": "now"})
    assert response["Location"] == reverse("notices:report", args=[notice.pk])
    notice.refresh_from_db()
    assert notice.status == "published"
    assert Event.objects.filter(name=events.NOTICE_PUBLISHED, object_id=str(notice.pk)).count() == 1


def test_publish_later_schedules(client_for, secretariat):
    notice = make_notice(status="draft")
    at = timezone.localtime() + timedelta(days=1)
    client_for(secretariat).post(
        reverse("notices:publish", args=[notice.pk]), {"when": "later", "publish_at": at.strftime("%Y-%m-%dT%H:%M")}
    )
    notice.refresh_from_db()
    assert notice.status == "scheduled" and notice.publish_at.strftime("%H:%M") != ""
    assert not Event.objects.exists()


def test_publish_later_needs_a_future_time(client_for, secretariat):
    notice = make_notice(status="draft")
    client = client_for(secretariat)
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page = client.post(
        reverse("notices:publish", args=[notice.pk]), {"when": "later", "publish_at": past}, follow=True
    ).content.decode()
    assert "Choose a time in the future" in page
    notice.refresh_from_db()
    assert notice.status == "draft"


def test_publishing_a_published_notice_is_a_message(client_for, secretariat):
    notice = make_notice()
    page = (
        client_for(secretariat)
        .post(reverse("notices:publish", args=[notice.pk]), {"when": "now"}, follow=True)
        .content.decode()
    )
    assert "only a draft or a scheduled notice can be published" in page
    assert not Event.objects.exists()


def test_archive(client_for, secretariat):
    notice = make_notice()
    client_for(secretariat).post(reverse("notices:archive", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.status == "archived"


# --- report, reminders, progress --------------------------------------------------------------------------------


def test_report_shows_rate_and_missing_organisations(client_for, secretariat, hubei_orgs, org_member):
    notice = make_notice(audience_kind="provinces", provinces=["hubei"], requires_ack=True)
    client = client_for(secretariat)
    page = client.get(reverse("notices:report", args=[notice.pk])).content.decode()
    assert ack_bar(page) == "0" and hubei_orgs[0].name_en in page
    services.notice_acknowledge(actor=actor_for_user(org_member), notice=notice)
    page = client.get(reverse("notices:report", args=[notice.pk])).content.decode()
    assert ack_bar(page) == "50"
    assert "1 of 2 organisations" in page
    missing = page.split('data-testid="missing"')[1].split('data-testid="alert-contacts"')[0]
    assert hubei_orgs[1].name_en in missing and hubei_orgs[0].name_en not in missing


def ack_bar(page: str) -> str:
    """The acknowledgement bar's value (aria-valuenow), in whole per cent."""
    bar = page.split('data-testid="ack-rate"')[1].split('role="progressbar"')[1]
    return bar.split('aria-valuenow="')[1].split('"')[0]


def test_the_remind_list_shows_each_organisations_alert_contacts(client_for, secretariat, hubei_orgs):
    ContactFactory(organisation=hubei_orgs[0], name="Wang Wei", mobile="13800000001", email="wang@a.example")
    ContactFactory(organisation=hubei_orgs[0], name="Quiet Li", mobile="13800000002", receives_alerts=False)
    notice = make_notice(audience_kind="provinces", provinces=["hubei"], requires_ack=True)
    client = client_for(secretariat)
    url = reverse("notices:report", args=[notice.pk])
    client.get(url)  # the navigation's count of requests to triage is then cached (10 s), as for both pages below
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    missing = page.split('data-testid="missing"')[1]
    assert 'href="tel:13800000001"' in missing and 'href="mailto:wang@a.example"' in missing
    assert "Quiet Li" not in missing
    for index in range(3):
        other = OrganisationFactory(province="hubei", name_en=f"More Hubei {index}")
        ContactFactory(organisation=other, email=f"x{index}@b.example")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_remind_emits_a_reminder_for_the_missing_organisations(client_for, secretariat, hubei_orgs, org_member):
    notice = make_notice(audience_kind="provinces", provinces=["hubei"], requires_ack=True)
    services.notice_acknowledge(actor=actor_for_user(org_member), notice=notice)
    page = client_for(secretariat).post(reverse("notices:remind", args=[notice.pk]), follow=True).content.decode()
    assert "A reminder is going out to 1 organisation." in page
    event = Event.objects.get(name=events.NOTICE_REMINDER)
    assert event.payload["organisation_ids"] == [hubei_orgs[1].pk]
    assert Acknowledgement.objects.count() == 1


def test_progress_of_a_published_notice_counts_its_alerts(client_for, secretariat):
    notice = make_notice()
    data = client_for(secretariat).get(reverse("notices:progress", args=[notice.pk])).json()
    assert data == {"progress": {"delivered": 0, "pending": 0, "failed": 0}}


def test_progress_of_a_draft_is_none(client_for, secretariat):
    notice = make_notice(status=Notice.Status.DRAFT)
    data = client_for(secretariat).get(reverse("notices:progress", args=[notice.pk])).json()
    assert data == {"progress": None}


def test_report_of_a_published_notice_shows_the_delivery_progress(client_for, secretariat):
    notice = make_notice()
    page = client_for(secretariat).get(reverse("notices:report", args=[notice.pk])).content.decode()
    assert 'id="delivery-progress"' in page


def test_unschedule_for_each_role(role_client):
    role, client = role_client
    notice = make_notice(status="scheduled")
    response = client.post(reverse("notices:unschedule", args=[notice.pk]))
    assert response.status_code == _expected(role, 302)
    notice.refresh_from_db()
    assert notice.status == ("draft" if role == "secretariat" else "scheduled")
    assert (notice.publish_at is None) == (role == "secretariat")


def test_unschedule_a_draft_is_a_message(client_for, secretariat):
    notice = make_notice(status="draft")
    client = client_for(secretariat)
    assert client.get(reverse("notices:unschedule", args=[notice.pk])).status_code == 405
    page = client.post(reverse("notices:unschedule", args=[notice.pk]), follow=True).content.decode()
    assert "Only a scheduled notice can go back to draft." in page


def test_scheduled_notice_shows_when_and_back_to_draft(client_for, secretariat):
    notice = make_notice(status="scheduled")
    page = client_for(secretariat).get(reverse("notices:edit", args=[notice.pk])).content.decode()
    assert "Scheduled to be published on" in page and "Back to draft" in page


# --- an organisation's administrator, in good standing or not, is refused every secretariat write --------------


@pytest.mark.parametrize("standing", [None, "suspended", "withdrawn"])
@pytest.mark.parametrize(
    "name, data",
    [
        ("notices:edit", None),
        ("notices:publish", {"when": "now"}),
        ("notices:unschedule", {}),
        ("notices:archive", {}),
        ("notices:remind", {}),
    ],
)
def test_an_organisation_administrator_cannot_write_notices(client_for, org, org_admin, standing, name, data):
    notice = make_notice(status="draft", audience_kind="provinces", provinces=["hubei"], requires_ack=True)
    if standing:
        {"suspended": suspended, "withdrawn": withdrawn}[standing](org)
    client = client_for(org_admin)
    assert_refused(client.post(reverse(name, args=[notice.pk]), data if data is not None else _form(title_en="X")))
    assert_refused(client.post(reverse("notices:compose"), _form()))
    assert list(Notice.objects.values_list("pk", "status", "title_en")) == [(notice.pk, "draft", "Test notice")]
    assert not Event.objects.exists()
