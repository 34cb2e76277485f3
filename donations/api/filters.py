"""Filters of the donations API lists."""

import django_filters
from django.utils.translation import gettext_lazy as _

from alliance_portal.filters import IdFilter, UpdatedSinceFilter

from ..models import Appeal, Pledge, Shipment


class AppealFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Appeal.Status.choices)
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Appeal
        fields: list[str] = []


class PledgeFilter(django_filters.FilterSet):
    appeal = IdFilter(field_name="appeal_id", label=_("Appeal id"))
    status = django_filters.ChoiceFilter(choices=Pledge.Status.choices)
    donor = django_filters.CharFilter(field_name="donor__slug", label=_("Short name (slug) of the donor"))
    carrier = django_filters.CharFilter(field_name="shipment__carrier__slug", label=_("Short name of the carrier"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Past the promised date, not dispatched"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Pledge
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        overdue = Pledge.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


class ShipmentFilter(django_filters.FilterSet):
    appeal = IdFilter(field_name="pledge__appeal_id", label=_("Appeal id"))
    status = django_filters.ChoiceFilter(choices=Shipment._meta.get_field("status").choices)
    donor = django_filters.CharFilter(field_name="pledge__donor__slug", label=_("Short name (slug) of the donor"))
    carrier = django_filters.CharFilter(field_name="carrier__slug", label=_("Short name of the carrier"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Shipment
        fields: list[str] = []
