"""Query filters of the supply API lists. A bad value is a 400 naming the parameter."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alliance_portal.filters import IdFilter, UpdatedSinceFilter
from alliance_portal.shipping import ShipmentStatus
from members.filters import CategoryCodeFilter
from members.models import RiskLevel
from members.regions import Province

from .models import Commitment, Shipment, SupplyRequest


class SupplyRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SupplyRequest.Status.choices, label=_("Status"))
    open = django_filters.BooleanFilter(
        method="filter_open", label=_("Only open requests (submitted or approved): the priority queue")
    )
    category = CategoryCodeFilter(field_name="category", label=_("Material category code"))
    province = django_filters.ChoiceFilter(
        field_name="site__province", choices=Province.choices, label=_("Province of the delivery site")
    )
    city = django_filters.CharFilter(method="filter_city", label=_("City of the delivery site, in Chinese or English"))
    risk_level = django_filters.ChoiceFilter(
        field_name="risk_level",
        choices=RiskLevel.choices,
        label=_("Current epidemic risk level of the delivery site's city (an unlisted city is low)"),
    )
    urgency = django_filters.ChoiceFilter(choices=SupplyRequest._meta.get_field("urgency").choices, label=_("Urgency"))
    organization = django_filters.CharFilter(
        field_name="organisation__slug", label=_("Short name (slug) of the requesting fab")
    )
    stale = django_filters.BooleanFilter(
        method="filter_stale", label=_("Open requests the fab has not re-confirmed for a week (true) or the others")
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = SupplyRequest
        fields: list[str] = []

    def filter_open(self, queryset, name, value):
        return queryset.open() if value else queryset.not_open()

    def filter_city(self, queryset, name, value):
        return queryset.filter(Q(site__city=value.strip()) | Q(site__city_en__iexact=value.strip()))

    def filter_stale(self, queryset, name, value):
        return queryset.stale() if value else queryset.not_stale()


class CommitmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Commitment.Status.choices, label=_("Status"))
    request = IdFilter(field_name="request_id", label=_("Supply request id"))
    supplier = django_filters.CharFilter(field_name="supplier__slug", label=_("Short name (slug) of the supplier"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Commitment
        fields: list[str] = []


class CommitmentShipmentFilter(django_filters.FilterSet):
    commitment = IdFilter(field_name="commitment_id", label=_("Commitment id"))
    status = django_filters.ChoiceFilter(choices=ShipmentStatus.choices, label=_("Shipment status"))
    carrier = django_filters.CharFilter(field_name="carrier__slug", label=_("Short name of the carrier"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Shipment
        fields: list[str] = []
