import factory
from django.contrib.auth import get_user_model

from members.models import (
    ApiKey,
    Contact,
    Invitation,
    MaterialCategory,
    Membership,
    Organisation,
    RiskArea,
    SecretariatContact,
    Site,
    hash_api_key,
)
from members.validators import CREDIT_CODE_ALPHABET, credit_code_check_character


def valid_credit_code(n: int) -> str:
    body = "91420100"
    serial = ""
    for _ in range(9):
        serial = CREDIT_CODE_ALPHABET[n % 31] + serial
        n //= 31
    first17 = body + serial
    return first17 + credit_code_check_character(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.com")
    email = factory.SelfAttribute("username")
    first_name = factory.Faker("first_name")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MaterialCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaterialCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-cat-{n}")
    name_zh = factory.Sequence(lambda n: f"测试材料{n}")
    name_en = factory.Sequence(lambda n: f"Test material {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    slug = factory.Sequence(lambda n: f"org-{n}")
    name_zh = factory.Sequence(lambda n: f"测试公司{n}有限公司")
    name_en = factory.Sequence(lambda n: f"Test Company {n} Ltd.")
    credit_code = factory.Sequence(lambda n: valid_credit_code(n + 1000))
    kind = Organisation.Kind.SUPPLIER
    status = Organisation.Status.ACTIVE
    province = "shanghai"
    city = "上海"
    city_en = "Shanghai"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    name_zh = factory.Sequence(lambda n: f"一号工厂{n}")
    name_en = factory.Sequence(lambda n: f"Plant No. {n}")
    province = "hubei"
    city = "武汉"
    city_en = "Wuhan"


class RiskAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskArea
        django_get_or_create = ("province", "city")

    province = "hubei"
    city = "武汉"
    city_en = "Wuhan"
    level = "high"
    effective_date = factory.Faker("date_this_year")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    title = "采购经理"
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    email = factory.Sequence(lambda n: f"contact{n}@example.com")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Membership.Role.MEMBER


class SecretariatContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SecretariatContact

    name_zh = factory.Sequence(lambda n: f"秘书处{n}")
    name_en = factory.Sequence(lambda n: f"Secretariat {n}")
    phone = "010-12345678"
    email = factory.Sequence(lambda n: f"secretariat{n}@example.com")


def make_api_key(
    organisation: Organisation, *, scope: str = ApiKey.Scope.READ, name: str = "test"
) -> tuple[ApiKey, str]:
    """An API key and its raw value, as the issuing service would make them."""
    prefix, raw = ApiKey.generate()
    key = ApiKey.objects.create(
        organisation=organisation, name=name, prefix=prefix, key_hash=hash_api_key(raw), scope=scope
    )
    return key, raw
