"""`supply-requests`: the priority queue, a fab's requests, and one action per workflow transition (serializers in
.request_serializers)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from alliance_portal.api import ConditionalUpdateMixin, CreateWithOutputMixin, ListWithOutputMixin
from alliance_portal.api_auth import HasScope, get_caller
from alliance_portal.api_schema import PortalAutoSchema
from alliance_portal.errors import StrOrPromise
from alliance_portal.flat import defer_all_but
from alliance_portal.idempotency import IdempotentCreateMixin, idempotent
from alliance_portal.pagination import UncountedPagination
from members.models import Organisation, Site
from members.rules import require_secretariat

from .. import selectors, services
from ..filters import SupplyRequestFilter
from ..models import SupplyRequest
from .access import (
    BRIEF_ORGANISATION,
    BRIEF_SITE,
    CanWriteSupply,
    ConflictSerializer,
    IsFab,
    IsRequestingFab,
    OptionalReasonSerializer,
    ReasonSerializer,
    SeesPrivatePart,
    visible_requests,
)

# settings.SPECTACULAR_SETTINGS names the fill states' enum by this module's path.
from .request_serializers import FILL_STATES as FILL_STATES
from .request_serializers import (
    OverridePrioritySerializer,
    SuggestedSupplierSerializer,
    SupplyRequestSerializer,
    SupplyRequestUpdateSerializer,
    SupplyRequestWriteSerializer,
    TransitionSerializer,
)

S = SupplyRequest.Status


def _transition_schema(description: StrOrPromise, body=None):
    return extend_schema(
        description=description,
        request=body,
        responses={200: SupplyRequestSerializer, 409: ConflictSerializer},
    )


@extend_schema_view(
    list=extend_schema(
        description=_(
            "Ordered by priority, highest first (`?open=true` is the queue of submitted and approved requests). "
            "What you see depends on who you are: the secretariat sees every request; a fab its own, drafts "
            "included; a materials supplier the approved requests in its categories and those it has committed "
            "to; other member organisations the open requests. Only the requesting fab and the secretariat see a "
            "request's justification and override reason. Pages come without a total count: follow `next`."
        )
    ),
    create=extend_schema(
        description=_(
            "A fab files a request, kept as a draft or submitted at once (`submit`). Fabs' admins, "
            "members and write keys."
        )
    ),
    update=extend_schema(description=_("Drafts only (409 otherwise), by the requesting fab.")),
    partial_update=extend_schema(description=_("Drafts only (409 otherwise), by the requesting fab.")),
)
class SupplyRequestViewSet(
    IdempotentCreateMixin,
    CreateWithOutputMixin,
    ListWithOutputMixin,
    ConditionalUpdateMixin,
    viewsets.GenericViewSet,
):
    """Supply requests of the fabs, and their workflow: draft → submitted → approved → closed as fulfilled, or
    rejected / cancelled. Each transition is an action (POST) that answers the request as it now is; a transition
    the workflow does not allow is a 409 and changes nothing. Nothing is deleted: a request is cancelled."""

    serializer_class = SupplyRequestSerializer
    write_serializer_class = SupplyRequestWriteSerializer
    filterset_class = SupplyRequestFilter
    pagination_class = UncountedPagination
    search_fields = ["material", "specification"]
    ordering_fields = ["priority", "needed_by", "days_of_stock", "submitted_at", "created_at", "updated_at"]
    ordering = ["-priority", "submitted_at", "pk"]
    permission_classes = [HasScope, CanWriteSupply]
    idempotent_actions = (
        "create",
        "submit",
        "approve",
        "reject",
        "cancel",
        "fulfil",
        "reconfirm",
        "override_priority",
    )
    schema = PortalAutoSchema()

    def get_queryset(self):
        requests = visible_requests(get_caller(self.request))
        if self.action == "list":
            # What a row shows of the fab and the site (SupplyRequestSerializer), nothing more.
            requests = requests.defer(
                *defer_all_but("organisation", Organisation, BRIEF_ORGANISATION),
                *defer_all_but("site", Site, BRIEF_SITE),
            )
        return requests

    def get_serializer_class(self):
        if getattr(self, "action", None) in ("update", "partial_update"):
            return SupplyRequestUpdateSerializer
        return super().get_serializer_class()

    def get_permissions(self):
        permissions = super().get_permissions()
        if self.action == "create":
            permissions.append(IsFab())
        elif self.action in ("update", "partial_update"):
            permissions.append(IsRequestingFab())
        elif self.action in ("transitions", "suggested_suppliers"):
            permissions.append(SeesPrivatePart())
        return permissions

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        submit = fields.pop("submit", False)
        serializer.instance = services.supply_request_create(
            actor=get_caller(self.request).actor, submit=submit, **fields
        )

    def perform_update(self, serializer):
        serializer.instance = services.supply_request_update(
            request=serializer.instance, actor=get_caller(self.request).actor, **serializer.validated_data
        )

    def get_created_instance(self, instance):
        return self._reload(instance)

    def get_updated_instance(self, instance):
        return self._reload(instance)

    @staticmethod
    def _reload(instance) -> SupplyRequest:
        # As the list shows it (joins, risk level), whoever may still see it after the change.
        return selectors.with_risk_level(SupplyRequest.objects.select_related(*selectors.REQUEST_JOINS)).get(
            pk=instance.pk
        )

    def _answer(self, instance) -> Response:
        instance = self._reload(instance)
        return Response(self.get_output_serializer(instance).data, headers={"ETag": self.etag_for(instance)})

    def _transition(self, to_status: str, body_class=None) -> Response:
        supply_request = self.get_object()
        actor = get_caller(self.request).actor
        services.supply_request_check_part(request=supply_request, to_status=to_status, actor=actor)
        reason = ""
        if body_class is not None:
            body = body_class(data=self.request.data)
            body.is_valid(raise_exception=True)
            reason = body.validated_data.get("reason", "")
        services.supply_request_transition(request=supply_request, to_status=to_status, actor=actor, reason=reason)
        return self._answer(supply_request)

    @_transition_schema(_("The requesting fab submits its draft to the secretariat."))
    @action(detail=True, methods=["post"])
    @idempotent
    def submit(self, request, pk=None):
        return self._transition(S.SUBMITTED)

    @_transition_schema(
        _("The secretariat approves a submitted request: suppliers can commit to it."), OptionalReasonSerializer
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def approve(self, request, pk=None):
        return self._transition(S.APPROVED, OptionalReasonSerializer)

    @_transition_schema(_("The secretariat rejects a submitted request, saying why."), ReasonSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def reject(self, request, pk=None):
        return self._transition(S.REJECTED, ReasonSerializer)

    @_transition_schema(
        _(
            "The requesting fab or the secretariat cancels a request, saying why; its unshipped commitments are "
            "declined."
        ),
        ReasonSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request, pk=None):
        return self._transition(S.CANCELLED, ReasonSerializer)

    @_transition_schema(
        _("The requesting fab or the secretariat closes an approved request whose delivered quantity covers it."),
        OptionalReasonSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def fulfil(self, request, pk=None):
        return self._transition(S.FULFILLED, OptionalReasonSerializer)

    @_transition_schema(_("The requesting fab confirms it still needs an open request: it is no longer stale."))
    @action(detail=True, methods=["post"])
    @idempotent
    def reconfirm(self, request, pk=None):
        supply_request = self.get_object()
        services.supply_request_reconfirm(request=supply_request, actor=get_caller(request).actor)
        return self._answer(supply_request)

    @_transition_schema(
        _("The secretariat sets the queue position by hand (`priority`), or clears it (null), saying why."),
        OverridePrioritySerializer,
    )
    @action(detail=True, methods=["post"], url_path="override-priority")
    @idempotent
    def override_priority(self, request, pk=None):
        supply_request = self.get_object()
        require_secretariat(get_caller(request).actor)  # the right before the body, as for every action
        body = OverridePrioritySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.supply_request_override_priority(
            request=supply_request,
            priority=body.validated_data["priority"],
            reason=body.validated_data["reason"],
            actor=get_caller(request).actor,
        )
        return self._answer(supply_request)

    @extend_schema(
        description=_("The request's history, oldest first: the requesting fab and the secretariat only."),
        responses=TransitionSerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def transitions(self, request, pk=None):
        steps = selectors.request_transitions(request=self.get_object())
        return Response(TransitionSerializer(steps, many=True).data)

    @extend_schema(
        description=_(
            "Active suppliers of the request's category: those the fab has qualified first, then those with fresh "
            "capacity, then those in the delivery site's province. The requesting fab and the secretariat only."
        ),
        responses=SuggestedSupplierSerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="suggested-suppliers", filterset_class=None, pagination_class=None)
    def suggested_suppliers(self, request, pk=None):
        suppliers = selectors.matching_suppliers(request=self.get_object())
        return Response(SuggestedSupplierSerializer(suppliers, many=True).data)
