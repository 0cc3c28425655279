"""Synthetic list entries and notices for the demo, tests and the benchmark: made-up names, checksum-valid IDs."""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.identity.id_number import id_check_digit
from bot.identity.uscc import USCC_CHARS, org_code_check_char, uscc_check_char


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严戴孔汤应楼虞"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红飞鹏辉建国晨浩宇欣怡俊嘉琪志海燕丹凤雪梅文斌春立新林峰亮波"
TRADE_NAMES = _words(
    "恒盛 永泰 鼎新 华瑞 金帆 宏达 瑞丰 兴业 广源 鑫源 博远 中联 天成 汇通 新锐 嘉禾 正元 东升 凯达 隆昌 精诚 信诺 荣华 万通 长青 明辉 德润 盛世 联创 卓越"
)
INDUSTRIES = _words(
    "贸易 建材 纺织 电子科技 餐饮管理 建筑工程 物流 服装 机械制造 五金 房地产开发 投资管理 网络科技 汽车销售 装饰工程 食品 印染 家具 化工 光电"
)
CITIES = _words("杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 义乌 慈溪 乐清 诸暨")
FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司")
# The six situations of the SPC provisions on publishing the list of dishonest debtors (2017 revision), art. 1.
CONDUCTS = (
    "有履行能力而拒不履行生效法律文书确定义务",
    "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
    "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行",
    "违反财产报告制度",
    "违反限制消费令",
    "无正当理由拒不履行执行和解协议",
)
CAUSES = (
    "民间借贷纠纷",
    "买卖合同纠纷",
    "金融借款合同纠纷",
    "建设工程施工合同纠纷",
    "租赁合同纠纷",
    "劳动争议",
)
REMOVAL_REASONS = ("被执行人已全部履行", "申请执行人申请删除", "执行和解协议已履行完毕", "公布期限届满")
KIND_PREFIX = {
    "unfinished": "BZX",
    "dishonest": "SX",
    "exit_ban": "XCJ",
    "bidding_ban": "XZB",
    "consumption_ban": "XG",
}
# What measures a debtor of an enforcement case typically carries, as (probability, kind).
MEASURES = ((0.9, "unfinished"), (0.6, "consumption_ban"), (0.35, "dishonest"), (0.05, "exit_ban"))


@dataclass(frozen=True)
class Court:
    code: str  # 浙0106
    name: str

    @property
    def region(self) -> str:
        """The six-digit administrative code of a basic court's county (浙0106 → 330106)."""
        return "33" + self.code[1:] if len(self.code) == 5 else "330100"


def id_number(rng: random.Random, region: str, born_from: int = 1955, born_to: int = 2000) -> str:
    born = date(born_from, 1, 1) + timedelta(days=rng.randrange((born_to - born_from) * 365))
    first17 = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_digit(first17)


def credit_code(rng: random.Random, region: str) -> str:
    """A company's code: 9 (market regulator), 1 (company), region, organisation code, check character."""
    org8 = "".join(rng.choice(USCC_CHARS) for _ in range(8))
    first17 = f"91{region}{org8}{org_code_check_char(org8)}"
    return first17 + uscc_check_char(first17)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def organisation_name(rng: random.Random) -> str:
    trade = rng.choice(TRADE_NAMES) + rng.choice(TRADE_NAMES[::-1])
    return f"{rng.choice(CITIES)}{trade}{rng.choice(INDUSTRIES)}{rng.choice(FORMS)}"


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def subject_entries(
    rng: random.Random, courts: Sequence[Court], serial: int, last_day: date = date(2025, 6, 30)
) -> Iterator[dict[str, Any]]:
    """The entries of one debtor in one enforcement case: import lines {"kind", "id", …fields}."""
    court = rng.choice(courts)
    organisation = rng.random() < 0.3
    if organisation:
        subject: dict[str, Any] = {
            "subject_type": "organisation",
            "name": organisation_name(rng),
            "id_number": credit_code(rng, court.region),
            "legal_representative": person_name(rng),
        }
    else:
        subject = {
            "subject_type": "person",
            "name": person_name(rng),
            "id_number": id_number(rng, court.region),
        }
    filed = _day(rng, date(2018, 1, 1), last_day - timedelta(days=120))
    case_no = f"({filed.year}){court.code}执{rng.randrange(1, 30000)}号"
    amount = rng.randrange(5_000, 5_000_000 if organisation else 800_000)
    basis = f"({filed.year - 1}){court.code}民初{rng.randrange(1, 20000)}号"
    cause = rng.choice(CAUSES)
    common = {
        **subject,
        "case_no": case_no,
        "court_name": court.name,
        "filed_on": filed.isoformat(),
        "basis_document": basis,
        "basis_issuer": court.name,
        "obligation": f"（{cause}）被执行人于判决生效之日起十日内支付申请执行人款项{amount}元及相应利息，并负担案件受理费。",
        "amount": f"{amount}.00",
    }
    kinds = [kind for chance, kind in MEASURES if rng.random() < chance] or ["unfinished"]
    if organisation and rng.random() < 0.3:
        kinds.append("bidding_ban")
    for number, kind in enumerate(kinds, 1):
        published = _day(rng, filed + timedelta(days=30), min(filed + timedelta(days=400), last_day))
        entry = {
            "kind": kind,
            "id": f"{KIND_PREFIX[kind]}-{court.code[1:]}-{filed.year}-{serial:07d}-{number}",
            **common,
            "published_on": published.isoformat(),
        }
        if kind == "dishonest":
            entry["conduct"] = rng.choice(CONDUCTS)
            entry["performance"] = "partial" if rng.random() < 0.2 else "none"
        if rng.random() < 0.05:
            entry["removed_on"] = _day(rng, published, last_day).isoformat()
            entry["removal_reason"] = rng.choice(REMOVAL_REASONS)
        yield entry


