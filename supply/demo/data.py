"""What the supply demo is made of: the requests, their commitments, capacities, qualifications (see
supply.demo for how they are built)."""

from dataclasses import dataclass, field

from ..models import SupplyRequest

S = SupplyRequest.Status


@dataclass
class DemoShipment:
    """An accepted commitment given to a logistics member, picked up and on its way (checkpoints: place, hours
    ago, note; the pick-up is the first)."""

    carrier: str  # the logistics member's slug
    tracking_number: str
    steps: list[tuple[str, int, str]]


@dataclass
class DemoCommitment:
    supplier: str
    quantity: str
    state: str  # offered, accepted, shipped, delivered, withdrawn
    unit_price: str | None = None
    notes: str = ""
    ship_in_days: int = 2  # offered / accepted: expected ship date from today
    shipped_days_ago: int = 1
    carrier: str = ""
    tracking_number: str = ""
    received: str | None = None  # delivered: what the fab counted in
    reason: str = ""  # withdrawn
    carried: DemoShipment | None = None  # accepted, then carried by a logistics member


@dataclass
class DemoRequest:
    fab: str
    site: str  # the site's Chinese name
    category: str
    material: str
    specification: str
    quantity: str
    unit: str
    needed_in_days: int
    days_of_stock: int
    urgency: str
    justification: str
    status: str
    filed_days_ago: int
    un_number: str = ""
    storage: str = "ambient"
    confirmed_days_ago: int | None = None  # when not the day it was filed
    reason: str = ""  # rejected
    close: bool = False  # closed as fulfilled once delivered
    commitments: list[DemoCommitment] = field(default_factory=list)


SF_COLD = "顺丰冷运 SF Cold Chain"
SHUNDA = "顺达危险品物流 Shunda Hazardous Goods Logistics"

