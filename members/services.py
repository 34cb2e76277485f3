"""Every write of the member registry, whichever door it comes through (web, API, admin, command).

Each service that writes on behalf of an organisation takes the `actor` (members.rules.Actor) and asks
members.rules FIRST, before it reads the object's state: the secretariat approves, suspends and withdraws; an
organisation's administrator (of an organisation in good standing) changes its profile, sites, contacts, people and
keys. A refusal is NotAllowed; a state or input problem is ValidationError.
"""

import logging
from collections.abc import Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Model, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alliance_portal.errors import NotAllowed

from .models import ApiKey, Contact, Invitation, Membership, Organisation, Site, hash_api_key
from .rules import MSG_STANDING, Actor, in_good_standing, require_admin, require_secretariat

INVITATION_SALT = "members.invitation"
logger = logging.getLogger(__name__)

# What an organisation's administrator may change of the organisation itself; the rest is the secretariat's.
ORGANISATION_SECRETARIAT_FIELDS = frozenset({"slug", "kind", "status", "priority_guarantee", "joined_on"})


M = TypeVar("M", bound=Model)


def _assign(instance: M, fields: Mapping[str, Any]) -> M:
    """Sets the given fields (many-to-many ones after the save) and saves the row."""
    many: dict[str, Any] = {}
    for name, value in fields.items():
        field = instance._meta.get_field(name)
        if field.many_to_many:
            many[name] = value
        else:
            setattr(instance, name, value)
    instance.save()
    for name, value in many.items():
        getattr(instance, name).set(value)
    return instance


# --- organisations -------------------------------------------------------------------------------------------------


@transaction.atomic
def organisation_create(*, actor: Actor, fields: Mapping[str, Any]) -> Organisation:
    """The secretariat registers an organisation (pending until approved, unless a status is given)."""
    require_secretariat(actor)
    return _assign(Organisation(), {name: value for name, value in fields.items() if name != "status"})


@transaction.atomic
def organisation_update(*, actor: Actor, organisation: Organisation, fields: Mapping[str, Any]) -> Organisation:
    """Its administrator changes the organisation's profile; the secretariat may also change its kind, short name,
    priority guarantee and joining date. The status changes only through approve / suspend / withdraw."""
    require_admin(actor, organisation=organisation)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if "status" in fields and fields["status"] != organisation.status:
        raise ValidationError({"status": _("Approve, suspend or withdraw the organisation instead.")})
    if not actor.is_secretariat:
        for name in ORGANISATION_SECRETARIAT_FIELDS & set(fields):
            if fields[name] != getattr(organisation, name):
                raise NotAllowed(_("Only the secretariat can change this field."), code="secretariat_only")
    return _assign(organisation, fields)


@transaction.atomic
def organisation_approve(*, actor: Actor, organisation: Organisation) -> Organisation:
    """A pending (or suspended) member becomes active."""
    require_secretariat(actor)
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
def organisation_suspend(*, actor: Actor, organisation: Organisation) -> Organisation:
    """A member is suspended (dues unpaid, under review); approving it again restores it."""
    require_secretariat(actor)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.status == Organisation.Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn organisation cannot be suspended."))
    if organisation.status != Organisation.Status.SUSPENDED:
        organisation.status = Organisation.Status.SUSPENDED
        organisation._change_reason = "suspended"
        organisation.save()
    return organisation


@transaction.atomic
def organisation_withdraw(*, actor: Actor, organisation: Organisation) -> Organisation:
    """The member leaves the alliance. Its records stay; its API keys and open invitations stop working."""
    require_secretariat(actor)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.status != Organisation.Status.WITHDRAWN:
        organisation.status = Organisation.Status.WITHDRAWN
        organisation._change_reason = "withdrawn"
        organisation.save()
    now = timezone.now()
    for api_key in ApiKey.objects.select_for_update().filter(organisation=organisation).live():
        api_key.revoked_at = now
        api_key.save(update_fields=["revoked_at"])
    _revoke_open(Invitation.objects.filter(organisation=organisation))
    return organisation


# --- sites and contacts --------------------------------------------------------------------------------------------


@transaction.atomic
def site_create(*, actor: Actor, organisation: Organisation, fields: Mapping[str, Any]) -> Site:
    require_admin(actor, organisation=organisation)
    return _assign(Site(organisation=organisation), {k: v for k, v in fields.items() if k != "organisation"})


@transaction.atomic
def site_update(*, actor: Actor, site: Site, fields: Mapping[str, Any]) -> Site:
    """Sites are never deleted (deliveries point at them): `is_active` takes one out of use."""
    require_admin(actor, organisation=site.organisation_id)
    site = Site.objects.select_for_update().get(pk=site.pk)
    if "organisation" in fields and fields["organisation"].pk != site.organisation_id:
        raise ValidationError(
            {"organisation": _("A site cannot move to another organisation; add a new site instead.")}
        )
    return _assign(site, fields)


@transaction.atomic
def contact_create(*, actor: Actor, organisation: Organisation, fields: Mapping[str, Any]) -> Contact:
    require_admin(actor, organisation=organisation)
    return _assign(Contact(organisation=organisation), {k: v for k, v in fields.items() if k != "organisation"})


@transaction.atomic
def contact_update(*, actor: Actor, contact: Contact, fields: Mapping[str, Any]) -> Contact:
    require_admin(actor, organisation=contact.organisation_id)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    return _assign(contact, fields)


