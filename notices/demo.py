"""The notices of the demo alliance (run by `manage.py seed_demo`, after the members they address).

The first notice is the alliance's founding epidemic proposal, in our own words: a bilingual summary of its four
points with the secretariat's coordination group as contact, pinned, public and to be acknowledged by every member.
Then an urgent notice to the Hubei members and a donation appeal notice. They are made through notices.services, as
the secretariat would; only their dates are set back afterwards. A notice is known by its English title, so running
it again creates nothing.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from members.rules import Actor

from . import services
from .models import Notice

# Chinese has no spaces between words, so its long lines are joined here rather than wrapped in the Markdown (a line
# break inside a paragraph would show as a space).
PROPOSAL_ZH = "\n".join(
    [
        "致全体成员单位：",
        "",
        "面对突如其来的新冠肺炎疫情，联盟倡议全体成员单位调动一切资源，全力参与疫情防控，维护企业安全，履行社会责任。",
        "",
        "1. **提高认识，凝聚共识，坚定信心。** 各成员单位主动向当地防控机构报告，服从政府统一部署，"
        "把疫情防控作为当前最重要的工作，及时传递信息，落实科学有效的防控措施。",
        "2. **服从大局，履职尽责，争当先锋。** 节后复工前梳理员工返岗情况，做好返岗人员的筛查与观察，"
        "必要时配合隔离；落实人员管控、体温检测、场所消毒等措施并制定预案；"
        "关心来自高风险地区的员工，安排心理疏导与关怀。",
        "3. **发挥产能，稳定供应，同心协力。** 在做好防控的同时尽力恢复和发挥产能、保持稳定供应；"
        "材料企业优先保障长江存储、武汉新芯等高风险地区晶圆厂的材料供应与服务。",
        "4. **守望相助，共克时艰，传递爱心。** 有能力的成员单位尽可能参与应急物资捐赠，"
        "或通过物流、国际采购等方式帮助疫区。",
        "",
        "秘书处已成立抗击疫情协调联络组，帮助成员沟通信息、协调解决困难、协调材料供应、组织公益捐赠。"
        "联系方式见[联系秘书处](/contact/)页面。",
        "",
        "请各成员单位阅读后在本页点击“确认”。",
    ]
)

PROPOSAL_EN = """To all members:

Facing the sudden outbreak of the epidemic, the alliance calls on every member to mobilise its resources, take a full
part in epidemic prevention, keep its company safe and fulfil its social responsibility.

1. **Raise awareness, build consensus, stay confident.** Report to your local prevention authorities, follow the
   government's arrangements, make epidemic prevention your first task, pass on information promptly and apply
   sound prevention measures.
2. **Follow the overall arrangements and lead by example.** Before work resumes after the holiday, review which staff
   are returning, screen and observe them, and cooperate with quarantine where needed; control access, check
   temperatures, disinfect sites and prepare contingency plans; look after staff returning from high-risk areas,
   with counselling and care.
3. **Use your capacity and keep supply stable.** While preventing the epidemic, restore and use your production
   capacity and keep supplies steady; materials companies give priority to the supply and service of fabs in
   high-risk areas such as YMTC and Wuhan Xinxin.
4. **Help each other through the hard times.** Members who can are asked to donate emergency goods, or to help the
   affected areas with logistics and international purchasing.

The secretariat has set up a coordination group for the epidemic, to help members share information, solve
difficulties, coordinate the supply of materials and organise donations. See
[Contact the secretariat](/contact/) for its members and phone numbers.

Please acknowledge this notice on this page once you have read it."""

HUBEI_ZH = """湖北省各成员单位：

武汉、孝感、黄冈目前为高风险地区。请于**48 小时内**：

- 通过“状态报告”报告复工人数、医学观察人数与关键材料库存天数；
- 在“供应需求”中提交停线风险最高的材料需求，注明库存可用天数；
- 危险化学品与特种气体运输如遇通行证问题，请直接联系秘书处协调组。

请确认收到本通知。"""

HUBEI_EN = """To our members in Hubei:

Wuhan, Xiaogan and Huanggang are high-risk areas. Within **48 hours**, please:

- report staff back at work, people under medical observation and days of stock of key materials;
- file supply requests for the materials most likely to stop a line, with the days of stock you have left;
- tell the secretariat's coordination group at once if a permit holds up a shipment of hazardous chemicals or gases.

Please acknowledge this notice."""

DONATION_ZH = (
    "秘书处正组织向武汉定点医院捐赠口罩、防护服、消毒液和体温计。有意捐赠的成员单位请联系秘书处捐赠组，"
    "物流可由顺达危险品物流协助安排。"
)

DONATION_EN = """The secretariat is organising donations of masks, protective suits, disinfectant and thermometers to
the designated hospitals in Wuhan. Members who wish to donate, please contact the secretariat's donations desk; Shunda
Logistics can help with transport."""


@dataclass
class DemoNotice:
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    category: str
    days_ago: int
    audience_kind: str = Notice.Audience.ALL
    provinces: list[str] = field(default_factory=list)
    pinned: bool = False
    requires_ack: bool = False
    is_public: bool = False


NOTICES = [
    DemoNotice(
        "中国集成电路材料产业技术创新联盟倡议书",
        "Proposal of the China IC Materials Industry Innovation Alliance",
        PROPOSAL_ZH,
        PROPOSAL_EN,
        Notice.Category.INITIATIVE,
        days_ago=20,
        pinned=True,
        requires_ack=True,
        is_public=True,
    ),
    DemoNotice(
        "紧急：湖北成员单位 48 小时内报告复工与库存情况",
        "Urgent: Hubei members, report your return to work and stocks within 48 hours",
        HUBEI_ZH,
        HUBEI_EN,
        Notice.Category.URGENT,
        days_ago=2,
        audience_kind=Notice.Audience.PROVINCES,
        provinces=["hubei"],
        requires_ack=True,
    ),
    DemoNotice(
        "为武汉定点医院捐赠应急物资",
        "Donations of emergency goods for the designated hospitals in Wuhan",
        DONATION_ZH,
        DONATION_EN,
        Notice.Category.DONATION,
        days_ago=5,
        is_public=True,
    ),
]


def seed_demo() -> int:
    author = get_user_model().objects.filter(username="secretariat").first()
    # The seeder acts as the secretariat, in the name of its demo user when there is one.
    actor = Actor(user=author, is_secretariat=True)
    created = 0
    now = timezone.now()
    for spec in NOTICES:
        if Notice.objects.filter(title_en=spec.title_en).exists():
            continue
        notice = services.notice_create(
            actor=actor,
            title_zh=spec.title_zh,
            title_en=spec.title_en,
            body_zh=spec.body_zh,
            body_en=spec.body_en,
            category=spec.category,
            audience_kind=spec.audience_kind,
            provinces=spec.provinces,
            pinned=spec.pinned,
            requires_ack=spec.requires_ack,
            is_public=spec.is_public,
        )
        services.notice_publish(actor=actor, notice=notice)
        when = now - timedelta(days=spec.days_ago)
        # Reminders look at published_at; mark the demo's old notices as already reminded so that seeding does not
        # set off a burst of reminders and escalations on the first beat.
        Notice.objects.filter(pk=notice.pk).update(
            published_at=when,
            created_at=when,
            auto_reminded_at=now if spec.requires_ack else None,
            escalated_at=now if spec.requires_ack else None,
        )
        created += 1
    return created
