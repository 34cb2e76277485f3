"""Who sees which supply record through the API, who may write, and the Actor the services are called with.

Supply requests:
- the secretariat (staff users) sees every request;
- a fab sees its own requests, drafts included, and no other fab's;
- a materials supplier sees the approved requests in the categories it supplies (the queue it can commit to, also
  once fully committed) and every request it has committed to, whatever became of it since;
- any other member organisation (partners, logistics firms, research institutes, equipment makers) sees the open
  requests (submitted or approved): the priority queue;
- a person without an organisation sees none.
Only the secretariat and the requesting fab see a request's private part: the fab's justification, the override
reason, the history of its transitions and the suggested suppliers. Everyone else gets the public part.

Commitments: the secretariat sees them all, a supplier its own, a fab those against its requests. Nobody else sees a
commitment (its price and notes are between the supplier, the fab and the secretariat): another supplier's is a 404.

A record the caller cannot see is a 404; a record it sees but may not change is a 403: a viewer (read-only role) or
a read-scope key writes nothing, and a service that refuses the caller's role is a 403 too.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, serializers

from alliance_portal.api import OutputSerializer
from alliance_portal.api_auth import Caller, get_caller
from alliance_portal.errors import StrOrPromise
from members.models import Organisation, Site

from ..models import Commitment, SupplyRequest
from ..selectors import REQUEST_JOINS, with_risk_level


def sees_private_part(caller: Caller, supply_request: SupplyRequest) -> bool:
    return caller.is_staff or (
        caller.organisation_id is not None and caller.organisation_id == supply_request.organisation_id
    )


def visible_requests(caller: Caller) -> QuerySet[SupplyRequest]:
    """The requests this caller may read, with their joins and the delivery city's current risk level."""
    organisation = caller.organisation
    requests = SupplyRequest.objects.select_related(*REQUEST_JOINS)
    if caller.is_staff:
        pass
    elif organisation is None:
        requests = requests.none()
    elif organisation.kind == Organisation.Kind.SUPPLIER:
        # What supply.selectors.supplier_visible_requests allows, written with IN (subquery) rather than EXISTS:
        # PostgreSQL hashes the subquery once instead of probing it for each of a hundred thousand rows.
        supplied = Organisation.categories_supplied.through.objects.filter(organisation_id=organisation.pk)
        committed_to = Commitment.objects.filter(supplier_id=organisation.pk)
        requests = requests.filter(
            Q(status=SupplyRequest.Status.APPROVED, category_id__in=supplied.values("materialcategory_id"))
            | Q(pk__in=committed_to.values("request_id"))
        )
    elif organisation.kind == Organisation.Kind.FAB:
        requests = requests.filter(organisation_id=organisation.pk)
    else:
        requests = requests.open()
    return with_risk_level(requests)


def visible_commitments(caller: Caller) -> QuerySet[Commitment]:
    commitments = Commitment.objects.select_related("supplier", "request", "request__organisation")
    if caller.is_staff:
        return commitments
    organisation = caller.organisation
    if organisation is not None and organisation.kind == Organisation.Kind.SUPPLIER:
        return commitments.filter(supplier_id=organisation.pk)
    if organisation is not None and organisation.kind == Organisation.Kind.FAB:
        return commitments.filter(request__organisation_id=organisation.pk)
    return commitments.none()


class CanWriteSupply(permissions.BasePermission):
    """Writes need members.rules' `can_write` (the admin or member role, or a write key, in an organisation in good
    standing; or the secretariat), answered with the rule's own reason. On a single record the question waits for
    the object, so a record the caller cannot see is a 404 before this is asked. The services ask again."""

    message: StrOrPromise = _("Your role in your organisation is read-only; ask its administrator.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or getattr(view, "detail", False):
            return True
        return self._may_write(request)

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or self._may_write(request)

    def _may_write(self, request) -> bool:
        actor = get_caller(request).actor
        refusal = None if actor.can_write else actor.refusal()
        if refusal is not None:
            self.message = refusal.message
            self.code = refusal.code
        return actor.can_write


class IsFab(permissions.BasePermission):
    message = _("Only an IC manufacturer (fab) files supply requests.")

    def has_permission(self, request, view):
        return get_caller(request).actor.kind == Organisation.Kind.FAB


class IsSupplier(permissions.BasePermission):
    message = _("Only a materials supplier commits supply.")

    def has_permission(self, request, view):
        return get_caller(request).actor.kind == Organisation.Kind.SUPPLIER


class IsRequestingFab(permissions.BasePermission):
    """Editing a draft is the requesting fab's alone (the secretariat, who sees it, does not edit it)."""

    message = _("Only the fab that filed this request can edit it.")

    def has_object_permission(self, request, view, obj):
        caller = get_caller(request)
        return caller.organisation_id is not None and caller.organisation_id == obj.organisation_id


class SeesPrivatePart(permissions.BasePermission):
    message = _("Only the requesting fab and the secretariat see this.")

    def has_object_permission(self, request, view, obj):
        return sees_private_part(get_caller(request), obj)


# --- shared serializers -------------------------------------------------------------------------------------


# What a row shows of an organisation or a site it names (list pages read only these columns of the joined rows).
BRIEF_ORGANISATION = ["slug", "name_zh", "name_en"]
BRIEF_SITE = ["name_zh", "name_en", "province", "city", "city_en"]


class OrganisationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = list(BRIEF_ORGANISATION)
        read_only_fields = fields


class SiteBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["id", *BRIEF_SITE]
        read_only_fields = fields


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("Why; kept with the record's history."))


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text=_("Optional; kept with the record's history.")
    )


class ConflictSerializer(OutputSerializer):
    """The body of a 409 (documentation only): what stopped the change, and a code a program can act on."""

    detail = serializers.CharField(help_text=_("What stopped the change, in the language asked for."))
    code = serializers.CharField(
        help_text=_("over_commitment, transition_not_allowed, not_draft, not_approved, not_open, not_delivered, ...")
    )
    remaining = serializers.DecimalField(
        max_digits=14,
        decimal_places=3,
        required=False,
        help_text=_("With over_commitment: the quantity still open."),
    )
    status = serializers.CharField(required=False, help_text=_("With transition_not_allowed: the current status."))
    allowed = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_("With transition_not_allowed on a request: the statuses the caller may move it to now."),
    )
