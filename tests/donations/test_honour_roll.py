"""The honour roll names donors who agreed, counts the others without their names, and only gifts that arrived."""

from decimal import Decimal

import pytest
from django.urls import reverse

from donations import selectors, services

from ..members.factories import OrganisationFactory
from .factories import advance, goods_pledge, money_pledge, secretariat_actor

pytestmark = pytest.mark.django_db


def test_named_and_anonymous_gifts_and_only_those_that_arrived(client, appeal, english):
    named = OrganisationFactory(name_en="Named Donor Co.", name_zh="署名捐赠公司")
    shy = OrganisationFactory(name_en="Quiet Donor Co.", name_zh="匿名捐赠公司")
    pending = OrganisationFactory(name_en="Pending Donor Co.", name_zh="未送达公司")
    advance(goods_pledge(named, appeal, quantities=[Decimal(100)]), "delivered")  # worth 300
    advance(money_pledge(named, appeal, amount=Decimal(1000)), "acknowledged")
    advance(money_pledge(shy, appeal, amount=Decimal(5000), named_publicly=False), "delivered")
    goods_pledge(pending, appeal)
    cancelled = advance(money_pledge(pending, appeal, amount=Decimal(9)), "dispatched")
    services.pledge_cancel(pledge=cancelled, actor=secretariat_actor(), reason="x")

    roll = selectors.honour_roll()
    assert [(row.name_en, row.value_cny, row.pledges) for row in roll["donors"]] == [
        ("Named Donor Co.", Decimal(1300), 2)
    ]
    assert (roll["anonymous"].value_cny, roll["anonymous"].pledges) == (Decimal(5000), 1)
    assert (roll["total"].value_cny, roll["total"].pledges) == (Decimal(6300), 3)
    assert [(a.pk, row.value_cny) for a, row in roll["by_appeal"]] == [(appeal.pk, Decimal(6300))]

    body = client.get(reverse("donations:honour_roll")).content.decode()
    assert "Named Donor Co." in body and "署名捐赠公司" in body
    assert "Quiet Donor Co." not in body and "匿名捐赠公司" not in body and "Pending Donor Co." not in body
    assert "Donors who asked not to be named" in body and "5,000.00" in body


@pytest.mark.parametrize(
    ("language", "total", "row"),
    [("en", "6,300.00 yuan", "1,300.00 yuan"), ("zh-hans", "6,300.00 元", "1,300.00 元")],
)
def test_sums_read_as_money_in_the_readers_language(client, appeal, settings, language, total, row):
    settings.LANGUAGE_CODE = language
    named = OrganisationFactory(name_en="Named Donor Co.", name_zh="署名捐赠公司")
    advance(goods_pledge(named, appeal, quantities=[Decimal(100)]), "delivered")  # worth 300
    advance(money_pledge(named, appeal, amount=Decimal(1000)), "acknowledged")
    advance(money_pledge(OrganisationFactory(), appeal, amount=Decimal(5000), named_publicly=False), "delivered")

    body = client.get(reverse("donations:honour_roll"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert total in body and row in body
    assert "CNY" not in body
