"""Demo donations (registered with alliance_portal.demo, run by `manage.py seed_demo` after the member registry):
an appeal for Wuhan hospitals with pledges in every state, an international purchase in customs, a shipment carried
by the demo logistics member (Shunda) with its checkpoints, one certificate issued, and a user of the carrier.

Everything goes through the services, as the secretariat and the donors would do it. Idempotent: once the appeal
exists, nothing more is created.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from members.models import MaterialCategory, Membership, Organisation
from members.rules import Actor

from . import services
from .models import Appeal, Pledge

APPEAL_TITLE_ZH = "支援武汉医院抗疫物资"
CARRIER_SLUG = "shunda-logistics"
# (username, password): the demo carrier's dispatcher, who records the shipment's steps on a phone; a member of the
# carrier in members' demo data (members/demo_data.json), which creates it and prints its login.
CARRIER_USER = ("shunda-carrier", "demo-shunda-carrier-2020")


def _category(code: str) -> MaterialCategory:
    return MaterialCategory.objects.get(code=code)


def _line(code: str, quantity, unit: str, spec: str, value) -> services.LineInput:
    return services.LineInput(
        category=_category(code),
        quantity=Decimal(quantity),
        unit=unit,
        specification=spec,
        estimated_value_cny=Decimal(value),
    )


@transaction.atomic
def seed_demo() -> int:
    organisations = Organisation.objects.in_bulk(
        [CARRIER_SLUG, "guanghui-pr", "haoqi-gas", "qingyuan-chem", "jingyuan-si", "shente-gas", "jinba-target"],
        field_name="slug",
    )
    carrier = organisations.get(CARRIER_SLUG)
    secretariat_user = get_user_model().objects.filter(is_staff=True).order_by("pk").first()
    if carrier is None or secretariat_user is None or len(organisations) < 7:
        return 0
    if Appeal.objects.filter(title_zh=APPEAL_TITLE_ZH).exists():
        return 0
    secretariat = Actor(user=secretariat_user, is_secretariat=True)
    today = timezone.localdate()
    appeal = services.appeal_create(
        actor=secretariat,
        open_now=True,
        title_zh=APPEAL_TITLE_ZH,
        title_en="Protective equipment for Wuhan hospitals",
        description_zh=(
            "武汉多家定点医院防护物资紧缺。联盟秘书处统一对接医院需求，请有条件的成员单位认捐下列物资或捐款；"
            "物资须符合国家标准（医用防护口罩 GB 19083，医用防护服 GB 19082）。\n\n"
            "- 由秘书处统一确认、安排物流并跟踪至医院签收\n- 送达后颁发感谢证书"
        ),
        description_en=(
            "Several designated hospitals in Wuhan are short of protective equipment. The secretariat collects their "
            "needs; members who can are asked to pledge the items below or money. Goods must meet the national "
            "standards (medical protective masks GB 19083, protective suits GB 19082).\n\n"
            "- The secretariat confirms each pledge, arranges transport and follows it to the hospital\n"
            "- A certificate of thanks is issued once delivered"
        ),
        beneficiary_name="华中科技大学同济医学院附属协和医院",
        beneficiary_city="武汉",
        beneficiary_contact="设备处 027-00000000",
        money_target_cny=Decimal("500000"),
        deadline=today + timedelta(days=21),
        items=[
            {
                "category": _category("medical-mask"),
                "target_quantity": Decimal(50000),
                "unit": "只",
                "specification": "GB 19083 / N95",
            },
            {
                "category": _category("protective-suit"),
                "target_quantity": Decimal(5000),
                "unit": "件",
                "specification": "GB 19082",
            },
            {"category": _category("goggles"), "target_quantity": Decimal(3000), "unit": "副"},
            {"category": _category("disinfectant"), "target_quantity": Decimal(2000), "unit": "L"},
            {"category": _category("ir-thermometer"), "target_quantity": Decimal(300), "unit": "把"},
        ],
    )

    def pledge(slug: str, **fields) -> Pledge:
        donor = organisations[slug]
        fields.setdefault("promised_date", today + timedelta(days=5))
        return services.pledge_create(
            actor=Actor(organisation=donor, role=Membership.Role.ADMIN),
            donor=donor,
            appeal=appeal,
            **fields,
        )

    made = []
    # Pledged, not yet confirmed.
    made.append(pledge("guanghui-pr", lines=[_line("medical-mask", 10000, "只", "GB 2626-2019 KN95", 35000)]))
    # Confirmed, and overdue: promised yesterday, not dispatched.
    late = services.pledge_confirm(
        pledge=pledge("jingyuan-si", lines=[_line("goggles", 800, "副", "GB 14866", 16000)]), actor=secretariat
    )
    Pledge.objects.filter(pk=late.pk).update(promised_date=today - timedelta(days=1))
    made.append(late)
    # Dispatched, carried by Shunda: dangerous goods (75% ethanol), picked up and past a checkpoint.
    ethanol = services.pledge_confirm(
        pledge=pledge("qingyuan-chem", lines=[_line("disinfectant", 1200, "L", "75% 乙醇消毒液", 24000)]),
        actor=secretariat,
    )
    ethanol = services.pledge_dispatch(
        pledge=ethanol,
        actor=secretariat,
        carrier=carrier,
        tracking_number="SD-20200205-0012",
        un_number="UN1170",
        storage_class="第3类 易燃液体，阴凉通风",
    )
    shipment = ethanol.shipment
    dispatcher = Actor(
        user=get_user_model().objects.get(username=CARRIER_USER[0]), organisation=carrier, role=Membership.Role.MEMBER
    )
    services.shipment_record_step(shipment=shipment, actor=dispatcher, kind="pickup", place="江阴清源仓库")
    services.shipment_record_step(
        shipment=shipment, actor=dispatcher, kind="checkpoint", place="G42 沪蓉高速 孝感卡口", note="检疫通过，已消杀"
    )
    made.append(ethanol)
    # Delivered in part (4,600 of 5,000 suits arrived).
    suits = pledge("haoqi-gas", lines=[_line("protective-suit", 5000, "件", "GB 19082-2009", 400000)])
    suits = services.pledge_dispatch(
        pledge=services.pledge_confirm(pledge=suits, actor=secretariat),
        actor=secretariat,
        carrier_name="大连昊气自有车辆",
        tracking_number="HQ-0203",
    )
    line = suits.lines.get()
    made.append(services.pledge_deliver(pledge=suits, actor=secretariat, received={line.pk: Decimal(4600)}))
    # Acknowledged: money, delivered in full, certificate issued.
    money = pledge("shente-gas", kind=Pledge.Kind.MONEY, amount=Decimal("200000"), currency="CNY")
    money = services.pledge_dispatch(pledge=services.pledge_confirm(pledge=money, actor=secretariat), actor=secretariat)
    money = services.pledge_deliver(pledge=money, actor=secretariat)
    made.append(services.pledge_acknowledge(pledge=money, actor=secretariat))
    # Cancelled, with its reason.
    cancelled = pledge("jinba-target", lines=[_line("ir-thermometer", 100, "把", "", 30000)])
    made.append(services.pledge_cancel(pledge=cancelled, actor=secretariat, reason="供货商停产，无法按期交付"))
    # International purchase: masks bought in Germany, declared at customs, confirmed; an anonymous donor.
    purchase = pledge(
        "guanghui-pr",
        lines=[_line("medical-mask", 20000, "只", "FFP2 (EN 149)", 120000)],
        channel=Pledge.Channel.INTERNATIONAL,
        origin_country="德国 Germany",
        supplier_name="Beispiel Schutzausrüstung GmbH",
        customs_status=Pledge.Customs.DECLARED,
        customs_date=today,
        named_publicly=False,
    )
    made.append(services.pledge_confirm(pledge=purchase, actor=secretariat))
    # Money from abroad in US dollars, at the rate entered.
    made.append(
        pledge(
            "jingyuan-si",
            kind=Pledge.Kind.MONEY,
            amount=Decimal("10000"),
            currency="USD",
            exchange_rate=Decimal("6.9800"),
        )
    )
    return 1 + len(made)
