"""A small alliance whose dashboard figures are known by hand (the numbers asserted in test_figures.py)."""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from assistance.models import AssistanceCase
from donations.models import Appeal, Pledge, PledgeLine
from members.models import Difficulty, Organisation
from notices.alerts.models import Alert, Event
from notices.models import Acknowledgement, Notice
from supply.models import Commitment, SupplyRequest

from ..assistance.factories import AssistanceCaseFactory
from ..members.factories import OrganisationFactory, RiskAreaFactory, SiteFactory
from ..members.factories_reports import StatusReportFactory, StockLevelFactory
from ..notices.factories import make_notice
from ..supply.factories import CommitmentFactory, FabFactory, SupplyRequestFactory, category

S = SupplyRequest.Status


def _alerts(event, organisation, **counts):
    for status, n in counts.items():
        for _ in range(n):
            Alert.objects.create(
                event=event, organisation=organisation, channel="email", email="a@example.com", status=status
            )


def make_known_data(org, other_org):
    """Members (active, not the secretariat): org (Wuhan fab), other_org (Shanghai supplier), fab2 (Shanghai fab),
    supplier3 (Jiangsu): 4. Not counted: a suspended organisation and the secretariat's own organisation."""
    today = timezone.localdate()
    now = timezone.now()
    fab2 = FabFactory(name_zh="上海第二晶圆", name_en="Shanghai Second Fab", province="shanghai", city="上海")
    supplier3 = OrganisationFactory(name_en="Jiangsu Supplier", province="jiangsu", city="苏州")
    OrganisationFactory(status=Organisation.Status.SUSPENDED, province="hubei")
    OrganisationFactory(kind=Organisation.Kind.SECRETARIAT, province="beijing", city="北京")

    RiskAreaFactory(province="hubei", city="武汉", level="high")
    RiskAreaFactory(province="hubei", city="宜昌", city_en="Yichang", level="low")
    RiskAreaFactory(province="shanghai", city="上海", city_en="Shanghai", level="medium")

    wuhan_site = SiteFactory(organisation=org)
    shanghai_site = SiteFactory(organisation=fab2, province="shanghai", city="上海")
    r1 = SupplyRequestFactory(
        organisation=org, site=wuhan_site, urgency="critical", status=S.APPROVED, days_of_stock=3, priority=90
    )
    SupplyRequestFactory(organisation=org, site=wuhan_site, status=S.SUBMITTED, days_of_stock=10, priority=30)
    r3 = SupplyRequestFactory(
        organisation=fab2, site=shanghai_site, urgency="critical", status=S.SUBMITTED, days_of_stock=12, priority=55
    )
    SupplyRequestFactory(organisation=fab2, site=shanghai_site, status=S.FULFILLED, days_of_stock=1, priority=10)
    SupplyRequestFactory(organisation=org, site=wuhan_site, status=S.DRAFT, days_of_stock=0, priority=0)

    CommitmentFactory(
        request=r1,
        supplier=other_org,
        status=Commitment.Status.DELIVERED,
        delivered_on=today,
        delivered_quantity=10,
    )
    CommitmentFactory(request=r3, supplier=supplier3)

    everyone = make_notice(requires_ack=True, title_en="Everyone acknowledges", title_zh="全体确认")
    fabs_only = make_notice(
        requires_ack=True,
        audience_kind=Notice.Audience.KINDS,
        kinds=["fab"],
        title_en="Fabs acknowledge",
        title_zh="晶圆厂确认",
    )
    make_notice(requires_ack=False, title_en="For information")
    for notice, organisation in [(everyone, org), (everyone, other_org), (fabs_only, org), (fabs_only, other_org)]:
        Acknowledgement.objects.create(notice=notice, organisation=organisation)

    event = Event.objects.create(name="notice.published", payload={})
    _alerts(event, org, delivered=3, failed=1, pending=1)

    # Today: 3 members report 600 staff, 350 back (58.3 %), 7 in observation, 1 fever case; yesterday only org.
    report = StatusReportFactory(organisation=org, staff_total=200, staff_returned=120, in_observation=5, fever_cases=1)
    StockLevelFactory(report=report, category=category("photoresist"), days=20)
    report2 = StatusReportFactory(organisation=fab2, staff_total=100, staff_returned=80, in_observation=2)
    StockLevelFactory(report=report2, category=category("photoresist"), days=5)
    StockLevelFactory(report=report2, category=category("gas"), days=9)
    StatusReportFactory(organisation=other_org, staff_total=300, staff_returned=150, in_observation=0)
    StatusReportFactory(organisation=org, report_date=today - timedelta(days=1), staff_total=200, staff_returned=100)

    AssistanceCaseFactory(organisation=org, kind=Difficulty.LOGISTICS)
    long_ago = now - timedelta(days=10)
    AssistanceCaseFactory(
        organisation=fab2,
        kind=Difficulty.PERMITS,
        status=AssistanceCase.Status.IN_PROGRESS,
        created_at=long_ago,
        last_activity_at=long_ago,
    )
    AssistanceCaseFactory(organisation=org, status=AssistanceCase.Status.RESOLVED)

    # Donations, as rows (the services would raise events, and alerts, of their own). To the appeal: 10,000 CNY
    # confirmed and overdue, 2,000 CNY received, goods worth 5,000 of which half arrived, a cancelled pledge;
    # to no appeal: 1,000 CNY promised for next week. Pledged 18,000, delivered 4,500, one overdue.
    appeal = Appeal.objects.create(
        title_zh="支援武汉医院",
        title_en="Wuhan hospitals",
        beneficiary_name="武汉市第一医院",
        beneficiary_city="武汉",
        deadline=today + timedelta(days=20),
        status=Appeal.Status.OPEN,
    )
    yesterday, next_week = today - timedelta(days=1), today + timedelta(days=7)
    _money(other_org, appeal, 10000, "confirmed", yesterday)
    _money(supplier3, appeal, 2000, "acknowledged", yesterday, received=2000)
    _money(supplier3, appeal, 9999, "cancelled", yesterday)
    _money(other_org, None, 1000, "pledged", next_week)
    goods = Pledge.objects.create(
        donor=org, appeal=appeal, kind=Pledge.Kind.GOODS, promised_date=yesterday, status="delivered"
    )
    PledgeLine.objects.create(
        pledge=goods,
        category=category("medical-mask"),
        quantity=100,
        unit="pcs",
        estimated_value_cny=5000,
        delivered_quantity=50,
    )
    return SimpleNamespace(
        today=today, fab2=fab2, supplier3=supplier3, everyone=everyone, fabs_only=fabs_only, appeal=appeal
    )


def _money(donor, appeal, amount, status, promised, received=None):
    return Pledge.objects.create(
        donor=donor,
        appeal=appeal,
        kind=Pledge.Kind.MONEY,
        amount=amount,
        currency="CNY",
        exchange_rate=1,
        amount_cny=amount,
        received_cny=received,
        promised_date=promised,
        status=status,
        beneficiary_name="" if appeal else "黄冈中心医院",
    )
