"""The demo data set behind `hotline seed-demo` and a first `hotline chat`: synthetic, realistic, repeatable."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.case_lookup.catalogue import Catalogue
from bot.case_lookup.ingest import add_event, upsert_case
from bot.case_lookup.passwords import hash_password
from bot.case_lookup.payloads import CasePayload, EventPayload
from bot.config import Settings
from bot.identity.id_number import id_check_digit
from bot.identity.uscc import org_code_check_char, uscc_check_char
from bot.storage.db import Database
from bot.storage.models import Case, StaffAccount, StaffMember

if TYPE_CHECKING:
    from bot.courts.directory import CourtDirectory
    from bot.hotline import Hotline

SEED = 12368
PASSWORD_CHARS = "abcdefghjkmnpqrstuvwxyz23456789"
FIRST_FILING = date(2023, 3, 1)
FILING_SPAN_DAYS = 600  # the last filing is in late 2024, so every event lies well in the past
ZONE = "Asia/Shanghai"

# (code, name, telephone area code); names are taken from the court directory when one is loaded.
COURTS = (
    ("浙0102", "杭州市上城区人民法院", "0571"),
    ("浙0106", "杭州市西湖区人民法院", "0571"),
    ("浙0110", "杭州市余杭区人民法院", "0571"),
    ("浙0203", "宁波市海曙区人民法院", "0574"),
    ("浙0212", "宁波市鄞州区人民法院", "0574"),
    ("浙0302", "温州市鹿城区人民法院", "0577"),
    ("浙01", "浙江省杭州市中级人民法院", "0571"),
    ("浙02", "浙江省宁波市中级人民法院", "0574"),
    ("浙", "浙江省高级人民法院", "0571"),
)
# Where the demo parties' ID numbers and credit codes are registered: a county near each court.
REGIONS = {"浙0102": "330102", "浙0106": "330106", "浙0110": "330110", "浙0203": "330203"}
REGIONS |= {"浙0212": "330212", "浙0302": "330302", "浙01": "330105", "浙02": "330205", "浙": "330108"}
BASIC, INTERMEDIATE = [c[0] for c in COURTS[:6]], ["浙01", "浙02"]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰晨浩宇欣怡"
FIRMS = ("恒达", "兴隆", "瑞丰", "宏远", "嘉禾", "金鼎", "华泰", "永信", "天越", "博源", "锦程", "汇通")
TRADES = ("建材", "贸易", "建设工程", "纺织", "电子科技", "餐饮管理", "物流", "房地产开发", "机械制造")
CAUSES: tuple[str, ...] = (
    "民间借贷纠纷",
    "买卖合同纠纷",
    "金融借款合同纠纷",
    "建设工程施工合同纠纷",
    "劳动争议",
)
CAUSES += ("机动车交通事故责任纠纷", "房屋租赁合同纠纷", "服务合同纠纷", "离婚后财产纠纷")
BANKS = ("中国工商银行", "中国农业银行", "中国建设银行", "中国银行", "浙江农商银行", "杭州银行", "宁波银行")
MOBILE_PREFIXES = ("138", "139", "137", "135", "150", "151", "158", "187", "188", "189", "177", "199")

# How cases of each kind unfold: the event kinds in order. Together they use every kind in the catalogue.
SCENARIOS: dict[str, tuple[str, ...]] = {
    "voluntary": ("network_search_result", "money_received", "money_paid_out", "closed_voluntary"),
    "auction": (
        "network_search_result", "report_order", "property_sealed", "valuation", "auction_commissioned",
        "auction_announced", "auction_result", "ruling_issued", "money_received", "distribution_plan",
        "money_paid_out", "closed_enforced",
    ),
    "settlement": ("network_search_result", "property_frozen", "money_received", "closed_settlement"),
    "terminated_round": (
        "network_search_result", "report_order", "traditional_search_done", "consumption_restricted",
        "dishonest_listed", "exit_restricted", "reward_notice", "closed_terminated_round",
    ),
    "measures": (
        "network_search_result", "report_order", "property_frozen", "property_seized",
        "consumption_restricted", "fined", "detained",
    ),
    "suspended": ("network_search_result", "party_changed", "suspended"),
    "resumed": ("network_search_result", "property_sealed", "suspended", "resumed", "valuation"),
    "deferred": ("network_search_result", "property_sealed", "deferred"),
    "terminated": ("network_search_result", "terminated"),
    "not_enforced": ("ruling_issued", "not_enforced"),
    "in_kind": (
        "staff_changed", "court_changed", "property_sealed", "valuation", "auction_announced",
        "auction_result", "debt_in_kind", "ruling_issued", "closed_enforced",
    ),
    "sale": ("network_search_result", "property_seized", "valuation", "auction_result", "sale", "money_received"),
    "delisted": (
        "network_search_result", "consumption_restricted", "dishonest_listed", "money_received",
        "money_paid_out", "dishonest_removed", "closed_voluntary",
    ),
    "busy": (
        "network_search_result", "report_order", "property_frozen", "property_frozen", "property_frozen",
        "property_sealed", "network_search_result", "property_frozen", "consumption_restricted",
        "dishonest_listed", "fined", "money_received", "money_received",
    ),
    "preservation": ("network_search_result", "property_frozen", "property_sealed"),
    "preserved": ("property_frozen", "closed_enforced"),
}  # fmt: skip
# Objection (执异), review (执复) and supervision (执监) cases end in a decision, or are withdrawn.
DECISIONS = {"执异": "objection_decided", "执复": "review_decided", "执监": "ruling_issued"}
CLOSINGS = {
    "closed_voluntary", "closed_enforced", "closed_settlement", "closed_terminated_round", "terminated",
    "not_enforced",
}  # fmt: skip
CENTS = Decimal("0.01")
SHARES = (Decimal("0.05"), Decimal("0.12"), Decimal("0.3"), Decimal("0.45"))
CITIES = {"浙01": "杭州市", "浙02": "宁波市", "浙03": "温州市", "浙": "杭州市"}
FINDINGS = ("冻结存款若干元", "未发现可供执行的财产", "查到车辆一辆、存款若干元")
RULINGS = ("确认拍卖成交，标的物所有权自裁定送达买受人时转移", "解除对被执行人部分财产的冻结")
STATUS_OF = {"suspended": "suspended", "deferred": "deferred"}

TEMPLATES = {
    "case_filed": "本院立案执行。申请执行人{applicant}申请执行{basis}，执行标的{amount}元；申请执行人联系电话{applicant_phone}。",
    "case_resumed": "经申请执行人{applicant}申请，本院恢复执行立案，原案为{origin}。",
    "judge_assigned": "确定{judge}为本案承办人，办公电话{judge_phone}。",
    "panel_formed": "组成合议庭审查，由{judge}担任审判长，{member1}、{member2}参加。",
    "staff_changed": "因工作调整，本案承办人由{old_judge}变更为{judge}，办公电话{judge_phone}。",
    "court_changed": "经上级法院指定执行，本案由{court}执行。",
    "party_changed": "申请执行人{former}将债权转让，裁定变更{applicant}为申请执行人。",
    "network_search_result": "通过网络执行查控系统查询被执行人{respondent}名下存款、车辆、不动产、证券等财产：{found}。",
    "traditional_search_done": "执行人员赴不动产登记、市场监管等部门调查被执行人财产，未发现其他可供执行的财产。",
    "report_order": "向被执行人{respondent}（{respondent_id}）送达执行通知书、报告财产令。",
    "property_frozen": "冻结被执行人{respondent}在{bank}的存款{part}元，冻结期限一年。",
    "property_sealed": "查封被执行人{respondent}名下位于{place}的房产一套，查封期限三年。",
    "property_seized": "扣押被执行人{respondent}名下小型轿车一辆。",
    "reward_notice": "根据申请执行人申请发布悬赏公告，悬赏金为实际执行到位金额的{percent}%。",
    "consumption_restricted": "对被执行人{respondent}采取限制消费措施。",
    "exit_restricted": "决定限制被执行人{respondent}出境。",
    "fined": "被执行人{respondent}拒不报告财产，决定罚款{fine}元。",
    "detained": "被执行人{respondent}拒不履行生效法律文书，决定司法拘留十五日。",
    "dishonest_listed": "将被执行人{respondent}纳入失信被执行人名单。",
    "dishonest_removed": "被执行人已履行全部义务，删除其失信信息。",
    "valuation": "经当事人议价不成，通过询价确定{place}房产的处置参考价为{price}元。",
    "auction_commissioned": "委托网络司法拍卖平台拍卖{place}房产。",
    "auction_announced": "在网络司法拍卖平台发布{place}房产拍卖公告，起拍价{start_price}元。",
    "auction_result": "{place}房产第一次拍卖成交，成交价{price}元。",
    "sale": "扣押车辆两次拍卖流拍，依法变卖成交，变卖价{part}元。",
    "debt_in_kind": "拍卖流拍后，经申请执行人同意，将{place}房产作价{price}元交付申请执行人抵偿债务。",
    "ruling_issued": "作出执行裁定：{ruling}。",
    "objection_decided": "对异议人{objector}提出的执行异议审查终结，裁定驳回异议请求。",
    "review_decided": "对复议申请人{objector}的复议申请审查终结，裁定驳回复议申请，维持原裁定。",
    "money_received": "收到执行款{paid}元。",
    "money_paid_out": "向申请执行人{applicant}发放执行款{paid}元。",
    "distribution_plan": "制作财产分配方案，已送达各债权人和被执行人。",
    "deferred": "经申请执行人同意并由被执行人提供担保，决定暂缓执行三个月。",
    "suspended": "因案外人对执行标的提出异议，中止执行。",
    "resumed": "中止执行的情形已消失，恢复执行。",
    "not_enforced": "经审查，裁定对该仲裁裁决不予执行，本案结案。",
    "closed_settlement": "双方当事人达成执行和解协议并已履行完毕，本案结案。",
    "closed_voluntary": "被执行人已自动履行全部义务，本案执行完毕。",
    "closed_enforced": "执行标的已全部执行到位，本案执行完毕。",
    "closed_terminated_round": (
        "经财产调查，未发现被执行人有可供执行的财产，已告知申请执行人并听取其意见，终结本次执行程序。"
        "申请执行人发现被执行人有可供执行财产的，可以申请恢复执行。"
    ),
    "terminated": "申请执行人{applicant}撤回执行申请，裁定终结执行。",
}


@dataclass(frozen=True)
class DemoCase:
    case_no: str
    password: str
    court: str
    case_type: str
    status: str
    closing_type: str | None = None


@dataclass(frozen=True)
class DemoStaff:
    login: str
    password: str
    role: str
    name: str


@dataclass(frozen=True)
class DemoSet:
    cases: tuple[DemoCase, ...]
    staff: tuple[DemoStaff, ...]
    inserted: int = 0  # cases new to the database in this run (0 on a repeat run)

    def as_json(self) -> dict[str, list[dict[str, Any]]]:
        cases: list[dict[str, Any]] = [
            {"case_no": c.case_no, "password": c.password, "court": c.court, "case_type": c.case_type}
            | {"status": c.status, "closing_type": c.closing_type}
            for c in self.cases
        ]
        staff = [
            {"login": s.login, "password": s.password, "role": s.role, "name": s.name} for s in self.staff
        ]
        return {"cases": cases, "staff": staff}


@dataclass
class _Planned:
    case_no: str
    payload: dict[str, Any]
    events: list[dict[str, Any]]
    demo: DemoCase


@dataclass
class _Planner:
    """Draws every synthetic fact from one seeded generator, in a fixed order, so each run is identical."""

    rng: random.Random
    names: dict[str, str]
    catalogue: Catalogue
    used_numbers: set[str] = field(default_factory=set)
    staff: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2))))

    def id_number(self, region: str) -> str:
        born = date(1960, 1, 1) + timedelta(days=self.rng.randrange(365 * 40))
        body = f"{region}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
        return body + id_check_digit(body)

    def uscc(self, region: str) -> str:
        org = f"{self.rng.randrange(10**8):08d}"
        body = f"91{region}{org}{org_code_check_char(org)}"
        return body + uscc_check_char(body)

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def party(self, role: str, court: str, organisation: bool) -> dict[str, Any]:
        region = REGIONS[court]
        if organisation:
            name = f"{self.names[court][:2]}{self.rng.choice(FIRMS)}{self.rng.choice(TRADES)}有限公司"
            return {"role": role, "kind": "organisation", "name": name, "id_number": self.uscc(region)}
        return {"role": role, "kind": "person", "name": self.person(), "id_number": self.id_number(region)}

    def court_staff(self, court: str, area: str) -> list[dict[str, str]]:
        if court not in self.staff:
            people = []
            for n, title in enumerate(("审判员", "审判员", "审判员", "书记员"), 1):
                phone = f"{area}-8{self.rng.randrange(10**6, 10**7)}"
                staff_no = f"DEMO-{court}-{n:02d}"
                people.append(
                    {"staff_no": staff_no, "name": self.person(), "title": title, "office_phone": phone}
                )
            self.staff[court] = people
        return self.staff[court]

    def case_no(self, year: int, court: str, case_type: str) -> str:
        while True:
            number = f"({year}){court}{case_type}{self.rng.randrange(1, 3000)}号"
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    def plan(self, court: str, area: str, case_type: str, scenario: str, index: int) -> _Planned:
        rng = self.rng
        filed = FIRST_FILING + timedelta(days=rng.randrange(FILING_SPAN_DAYS))
        case_no = self.case_no(filed.year, court, case_type)
        amount = Decimal(rng.randrange(8, 3000) * 1000 + rng.choice((0, 0, 350, 1280))).quantize(CENTS)
        review = case_type in DECISIONS
        applicant = self.party("applicant", court, organisation=index % 3 == 0) | {"phone": self.mobile()}
        respondent = self.party("respondent", court, organisation=index % 4 == 1) | {"phone": self.mobile()}
        parties = [applicant, respondent]
        if case_type == "执异":
            parties.append(self.party("outsider", court, organisation=False))
        kinds = ["case_resumed" if case_type == "执恢" else "case_filed"]
        kinds.append("panel_formed" if review else "judge_assigned")
        if not review:
            kinds.extend(SCENARIOS[scenario])
        elif scenario == "rejected":
            kinds.append(DECISIONS[case_type])
        moments = self._moments(filed, kinds)
        judges = self.court_staff(court, area)
        team = [judges[(index + n) % 3] for n in range(3)]
        changed = moments[kinds.index("staff_changed")].date() if "staff_changed" in kinds else None
        closing = (
            scenario
            if scenario in ("rejected", "withdrawn")
            else next((kind for kind in kinds if kind in CLOSINGS), None)
        )
        facts = self._facts(court, case_type, filed, amount, parties, team)
        # A case done by performance received the whole amount; the others part of it.
        facts["paid"] = (
            f"{amount if closing in ('closed_voluntary', 'closed_enforced') else amount * 4 / 10:,.2f}"
        )
        events = []
        for n, (kind, moment) in enumerate(zip(kinds, moments, strict=True), 1):
            # Each freezing names its own bank and sum.
            varied = facts | {"bank": rng.choice(BANKS), "part": f"{amount * rng.choice(SHARES):,.2f}"}
            summary = TEMPLATES[kind].format(**varied)
            events.append(
                {"event_id": f"demo:{case_no}:{n}", "kind": kind, "occurred_at": moment.isoformat()}
            )
            events[-1]["summary"] = summary
        status = "closed" if closing else STATUS_OF.get(kinds[-1], "open")
        payload: dict[str, Any] = {
            "court_name": self.names[court],
            "filed_on": filed.isoformat(),
            "amount": None if review else str(amount),
            "cause": "执行异议" if case_type == "执异" else rng.choice(CAUSES),
            "basis_document": "" if review else facts["basis"],
            "status": status,
            "closing_type": closing,
            "closed_on": moments[-1].date().isoformat() if closing else None,
            "password": "".join(rng.choices(PASSWORD_CHARS, k=8)),
            "parties": parties,
            "staff": _assignments(team, judges[3], filed, changed, review),
        }
        demo = DemoCase(case_no, payload["password"], self.names[court], case_type, status, closing)
        return _Planned(case_no, payload, events, demo)

    def _facts(
        self,
        court: str,
        case_type: str,
        filed: date,
        amount: Decimal,
        parties: list[dict[str, Any]],
        team: list[dict[str, str]],
    ) -> dict[str, Any]:
        """What the event summaries say, all drawn here so that every summary of a case agrees."""
        rng, (applicant, respondent) = self.rng, parties[:2]
        basis_type, basis_name = ("财保", "民事裁定书") if case_type == "执保" else ("民初", "民事判决书")
        id_label = "身份证号" if respondent["kind"] == "person" else "统一社会信用代码"
        return {
            "applicant": applicant["name"], "applicant_phone": applicant["phone"],
            "respondent": respondent["name"], "respondent_id": id_label + respondent["id_number"],
            "judge": team[0]["name"], "judge_phone": team[0]["office_phone"],
            "old_judge": team[1]["name"], "member1": team[1]["name"], "member2": team[2]["name"],
            "court": self.names[court], "amount": f"{amount:,.2f}",
            "price": f"{amount * Decimal('1.1'):,.2f}", "start_price": f"{amount * Decimal('0.9'):,.2f}",
            "fine": f"{rng.choice((10000, 20000, 50000)):,}", "percent": rng.choice((10, 15, 20)),
            "place": f"{CITIES[court[:3]]}某小区{rng.randrange(1, 30)}幢",
            "former": self.person(), "objector": parties[-1]["name"],
            "origin": f"({filed.year - 1}){court}执{rng.randrange(1, 3000)}号",
            "basis": f"({filed.year - 1}){court}{basis_type}{rng.randrange(100, 9000)}号{basis_name}",
            "found": rng.choice(FINDINGS),
            "ruling": "驳回申诉人的申诉请求" if case_type == "执监" else rng.choice(RULINGS),
        }  # fmt: skip

    def _moments(self, filed: date, kinds: list[str]) -> list[datetime]:
        zone = ZoneInfo(ZONE)
        day, moments = filed, []
        for n, kind in enumerate(kinds):
            day += timedelta(days=0 if n == 0 else self.rng.randrange(3, 25))
            if kind == "closed_terminated_round":
                # 终本 may not come earlier than three months after filing.
                day = max(day, filed + timedelta(days=100))
            clock = time(self.rng.randrange(9, 17), self.rng.randrange(60))
            moments.append(datetime.combine(day, clock, zone))
        return moments


def _assignments(
    team: list[dict[str, str]], clerk: dict[str, str], filed: date, changed: date | None, review: bool
) -> list[dict[str, Any]]:
    """承办人 (and on a change, the one before), the panel of a review case, and the clerk."""
    start = filed.isoformat()
    staff: list[dict[str, Any]] = [{**team[0], "role": "presiding", "assigned_on": start}]
    if changed is not None:
        before = {**team[1], "role": "presiding", "assigned_on": start, "ended_on": changed.isoformat()}
        staff = [before, {**team[0], "role": "presiding", "assigned_on": changed.isoformat()}]
    if review:
        staff += [{**member, "role": "panel", "assigned_on": start} for member in team[1:]]
    return [*staff, {**clerk, "role": "clerk", "assigned_on": start}]


def plan_demo(catalogue: Catalogue, courts: CourtDirectory | None = None) -> list[_Planned]:
    """The whole demo set, computed without touching the database; the same on every run."""
    names: dict[str, str] = {}
    areas: dict[str, str] = {}
    for code, name, area in COURTS:
        known = courts.by_code(code) if courts is not None else None
        names[code], areas[code] = (known.name if known else name), area
    planner = _Planner(random.Random(SEED), names, catalogue)
    specs: list[tuple[str, str, str]] = []
    order = list(SCENARIOS)
    specs += [(BASIC[i % 6], "执", order[i % len(order)]) for i in range(42)]
    specs += [("浙01", "执", "auction"), ("浙02", "执", "busy")]
    specs += [(BASIC[i % 6], "执恢", ("sale", "voluntary", "measures", "auction")[i % 4]) for i in range(8)]
    specs += [(BASIC[i % 6], "执保", ("preservation", "preserved")[i % 2]) for i in range(6)]
    specs += [(BASIC[i % 6], "执异", ("rejected", "withdrawn", "open")[i % 3]) for i in range(6)]
    specs += [(INTERMEDIATE[i % 2], "执复", ("rejected", "open", "rejected")[i]) for i in range(3)]
    specs += [("浙", "执监", "rejected"), ("浙01", "执监", "withdrawn")]
    return [
        planner.plan(court, areas[court], kind, scenario, i)
        for i, (court, kind, scenario) in enumerate(specs)
    ]


def seed_demo(
    db: Database, settings: Settings, catalogue: Catalogue, courts: CourtDirectory | None = None
) -> DemoSet:
    """Write the demo set through the same ingest path as the management system; a rerun changes nothing."""
    planned = plan_demo(catalogue, courts)
    inserted = 0
    with db.transaction() as session:
        for item in planned:
            payload = CasePayload.model_validate(item.payload, context={"catalogue": catalogue})
            outcome = upsert_case(
                session, item.case_no, payload, settings, catalogue=catalogue, courts=courts
            )
            inserted += outcome == "inserted"
            session.flush()
            for event in item.events:
                add_event(session, item.case_no, EventPayload.model_validate(event), catalogue)
        staff = _seed_accounts(session, settings)
    return DemoSet(tuple(item.demo for item in planned), staff, inserted)


# Staff console logins: (login, role, name or the staff_no of the judge it belongs to, court).
ACCOUNTS = (
    ("operator", "operator", "话务员（演示）", None),
    ("judge1", "judge", "DEMO-浙0102-01", "浙0102"),
    ("judge2", "judge", "DEMO-浙0106-01", "浙0106"),
    ("admin", "admin", "管理员（演示）", None),
)


def _seed_accounts(session: Any, settings: Settings) -> tuple[DemoStaff, ...]:
    rng = random.Random(SEED + 1)
    seeded = []
    for login, role, who, court in ACCOUNTS:
        password = "".join(rng.choices(PASSWORD_CHARS, k=10))
        member = session.scalar(select(StaffMember).where(StaffMember.staff_no == who)) if court else None
        name = member.name if member is not None else who
        account = session.scalar(select(StaffAccount).where(StaffAccount.login == login))
        if account is None:
            account = StaffAccount(login=login)
            session.add(account)
        account.password_hash = hash_password(password, settings)
        account.role, account.name, account.court_code = role, name, court
        account.staff_member_id = member.id if member is not None else None
        account.active = True
        seeded.append(DemoStaff(login, password, role, name))
    return tuple(seeded)


def ensure_demo(hotline: Hotline) -> DemoSet | None:
    """Seed the demo set when the database holds no case at all (a first `hotline chat`)."""
    with hotline.db.transaction() as session:
        if session.scalar(select(func.count(Case.id))):
            return None
    catalogue = hotline.services.catalogue
    if catalogue is None:
        return None
    return seed_demo(hotline.db, hotline.settings, catalogue, hotline.services.courts)


def format_demo(demo: DemoSet, catalogue: Catalogue | None = None) -> str:
    """The demo cases and logins as two plain-text tables, for a terminal."""
    statuses = catalogue.statuses if catalogue else {}
    closings = catalogue.closing_types if catalogue else {}

    def status(case: DemoCase) -> str:
        label = statuses.get(case.status, case.status)
        return (
            f"{label}（{closings.get(case.closing_type, case.closing_type)}）" if case.closing_type else label
        )

    cases = [(c.case_no, c.password, c.court, c.case_type, status(c)) for c in demo.cases]
    staff = [(s.login, s.password, s.role, s.name) for s in demo.staff]
    return "\n".join(
        [
            f"演示案件 {len(demo.cases)} 件（本次新增 {demo.inserted} 件）：",
            _table(("案号", "查询密码", "执行法院", "类型", "状态"), cases),
            "",
            "工作台演示账号：",
            _table(("登录名", "密码", "角色", "姓名"), staff),
        ]
    )


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(_width(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = []
    for row in (header, tuple("-" * w for w in widths), *rows):
        cells = [cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
