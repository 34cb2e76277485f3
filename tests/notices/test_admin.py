"""The notices admin: lists, change pages with history, and the actions going through the services."""

import pytest
from django.urls import reverse

from notices import events
from notices.models import Acknowledgement, Event, Notice

from ..members.factories import MembershipFactory
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
