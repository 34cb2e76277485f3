import factory

from assistance.models import AssistanceCase, CaseNote
from members.models import Difficulty

from ..members.factories import OrganisationFactory


class AssistanceCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssistanceCase

    kind = Difficulty.LOGISTICS
    description = "Trucks cannot enter Wuhan without a pass."
    organisation = factory.SubFactory(OrganisationFactory)


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNote

    case = factory.SubFactory(AssistanceCaseFactory)
    text = "Called the transport bureau."
