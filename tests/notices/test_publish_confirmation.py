"""A publication that reaches more than a handful of organisations (NOTICE_CONFIRM_REACH_ABOVE) is confirmed by a person
who is shown how many, on the web page and in the admin; the service refuses a number that is no longer right. A
program (the API) has no person to ask and publishes at once."""

import pytest
from django.urls import reverse

from members.models import Organisation
from members.rules import actor_for_user
from notices import services
from notices.models import Notice

from ..members.factories import OrganisationFactory
from .factories import make_notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(settings, org):
    settings.NOTICE_CONFIRM_REACH_ABOVE = 5
    for index in range(6):
        OrganisationFactory(name_en=f"Member {index}")
    return Organisation.objects.count()


def test_web_asks_to_confirm_how_many_before_publishing(client_for, secretariat, many):
    notice = make_notice(status="draft")
    client = client_for(secretariat)
    url = reverse("notices:publish", args=[notice.pk])

    page = client.post(url, {"when": "now"})

    assert page.status_code == 200
    text = page.content.decode()
    assert f"will reach {many} organisations" in text
    assert f"Publish to {many} organisations" in text
    assert f'name="confirmed_reach" value="{many}"' in text
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT

    done = client.post(url, {"when": "now", "confirmed_reach": many})
    assert done["Location"] == reverse("notices:report", args=[notice.pk])
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED


def test_a_number_no_longer_right_is_asked_again(client_for, secretariat, many):
    notice = make_notice(status="draft")
    OrganisationFactory(name_en="Joined meanwhile")
    page = client_for(secretariat).post(
        reverse("notices:publish", args=[notice.pk]), {"when": "now", "confirmed_reach": many}
    )
    assert f"will reach {many + 1} organisations" in page.content.decode()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT


def test_a_handful_is_published_at_once(client_for, secretariat, settings, org):
    settings.NOTICE_CONFIRM_REACH_ABOVE = 5
    notice = make_notice(status="draft", audience_kind="organisations", organisations=[org])
    response = client_for(secretariat).post(reverse("notices:publish", args=[notice.pk]), {"when": "now"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED


def test_scheduling_a_wide_notice_is_confirmed_too(client_for, secretariat, many):
    from datetime import timedelta

    from django.utils import timezone

    notice = make_notice(status="draft")
    at = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client = client_for(secretariat)
    url = reverse("notices:publish", args=[notice.pk])
    page = client.post(url, {"when": "later", "publish_at": at}).content.decode()
    assert f"will reach {many} organisations" in page
    assert f'name="publish_at" value="{at}"' in page
    client.post(url, {"when": "later", "publish_at": at, "confirmed_reach": many})
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SCHEDULED


def test_admin_asks_to_confirm_how_many_before_publishing(client_for, secretariat, many):
    notice = make_notice(status="draft")
    client = client_for(secretariat)
    changelist = reverse("admin:notices_notice_changelist")

    page = client.post(changelist, {"action": "publish_now", "_selected_action": [notice.pk]})

    assert page.status_code == 200
    text = page.content.decode()
    assert f"{many} organisations" in text.split('data-testid="reach-to-confirm"')[1]
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT

    client.post(
        changelist,
        {
            "action": "publish_now",
            "_selected_action": [notice.pk],
            "confirm": "1",
            f"confirmed_reach_{notice.pk}": many,
        },
    )
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED


def test_admin_refuses_a_stale_number_with_a_message(client_for, secretariat, many):
    notice = make_notice(status="draft")
    OrganisationFactory(name_en="Joined meanwhile")
    response = client_for(secretariat).post(
        reverse("admin:notices_notice_changelist"),
        {
            "action": "publish_now",
            "_selected_action": [notice.pk],
            "confirm": "1",
            f"confirmed_reach_{notice.pk}": many,
        },
        follow=True,
    )
    assert any(f"reaches {many + 1} organisations" in str(m) for m in response.context["messages"])
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT


def test_the_rule_is_the_services(secretariat, many):
    secretariat_actor = actor_for_user(secretariat)
    notice = make_notice(status="draft")
    assert services.reach_to_confirm(notice) == many
    with pytest.raises(services.ConflictError) as refused:
        services.notice_publish(actor=secretariat_actor, notice=notice, confirmed_reach=0)
    assert refused.value.code == "confirm_reach" and refused.value.extra == {"reach": many}
    # A program has no person to ask.
    services.notice_publish(actor=secretariat_actor, notice=notice)


@pytest.mark.django_db(transaction=True)
def test_publishing_is_one_transaction_outside_a_test_transaction(secretariat, settings, org):
    """As on a server (no transaction around the test): the publication and its event commit together."""
    settings.NOTICE_CONFIRM_REACH_ABOVE = 5
    notice = make_notice(status="draft", audience_kind="organisations", organisations=[org])
    services.notice_publish(actor=actor_for_user(secretariat), notice=notice, confirmed_reach=0)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED
