"""`GET /api/v1/stats/`: the dashboard's figures for partners. Read-only. And `GET /api/v1/shipments/`: pledges' and
commitments' shipments in one list (below).

Members and their keys get aggregates only: no row names an organisation, and a day's status-report figures are
left out (null) when fewer than dashboard.summary.MIN_GROUP members reported that day, alliance-wide or in a
province, so no sum is one member's own figures. The secretariat gets everything, with the fabs' days of stock,
each notice's acknowledgements and each appeal's donations.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance_portal.api import OutputSerializer
from alliance_portal.api_auth import HasScope, get_caller
from alliance_portal.api_schema import PortalAutoSchema
from alliance_portal.filters import MAX_ID
from donations.api import ShipmentViewSet as DonationShipmentViewSet
from donations.api.serializers import ShipmentSerializer
from members.rules import in_good_standing
from supply.api import CommitmentShipmentSerializer, visible_commitment_shipments
from supply.filters import CommitmentShipmentFilter

from . import shipments as shipping
from .selectors import Figures, dashboard_figures
from .summary import MIN_GROUP, grouped_only

# --- schema (output only) ------------------------------------------------------------------------------------------


class KeyFiguresSerializer(OutputSerializer):
    members = serializers.IntegerField(help_text=_("Active member organisations (the secretariat left out)."))
    members_reporting = serializers.IntegerField(help_text=_("Members that filed a status report for today."))
    fabs_at_risk = serializers.IntegerField(help_text=_("Fabs with fewer than 7 days of stock left."))
    critical_requests_open = serializers.IntegerField()
    requests_open = serializers.IntegerField()
    requests_fulfilled = serializers.IntegerField()
    pledges_overdue = serializers.IntegerField(help_text=_("Pledges past their promised date and not dispatched."))
    notices_unacknowledged = serializers.IntegerField(
        help_text=_("Acknowledgements still owed, summed over the published notices that ask for one.")
    )
    alerts_failed = serializers.IntegerField()
    assistance_open = serializers.IntegerField()
    assistance_stale = serializers.IntegerField()


class ReportDaySerializer(OutputSerializer):
    date = serializers.DateField()
    reporting = serializers.IntegerField(help_text=_("Members that reported for this date."))
    staff_total = serializers.IntegerField(allow_null=True)
    staff_returned = serializers.IntegerField(allow_null=True)
    rate = serializers.FloatField(allow_null=True, help_text=_("Staff back at work, per cent of the staff in total."))
    in_observation = serializers.IntegerField(allow_null=True)
    fever_cases = serializers.IntegerField(allow_null=True)


class ProvinceRateSerializer(OutputSerializer):
    date = serializers.DateField()
    reporting = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class ProvinceResumptionSerializer(OutputSerializer):
    province = serializers.CharField()
    days = ProvinceRateSerializer(many=True)


class RequestCountSerializer(OutputSerializer):
    status = serializers.CharField(help_text=_("Supply request status (drafts are not counted)."))
    band = serializers.CharField(help_text=_("Priority band: ≥ 80, 50–79, 20–49, < 20."))
    count = serializers.IntegerField()


class FulfilmentDaySerializer(OutputSerializer):
    date = serializers.DateField()
    committed = serializers.IntegerField(help_text=_("Commitments made that day."))
    delivered = serializers.IntegerField(help_text=_("Commitments delivered that day."))


class StockBucketSerializer(OutputSerializer):
    days = serializers.CharField(help_text=_("Days of stock left: 0–1, 2–3, 4–6, 7–13, 14–29, ≥ 30."))
    fabs = serializers.IntegerField()


class ProvinceSerializer(OutputSerializer):
    province = serializers.CharField()
    risk_level = serializers.CharField(allow_null=True, help_text=_("Highest level in force in its cities."))
    members = serializers.IntegerField()
    critical_open = serializers.IntegerField()


class AcknowledgementTotalsSerializer(OutputSerializer):
    notices = serializers.IntegerField(help_text=_("Published notices that ask for an acknowledgement."))
    addressed = serializers.IntegerField()
    acknowledged = serializers.IntegerField()


class AlertTotalsSerializer(OutputSerializer):
    delivered = serializers.IntegerField()
    pending = serializers.IntegerField()
    failed = serializers.IntegerField()


class CaseCountSerializer(OutputSerializer):
    type = serializers.CharField()
    age = serializers.CharField(help_text=_("Days since opened: 0-1, 2-6, 7+."))
    count = serializers.IntegerField()


class DonationTotalsSerializer(OutputSerializer):
    pledged_value = serializers.DecimalField(
        max_digits=20, decimal_places=2, help_text=_("CNY pledged (live pledges; goods at their estimated value).")
    )
    delivered_value = serializers.DecimalField(max_digits=20, decimal_places=2, help_text=_("CNY delivered."))
    pledges = serializers.IntegerField(help_text=_("Live pledges (not cancelled)."))
    donors = serializers.IntegerField()


class AppealDonationsSerializer(OutputSerializer):
    appeal = serializers.IntegerField(allow_null=True, help_text=_("Null: pledges made to no appeal."))
    title_zh = serializers.CharField()
    title_en = serializers.CharField()
    pledged_value = serializers.DecimalField(max_digits=20, decimal_places=2)
    delivered_value = serializers.DecimalField(max_digits=20, decimal_places=2)


class FabStockSerializer(OutputSerializer):
    organization = serializers.CharField(help_text=_("Short name (slug) of the fab."))
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    province = serializers.CharField()
    days_of_stock = serializers.IntegerField()


class NoticeAcknowledgementSerializer(OutputSerializer):
    notice = serializers.IntegerField()
    title_zh = serializers.CharField()
    title_en = serializers.CharField()
    addressed = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    rate = serializers.IntegerField()


class StatsSerializer(OutputSerializer):
    date = serializers.DateField(help_text=_("Today in Asia/Shanghai: the day the figures are for."))
    generated_at = serializers.DateTimeField()
    scope = serializers.CharField(help_text=_("'aggregate' for members and their keys, 'full' for the secretariat."))
    key_figures = KeyFiguresSerializer()
    reports = ReportDaySerializer(many=True, help_text=_("The last 30 days, oldest first."))
    resumption_by_province = ProvinceResumptionSerializer(many=True)
    requests_by_status = RequestCountSerializer(many=True)
    fulfilment = FulfilmentDaySerializer(many=True)
    stock = StockBucketSerializer(many=True)
    provinces = ProvinceSerializer(many=True)
    acknowledgements = AcknowledgementTotalsSerializer()
    alerts = AlertTotalsSerializer()
    assistance_cases = CaseCountSerializer(many=True, help_text=_("Open and in-progress cases."))
    donations = DonationTotalsSerializer()
    fabs = FabStockSerializer(many=True, required=False, help_text=_("Secretariat only: fewest days of stock first."))
    notices = NoticeAcknowledgementSerializer(many=True, required=False, help_text=_("Secretariat only."))
    appeals = AppealDonationsSerializer(many=True, required=False, help_text=_("Secretariat only: newest first."))


# --- the figures as the caller may see them -----------------------------------------------------------------------


def stats_payload(figures: Figures, *, full: bool) -> dict:
    acknowledgements = figures.acknowledgements
    data = {
        "date": figures.today,
        "generated_at": timezone.now(),
        "scope": "full" if full else "aggregate",
        "key_figures": {
            "members": figures.members_total,
            "members_reporting": figures.reports_today,
            "fabs_at_risk": figures.fabs_at_risk,
            "critical_requests_open": figures.supply["critical_open"],
            "requests_open": figures.supply["open"],
            "requests_fulfilled": figures.supply["fulfilled"],
            "pledges_overdue": figures.pledges_overdue,
            "notices_unacknowledged": figures.notices_unacknowledged,
            "alerts_failed": figures.alert_totals["failed"],
            "assistance_open": figures.assistance["open"],
            "assistance_stale": figures.assistance["stale"],
        },
        "reports": figures.reports if full else grouped_only(figures.reports),
        "resumption_by_province": [
            {
                "province": province,
                "days": [
                    {"date": day, **values}
                    if full or values["reporting"] >= MIN_GROUP
                    else {"date": day, "reporting": values["reporting"], "rate": None}
                    for day, values in sorted(days.items())
                ],
            }
            for province, days in sorted(figures.resumption_by_province.items())
        ],
        "requests_by_status": [
            {"status": status, "band": band, "count": count}
            for (status, band), count in sorted(figures.requests_by_status.items())
        ],
        "fulfilment": figures.fulfilment,
        "stock": [{"days": bucket, "fabs": fabs} for bucket, fabs in figures.stock_buckets.items()],
        "provinces": [
            {"province": code, **values}
            for code, values in figures.provinces.items()
            if values["members"] or values["risk_level"] or values["critical_open"]
        ],
        "acknowledgements": {
            "notices": len(acknowledgements),
            "addressed": sum(row["audience"] for row in acknowledgements),
            "acknowledged": sum(row["acknowledged"] for row in acknowledgements),
        },
        "alerts": figures.alert_totals,
        "assistance_cases": [
            {"type": kind, "age": age, "count": count}
            for (kind, age), count in sorted(figures.assistance["by_kind_age"].items())
        ],
        "donations": figures.donation_totals,
    }
    if full:
        data["fabs"] = [
            {
                "organization": row["slug"],
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "province": row["province"],
                "days_of_stock": row["days"],
            }
            for row in figures.fab_stock
        ]
        data["notices"] = [
            {
                "notice": row["pk"],
                "title_zh": row["title_zh"],
                "title_en": row["title_en"],
                "addressed": row["audience"],
                "acknowledged": row["acknowledged"],
                "rate": row["rate"],
            }
            for row in acknowledgements
        ]
        data["appeals"] = [
            {
                "appeal": row["pk"],
                "title_zh": row["title_zh"],
                "title_en": row["title_en"],
                "pledged_value": row["pledged"],
                "delivered_value": row["delivered"],
            }
            for row in figures.donations
        ]
    return data


class IsSecretariatOrMember(permissions.BasePermission):
    """The secretariat, or a user or key of an organisation in good standing."""

    message = _("Only the secretariat and member organisations in good standing can read the alliance's figures.")

    def has_permission(self, request, view):
        caller = get_caller(request)
        return caller.is_staff or in_good_standing(caller.organisation)


class StatsView(APIView):
    """The alliance's figures, as on the secretariat's dashboard. Members and their keys get aggregates only (no
    row names an organisation; a day's report figures are null when fewer than 3 members reported); the
    secretariat also gets each fab's days of stock and each notice's acknowledgements."""

    permission_classes = [HasScope, IsSecretariatOrMember]
    schema = PortalAutoSchema()

    @extend_schema(
        responses={
            200: StatsSerializer,
            401: OpenApiResponse(description=_("No credentials, or an invalid or revoked API key.")),
            403: OpenApiResponse(
                description=_("A user without a member organisation, or of a suspended or withdrawn one.")
            ),
        }
    )
    def get(self, request):
        full = get_caller(request).is_staff
        return Response(StatsSerializer(stats_payload(dashboard_figures(), full=full)).data)


# --- shipments: pledges' and commitments' together -----------------------------------------------------------------

SHIPMENT_ORDERINGS = {
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "updated_at": ("updated_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
}


@extend_schema_view(
    list=extend_schema(
        description=_(
            "Pledges' and commitments' shipments together, each with its `kind`. A carrier sees the shipments it "
            "carries and nothing else; a donor and a beneficiary their pledges'; a supplier and a fab their "
            "commitments'; the secretariat all. Dangerous goods keep their UN number and storage class. A "
            "commitment's shipment is read and updated at `commitment-shipments/{id}/`; `shipments/{id}/` and its "
            "actions are a pledge's."
        ),
        parameters=[
            OpenApiParameter(
                "kind", str, enum=[shipping.PLEDGE, shipping.COMMITMENT], description=_("Only this kind of shipment")
            ),
            OpenApiParameter(
                "commitment",
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                description=_("Commitment id (only commitments' shipments)"),
            ),
        ],
        responses=PolymorphicProxySerializer(
            component_name="AnyShipment",
            serializers={shipping.PLEDGE: ShipmentSerializer, shipping.COMMITMENT: CommitmentShipmentSerializer},
            resource_type_field_name="kind",
            many=True,
        ),
    )
)
class ShipmentViewSet(DonationShipmentViewSet):
    """`shipments`: donations' viewset (its pages, detail and actions are a pledge's shipment's), with a list that
    adds the commitments' shipments the caller may see (supply's filters and scoping), in one order."""

    # Filters only a pledge has: with one of them, no commitment's shipment matches; and the other way round.
    PLEDGE_ONLY = ("appeal", "donor")
    COMMITMENT_ONLY = ("commitment",)

    def list(self, request, *args, **kwargs):
        params = request.query_params
        kind = params.get("kind", "")
        if kind not in ("", shipping.PLEDGE, shipping.COMMITMENT):
            raise ValidationError({"kind": [_("Choose pledge or commitment.")]})
        ordering = SHIPMENT_ORDERINGS.get(params.get("ordering", ""), SHIPMENT_ORDERINGS["-created_at"])
        pledges = self.filter_queryset(self.get_queryset())
        commitments = CommitmentShipmentFilter(params, queryset=visible_commitment_shipments(request), request=request)
        if not commitments.is_valid():
            raise ValidationError(commitments.errors)
        commitment_rows = commitments.qs
        if kind == shipping.COMMITMENT or any(params.get(name) for name in self.COMMITMENT_ONLY):
            pledges = pledges.none()
        if kind == shipping.PLEDGE or any(params.get(name) for name in self.PLEDGE_ONLY):
            commitment_rows = commitment_rows.none()
        page = self.paginate_queryset(shipping.shipment_keys(pledges, commitment_rows, ordering))
        wanted = {shipping.PLEDGE: [], shipping.COMMITMENT: []}
        for row_kind, pk, _at in page:
            wanted[row_kind].append(pk)
        found = {(shipping.PLEDGE, s.pk): s for s in self.get_queryset().filter(pk__in=wanted[shipping.PLEDGE])} | {
            (shipping.COMMITMENT, s.pk): s
            for s in visible_commitment_shipments(request).filter(pk__in=wanted[shipping.COMMITMENT])
        }
        context = self.get_serializer_context()
        data = []
        for row_kind, pk, _at in page:
            shipment = found[(row_kind, pk)]
            if row_kind == shipping.PLEDGE:
                data.append(self.get_output_serializer(shipment).data)
            else:
                data.append(CommitmentShipmentSerializer(shipment, context=context).data)
        return self.get_paginated_response(data)