REQUESTS = [
    DemoRequest(
        "xmc",
        "武汉新芯 12 英寸厂",
        "gas",
        "二氯二氢硅 Dichlorosilane (SiH2Cl2)",
        "5N (99.999%), 47 L cylinders with DISS 636 valves, for epitaxy",
        "30",
        "cyl",
        needed_in_days=2,
        days_of_stock=1,
        urgency="critical",
        justification="Epitaxy line stops in a day; the usual supplier's trucks are held at the Hubei checkpoints.",
        status=S.APPROVED,
        filed_days_ago=2,
        un_number="UN2189",
        storage="hazmat",
        commitments=[
            DemoCommitment("haoqi-gas", "10", "offered", unit_price="18500.00", ship_in_days=1),
            DemoCommitment(
                "shente-gas", "8", "withdrawn", unit_price="19200.00", reason="Filling line down for maintenance."
            ),
        ],
    ),
    DemoRequest(
        "ymtc",
        "长江存储原材料仓库",
        "gas",
        "六氟化钨 Tungsten hexafluoride (WF6)",
        "6N (99.9999%), 44 L cylinders, for tungsten CVD",
        "40",
        "cyl",
        needed_in_days=4,
        days_of_stock=3,
        urgency="critical",
        justification="Three days of WF6 left for the 3D NAND word-line deposition.",
        status=S.APPROVED,
        filed_days_ago=4,
        un_number="UN2196",
        storage="hazmat",
        commitments=[
            DemoCommitment(
                "haoqi-gas",
                "20",
                "delivered",
                unit_price="26800.00",
                shipped_days_ago=3,
                carrier=SHUNDA,
                tracking_number="SDHG-110037",
                received="18",
                notes="Two cylinders failed the incoming purity check and went back.",
            ),
            DemoCommitment("shente-gas", "12", "accepted", unit_price="27500.00", ship_in_days=2),
            DemoCommitment(
                "haoqi-gas",
                "8",
                "accepted",
                unit_price="26800.00",
                ship_in_days=0,
                notes="The remaining eight cylinders, by Shunda's hazardous-goods truck.",
                carried=DemoShipment(
                    "shunda-logistics",
                    "SDHG-110052",
                    [
                        ("大连 昊气充装站 Dalian filling station", 30, "8 × 44 L cylinders, seals checked."),
                        ("徐州 京沪高速服务区 Xuzhou, G2 service area", 16, "Driver rest; cylinders cool and secured."),
                        ("湖北 孝感防疫检查站 Xiaogan checkpoint, Hubei", 3, "Passed with the emergency supply pass."),
                    ],
                ),
            ),
        ],
    ),
    DemoRequest(
        "ymtc",
        "长江存储一号厂",
        "photoresist",
        "ArF 浸没式光刻胶 ArF immersion photoresist",
        "193 nm immersion, for the channel-hole layers; metal impurities ≤ 10 ppb; 4 L bottles",
        "600",
        "L",
        needed_in_days=3,
        days_of_stock=2,
        urgency="critical",
        justification="Two days of ArF resist on the line; the import batch is stuck in customs in Shanghai.",
        status=S.APPROVED,
        filed_days_ago=3,
        un_number="UN1866",
        storage="cold-chain",
        commitments=[
            DemoCommitment(
                "guanghui-pr",
                "200",
                "shipped",
                unit_price="4200.00",
                shipped_days_ago=1,
                carrier=SF_COLD,
                tracking_number="SF1402938475612",
                notes="Shipped at 5 °C with a temperature logger.",
            ),
        ],
    ),
    DemoRequest(
        "ymtc",
        "长江存储一号厂",
        "wet-chem",
        "电子级硫酸 Electronic-grade sulfuric acid (H2SO4 96%)",
        "SEMI C12 (G5), in 1,000 L IBC totes",
        "20",
        "t",
        needed_in_days=6,
        days_of_stock=5,
        urgency="high",
        justification="Wet benches for post-etch cleaning; five days left at the current loading.",
        status=S.SUBMITTED,
        filed_days_ago=1,
        un_number="UN1830",
        storage="hazmat",
    ),
    DemoRequest(
        "xmc",
        "武汉新芯 12 英寸厂",
        "gas",
        "三氟化硼 Boron trifluoride (BF3)",
        "99.995%, 11B-enriched, ion-implant grade, SDS cylinders",
        "12",
        "cyl",
        needed_in_days=7,
        days_of_stock=4,
        urgency="high",
        justification="Implanters run out in four days.",
        status=S.SUBMITTED,
        filed_days_ago=1,
        un_number="UN1008",
        storage="hazmat",
    ),
    DemoRequest(
        "xmc",
        "武汉新芯 12 英寸厂",
        "wet-chem",
        "电子级氢氟酸 Electronic-grade hydrofluoric acid (HF 49%)",
        "UP-SSS, in 200 L drums",
        "8",
        "t",
        needed_in_days=10,
        days_of_stock=6,
        urgency="high",
        justification="Oxide etch and cleaning; the usual supplier in Jiangsu cannot get a hazmat permit into Wuhan.",
        status=S.APPROVED,
        filed_days_ago=5,
        un_number="UN1790",
        storage="hazmat",
        commitments=[
            DemoCommitment(
                "qingyuan-chem",
                "5",
                "shipped",
                unit_price="9800.00",
                shipped_days_ago=2,
                carrier=SHUNDA,
                tracking_number="SDHG-120112",
            ),
        ],
    ),
    DemoRequest(
        "yanxin-bj",
        "燕芯亦庄厂",
        "target",
        "钛靶 Titanium sputtering target",
        "300 mm, 5N5 (99.9995%), bonded to a CuCr backing plate",
        "20",
        "pcs",
        needed_in_days=9,
        days_of_stock=8,
        urgency="high",
        justification="Barrier-layer PVD; eight days of targets left.",
        status=S.APPROVED,
        filed_days_ago=3,
    ),
    DemoRequest(
        "huaxin-sh",
        "华芯张江厂",
        "gas",
        "三氟化氮 Nitrogen trifluoride (NF3)",
        "99.996%, for chamber cleaning, Y-cylinders",
        "50",
        "cyl",
        needed_in_days=12,
        days_of_stock=10,
        urgency="high",
        justification="Chamber-clean gas for the CVD tools; our importer's shipment slipped two weeks.",
        status=S.SUBMITTED,
        filed_days_ago=2,
        un_number="UN2451",
        storage="hazmat",
    ),
    DemoRequest(
        "yanxin-bj",
        "燕芯亦庄厂",
        "cmp",
        "二氧化铈抛光液 Ceria CMP slurry for STI",
        "Ceria abrasive, 20 L cans; store 5–30 °C, do not freeze",
        "2000",
        "kg",
        needed_in_days=14,
        days_of_stock=12,
        urgency="normal",
        justification="Building a safety stock for shallow-trench isolation.",
        status=S.SUBMITTED,
        filed_days_ago=9,
        confirmed_days_ago=9,  # not re-confirmed since: stale
    ),
    DemoRequest(
        "xixin-wx",
        "锡芯新吴厂",
        "wafer",
        "300 mm 硅抛光片 300 mm prime silicon wafers",
        "P-type <100>, 1–100 Ω·cm, 775 µm, in FOUPs of 25",
        "5000",
        "pcs",
        needed_in_days=25,
        days_of_stock=20,
        urgency="normal",
        justification="Second-quarter plan; the overseas vendor has cut allocations.",
        status=S.APPROVED,
        filed_days_ago=6,
        commitments=[
            DemoCommitment("jingyuan-si", "2000", "offered", unit_price="520.00", ship_in_days=10),
            DemoCommitment("shuxin-mat", "1000", "offered", unit_price="545.00", ship_in_days=14),
        ],
    ),
    DemoRequest(
        "yanxin-bj",
        "燕芯亦庄厂",
        "target",
        "铝铜靶 Aluminium-copper sputtering target (Al-0.5%Cu)",
        "300 mm, 5N, for the metal-1 layer",
        "12",
        "pcs",
        needed_in_days=5,
        days_of_stock=6,
        urgency="high",
        justification="Metal-1 PVD.",
        status=S.APPROVED,
        filed_days_ago=8,
        close=True,
        commitments=[
            DemoCommitment(
                "jinba-target",
                "12",
                "delivered",
                unit_price="16800.00",
                shipped_days_ago=4,
                carrier="德邦物流 Deppon Logistics",
                tracking_number="DPK300045871234",
                received="12",
            ),
        ],
    ),
    DemoRequest(
        "huaxin-sh",
        "华芯张江厂",
        "gas",
        "硅烷 Silane (SiH4)",
        "6N, 440 L Y-cylinders",
        "30",
        "cyl",
        needed_in_days=40,
        days_of_stock=45,
        urgency="normal",
        justification="Topping up stock.",
        status=S.REJECTED,
        filed_days_ago=5,
        un_number="UN2203",
        storage="hazmat",
        reason="45 days of stock is not an emergency: please order through the usual channel. "
        "The alliance queue is for lines at risk of stopping.",
    ),
    DemoRequest(
        "xixin-wx",
        "锡芯新吴厂",
        "wet-chem",
        "电子级异丙醇 Electronic-grade isopropyl alcohol (IPA)",
        "SEMI C12, 200 L drums",
        "6",
        "t",
        needed_in_days=21,
        days_of_stock=15,
        urgency="normal",
        justification="",
        status=S.DRAFT,
        filed_days_ago=0,
        un_number="UN1219",
        storage="hazmat",
    ),
]

