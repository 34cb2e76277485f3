"""`appeals`, `pledges` and `shipments` of the partner API, on the shared bases (alliance_portal.api): uncounted
pages, filters with `updated_since`, ETags (and If-Match on the actions), Idempotency-Key on every POST.

Who sees what: appeals (open and closed) every signed-in caller, drafts the secretariat; pledges and shipments as
donations.selectors.visible_pledges / visible_shipments say (a record the caller is no party to is a 404; a carrier
sees only what it carries). Writes: a read key or a viewer is a 403 before anything is looked at; then the service
checks the caller's right on the record (403) before its state (409).
"""

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from alliance_portal.api import (
    ConditionalUpdateMixin,
    CreateWithOutputMixin,
    ETagRetrieveMixin,
    ListWithOutputMixin,
)
from alliance_portal.api_auth import HasScope, get_caller
from alliance_portal.api_schema import IF_MATCH_HEADER, PortalAutoSchema
from alliance_portal.flat import defer_all_but, prefetch_reverse
from alliance_portal.idempotency import IdempotentCreateMixin, idempotent
from alliance_portal.pagination import UncountedPagination
from alliance_portal.shipping import CheckpointKind
from members.models import Organisation

from .. import selectors, services
from ..models import Appeal, PledgeLine
from .filters import AppealFilter, PledgeFilter, ShipmentFilter
from .serializers import (
    AppealSerializer,
    DonationConflictSerializer,
    DonationPartySerializer,
    PledgeCustomsSerializer,
    PledgeDeliverSerializer,
    PledgeDispatchSerializer,
    PledgeReasonSerializer,
    PledgeSerializer,
    PledgeWriteSerializer,
    ShipmentSerializer,
    ShipmentStepSerializer,
)


class CanWrite(permissions.BasePermission):
    """Writes need the admin or member role (or a write key) in an organisation in good standing, or the
    secretariat. Asked before the record is read, so a viewer's 403 says nothing about the record's state."""

    message = _("Your role in your organisation is read-only; ask its administrator.")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or get_caller(request).can_write


def _actor(request):
    return get_caller(request).actor


# --- views ----------------------------------------------------------------------------------------------------------


def _action_schema(description, body=None, answer=None):
    return extend_schema(
        description=description,
        request=body,
        parameters=[IF_MATCH_HEADER],
        responses={200: answer, 403: None, 404: None, 409: DonationConflictSerializer, 412: None},
    )


class ActionMixin(ETagRetrieveMixin):
    """A transition: the caller's right (permissions, then the service), If-Match, then the service's state check.

    No PUT/PATCH: records change only through their actions (which call the services)."""

    def _target(self):
        instance = self.get_object()
        # A stale If-Match is a 412; the service's conditional UPDATE still guards against a change after this check.
        ConditionalUpdateMixin.check_if_match(self, self.request, instance)
        return instance

    def _answer(self, instance):
        instance = self.get_queryset().get(pk=instance.pk)
        return Response(self.get_output_serializer(instance).data, headers={"ETag": self.etag_for(instance)})

    def _body(self, request: Request, body_class: type[serializers.BaseSerializer[Any]]) -> dict[str, Any]:
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data


