import factory
from django.utils import timezone

from members.models import StatusReport, StockLevel

from .factories import MaterialCategoryFactory, OrganisationFactory


class StatusReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusReport

    organisation = factory.SubFactory(OrganisationFactory)
    report_date = factory.LazyFunction(timezone.localdate)
    staff_total = 200
    staff_returned = 120
    returned_from_high_risk = 10
    in_observation = 5
    fever_cases = 0
    temperature_checks = True
    disinfection_done = True
    capacity_percent = 60


class StockLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockLevel

    report = factory.SubFactory(StatusReportFactory)
    category = factory.SubFactory(MaterialCategoryFactory)
    days = 12
