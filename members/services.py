"""Every write of the member registry that spans rows, whichever door it comes through (web, API, admin, command)."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import ApiKey, Invitation, Membership, Organisation, hash_api_key

INVITATION_SALT = "members.invitation"
logger = logging.getLogger(__name__)


@transaction.atomic
def organisation_approve(*, organisation: Organisation, by: AbstractBaseUser | None = None) -> Organisation:
    """A pending (or suspended) member becomes active."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.status == Organisation.Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn organisation cannot be approved; it must apply again."))
    if organisation.status != Organisation.Status.ACTIVE:
        organisation.status = Organisation.Status.ACTIVE
        if organisation.joined_on is None:
            organisation.joined_on = timezone.localdate()
        organisation._change_reason = "approved"
        organisation.save()
    return organisation


@transaction.atomic
def organisation_suspend(*, organisation: Organisation, by: AbstractBaseUser | None = None) -> Organisation:
    """A member is suspended (dues unpaid, under review); approving it again restores it."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.status == Organisation.Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn organisation cannot be suspended."))
    if organisation.status != Organisation.Status.SUSPENDED:
        organisation.status = Organisation.Status.SUSPENDED
        organisation._change_reason = "suspended"
        organisation.save()
    return organisation


@transaction.atomic
def organisation_withdraw(*, organisation: Organisation, by: AbstractBaseUser | None = None) -> Organisation:
    """The member leaves the alliance. Its records stay; its API keys and open invitations stop working."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.status != Organisation.Status.WITHDRAWN:
        organisation.status = Organisation.Status.WITHDRAWN
        organisation._change_reason = "withdrawn"
        organisation.save()
    now = timezone.now()
    for api_key in ApiKey.objects.select_for_update().filter(organisation=organisation).live():
        api_key.revoked_at = now
        api_key.save(update_fields=["revoked_at"])
    invitation_revoke(invitations=Invitation.objects.filter(organisation=organisation))
    return organisation


@transaction.atomic
def api_key_issue(
    *,
    organisation: Organisation,
    name: str,
    scope: str = ApiKey.Scope.READ,
    created_by: AbstractBaseUser | None = None,
) -> tuple[ApiKey, str]:
    """A new key for the organisation, and its raw value: shown once, only its hash is kept."""
    prefix, raw_key = ApiKey.generate()
    api_key = ApiKey(
        organisation=organisation,
        name=name,
        prefix=prefix,
        key_hash=hash_api_key(raw_key),
        scope=scope,
        created_by=created_by if created_by is not None and created_by.pk else None,
    )
    api_key.full_clean(exclude=["prefix", "key_hash"])
    api_key.save()
    return api_key, raw_key


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    api_key.revoke()
    return api_key


def _count_admins(organisation: Organisation) -> int:
    return Membership.objects.filter(organisation=organisation, role=Membership.Role.ADMIN).count()


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str) -> Membership:
    # Lock the organisation's memberships so two admins demoting each other cannot leave it without one.
    list(Membership.objects.select_for_update().filter(organisation_id=membership.organisation_id))
    membership.refresh_from_db()
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    if (
        membership.role == Membership.Role.ADMIN
        and role != Membership.Role.ADMIN
        and _count_admins(membership.organisation) <= 1
    ):
        raise ValidationError(_("An organisation needs at least one administrator; appoint another one first."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """The user leaves the organisation; their account is deactivated, not deleted, so history still names them."""
    list(Membership.objects.select_for_update().filter(organisation_id=membership.organisation_id))
    membership.refresh_from_db()
    if membership.role == Membership.Role.ADMIN and _count_admins(membership.organisation) <= 1:
        raise ValidationError(_("An organisation needs at least one administrator; appoint another one first."))
    user = membership.user
    membership.delete()
    user.is_active = False
    user.save(update_fields=["is_active"])


def invitation_revoke(*, invitations: QuerySet[Invitation]) -> int:
    """Withdraws the open ones among them; conditional, so an invitation accepted a moment ago stays accepted."""
    return invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"id": invitation.pk, "email": invitation.email}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation:
    """The open invitation a link points at; ValidationError with the reason otherwise."""
    max_age = settings.INVITATION_MAX_AGE_DAYS * 24 * 3600
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise ValidationError(
            _("This invitation has expired. Ask your organisation's administrator for a new one.")
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("This invitation link is not valid. Check that you copied all of it.")) from None
    invitation = (
        Invitation.objects.select_related("organisation").filter(pk=data.get("id"), email=data.get("email")).first()
    )
    if invitation is None or invitation.revoked_at is not None:
        raise ValidationError(_("This invitation has been withdrawn."))
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used. Sign in instead."))
    return invitation


def invitation_send_email(*, invitation_id: int, language: str) -> None:
    """Emails the invitation link; called by the Celery task, which retries when the mail server fails."""
    invitation = Invitation.objects.select_related("organisation").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_open:
        return
    link = settings.SITE_URL + reverse("accept_invitation", args=[invitation_token(invitation)])
    with translation.override(language):
        context = {"invitation": invitation, "link": link, "days": settings.INVITATION_MAX_AGE_DAYS}
        subject = _("You are invited to the Alliance Portal by %(organisation)s") % {
            "organisation": invitation.organisation.name
        }
        text = render_to_string("emails/invitation.txt", context)
        html = render_to_string("emails/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()


def _queue_invitation_email(invitation_id: int, language: str) -> None:
    from .tasks import send_invitation_email

    try:
        send_invitation_email.delay(invitation_id, language)
    except Exception:
        # The invitation is saved and listed as open; the admin can send it again. A mail server or broker
        # that is down must not turn the admin's saved invitation into an error page.
        logger.exception("could not send or queue the email of invitation %s", invitation_id)


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, role: str, invited_by: AbstractBaseUser, language: str = "zh-hans"
) -> Invitation:
    email = email.strip().lower()
    User = get_user_model()
    if User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone with this email already has an account on the portal.")})
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    # A new invitation to the same address replaces the open one, so only the latest link works.
    invitation_revoke(invitations=Invitation.objects.filter(organisation=organisation, email__iexact=email))
    invitation = Invitation.objects.create(organisation=organisation, email=email, role=role, invited_by=invited_by)
    transaction.on_commit(lambda: _queue_invitation_email(invitation.pk, language))
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, name: str, password: str) -> AbstractBaseUser:
    """Creates the invitee's account and membership. The password must already be validated."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation has already been used. Sign in instead."))
    User = get_user_model()
    if User.objects.filter(username__iexact=invitation.email).exists():
        raise ValidationError(_("Someone with this email already has an account on the portal."))
    user = User(username=invitation.email, email=invitation.email, first_name=name.strip())
    user.set_password(password)
    user.save()
    Membership.objects.create(user=user, organisation=invitation.organisation, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user
