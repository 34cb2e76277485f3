"""Signing in (with brute-force lockout), passwords, and joining through an invitation link."""

import re
import time
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from members.models import Invitation, Membership
from members.rules import actor_for_user
from members.services import invitation_create, invitation_token

from .factories import InvitationFactory, UserFactory

PASSWORD = "correct-horse-battery"  # what UserFactory sets
NEW_PASSWORD = "Blue-Lantern-Harbour-42"


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English text; the Chinese catalogue must not change what they see."""


def _link_in(body: str) -> str:
    return re.search(r"https?://\S+", body).group(0)


# --- signing in -------------------------------------------------------------------------------------------------


def test_login_page_in_the_portal_look(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="form-control' in content
    assert reverse("password_reset") in content
    assert 'id="language-form"' in content


def test_member_signs_in_with_email_and_password(client, org_member):
    response = client.post(reverse("login"), {"username": org_member.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain == [("/start/", 302)]  # LOGIN_REDIRECT_URL: the role's start page
    assert response.context["user"] == org_member
    assert "You are signed in." in response.content.decode()


def test_wrong_password_shows_an_error(client, org_member):
    response = client.post(reverse("login"), {"username": org_member.username, "password": "nope"})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert "correct username and password" in response.content.decode()


def test_anonymous_visitor_is_sent_to_login_and_back(client, org_member):
    response = client.get("/org/")
    assert response.status_code == 302
    login_page = client.get(response["Location"])
    assert "Please sign in to see that page." in login_page.content.decode()
    response = client.post(
        response["Location"], {"username": org_member.username, "password": PASSWORD, "next": "/org/"}
    )
    assert response["Location"] == "/org/"


@pytest.mark.parametrize("login_url", ["/accounts/login/", "/admin/login/"])
def test_sixth_attempt_is_locked_out_even_with_the_right_password(settings, login_url, secretariat):
    assert settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    statuses = [
        client.post(login_url, {"username": secretariat.username, "password": "guess"}).status_code for _ in range(5)
    ]
    # Four times the form again with its error; the fifth failure reaches the limit and already gets the lockout.
    assert statuses == [200, 200, 200, 200, 429]

    response = client.post(login_url, {"username": secretariat.username, "password": PASSWORD})

    assert response.status_code == 429
    content = response.content.decode()
    assert "too many failed attempts" in content
    assert "try again in 30 minutes" in content
    assert reverse("password_reset") in content
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username(client, org_admin, org_member):
    for _ in range(6):
        client.post(reverse("login"), {"username": org_admin.username, "password": "guess"})
    response = client.post(reverse("login"), {"username": org_member.username, "password": PASSWORD})
    assert response.status_code == 302


def test_logout_signs_out_on_post_only(client_for, org_member):
    client = client_for(org_member)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "You have signed out." in response.content.decode()
    assert client.get("/org/").status_code == 302


# --- passwords --------------------------------------------------------------------------------------------------


def test_password_change(client_for, org_member):
    client = client_for(org_member)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert 'name="new_password1"' in page.content.decode()

    weak = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert 'id="id_new_password2_error"' in weak.content.decode()
    assert "is-invalid" in weak.content.decode()

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your password has been changed" in response.content.decode()
    org_member.refresh_from_db()
    assert org_member.check_password(NEW_PASSWORD)


def test_password_change_needs_sign_in(client):
    assert client.get(reverse("password_change")).status_code == 302


def test_password_reset_by_email(client, org_member):
    response = client.post(reverse("password_reset"), {"email": org_member.email}, follow=True)
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Alliance Portal: choose a new password"
    assert org_member.username in message.body
    link = _link_in(message.body)
    assert link.startswith("http://testserver/accounts/reset/")

    form_page = client.get(link, follow=True)
    assert 'name="new_password1"' in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "Your new password is set" in done.content.decode()
    org_member.refresh_from_db()
    assert org_member.check_password(NEW_PASSWORD)

    again = client.get(link, follow=True)
    assert "This link cannot be used" in again.content.decode()


def test_password_reset_for_unknown_email_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


# --- invitations ------------------------------------------------------------------------------------------------


def _invite(org, org_admin, email="invitee@example.com", role=Membership.Role.VIEWER, *, capture) -> Invitation:
    with capture(execute=True):
        return invitation_create(
            actor=actor_for_user(org_admin), organisation=org, email=email, role=role, language="en"
        )


def test_invitation_full_flow(client_for, org, org_admin, django_capture_on_commit_callbacks):
    # The admin invites through the page; the colleague follows the link in the email.
    with django_capture_on_commit_callbacks(execute=True):
        client_for(org_admin).post(
            reverse("members:invitation_create"), {"email": "colleague@example.com", "role": "member", "language": "en"}
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert org.name_en in message.body
    assert "Member" in message.body
    assert "for 7 days" in message.body
    html = message.alternatives[0][0]
    link = _link_in(message.body)
    assert link in html
    assert link.startswith("http://127.0.0.1:8000/accounts/invitation/")

    client = Client()
    path = link.removeprefix("http://127.0.0.1:8000")
    page = client.get(path)
    assert page.status_code == 200
    content = page.content.decode()
    assert org.name_zh in content or org.name_en in content
    assert "colleague@example.com" in content
    assert "Member" in content

    response = client.post(
        path, {"name": "Chen Jing", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )

    assert response.redirect_chain == [("/org/", 302)]
    assert "Welcome to the Alliance Portal" in response.content.decode()
    user = get_user_model().objects.get(username="colleague@example.com")
    assert response.context["user"] == user
    assert user.first_name == "Chen Jing"
    assert user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role) == (org, "member")
    # The link is spent.
    assert "already been used" in Client().get(path).content.decode()


def test_invitation_rejects_a_weak_password_inline(client, org, org_admin, django_capture_on_commit_callbacks):
    invitation = _invite(org, org_admin, capture=django_capture_on_commit_callbacks)
    url = reverse("accept_invitation", args=[invitation_token(invitation)])
    response = client.post(url, {"name": "Chen", "password1": "password", "password2": "password"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="id_password1_error"' in content
    assert "This password is too common." in content
    assert not get_user_model().objects.filter(username=invitation.email).exists()


def test_invitation_password_similar_to_email_is_refused(client, org, org_admin, django_capture_on_commit_callbacks):
    invitation = _invite(org, org_admin, email="zhangwei.chen@example.com", capture=django_capture_on_commit_callbacks)
    url = reverse("accept_invitation", args=[invitation_token(invitation)])
    response = client.post(url, {"name": "Wei", "password1": "zhangwei.chen", "password2": "zhangwei.chen"})
    assert "too similar" in response.content.decode()


def test_invitation_passwords_must_match(client, org, org_admin, django_capture_on_commit_callbacks):
    invitation = _invite(org, org_admin, capture=django_capture_on_commit_callbacks)
    url = reverse("accept_invitation", args=[invitation_token(invitation)])
    response = client.post(url, {"name": "Chen", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert "The two passwords differ." in response.content.decode()
    assert not get_user_model().objects.filter(username=invitation.email).exists()


def test_invitation_needs_a_name(client, org, org_admin, django_capture_on_commit_callbacks):
    invitation = _invite(org, org_admin, capture=django_capture_on_commit_callbacks)
    url = reverse("accept_invitation", args=[invitation_token(invitation)])
    response = client.post(url, {"name": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert 'id="id_name_error"' in response.content.decode()


def test_expired_invitation_link(client, org, org_admin, django_capture_on_commit_callbacks):
    invitation = _invite(org, org_admin, capture=django_capture_on_commit_callbacks)
    url = reverse("accept_invitation", args=[invitation_token(invitation)])
    eight_days_later = time.time() + 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_later):
        response = client.get(url)
        posted = client.post(url, {"name": "Late", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert posted.status_code == 410
    assert not get_user_model().objects.filter(username=invitation.email).exists()


def test_tampered_invitation_link(client, db):
    response = client.get(reverse("accept_invitation", args=["not-a-real-token"]))
    assert response.status_code == 410
    assert "This invitation link is not valid" in response.content.decode()


def test_withdrawn_invitation_link(client, org, org_admin, django_capture_on_commit_callbacks):
    invitation = _invite(org, org_admin, capture=django_capture_on_commit_callbacks)
    client_for_admin = Client()
    client_for_admin.force_login(org_admin)
    client_for_admin.post(reverse("members:invitation_revoke", args=[invitation.pk]))
    response = client.get(reverse("accept_invitation", args=[invitation_token(invitation)]))
    assert response.status_code == 410
    assert "This invitation has been withdrawn." in response.content.decode()


def test_replaced_invitation_link_no_longer_works(client, org, org_admin, django_capture_on_commit_callbacks):
    first = _invite(org, org_admin, capture=django_capture_on_commit_callbacks)
    _invite(org, org_admin, capture=django_capture_on_commit_callbacks)
    response = client.get(reverse("accept_invitation", args=[invitation_token(first)]))
    assert response.status_code == 410


def test_invitation_for_an_address_that_meanwhile_has_an_account(client, org, db):
    invitation = InvitationFactory(organisation=org, email="taken@example.com")
    UserFactory(username="taken@example.com")
    url = reverse("accept_invitation", args=[invitation_token(invitation)])
    response = client.post(url, {"name": "Dup", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert "already has an account" in response.content.decode()


def test_invitation_page_refuses_put(client, org, db):
    invitation = InvitationFactory(organisation=org)
    assert client.put(reverse("accept_invitation", args=[invitation_token(invitation)])).status_code == 405
