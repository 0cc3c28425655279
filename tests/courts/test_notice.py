"""The 《法院强制执行须知》: seven sections of §3.1, each one message, each with its legal basis."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from bot.courts.notice import MAX_MESSAGE_CHARS, Notice, NoticeDataError, load_notice

NOTICE_YAML = Path(__file__).resolve().parents[2] / "data" / "notice.yaml"
# §3.1 of the disclosure rules, in its order.
TITLES = (
    "执行案件的立案标准",
    "当事人的权利和义务",
    "限制高消费制度",
    "财产报告制度",
    "失信被执行人名单制度",
    "可能存在的执行风险",
    "执行申请费及其他执行费用收取的标准和依据",
)


@pytest.fixture(scope="module")
def notice() -> Notice:
    return load_notice(NOTICE_YAML)


def test_the_seven_sections_of_the_rules_in_order(notice: Notice) -> None:
    assert notice.title == "法院强制执行须知"
    assert tuple(s.title for s in notice.sections) == TITLES
    assert len({s.id for s in notice.sections}) == 7


def test_each_section_fits_one_message_and_names_its_basis(notice: Notice) -> None:
    for section in notice.sections:
        assert len(section.message()) <= MAX_MESSAGE_CHARS == 600, section.id
        assert section.message().startswith(f"【{section.title}】")
        assert section.basis and all(b.startswith("《") for b in section.basis), section.id


def test_civil_procedure_articles_cited_are_the_2023_numbers(notice: Notice) -> None:
    # Checked against the 2023 text: 235 jurisdiction, 236 objection, 238 third party, 250 time limit,
    # 252 property report, 266 exit restriction / credit record. Older editions number them lower.
    verified = {"二百三十五", "二百三十六", "二百三十八", "二百五十", "二百五十二", "二百六十六"}
    for section in notice.sections:
        for basis in section.basis:
            if basis.startswith("《中华人民共和国民事诉讼法》"):
                assert set(re.findall(r"第([一二三四五六七八九十百]+)条", basis)) <= verified, basis


def test_section_by_id(notice: Notice) -> None:
    assert notice.section("dishonest-list").title == "失信被执行人名单制度"
    with pytest.raises(KeyError):
        notice.section("no-such-section")


@pytest.mark.parametrize(
    ("section_id", "facts"),
    [
        ("filing", ("二年", "最后一期履行期限届满之日", "生效")),
        ("rights-duties", ("十五日", "十日", "复议", "书面异议")),
        ("consumption-restriction", ("G字头", "实际控制人", "高收费私立学校")),
        ("property-report", ("前一年", "十日内补充报告", "罚款、拘留")),
        ("dishonest-list", ("二年", "一至三年", "三个工作日")),
        ("risks", ("终结本次执行程序", "不受申请执行期间的限制")),
        ("fees", ("50元", "1.5%", "0.1%", "执行后交纳", "被执行人负担")),
    ],
)
def test_sections_state_the_rules_people_ask_about(
    notice: Notice, section_id: str, facts: tuple[str, ...]
) -> None:
    text = notice.section(section_id).text
    for fact in facts:
        assert fact in text, fact


def _application_fee(amount: Decimal) -> Decimal:
    """Measures on the Payment of Litigation Costs, art. 14: the fee grows by bands."""
    bands = [(Decimal(500_000), Decimal("0.015")), (Decimal(5_000_000), Decimal("0.01"))]
    bands += [(Decimal(10_000_000), Decimal("0.005")), (Decimal("Infinity"), Decimal("0.001"))]
    fee, lower = Decimal(50), Decimal(10_000)
    for upper, rate in bands:
        if amount > lower:
            fee += (min(amount, upper) - lower) * rate
        lower = upper
    return fee


def test_the_worked_fee_example_is_right(notice: Notice) -> None:
    match = re.search(r"执行金额(\d+)万元：.*＝(\d+)元", notice.section("fees").text)
    assert match is not None
    assert _application_fee(Decimal(match.group(1)) * 10_000) == Decimal(match.group(2))


def _write(tmp_path: Path, sections: str) -> Path:
    path = tmp_path / "notice.yaml"
    path.write_text("title: 法院强制执行须知\nsections:\n" + sections, encoding="utf-8")
    return path


def test_a_minimal_notice_loads(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "  - {id: fees, title: 费用, text: 执行后交纳。, basis: [《诉讼费用交纳办法》]}\n"
    )
    assert load_notice(path).section("fees").basis == ("《诉讼费用交纳办法》",)


@pytest.mark.parametrize(
    ("sections", "complaint"),
    [
        ("  - {id: fees, title: 费用, text: " + "字" * 600 + ", basis: [《诉讼费用交纳办法》]}\n", "超过"),
        ("  - {id: fees, title: 费用, text: 正文, basis: []}\n", "basis"),
        ("  - {id: fees, title: 费用, text: 正文}\n", "basis"),
        ("  - {id: Fees!, title: 费用, text: 正文, basis: [依据]}\n", "id"),
        ("  - {id: fees, title: 费用, text: '', basis: [依据]}\n", "不能为空"),
        ("  - {id: fees, title: 费用, text: 正文, basis: [依据], note: x}\n", "未知字段"),
        (
            "  - {id: a, title: 一, text: 正文, basis: [依据]}\n  - {id: a, title: 二, text: 正文, basis: [依据]}\n",
            "重复",
        ),
        ("  []\n", "非空"),
    ],
)
def test_a_malformed_notice_is_refused_with_a_reason(tmp_path: Path, sections: str, complaint: str) -> None:
    with pytest.raises(NoticeDataError, match=complaint):
        load_notice(_write(tmp_path, sections))