def notices(
    rng: random.Random, courts: Sequence[Court], count: int, last_day: date
) -> Iterator[dict[str, Any]]:
    """Reward and auction notices with links in the shape the publishing sites use (demo only)."""
    for serial in range(1, count + 1):
        court = rng.choice(courts)
        published = _day(rng, last_day - timedelta(days=180), last_day)
        case_no = f"({published.year - 1}){court.code}执{rng.randrange(1, 30000)}号"
        if rng.random() < 0.4:
            debtor = person_name(rng)
            yield {
                "kind": "reward",
                "id": f"XS-{court.code[1:]}-{serial:05d}",
                "title": f"关于悬赏查找被执行人{debtor}财产线索的公告",
                "url": f"https://www.zjcourt.cn/art/{published:%Y/%m/%d}/art_{rng.randrange(10**6, 10**7)}.html",
                "court_code": court.code,
                "court_name": court.name,
                "case_no": case_no,
                "summary": f"提供被执行人{debtor}可供执行财产线索并经查证属实的，按实际执行到位金额的一定比例给予悬赏金。",
                "published_on": published.isoformat(),
                "ends_on": (published + timedelta(days=180)).isoformat(),
            }
        else:
            item = rng.choice(("住宅", "商铺", "小型普通客车", "厂房及土地使用权", "股权"))
            yield {
                "kind": "auction",
                "id": f"PM-{court.code[1:]}-{serial:05d}",
                "title": f"{court.name}关于网络司法拍卖{item}的公告（第一次拍卖）",
                "url": f"https://sf-item.taobao.com/sf_item/{rng.randrange(10**11, 10**12)}.htm",
                "court_code": court.code,
                "court_name": court.name,
                "case_no": case_no,
                "summary": f"本院将在淘宝网司法拍卖网络平台公开拍卖被执行人名下{item}，起拍价以评估价为基础确定。",
                "published_on": published.isoformat(),
                "ends_on": (published + timedelta(days=30)).isoformat(),
            }


def demo_lines(
    directory_path: str, seed: int = 12368, subjects: int = 30, notice_count: int = 12
) -> Iterator[str]:
    """The demo set of data/demo_lists.jsonl: python -m bot.public_lists.synthetic data/courts.yaml."""
    from bot.courts.directory import CourtDirectory

    directory = CourtDirectory.load(Path(directory_path))
    courts = [Court(c.code, c.name) for c in directory.all() if c.level == "基层"]
    rng = random.Random(seed)
    for serial in range(1, subjects + 1):
        for entry in subject_entries(rng, courts, serial):
            yield json.dumps(entry, ensure_ascii=False)
    for notice in notices(rng, courts, notice_count, date(2025, 6, 30)):
        yield json.dumps(notice, ensure_ascii=False)


if __name__ == "__main__":
    for line in demo_lines(sys.argv[1] if len(sys.argv) > 1 else "data/courts.yaml"):
        print(line)
