"""The notices admin: lists, change pages with history, and the actions going through the services."""

import pytest
from django.urls import reverse

from members.rules import actor_for_user
from notices import events, services
from notices.models import Acknowledgement, Event, Notice

from ..members.factories import MembershipFactory
from ..refusals import assert_admin_refused
from .factories import make_notice

pytestmark = pytest.mark.django_db


def test_admin_pages_open(client_for, secretariat, org):
    notice = make_notice(audience_kind="organisations", organisations=[org], requires_ack=True)
    Acknowledgement.objects.create(notice=notice, organisation=org, user=MembershipFactory(organisation=org).user)
    client = client_for(secretariat)
    for url in (
        reverse("admin:notices_notice_changelist"),
        reverse("admin:notices_notice_change", args=[notice.pk]),
        reverse("admin:notices_notice_history", args=[notice.pk]),
        reverse("admin:notices_notice_add"),
        reverse("admin:notices_acknowledgement_changelist"),
    ):
        assert client.get(url).status_code == 200, url


def test_admin_publish_action_goes_through_the_service(client_for, secretariat):
    draft = make_notice(status="draft")
    published = make_notice()
    client_for(secretariat).post(
        reverse("admin:notices_notice_changelist"),
        {"action": "publish_now", "_selected_action": [draft.pk, published.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == Notice.Status.PUBLISHED
    assert Event.objects.filter(name=events.NOTICE_PUBLISHED).count() == 1


def test_admin_is_for_staff_only(client_for, org_admin):
    response = client_for(org_admin).get(reverse("admin:notices_notice_changelist"))
    assert response.status_code == 302


# --- the admin writes through the services ----------------------------------------------------------------------


def _change(notice):
    return reverse("admin:notices_notice_change", args=[notice.pk])


def _admin_form(**overrides) -> dict:
    data = {
        "title_zh": "测试通知",
        "title_en": "Test notice",
        "body_zh": "正文",
        "body_en": "Body",
        "category": Notice.Category.POLICY,
        "audience_kind": Notice.Audience.ALL,
        "kinds": "[]",
        "provinces": "[]",
        # the inlines' management forms
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "acknowledgements-TOTAL_FORMS": "0",
        "acknowledgements-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_a_published_notice_cannot_be_reverted_to_an_earlier_version(client_for, secretariat):
    notice = make_notice(status="draft", title_en="First words")
    services.notice_publish(actor=actor_for_user(secretariat), notice=notice)
    draft_version = notice.history.filter(status="draft").latest("history_date")
    url = reverse("admin:notices_notice_simple_history", args=[notice.pk, draft_version.history_id])
    client = client_for(secretariat)
    assert client.post(url, _admin_form(title_en="Rewritten")).status_code == 403
    notice.refresh_from_db()
    assert (notice.status, notice.title_en) == (Notice.Status.PUBLISHED, "First words")


def test_a_published_notice_shows_its_text_read_only_and_only_pinning_changes(client_for, secretariat):
    notice = make_notice(title_en="As sent")
    client = client_for(secretariat)
    page = client.get(_change(notice)).content.decode()
    assert 'name="title_en"' not in page and 'name="pinned"' in page
    response = client.post(_change(notice), _admin_form(title_en="Rewritten", audience_kind="kinds", pinned="on"))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.title_en, notice.audience_kind, notice.pinned) == ("As sent", Notice.Audience.ALL, True)


def test_an_archived_notice_is_read_only_in_the_admin(client_for, secretariat):
    notice = make_notice(status="archived")
    page = client_for(secretariat).get(_change(notice)).content.decode()
    assert 'name="title_en"' not in page and 'name="pinned"' not in page


def test_publish_now_without_the_named_organisations_is_an_admin_error_not_a_500(client_for, secretariat):
    draft = make_notice(status="draft", audience_kind=Notice.Audience.ORGANISATIONS)
    client = client_for(secretariat)
    response = client.post(
        reverse("admin:notices_notice_changelist"),
        {"action": "publish_now", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert_admin_refused(response, client)
    assert any("Choose at least one organisation" in str(m) for m in response.context["messages"])
    draft.refresh_from_db()
    assert draft.status == Notice.Status.DRAFT
    assert not Event.objects.exists()


def test_a_notice_added_in_the_admin_is_created_by_the_service(client_for, secretariat, org):
    response = client_for(secretariat).post(
        reverse("admin:notices_notice_add"),
        _admin_form(audience_kind=Notice.Audience.ORGANISATIONS, organisations=[org.pk]),
    )
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert (notice.status, notice.created_by) == (Notice.Status.DRAFT, secretariat)
    assert list(notice.organisations.all()) == [org]


def test_a_notice_added_in_the_admin_without_its_organisations_is_a_form_error(client_for, secretariat):
    response = client_for(secretariat).post(
        reverse("admin:notices_notice_add"), _admin_form(audience_kind=Notice.Audience.ORGANISATIONS)
    )
    assert response.status_code == 200
    assert "Choose at least one organisation" in response.content.decode()
    assert not Notice.objects.exists()


def test_a_draft_is_edited_in_the_admin_through_the_service(client_for, secretariat):
    draft = make_notice(status="draft")
    response = client_for(secretariat).post(_change(draft), _admin_form(title_en="Better words"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title_en == "Better words"
    assert draft.history.latest().history_user == secretariat


@pytest.mark.parametrize("action", ["publish_now", "archive", "remind"])
def test_every_action_refusal_is_a_message(client_for, secretariat, action):
    archived = make_notice(status="archived")
    client = client_for(secretariat)
    response = client.post(
        reverse("admin:notices_notice_changelist"), {"action": action, "_selected_action": [archived.pk]}
    )
    if action == "archive":
        assert response.status_code == 302  # archiving an archived notice changes nothing and is no error
    else:
        assert_admin_refused(response, client)
    archived.refresh_from_db()
    assert archived.status == Notice.Status.ARCHIVED
