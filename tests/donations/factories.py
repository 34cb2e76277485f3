from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from donations import services
from donations.models import Appeal, AppealItem, Pledge
from members.models import MaterialCategory, Organisation
from members.rules import Actor

from ..members.factories import OrganisationFactory, UserFactory


def category(code: str) -> MaterialCategory:
    return MaterialCategory.objects.get(code=code)


def secretariat_actor() -> Actor:
    return Actor(user=UserFactory(is_staff=True), is_secretariat=True)


def writer(org: Organisation) -> Actor:
    return Actor(user=UserFactory(), organisation=org, role="member")


def make_appeal(*, beneficiary_organisation=None, money_target=Decimal("100000"), **fields) -> Appeal:
    defaults = {
        "title_zh": "支援武汉医院抗疫物资",
        "title_en": "Protective equipment for Wuhan hospitals",
        "description_zh": "武汉多家医院急需防护物资。",
        "description_en": "Several Wuhan hospitals urgently need protective equipment.",
        "beneficiary_name": "武汉市第一医院",
        "beneficiary_city": "武汉",
        "beneficiary_contact": "李主任 027-00000000",
        "beneficiary_organisation": beneficiary_organisation,
        "money_target_cny": money_target,
        "deadline": timezone.localdate() + timedelta(days=20),
    }
    defaults.update(fields)
    return services.appeal_create(
        actor=secretariat_actor(),
        open_now=True,
        items=[
            {"category": category("medical-mask"), "target_quantity": Decimal(10000), "unit": "pcs"},
            {"category": category("protective-suit"), "target_quantity": Decimal(2000), "unit": "pcs"},
        ],
        **defaults,
    )


def goods_pledge(donor: Organisation, appeal: Appeal | None = None, quantities=(Decimal(500),), **fields) -> Pledge:
    codes = ["medical-mask", "protective-suit", "goggles"]
    lines = [
        services.LineInput(
            category=category(codes[i % 3]),
            quantity=Decimal(q),
            unit="pcs",
            specification="GB 19083-2010",
            estimated_value_cny=Decimal(q) * 3,
        )
        for i, q in enumerate(quantities)
    ]
    params = {"beneficiary_name": "" if appeal else "黄冈中心医院"}
    params.update(fields)
    return services.pledge_create(
        actor=writer(donor),
        donor=donor,
        appeal=appeal,
        lines=lines,
        promised_date=timezone.localdate() + timedelta(days=3),
        **params,
    )


def money_pledge(donor: Organisation, appeal: Appeal | None = None, amount=Decimal(1000), **fields) -> Pledge:
    params = {"beneficiary_name": "" if appeal else "黄冈中心医院", "currency": "CNY"}
    params.update(fields)
    return services.pledge_create(
        actor=writer(donor),
        donor=donor,
        appeal=appeal,
        kind=Pledge.Kind.MONEY,
        amount=Decimal(amount),
        promised_date=timezone.localdate() + timedelta(days=3),
        **params,
    )


def logistics_org(**fields) -> Organisation:
    return OrganisationFactory(**{"kind": Organisation.Kind.LOGISTICS, "name_en": "Shunda Test Logistics", **fields})


def advance(pledge: Pledge, to: str, *, carrier: Organisation | None = None) -> Pledge:
    """Moves a pledge along its lifecycle as the secretariat would, up to `to`."""
    sec = secretariat_actor()
    order = ["pledged", "confirmed", "dispatched", "delivered", "acknowledged"]
    for step in order[order.index(pledge.status) + 1 : order.index(to) + 1]:
        if step == "confirmed":
            pledge = services.pledge_confirm(pledge=pledge, actor=sec)
        elif step == "dispatched":
            pledge = services.pledge_dispatch(pledge=pledge, actor=sec, carrier=carrier, tracking_number="SF123")
        elif step == "delivered":
            pledge = services.pledge_deliver(pledge=pledge, actor=sec)
        elif step == "acknowledged":
            pledge = services.pledge_acknowledge(pledge=pledge, actor=sec)
    return pledge


__all__ = ["AppealItem"]
