"""Who may write: the one rule every service checks, whichever door (web, API, admin, task) called it.

An `Actor` is who acts: a person (with the membership of their organisation, if any; staff users are the secretariat)
or a partner's API key. The services take an actor and ask `require_write` / `require_admin` / `require_secretariat`
before they change anything; a refusal is `alliance_portal.errors.NotAllowed`, which each door turns into its own
answer (403 in the API, the 403 page on the web, a message in the admin). Doors may ask the same questions earlier
(to hide a button, to answer 403 before reading a body) through the same properties, never through a copy.

Good standing: an organisation that is active or pending (approval under way) writes; a suspended or withdrawn one
writes nothing, whoever its user is. Roles: an organisation's administrator edits the organisation itself (profile,
sites, contacts, people, keys, robots); administrators and members (and write-scope keys) file records for it
(requests, commitments, pledges, reports, acknowledgements); viewers and read-scope keys read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from alliance_portal.errors import NotAllowed

from .models import ApiKey, Membership, Organisation

if TYPE_CHECKING:
    # The project's user model (AUTH_USER_MODEL is Django's own): the type the foreign keys to it expect.
    from django.contrib.auth.models import AnonymousUser, User

__all__ = [
    "GOOD_STANDING",
    "Actor",
    "NotAllowed",
    "actor_for_key",
    "actor_for_user",
    "in_good_standing",
    "require_admin",
    "require_secretariat",
    "require_write",
]

# Organisations whose users and keys may write.
GOOD_STANDING = (Organisation.Status.ACTIVE, Organisation.Status.PENDING)

MSG_NO_ORGANISATION = _("Your account does not belong to a member organisation.")
MSG_STANDING = _("Your organisation is suspended or has withdrawn from the alliance; it cannot change anything.")
MSG_READ_ONLY = _("Your role in your organisation is read-only; ask its administrator.")
MSG_ADMIN_ONLY = _("Only your organisation's administrators can change this.")
MSG_SECRETARIAT_ONLY = _("Only the secretariat can do this.")
MSG_OTHER_ORGANISATION = _("This belongs to another organisation.")
MSG_WRONG_KIND = _("Your organisation's kind of membership does not do this.")


def in_good_standing(organisation: Organisation | None) -> bool:
    return organisation is not None and organisation.status in GOOD_STANDING


@dataclass(frozen=True)
class Actor:
    """Who is acting. `role` is the membership role (admin, member, viewer) for a person, and "admin" for a
    write-scope key or "viewer" for a read-scope key; empty without an organisation."""

    user: User | None = None
    organisation: Organisation | None = None
    role: str = ""
    api_key: ApiKey | None = None
    is_secretariat: bool = False

    # --- who ------------------------------------------------------------------------------------------------------
    @property
    def person(self) -> User | None:
        """The user to record as the author of a change (None for a key or an anonymous caller)."""
        return self.user if self.user is not None and self.user.pk else None

    @property
    def is_authenticated(self) -> bool:
        return self.api_key is not None or (self.user is not None and bool(self.user.is_authenticated))

    @property
    def organisation_id(self) -> int | None:
        return self.organisation.pk if self.organisation is not None else None

    @property
    def kind(self) -> str | None:
        return self.organisation.kind if self.organisation is not None else None

    @property
    def identity(self) -> str:
        """A stable name for the caller, e.g. to keep its idempotency keys apart from everyone else's."""
        if self.api_key is not None:
            return f"key:{self.api_key.pk}"
        return f"user:{self.user.pk if self.user is not None else None}"

    # --- what it may do (the rule, once) ----------------------------------------------------------------------------
    @property
    def in_good_standing(self) -> bool:
        return in_good_standing(self.organisation)

    @property
    def can_write(self) -> bool:
        """May file records for its organisation (the secretariat may write everywhere)."""
        if self.is_secretariat:
            return True
        return self.in_good_standing and self.role in (Membership.Role.ADMIN, Membership.Role.MEMBER)

    @property
    def can_edit(self) -> bool:
        """May change its organisation itself (profile, sites, people, keys)."""
        if self.is_secretariat:
            return True
        return self.in_good_standing and self.role == Membership.Role.ADMIN

    def refusal(self, *, admin: bool = False) -> NotAllowed | None:
        """Why this actor may not write for its own organisation (None if it may)."""
        if self.is_secretariat:
            return None
        if self.organisation is None:
            return NotAllowed(MSG_NO_ORGANISATION, code="no_organisation")
        if not self.in_good_standing:
            return NotAllowed(MSG_STANDING, code="organisation_not_in_good_standing")
        if admin and self.role != Membership.Role.ADMIN:
            return NotAllowed(MSG_ADMIN_ONLY, code="admin_only")
        if self.role not in (Membership.Role.ADMIN, Membership.Role.MEMBER):
            return NotAllowed(MSG_READ_ONLY, code="read_only")
        return None


def actor_for_user(user: User | AnonymousUser | None, membership: Membership | None = None) -> Actor:
    """A person, with their organisation and role (the membership is looked up once if not given)."""
    if user is None or not user.is_authenticated:
        return Actor()
    if membership is None:
        from .selectors import membership_for  # noqa: PLC0415 - selectors import models only; avoid a cycle at start

        membership = membership_for(user)
    return Actor(
        user=user,
        organisation=membership.organisation if membership is not None else None,
        role=membership.role if membership is not None else "",
        is_secretariat=bool(user.is_staff),
    )


def actor_for_key(api_key: ApiKey) -> Actor:
    """A partner's key acts for its organisation: a write-scope key as an administrator, a read key as a viewer."""
    role = Membership.Role.ADMIN if api_key.can_write else Membership.Role.VIEWER
    return Actor(organisation=api_key.organisation, role=role, api_key=api_key)


def require_write(
    actor: Actor,
    *,
    organisation: Organisation | int | None = None,
    kinds: Iterable[str] | None = None,
    admin: bool = False,
    secretariat: bool = True,
) -> None:
    """Raises NotAllowed unless the actor may write for `organisation` (its own, by default).

    - the secretariat passes (unless `secretariat=False`: a rule that is the member's own act, e.g. filing a
      request as the fab);
    - otherwise the actor's organisation must be in good standing, be `organisation` when one is named, be of one of
      `kinds` when given, and the actor's role must be admin (with `admin`) or admin/member.
    """
    if actor.is_secretariat and secretariat:
        return
    refusal = actor.refusal(admin=admin)
    if refusal is not None:
        raise refusal
    if organisation is not None:
        org_id = organisation if isinstance(organisation, int) else organisation.pk
        if actor.organisation_id != org_id:
            raise NotAllowed(MSG_OTHER_ORGANISATION, code="other_organisation")
    if kinds is not None and actor.kind not in set(kinds):
        raise NotAllowed(MSG_WRONG_KIND, code="wrong_kind")


def require_admin(actor: Actor, *, organisation: Organisation | int | None = None) -> None:
    require_write(actor, organisation=organisation, admin=True)


def require_secretariat(actor: Actor) -> None:
    if not actor.is_secretariat:
        raise NotAllowed(MSG_SECRETARIAT_ONLY, code="secretariat_only")