# fab -> [(supplier, category)], recorded by the secretariat from the fabs' supplier lists.
QUALIFICATIONS = {
    "ymtc": [
        ("guanghui-pr", "photoresist"),
        ("haoqi-gas", "gas"),
        ("shente-gas", "gas"),
        ("qingyuan-chem", "wet-chem"),
        ("jingyuan-si", "wafer"),
        ("yanmo-cmp", "cmp"),
    ],
    "xmc": [
        ("haoqi-gas", "gas"),
        ("qingyuan-chem", "wet-chem"),
        ("shente-gas", "wet-chem"),
        ("guanghui-pr", "photoresist"),
    ],
    "xixin-wx": [("jingyuan-si", "wafer"), ("shuxin-mat", "wafer")],
    "yanxin-bj": [("jinba-target", "target"), ("yanmo-cmp", "cmp")],
    "huaxin-sh": [("shente-gas", "gas")],
}

# (supplier, category, per week, unit, lead time in days, notes, days since confirmed)
CAPACITIES = [
    ("guanghui-pr", "photoresist", "300", "L", 5, "ArF and KrF resists; cold-chain shipping from Suzhou", 1),
    ("haoqi-gas", "gas", "80", "cyl", 3, "WF6, DCS, BF3, NF3; hazmat trucks with Hubei permits", 2),
    ("shente-gas", "gas", "40", "cyl", 2, "", 3),
    ("shente-gas", "wet-chem", "10", "t", 4, "HF and H2SO4 only", 3),
    ("qingyuan-chem", "wet-chem", "30", "t", 3, "G4/G5 acids and solvents", 1),
    ("jingyuan-si", "wafer", "20000", "pcs", 10, "300 mm prime and test wafers", 5),
    ("shuxin-mat", "wafer", "5000", "pcs", 14, "", 6),
    ("jinba-target", "target", "60", "pcs", 14, "Ti, Ta, Al-Cu, Cu", 4),
    ("yanmo-cmp", "cmp", "5000", "kg", 7, "Ceria and silica slurries", 20),  # stale
    ("qianqu-precursor", "precursor", "200", "kg", 10, "", 16),  # stale
]

# Demo logins of seed_demo (members), by organisation, to act as; organisations without one act without a person.
LOGINS = {"ymtc": "ymtc-admin", "xmc": "xmc-admin", "guanghui-pr": "supplier-admin", "haoqi-gas": "gas-admin"}
