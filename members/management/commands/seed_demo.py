"""A believable alliance for the demo: `python manage.py seed_demo`. Running it again changes nothing.

Names of the two priority fabs are real (the alliance's proposal names them); every other member is fictional,
and every credit code, phone number and email address is made up (the credit codes still pass the check).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from alliance_portal.demo import demo_seeders
from members.models import (
    Contact,
    MaterialCategory,
    Membership,
    Organisation,
    RiskArea,
    SecretariatContact,
    Site,
)
from members.validators import CREDIT_CODE_ALPHABET, credit_code_check_character

K = Organisation.Kind


def demo_credit_code(region: str, serial: int) -> str:
    """A made-up but valid code: 91 (enterprise), a 6-digit region code, a 9-character serial, the check."""
    body = ""
    for _ in range(9):
        body = CREDIT_CODE_ALPHABET[serial % 31] + body
        serial //= 31
    first17 = "91" + region + body
    return first17 + credit_code_check_character(first17)


@dataclass
class Org:
    slug: str
    name_zh: str
    name_en: str
    kind: str
    province: str
    city: str
    city_en: str
    region: str
    supplies: list[str] = field(default_factory=list)
    consumes: list[str] = field(default_factory=list)
    priority_guarantee: bool = False
    status: str = Organisation.Status.ACTIVE
    address: str = ""
    description_zh: str = ""
    description_en: str = ""
    sites: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)
    contacts: list[tuple[str, str, str, str]] = field(default_factory=list)


FAB_CONSUMES = ["wafer", "photoresist", "wet-chem", "gas", "cmp", "target", "mask", "precursor", "quartz"]

ORGANISATIONS = [
    Org(
        "secretariat",
        "集成电路材料产业技术创新联盟秘书处",
        "IC Materials Industry Innovation Alliance Secretariat",
        K.SECRETARIAT,
        "beijing",
        "北京",
        "Beijing",
        "110108",
        description_zh="联盟秘书处，负责疫情期间的信息沟通、困难协调、物资供应协调与捐赠组织。",
        description_en="The alliance secretariat: information, difficulties, supply coordination and donations.",
        contacts=[("王秘书", "协调组组长", "13800000001", "coordination@alliance.example.cn")],
    ),
    Org(
        "ymtc",
        "长江存储科技有限责任公司",
        "Yangtze Memory Technologies Co., Ltd. (YMTC)",
        K.FAB,
        "hubei",
        "武汉",
        "Wuhan",
        "420100",
        consumes=FAB_CONSUMES,
        priority_guarantee=True,
        address="湖北省武汉市东湖新技术开发区",
        description_zh="3D NAND 闪存制造商，位于武汉东湖高新区。联盟倡议优先保障其材料供应。",
        description_en="3D NAND flash maker in Wuhan East Lake High-tech Zone; its supply is guaranteed first.",
        sites=[
            ("长江存储一号厂", "YMTC Fab 1", "fab", "hubei", "武汉", "Wuhan"),
            ("长江存储原材料仓库", "YMTC raw materials warehouse", "warehouse", "hubei", "武汉", "Wuhan"),
        ],
        contacts=[
            ("李采购", "采购总监", "13900000011", "procurement@ymtc-demo.example.cn"),
            ("周厂务", "厂务经理", "13900000012", "facilities@ymtc-demo.example.cn"),
        ],
    ),
    Org(
        "xmc",
        "武汉新芯集成电路制造有限公司",
        "Wuhan Xinxin Semiconductor Manufacturing Co., Ltd. (XMC)",
        K.FAB,
        "hubei",
        "武汉",
        "Wuhan",
        "420100",
        consumes=FAB_CONSUMES,
        priority_guarantee=True,
        address="湖北省武汉市东湖新技术开发区",
        description_zh="12 英寸晶圆代工厂，位于武汉东湖高新区。联盟倡议优先保障其材料供应。",
        description_en="300 mm foundry in Wuhan's East Lake High-tech Zone; the alliance guarantees its supply first.",
        sites=[("武汉新芯 12 英寸厂", "XMC 300 mm fab", "fab", "hubei", "武汉", "Wuhan")],
        contacts=[("陈经理", "物料计划经理", "13900000021", "materials@xmc-demo.example.cn")],
    ),
    Org(
        "huaxin-sh",
        "上海华芯微电子制造有限公司",
        "Shanghai Huaxin Microelectronics Manufacturing Co., Ltd.",
        K.FAB,
        "shanghai",
        "上海",
        "Shanghai",
        "310115",
        consumes=FAB_CONSUMES,
        sites=[("华芯张江厂", "Huaxin Zhangjiang fab", "fab", "shanghai", "上海", "Shanghai")],
        contacts=[("赵工", "采购经理", "13900000031", "buyer@huaxin-demo.example.cn")],
    ),
    Org(
        "xixin-wx",
        "无锡锡芯半导体有限公司",
        "Wuxi Xixin Semiconductor Co., Ltd.",
        K.FAB,
        "jiangsu",
        "无锡",
        "Wuxi",
        "320214",
        consumes=FAB_CONSUMES,
        sites=[("锡芯新吴厂", "Xixin Xinwu fab", "fab", "jiangsu", "无锡", "Wuxi")],
        contacts=[("孙工", "供应链主管", "13900000041", "supply@xixin-demo.example.cn")],
    ),
    Org(
        "yanxin-bj",
        "北京燕芯集成电路制造有限公司",
        "Beijing Yanxin IC Manufacturing Co., Ltd.",
        K.FAB,
        "beijing",
        "北京",
        "Beijing",
        "110302",
        consumes=FAB_CONSUMES,
        sites=[("燕芯亦庄厂", "Yanxin Yizhuang fab", "fab", "beijing", "北京", "Beijing")],
        contacts=[("钱经理", "采购经理", "13900000051", "buyer@yanxin-demo.example.cn")],
    ),
    Org(
        "jingyuan-si",
        "浙江晶源硅材料有限公司",
        "Zhejiang Jingyuan Silicon Materials Co., Ltd.",
        K.SUPPLIER,
        "zhejiang",
        "杭州",
        "Hangzhou",
        "330110",
        supplies=["wafer"],
        sites=[("晶源杭州工厂", "Jingyuan Hangzhou plant", "plant", "zhejiang", "杭州", "Hangzhou")],
        contacts=[("吴销售", "销售总监", "13700000061", "sales@jingyuan-demo.example.cn")],
    ),
    Org(
        "guanghui-pr",
        "苏州光辉电子材料有限公司",
        "Suzhou Guanghui Electronic Materials Co., Ltd.",
        K.SUPPLIER,
        "jiangsu",
        "苏州",
        "Suzhou",
        "320506",
        supplies=["photoresist"],
        sites=[("光辉苏州工厂", "Guanghui Suzhou plant", "plant", "jiangsu", "苏州", "Suzhou")],
        contacts=[("郑经理", "客户经理", "13700000071", "sales@guanghui-demo.example.cn")],
    ),
    Org(
        "qingyuan-chem",
        "江阴清源电子化学品有限公司",
        "Jiangyin Qingyuan Electronic Chemicals Co., Ltd.",
        K.SUPPLIER,
        "jiangsu",
        "江阴",
        "Jiangyin",
        "320281",
        supplies=["wet-chem"],
        sites=[("清源江阴工厂", "Qingyuan Jiangyin plant", "plant", "jiangsu", "江阴", "Jiangyin")],
        contacts=[("冯经理", "销售经理", "13700000081", "sales@qingyuan-demo.example.cn")],
    ),
    Org(
        "haoqi-gas",
        "大连昊气电子特气有限公司",
        "Dalian Haoqi Electronic Gases Co., Ltd.",
        K.SUPPLIER,
        "liaoning",
        "大连",
        "Dalian",
        "210213",
        supplies=["gas"],
        sites=[("昊气大连充装站", "Haoqi Dalian filling station", "plant", "liaoning", "大连", "Dalian")],
        contacts=[("褚经理", "危险品运输负责人", "13700000091", "logistics@haoqi-demo.example.cn")],
    ),
    Org(
        "shente-gas",
        "上海申特气体有限公司",
        "Shanghai Shente Gases Co., Ltd.",
        K.SUPPLIER,
        "shanghai",
        "上海",
        "Shanghai",
        "310116",
        supplies=["gas", "wet-chem"],
        sites=[("申特金山工厂", "Shente Jinshan plant", "plant", "shanghai", "上海", "Shanghai")],
        contacts=[("卫经理", "销售经理", "13700000101", "sales@shente-demo.example.cn")],
    ),
    Org(
        "yanmo-cmp",
        "安徽研磨新材料有限公司",
        "Anhui Yanmo CMP Materials Co., Ltd.",
        K.SUPPLIER,
        "anhui",
        "合肥",
        "Hefei",
        "340100",
        supplies=["cmp"],
        sites=[("研磨合肥工厂", "Yanmo Hefei plant", "plant", "anhui", "合肥", "Hefei")],
        contacts=[("蒋经理", "销售经理", "13700000111", "sales@yanmo-demo.example.cn")],
    ),
    Org(
        "jinba-target",
        "宁波金靶科技有限公司",
        "Ningbo Jinba Target Technology Co., Ltd.",
        K.SUPPLIER,
        "zhejiang",
        "宁波",
        "Ningbo",
        "330212",
        supplies=["target"],
        sites=[("金靶余姚工厂", "Jinba Yuyao plant", "plant", "zhejiang", "宁波", "Ningbo")],
        contacts=[("沈经理", "销售经理", "13700000121", "sales@jinba-demo.example.cn")],
    ),
    Org(
        "qingxi-mask",
        "深圳清晰光掩膜有限公司",
        "Shenzhen Qingxi Photomask Co., Ltd.",
        K.SUPPLIER,
        "guangdong",
        "深圳",
        "Shenzhen",
        "440300",
        supplies=["mask"],
        sites=[("清晰深圳工厂", "Qingxi Shenzhen plant", "plant", "guangdong", "深圳", "Shenzhen")],
        contacts=[("韩经理", "客户经理", "13700000131", "sales@qingxi-demo.example.cn")],
    ),
    Org(
        "qianqu-precursor",
        "南京前驱新材料有限公司",
        "Nanjing Qianqu Precursor Materials Co., Ltd.",
        K.SUPPLIER,
        "jiangsu",
        "南京",
        "Nanjing",
        "320100",
        supplies=["precursor"],
        sites=[("前驱南京工厂", "Qianqu Nanjing plant", "plant", "jiangsu", "南京", "Nanjing")],
        contacts=[("杨经理", "销售经理", "13700000141", "sales@qianqu-demo.example.cn")],
    ),
    Org(
        "guanggu-quartz",
        "武汉光谷石英制品有限公司",
        "Wuhan Optics Valley Quartz Products Co., Ltd.",
        K.SUPPLIER,
        "hubei",
        "武汉",
        "Wuhan",
        "420100",
        supplies=["quartz"],
        sites=[("光谷石英工厂", "Optics Valley Quartz plant", "plant", "hubei", "武汉", "Wuhan")],
        contacts=[("朱经理", "销售经理", "13700000151", "sales@gg-quartz-demo.example.cn")],
    ),
    Org(
        "fengce-pack",
        "天津封测材料有限公司",
        "Tianjin Fengce Packaging Materials Co., Ltd.",
        K.SUPPLIER,
        "tianjin",
        "天津",
        "Tianjin",
        "120116",
        supplies=["packaging"],
        sites=[("封测天津工厂", "Fengce Tianjin plant", "plant", "tianjin", "天津", "Tianjin")],
        contacts=[("秦经理", "销售经理", "13700000161", "sales@fengce-demo.example.cn")],
    ),
    Org(
        "shuxin-mat",
        "成都蜀芯材料有限公司",
        "Chengdu Shuxin Materials Co., Ltd.",
        K.SUPPLIER,
        "sichuan",
        "成都",
        "Chengdu",
        "510100",
        supplies=["wafer", "target"],
        sites=[("蜀芯成都工厂", "Shuxin Chengdu plant", "plant", "sichuan", "成都", "Chengdu")],
        contacts=[("尤经理", "销售经理", "13700000171", "sales@shuxin-demo.example.cn")],
    ),
    Org(
        "shunda-logistics",
        "顺达危险品物流有限公司",
        "Shunda Hazardous Goods Logistics Co., Ltd.",
        K.LOGISTICS,
        "hubei",
        "武汉",
        "Wuhan",
        "420100",
        contacts=[("许调度", "调度主管", "13600000181", "dispatch@shunda-demo.example.cn")],
    ),
    Org(
        "ic-materials-institute",
        "集成电路材料研究院（示例）",
        "IC Materials Research Institute (demo)",
        K.RESEARCH,
        "shanghai",
        "上海",
        "Shanghai",
        "310104",
        contacts=[("何研究员", "研究员", "13600000191", "office@icmri-demo.example.cn")],
    ),
    Org(
        "xinhe-applicant",
        "西安芯禾电子材料有限公司",
        "Xi'an Xinhe Electronic Materials Co., Ltd.",
        K.SUPPLIER,
        "shaanxi",
        "西安",
        "Xi'an",
        "610100",
        supplies=["wet-chem"],
        status=Organisation.Status.PENDING,
        contacts=[("吕经理", "总经理", "13600000201", "gm@xinhe-demo.example.cn")],
    ),
]

# (province, city, city_en, level, days ago it took effect)
RISK_AREAS = [
    ("hubei", "武汉", "Wuhan", "high", 20),
    ("hubei", "孝感", "Xiaogan", "high", 18),
    ("hubei", "黄冈", "Huanggang", "high", 18),
    ("beijing", "北京", "Beijing", "medium", 10),
    ("shanghai", "上海", "Shanghai", "medium", 9),
    ("guangdong", "深圳", "Shenzhen", "medium", 7),
    ("jiangsu", "无锡", "Wuxi", "low", 12),
    ("jiangsu", "苏州", "Suzhou", "low", 12),
    ("zhejiang", "杭州", "Hangzhou", "low", 14),
    ("liaoning", "大连", "Dalian", "low", 14),
]

SECRETARIAT_CONTACTS = [
    ("王协调", "Wang Xietiao", "疫情协调组组长：总体协调", "Coordination group lead", "010-55550101", "coordination"),
    ("刘供应", "Liu Gongying", "材料供应协调", "Material supply coordination", "010-55550102", "supply"),
    ("张捐赠", "Zhang Juanzeng", "捐赠组织与物流", "Donations and logistics", "010-55550103", "donations"),
    ("陈信息", "Chen Xinxi", "信息与成员状态报告", "Information and member status reports", "010-55550104", "info"),
]

# (username, password, organisation slug or None for the secretariat, role, name)
DEMO_USERS = [
    ("secretariat", "demo-secretariat-2020", None, None, "秘书处"),
    ("ymtc-admin", "demo-ymtc-admin-2020", "ymtc", Membership.Role.ADMIN, "李采购"),
    ("ymtc-member", "demo-ymtc-member-2020", "ymtc", Membership.Role.MEMBER, "周厂务"),
    ("ymtc-viewer", "demo-ymtc-viewer-2020", "ymtc", Membership.Role.VIEWER, "吴观察"),
    ("xmc-admin", "demo-xmc-admin-2020", "xmc", Membership.Role.ADMIN, "陈经理"),
    ("supplier-admin", "demo-supplier-admin-2020", "guanghui-pr", Membership.Role.ADMIN, "郑经理"),
    ("gas-admin", "demo-gas-admin-2020", "haoqi-gas", Membership.Role.ADMIN, "褚经理"),
]


def upsert(model, defaults: dict, **lookup):
    """update_or_create that saves only when something differs, so a re-run adds no history rows."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **defaults), True
    changed = [name for name, value in defaults.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, defaults[name])
        obj.save()
    return obj, False