@transaction.atomic
def contact_delete(*, actor: Actor, contact: Contact) -> None:
    """Contacts are personal data, so they really go (the history table keeps who deleted whom, and when)."""
    require_admin(actor, organisation=contact.organisation_id)
    contact.delete()


# --- API keys ------------------------------------------------------------------------------------------------------


@transaction.atomic
def api_key_issue(
    *,
    actor: Actor,
    organisation: Organisation,
    name: str,
    scope: str = ApiKey.Scope.READ,
) -> tuple[ApiKey, str]:
    """A new key for the organisation, and its raw value: shown once, only its hash is kept."""
    require_admin(actor, organisation=organisation)
    prefix, raw_key = ApiKey.generate()
    api_key = ApiKey(
        organisation=organisation,
        name=name,
        prefix=prefix,
        key_hash=hash_api_key(raw_key),
        scope=scope,
        created_by=actor.person,
    )
    api_key.full_clean(exclude=["prefix", "key_hash"])
    api_key.save()
    return api_key, raw_key


@transaction.atomic
def api_key_revoke(*, actor: Actor, api_key: ApiKey) -> ApiKey:
    require_admin(actor, organisation=api_key.organisation_id)
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    api_key.revoke()
    return api_key


# --- memberships ---------------------------------------------------------------------------------------------------


def _count_admins(organisation_id: int) -> int:
    return Membership.objects.filter(organisation_id=organisation_id, role=Membership.Role.ADMIN).count()


def membership_role_check(*, membership: Membership, role: str | None) -> None:
    """The rule on roles: a valid role, and an organisation keeps at least one administrator. `role` None: the
    membership goes. Forms may ask it early to show the error next to the field; the services ask it again under
    a lock."""
    if role is not None and role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    if (
        membership.pk
        and membership.role == Membership.Role.ADMIN
        and role != Membership.Role.ADMIN
        and _count_admins(membership.organisation_id) <= 1
    ):
        raise ValidationError(_("An organisation needs at least one administrator; appoint another one first."))


def _lock_memberships(membership: Membership) -> Membership:
    # Lock the organisation's memberships so two admins demoting each other cannot leave it without one.
    list(Membership.objects.select_for_update().filter(organisation_id=membership.organisation_id))
    membership.refresh_from_db()
    return membership


@transaction.atomic
def membership_create(*, actor: Actor, user: User, organisation: Organisation, role: str) -> Membership:
    """The secretariat puts an existing account into an organisation (members join by invitation)."""
    require_secretariat(actor)
    membership_role_check(membership=Membership(), role=role)
    if Membership.objects.filter(user=user).exists():
        raise ValidationError({"user": _("This user already belongs to an organisation.")})
    return Membership.objects.create(user=user, organisation=organisation, role=role)


@transaction.atomic
def membership_set_role(*, actor: Actor, membership: Membership, role: str) -> Membership:
    require_admin(actor, organisation=membership.organisation_id)
    membership = _lock_memberships(membership)
    membership_role_check(membership=membership, role=role)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, actor: Actor, membership: Membership) -> None:
    """The user leaves the organisation; their account is deactivated, not deleted, so history still names them."""
    require_admin(actor, organisation=membership.organisation_id)
    membership = _lock_memberships(membership)
    membership_role_check(membership=membership, role=None)
    user = membership.user
    membership.delete()
    user.is_active = False
    user.save(update_fields=["is_active"])


# --- invitations ---------------------------------------------------------------------------------------------------


def _revoke_open(invitations: QuerySet[Invitation]) -> int:
    # Conditional, so an invitation accepted a moment ago stays accepted.
    return invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitations: QuerySet[Invitation]) -> int:
    """Withdraws the open ones among them; an administrator only its own organisation's."""
    require_admin(actor)
    if not actor.is_secretariat:
        foreign = invitations.exclude(organisation=actor.organisation).values_list("organisation_id", flat=True)
        if foreign.exists():
            require_admin(actor, organisation=foreign.first())
    return _revoke_open(invitations)


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


def invitation_check_email(*, email: str) -> str:
    """The address an invitation goes to, normalised; someone who already has an account is not invited (forms may
    ask early to show the error next to the field)."""
    email = email.strip().lower()
    User = get_user_model()
    if User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone with this email already has an account on the portal.")})
    return email


@transaction.atomic
def invitation_create(
    *, actor: Actor, organisation: Organisation, email: str, role: str, language: str = "zh-hans"
) -> Invitation:
    require_admin(actor, organisation=organisation)
    email = invitation_check_email(email=email)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    # A new invitation to the same address replaces the open one, so only the latest link works.
    _revoke_open(Invitation.objects.filter(organisation=organisation, email__iexact=email))
    invitation = Invitation.objects.create(organisation=organisation, email=email, role=role, invited_by=actor.person)
    transaction.on_commit(lambda: _queue_invitation_email(invitation.pk, language))
    return invitation


@transaction.atomic
def invitation_accept(*, actor: Actor, invitation: Invitation, name: str, password: str) -> User:
    """Creates the invitee's account and membership. The password must already be validated.

    The actor is the visitor holding the link (the link is their right); an organisation that is not in good
    standing takes in nobody."""
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    if not in_good_standing(invitation.organisation):
        raise NotAllowed(MSG_STANDING, code="organisation_not_in_good_standing")
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