@extend_schema_view(
    list=extend_schema(description=_("Open and closed appeals with their progress; drafts for the secretariat.")),
)
class AppealViewSet(ListWithOutputMixin, ActionMixin, viewsets.GenericViewSet):
    """The secretariat's donation appeals: items with target quantities, an optional money target in CNY, a
    deadline; progress per item and for money (pledged, dispatched, delivered)."""

    serializer_class = AppealSerializer
    filterset_class = AppealFilter
    pagination_class = UncountedPagination
    ordering_fields = ["deadline", "updated_at", "created_at"]
    ordering = ["-deadline", "-pk"]
    permission_classes = [HasScope, CanWrite]
    idempotent_actions = ("open", "close")
    schema = PortalAutoSchema()

    def get_queryset(self):
        appeals = Appeal.objects.all()
        return appeals if get_caller(self.request).is_staff else appeals.exclude(status=Appeal.Status.DRAFT)

    @_action_schema(_("The secretariat opens a draft appeal: every member hears of it."), answer=AppealSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def open(self, request, pk=None):
        appeal = self._target()
        return self._answer(services.appeal_open(appeal=appeal, actor=_actor(request)))

    @_action_schema(_("The secretariat closes an open appeal."), answer=AppealSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def close(self, request, pk=None):
        appeal = self._target()
        return self._answer(services.appeal_close(appeal=appeal, actor=_actor(request)))


def _lines_with_categories(lookup: str) -> Prefetch:
    return Prefetch(lookup, queryset=PledgeLine.objects.select_related("category"))


@extend_schema_view(
    list=extend_schema(
        description=_(
            "The secretariat sees every pledge; a member its own, those to appeals it benefits from, and those it "
            "carries. Filters: appeal, status, donor, carrier, overdue, updated_since."
        )
    ),
    create=extend_schema(
        description=_(
            "A member pledges money (amount, currency, and the rate to CNY for another currency) or goods (lines of "
            "emergency goods), to an appeal or to a named beneficiary. Admins, members and write keys."
        ),
        responses={201: PledgeSerializer, 400: None, 403: None, 409: DonationConflictSerializer},
    ),
)
class PledgeViewSet(
    IdempotentCreateMixin, CreateWithOutputMixin, ListWithOutputMixin, ActionMixin, viewsets.GenericViewSet
):
    """Pledges through their lifecycle: pledged → confirmed (secretariat) → dispatched → delivered (quantities
    received, maybe partial; the secretariat or the beneficiary) → acknowledged (certificate); or cancelled, with a
    reason, before delivery. Each step is an action; a step the status does not allow is a 409 and changes nothing."""

    serializer_class = PledgeSerializer
    write_serializer_class = PledgeWriteSerializer
    filterset_class = PledgeFilter
    pagination_class = UncountedPagination
    ordering_fields = ["created_at", "updated_at", "promised_date"]
    ordering = ["-created_at", "-pk"]
    permission_classes = [HasScope, CanWrite]
    idempotent_actions = ("create", "confirm", "dispatch_pledge", "deliver", "acknowledge", "cancel", "customs")
    schema = PortalAutoSchema()

    def get_queryset(self):
        pledges = selectors.visible_pledges(_actor(self.request))
        if self.action == "list":
            # What a row shows (PledgeSerializer): the donor's and the carrier's names, the shipment; the appeal as
            # its id. The page's lines: prepare_page.
            party = DonationPartySerializer.Meta.fields
            return (
                pledges.select_related(None)
                .select_related("donor", "shipment__carrier")
                .defer(
                    *defer_all_but("donor", Organisation, party),
                    *defer_all_but("shipment__carrier", Organisation, party),
                )
            )
        # The lines with their categories in one query (not one for the lines and one for the categories).
        return pledges.prefetch_related(_lines_with_categories("lines"))

    def prepare_page(self, rows):
        prefetch_reverse(rows, "lines", PledgeLine.objects.select_related("category"))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        actor = _actor(self.request)
        donor = data.pop("donor", None) if actor.is_secretariat else actor.organisation
        if donor is None:
            raise serializers.ValidationError({"donor": [_("Name the donor.")]})
        lines = [services.LineInput(**line) for line in data.pop("lines", [])]
        serializer.instance = services.pledge_create(actor=actor, donor=donor, lines=lines, **data)

    def get_created_instance(self, instance):
        return self.get_queryset().get(pk=instance.pk)

    @_action_schema(_("The secretariat confirms a pledge."), answer=PledgeSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def confirm(self, request, pk=None):
        pledge = self._target()
        return self._answer(services.pledge_confirm(pledge=pledge, actor=_actor(request)))

    @_action_schema(
        _("The donor or the secretariat records dispatch, with the carrier."),
        PledgeDispatchSerializer,
        PledgeSerializer,
    )
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    @idempotent
    def dispatch_pledge(self, request, pk=None):
        pledge = self._target()
        body = self._body(request, PledgeDispatchSerializer)
        return self._answer(services.pledge_dispatch(pledge=pledge, actor=_actor(request), **body))

    @_action_schema(
        _("The secretariat or the beneficiary confirms receipt, with the quantities received."),
        PledgeDeliverSerializer,
        PledgeSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def deliver(self, request, pk=None):
        pledge = self._target()
        body = self._body(request, PledgeDeliverSerializer)
        received = {row["line"]: row["received_quantity"] for row in body.get("lines", [])}
        return self._answer(
            services.pledge_deliver(
                pledge=pledge,
                actor=_actor(request),
                received=received,
                received_cny=body.get("received_cny"),
                note=body.get("note", ""),
            )
        )

    @_action_schema(
        _("The secretariat acknowledges a delivered pledge: the certificate is issued."), answer=PledgeSerializer
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def acknowledge(self, request, pk=None):
        pledge = self._target()
        return self._answer(services.pledge_acknowledge(pledge=pledge, actor=_actor(request)))

    @_action_schema(
        _("The donor or the secretariat cancels before delivery, saying why."), PledgeReasonSerializer, PledgeSerializer
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request, pk=None):
        pledge = self._target()
        reason = self._body(request, PledgeReasonSerializer)["reason"]
        return self._answer(services.pledge_cancel(pledge=pledge, actor=_actor(request), reason=reason))

    @_action_schema(_("The customs status of an international purchase."), PledgeCustomsSerializer, PledgeSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def customs(self, request, pk=None):
        pledge = self._target()
        body = self._body(request, PledgeCustomsSerializer)
        return self._answer(
            services.pledge_update_customs(
                pledge=pledge,
                actor=_actor(request),
                customs_status=body["customs_status"],
                customs_date=body.get("customs_date"),
            )
        )


@extend_schema_view(
    list=extend_schema(
        description=_(
            "A carrier sees the shipments it carries and nothing else; a donor and a beneficiary their pledges'; "
            "the secretariat all. Dangerous goods keep their UN number and storage class."
        )
    )
)
class ShipmentViewSet(ListWithOutputMixin, ActionMixin, viewsets.GenericViewSet):
    """The movement of a pledge's goods: the carrier records pick-up, checkpoints (place, time, note) and
    hand-over; receipt is confirmed on the pledge (`pledges/{id}/deliver/`)."""

    serializer_class = ShipmentSerializer
    filterset_class = ShipmentFilter
    pagination_class = UncountedPagination
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["-created_at", "-pk"]
    permission_classes = [HasScope, CanWrite]
    idempotent_actions = ("pickup", "checkpoint", "handover")
    schema = PortalAutoSchema()

    def get_queryset(self):
        return selectors.visible_shipments(_actor(self.request)).prefetch_related(
            "checkpoints", _lines_with_categories("pledge__lines")
        )

    def _step(self, request, kind: str):
        shipment = self._target()
        services.shipment_record_step(
            shipment=shipment, actor=_actor(request), kind=kind, **self._body(request, ShipmentStepSerializer)
        )
        return self._answer(shipment)

    @_action_schema(_("The carrier has picked the goods up."), ShipmentStepSerializer, ShipmentSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def pickup(self, request, pk=None):
        return self._step(request, CheckpointKind.PICKUP)

    @_action_schema(_("The carrier passes a checkpoint (place required)."), ShipmentStepSerializer, ShipmentSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def checkpoint(self, request, pk=None):
        return self._step(request, CheckpointKind.CHECKPOINT)

    @_action_schema(
        _("The carrier hands the goods over to the beneficiary."), ShipmentStepSerializer, ShipmentSerializer
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def handover(self, request, pk=None):
        return self._step(request, CheckpointKind.HANDOVER)