class Command(BaseCommand):
    help = "Fills the database with a believable demo alliance (idempotent) and prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo creates users with published passwords; it refuses to run in production.")
        # The demo's own events (requests filed, notices published) reach their demo recipients through the alert
        # pipeline; their emails go to memory rather than flooding the console ahead of the logins.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
            created = self._seed() + self._seed_other_apps()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new rows)."))
        if not options["quiet_logins"]:
            self.stdout.write("Demo logins (user / password / role):")
            for username, password, slug, role, _name in DEMO_USERS:
                what = "secretariat (staff, admin site)" if slug is None else f"{role} of {slug}"
                self.stdout.write(f"  {username:16} {password:26} {what}")

    def _seed_other_apps(self) -> int:
        """The other apps' demo data, on top of the members: each app registered its seeder when it started
        (alliance_portal.demo.register_demo), so members names no other app."""
        return sum(seeder.seed() for seeder in demo_seeders())

    def _seed(self) -> int:
        created = 0
        today = timezone.localdate()
        categories = {c.code: c for c in MaterialCategory.objects.all()}
        orgs: dict[str, Organisation] = {}
        for serial, spec in enumerate(ORGANISATIONS, start=1):
            org, new = upsert(
                Organisation,
                slug=spec.slug,
                defaults={
                    "name_zh": spec.name_zh,
                    "name_en": spec.name_en,
                    "credit_code": demo_credit_code(spec.region, 7_000_000 + serial * 7919),
                    "kind": spec.kind,
                    "status": spec.status,
                    "province": spec.province,
                    "city": spec.city,
                    "city_en": spec.city_en,
                    "address": spec.address,
                    "description_zh": spec.description_zh,
                    "description_en": spec.description_en,
                    "priority_guarantee": spec.priority_guarantee,
                    "joined_on": None if spec.status == Organisation.Status.PENDING else today - timedelta(days=900),
                },
            )
            created += new
            org.categories_supplied.set([categories[c] for c in spec.supplies])
            org.categories_consumed.set([categories[c] for c in spec.consumes])
            for name_zh, name_en, kind, province, city, city_en in spec.sites:
                _site, new = upsert(
                    Site,
                    organisation=org,
                    name_zh=name_zh,
                    defaults={"name_en": name_en, "kind": kind, "province": province, "city": city, "city_en": city_en},
                )
                created += new
            for index, (name, title, mobile, email) in enumerate(spec.contacts):
                _contact, new = upsert(
                    Contact,
                    organisation=org,
                    name=name,
                    defaults={"title": title, "mobile": mobile, "email": email, "is_primary": index == 0},
                )
                created += new
            orgs[spec.slug] = org

        for province, city, city_en, level, days_ago in RISK_AREAS:
            _area, new = upsert(
                RiskArea,
                province=province,
                city=city,
                defaults={"city_en": city_en, "level": level, "effective_date": today - timedelta(days=days_ago)},
            )
            created += new

        for order, (name_zh, name_en, resp_zh, resp_en, phone, mailbox) in enumerate(SECRETARIAT_CONTACTS):
            _contact, new = upsert(
                SecretariatContact,
                name_zh=name_zh,
                defaults={
                    "name_en": name_en,
                    "responsibility_zh": resp_zh,
                    "responsibility_en": resp_en,
                    "phone": phone,
                    "email": f"{mailbox}@alliance.example.cn",
                    "sort_order": order,
                },
            )
            created += new

        User = get_user_model()
        for username, password, slug, role, name in DEMO_USERS:
            user, new = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@demo.example.cn", "first_name": name}
            )
            # The printed passwords must work, so a changed demo password is set back.
            if new or not user.check_password(password):
                user.set_password(password)
            user.is_active = True
            user.is_staff = slug is None
            user.is_superuser = slug is None
            user.save()
            created += new
            if slug is not None:
                upsert(Membership, {"organisation": orgs[slug], "role": role}, user=user)
        return created
