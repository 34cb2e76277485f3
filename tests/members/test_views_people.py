"""The people of my organisation: invitations, roles, removal, by its administrators only."""

import pytest
from django.core import mail
from django.urls import reverse

from members.models import Invitation, Membership

from .factories import InvitationFactory, MembershipFactory, UserFactory

MY_ORG = "/org/"


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English text; the Chinese catalogue must not change what they see."""


def _membership(user) -> Membership:
    return Membership.objects.get(user=user)


# --- inviting ---------------------------------------------------------------------------------------------------


def test_invitation_form_for_each_role(role_client):
    role, client = role_client
    response = client.get(reverse("members:invitation_create"))
    assert response.status_code == {"org_admin": 200, "other_user": 200, "anonymous": 302}.get(role, 403)


def test_admin_invites_a_colleague(client_for, org, org_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(org_admin).post(
            reverse("members:invitation_create"),
            {"email": "New.Colleague@Example.com", "role": "viewer", "language": "en"},
            follow=True,
        )

    assert response.redirect_chain == [(MY_ORG, 302)]
    content = response.content.decode()
    assert "An invitation has been sent to new.colleague@example.com" in content
    invitation = Invitation.objects.get(organisation=org)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new.colleague@example.com",
        "viewer",
        org_admin,
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.colleague@example.com"]
    assert org.name_en in mail.outbox[0].subject
    # The open invitation is listed, with a way to withdraw it.
    assert reverse("members:invitation_revoke", args=[invitation.pk]) in content


@pytest.mark.parametrize("user", ["org_member", "org_viewer", "secretariat"])
def test_only_admins_can_invite(request, client_for, user):
    response = client_for(request.getfixturevalue(user)).post(
        reverse("members:invitation_create"), {"email": "x@example.com", "role": "admin", "language": "en"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_inviting_someone_who_has_an_account_shows_the_error(client_for, org_admin, other_user):
    response = client_for(org_admin).post(
        reverse("members:invitation_create"), {"email": other_user.email, "role": "member", "language": "en"}
    )
    assert response.status_code == 200
    assert "already has an account on the portal" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invitation_needs_a_valid_email(client_for, org_admin):
    response = client_for(org_admin).post(
        reverse("members:invitation_create"), {"email": "not-an-email", "role": "member", "language": "en"}
    )
    assert 'id="id_email_error"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_invitation_form_refuses_put(client_for, org_admin):
    assert client_for(org_admin).put(reverse("members:invitation_create")).status_code == 405


# --- withdrawing an invitation ----------------------------------------------------------------------------------


def test_revoke_invitation_for_each_role(role_client, org):
    role, client = role_client
    invitation = InvitationFactory(organisation=org)
    response = client.post(reverse("members:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == {"org_admin": 302, "other_user": 404, "anonymous": 302}.get(role, 403)
    invitation.refresh_from_db()
    assert (invitation.revoked_at is not None) is (role == "org_admin")


def test_revoked_invitation_leaves_the_list(client_for, org, org_admin):
    invitation = InvitationFactory(organisation=org, email="gone@example.com")
    response = client_for(org_admin).post(reverse("members:invitation_revoke", args=[invitation.pk]), follow=True)
    content = response.content.decode()
    assert "The invitation to gone@example.com has been withdrawn." in content
    assert "gone@example.com</td>" not in content


def test_revoke_invitation_refuses_get(client_for, org, org_admin):
    invitation = InvitationFactory(organisation=org)
    assert client_for(org_admin).get(reverse("members:invitation_revoke", args=[invitation.pk])).status_code == 405
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_accepted_invitation_is_not_marked_withdrawn(client_for, org, org_admin):
    from django.utils import timezone

    invitation = InvitationFactory(organisation=org, accepted_at=timezone.now())
    response = client_for(org_admin).post(reverse("members:invitation_revoke", args=[invitation.pk]), follow=True)
    assert "was already used or withdrawn" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- roles ------------------------------------------------------------------------------------------------------


def test_change_role_for_each_role(role_client, org, org_member):
    role, client = role_client
    target = _membership(org_member)
    response = client.post(reverse("members:membership_role", args=[target.pk]), {"role": "viewer"})
    assert response.status_code == {"org_admin": 302, "other_user": 404, "anonymous": 302}.get(role, 403)
    target.refresh_from_db()
    assert target.role == ("viewer" if role == "org_admin" else "member")


def test_admin_appoints_another_admin(client_for, org_admin, org_member):
    target = _membership(org_member)
    response = client_for(org_admin).post(
        reverse("members:membership_role", args=[target.pk]), {"role": "admin"}, follow=True
    )
    assert "is now Administrator" in response.content.decode()
    target.refresh_from_db()
    assert target.role == "admin"


def test_last_admin_cannot_step_down(client_for, org_admin, org_member):
    target = _membership(org_admin)
    response = client_for(org_admin).post(
        reverse("members:membership_role", args=[target.pk]), {"role": "viewer"}, follow=True
    )
    assert response.redirect_chain == [(MY_ORG, 302)]
    content = response.content.decode()
    assert "alert-danger" in content
    assert "An organisation needs at least one administrator" in content
    target.refresh_from_db()
    assert target.role == "admin"


def test_unknown_role_is_refused(client_for, org_admin, org_member):
    target = _membership(org_member)
    response = client_for(org_admin).post(
        reverse("members:membership_role", args=[target.pk]), {"role": "owner"}, follow=True
    )
    assert "Choose a valid role." in response.content.decode()
    target.refresh_from_db()
    assert target.role == "member"


def test_change_role_refuses_get(client_for, org_admin, org_member):
    url = reverse("members:membership_role", args=[_membership(org_member).pk])
    assert client_for(org_admin).get(url).status_code == 405


def test_membership_of_another_organisation_is_not_found(client_for, org_admin, other_user):
    target = _membership(other_user)
    client = client_for(org_admin)
    assert client.post(reverse("members:membership_role", args=[target.pk]), {"role": "viewer"}).status_code == 404
    assert client.get(reverse("members:membership_remove", args=[target.pk])).status_code == 404
    assert client.post(reverse("members:membership_remove", args=[target.pk])).status_code == 404
    target.refresh_from_db()
    assert target.role == "admin"


# --- removing people --------------------------------------------------------------------------------------------


def test_remove_member_for_each_role(role_client, org, org_member):
    role, client = role_client
    target = _membership(org_member)
    response = client.post(reverse("members:membership_remove", args=[target.pk]))
    assert response.status_code == {"org_admin": 302, "other_user": 404, "anonymous": 302}.get(role, 403)
    assert Membership.objects.filter(pk=target.pk).exists() is (role != "org_admin")


def test_admin_removes_a_member_after_confirming(client_for, org, org_admin):
    person = UserFactory(first_name="Lei", last_name="Zhang")
    target = MembershipFactory(organisation=org, user=person)
    url = reverse("members:membership_remove", args=[target.pk])
    client = client_for(org_admin)

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Remove Lei Zhang from" in confirm.content.decode()
    assert Membership.objects.filter(pk=target.pk).exists()

    response = client.post(url, follow=True)
    assert "Lei Zhang has been removed from" in response.content.decode()
    assert not Membership.objects.filter(pk=target.pk).exists()
    person.refresh_from_db()
    assert person.is_active is False
    assert client_for(person).get(MY_ORG).status_code == 302  # the deactivated account is signed out


def test_last_admin_cannot_be_removed(client_for, org_admin):
    target = _membership(org_admin)
    response = client_for(org_admin).post(reverse("members:membership_remove", args=[target.pk]), follow=True)
    assert "An organisation needs at least one administrator" in response.content.decode()
    assert Membership.objects.filter(pk=target.pk).exists()


def test_admin_leaving_is_signed_out(client_for, org, org_admin):
    MembershipFactory(organisation=org, role="admin")
    client = client_for(org_admin)
    response = client.post(reverse("members:membership_remove", args=[_membership(org_admin).pk]), follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "You have left" in response.content.decode()
    assert client.get(MY_ORG).status_code == 302


def test_remove_member_refuses_put(client_for, org_admin, org_member):
    url = reverse("members:membership_remove", args=[_membership(org_member).pk])
    assert client_for(org_admin).put(url).status_code == 405


def test_mail_server_down_keeps_the_invitation_and_shows_no_error_page(
    client_for, org, org_admin, django_capture_on_commit_callbacks
):
    import smtplib
    from unittest import mock

    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPServerDisconnected("down")
        ) as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client_for(org_admin).post(
            reverse("members:invitation_create"), {"email": "later@example.com", "role": "member", "language": "en"}
        )
    assert response.status_code == 302
    assert send.call_count == 1  # it tried; with a broker, the task retries with back-off
    assert Invitation.objects.get(organisation=org).email == "later@example.com"
