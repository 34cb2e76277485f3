from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from members.models import MaterialCategory, Organisation
from supply.models import Commitment, Qualification, SupplierCapacity, SupplyRequest

from ..members.factories import OrganisationFactory, SiteFactory


def category(code: str = "photoresist") -> MaterialCategory:
    return MaterialCategory.objects.get(code=code)


class FabFactory(OrganisationFactory):
    kind = Organisation.Kind.FAB
    province = "hubei"
    city = "武汉"
    city_en = "Wuhan"


class SupplierFactory(OrganisationFactory):
    class Meta:
        skip_postgeneration_save = True

    kind = Organisation.Kind.SUPPLIER

    @factory.post_generation
    def supplies(obj, create, extracted, **kwargs):
        if create:
            obj.categories_supplied.set([category(code) for code in (extracted or ["photoresist"])])


class SupplyRequestFactory(factory.django.DjangoModelFactory):
    """A request as a row (status given); use supply.services to move it the way users do."""

    class Meta:
        model = SupplyRequest

    organisation = factory.SubFactory(FabFactory)
    site = factory.LazyAttribute(lambda o: SiteFactory(organisation=o.organisation))
    category = factory.LazyFunction(category)
    material = "ArF photoresist"
    un_number = "UN1866"
    quantity = Decimal(50)
    unit = "L"
    needed_by = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    days_of_stock = 10
    status = SupplyRequest.Status.APPROVED
    submitted_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    request = factory.SubFactory(SupplyRequestFactory)
    supplier = factory.SubFactory(SupplierFactory)
    quantity = Decimal(10)
    expected_ship_date = factory.LazyFunction(timezone.localdate)


class SupplierCapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierCapacity

    supplier = factory.SubFactory(SupplierFactory)
    category = factory.LazyFunction(category)
    quantity_per_week = Decimal(100)
    unit = "L"
    lead_time_days = 3


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    fab = factory.SubFactory(FabFactory)
    supplier = factory.SubFactory(SupplierFactory)
    category = factory.LazyFunction(category)
