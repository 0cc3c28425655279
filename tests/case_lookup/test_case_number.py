"""Case numbers as people type them: normalisation, precise error reasons, and round-trip properties."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.case_lookup.case_number import TYPE_CODES, CaseNumber, CaseNumberError, parse_case_number

TODAY = date(2026, 6, 1)
EVAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "eval"


def parse(text: str) -> CaseNumber:
    return parse_case_number(text, today=TODAY)


VALID = [
    ("(2024)浙0102执1234号", "(2024)浙0102执1234号", True),
    ("（2024）浙0102执恢12号", "(2024)浙0102执恢12号", True),
    ("〔2023〕浙01执异5号", "(2023)浙01执异5号", True),
    ("【2022】浙执复3号", "(2022)浙执复3号", True),
    ("[2024]浙0106执保88号", "(2024)浙0106执保88号", True),
    ("［2024］浙0106执保88号", "(2024)浙0106执保88号", True),
    ("{2024}浙0106执监88号", "(2024)浙0106执监88号", True),
    ("「2024」浙0106执协88号", "(2024)浙0106执协88号", True),
    ("﹝2024﹞浙0102执他9号", "(2024)浙0102执他9号", True),
    ("2024浙0102执1234号", "(2024)浙0102执1234号", True),
    ("2024年浙0102执1234号", "(2024)浙0102执1234号", True),
    ("(2024年)浙0102执1234号", "(2024)浙0102执1234号", True),
    ("(2024)浙0102执1234", "(2024)浙0102执1234号", True),
    ("( 2024 ) 浙 0102 执 1234 号", "(2024)浙0102执1234号", True),
    ("(2024)浙0102执\u30001234号", "(2024)浙0102执1234号", True),
    ("(2024)浙0102\u200b执1234号", "(2024)浙0102执1234号", True),
    ("(二〇二四)浙0102执1234号", "(2024)浙0102执1234号", True),
    ("(二零二四)浙0102执1234号", "(2024)浙0102执1234号", True),
    ("二○二四浙0102执1234号", "(2024)浙0102执1234号", True),
    ("(二O二四)浙0102执1234号", "(2024)浙0102执1234号", True),
    ("(2024)浙0102執恢1234號", "(2024)浙0102执恢1234号", True),
    ("(2024)浙0102執異7號", "(2024)浙0102执异7号", True),
    ("(2024)浙01執復7號", "(2024)浙01执复7号", True),
    ("(2024)浙執監7號", "(2024)浙执监7号", True),
    ("(2024)浙0102執協7號", "(2024)浙0102执协7号", True),
    ("（２０２４）浙０１０２执恢１２号", "(2024)浙0102执恢12号", True),
    ("(2024)浙0102执001234号", "(2024)浙0102执1234号", True),
    ("(2024)浙0102执字第1234号", "(2024)浙0102执1234号", True),
    ("(2024)浙0102执恢第56号", "(2024)浙0102执恢56号", True),
    ("案号：(2024)浙0102执1234号", "(2024)浙0102执1234号", True),
    ("(2024)浙0102执1234号。", "(2024)浙0102执1234号", True),
    ("“(2024)浙0102执1234号”", "(2024)浙0102执1234号", True),
    ("(2024)浙0102执999999号", "(2024)浙0102执999999号", True),
    ("(1949)京执1号", "(1949)京执1号", True),
    ("(2027)浙执1号", "(2027)浙执1号", True),
    ("(2024)最高法执监12号", "(2024)最高法执监12号", True),
    ("(2024)浙71执1号", "(2024)浙71执1号", True),
    ("(2024)浙8601执1号", "(2024)浙8601执1号", True),
    ("(2024)蒙01执5号", "(2024)内01执5号", True),
    ("(2024)粵03執5號", "(2024)粤03执5号", True),
    ("(2024)兵01执5号", "(2024)兵01执5号", True),
    ("(2024)浙0102民初1234号", "(2024)浙0102民初1234号", False),
    ("(2024)浙01民终99号", "(2024)浙01民终99号", False),
    ("(2024)浙0102民特1号", "(2024)浙0102民特1号", False),
    ("(2024)浙0102民再1号", "(2024)浙0102民再1号", False),
    ("(2024)浙0102刑初5号", "(2024)浙0102刑初5号", False),
    ("(2024)浙01刑終5號", "(2024)浙01刑终5号", False),
    ("(2024)浙0102行初5号", "(2024)浙0102行初5号", False),
    ("(2024)浙01行终5号", "(2024)浙01行终5号", False),
    ("(2024)浙0102破1号", "(2024)浙0102破1号", False),
    ("(2024)浙0102财保12号", "(2024)浙0102财保12号", False),
    ("(2024)浙0102民诉前调12号", "(2024)浙0102民诉前调12号", False),
    ("(2024)浙0102诉前调12号", "(2024)浙0102诉前调12号", False),
    ("(2024)浙0102司救执1号", "(2024)浙0102司救执1号", False),
    ("(2024)浙刑核12345678号", "(2024)浙刑核12345678号", False),
]


@pytest.mark.parametrize(("typed", "canonical", "enforcement"), VALID)
def test_typed_forms_parse_to_the_canonical_number(typed: str, canonical: str, enforcement: bool) -> None:
    number = parse(typed)
    assert number.canonical == canonical
    assert number.is_enforcement is enforcement


INVALID = [
    ("(24)浙0102执1234号", "只有两位"),
    ("24浙0102执1234号", "只有两位"),
    ("浙0102执1234号", "缺少年份"),
    ("(202)浙0102执1号", "年份需为四位数字"),
    ("(20245)浙0102执1号", "年份需为四位数字"),
    ("(二〇二)浙0102执1号", "年份需为四位数字"),
    ("()浙0102执1号", "缺少年份"),
    ("(1948)浙0102执1号", "年份1948不合理"),
    ("(2028)浙0102执1号", "年份2028不合理"),
    ("(2024浙0102执1号", "括号不完整"),
    ("2024)浙0102执1号", "括号不完整"),
    ("(2024)0102执1号", "缺少法院代字"),
    ("(2024)执1号", "缺少法院代字"),
    ("(2024)", "缺少法院代字"),
    ("(2024)杭执1号", "法院代字“杭”无法识别"),
    ("(2024)浙010执1号", "2位或4位"),
    ("(2024)浙012345执1号", "2位或4位"),
    ("(2024)浙01021234号", "缺少案件类型代字"),
    ("(2024)浙0102执号", "缺少案件序号"),
    ("(2024)浙0102执", "缺少案件序号"),
    ("(2024)浙0102执行1号", "案件类型代字“执行”无法识别"),
    ("(2024)浙0102执破1号", "案件类型代字“执破”无法识别"),
    ("(2024)浙0102执0号", "案件序号应在1到999999之间"),
    ("(2024)浙0102执1234567号", "案件序号应在1到999999之间"),
    ("(2024)浙0102执1234号abc", "含有无法识别的字符“a”"),
    ("(2024)浙0102zhi1234号", "含有无法识别的字符“z”"),
    ("(2024)浙0102执1234号-1", "含有无法识别的字符“-”"),
    ("(2024)浙0102执1234号号", "多余内容"),
    ("(2024)浙(0102)执1号", "括号位置不对"),
    ("(2024)浙0102执1号(", "括号位置不对"),
    ("浙0102执1号(2024)", "年份应放在案号最前面"),
    ("", "请输入案号"),
    ("   ", "请输入案号"),
]


@pytest.mark.parametrize(("typed", "reason_part"), INVALID)
def test_bad_numbers_get_a_reason_naming_the_problem(typed: str, reason_part: str) -> None:
    with pytest.raises(CaseNumberError) as caught:
        parse(typed)
    assert reason_part in caught.value.reason
    assert str(caught.value) == caught.value.reason


def test_year_after_next_year_is_judged_against_today() -> None:
    assert parse_case_number("(2025)浙执1号", today=date(2024, 3, 1)).year == 2025
    with pytest.raises(CaseNumberError, match="不能晚于2025年"):
        parse_case_number("(2026)浙执1号", today=date(2024, 3, 1))


@pytest.mark.parametrize(
    "typed",
    [
        "(2024)浙0102张三李四执行1234号",
        "(2024)浙0102执1234号张三13812345678",
        "(2024)浙0102执1234号王五的案子",
    ],
)
def test_reasons_do_not_repeat_what_else_was_typed(typed: str) -> None:
    with pytest.raises(CaseNumberError) as caught:
        parse(typed)
    reason = caught.value.reason
    assert "13812345678" not in reason
    assert "李四" not in reason and "张三" not in reason and "王五" not in reason


def test_every_reason_is_short_chinese() -> None:
    for typed, _ in INVALID:
        with pytest.raises(CaseNumberError) as caught:
            parse(typed)
        reason = caught.value.reason
        assert len(reason) <= 60
        assert re.search(r"[\u4e00-\u9fff]", reason)


def test_canonical_and_str_of_a_built_number() -> None:
    number = CaseNumber(year=2024, court_code="浙0102", type_code="执恢", seq=7)
    assert number.canonical == "(2024)浙0102执恢7号"
    assert str(number) == number.canonical
    assert number.is_enforcement


def test_dev_set_lines() -> None:
    path = EVAL_DIR / "dev-case_numbers.jsonl"
    if not path.exists():
        pytest.skip(f"development eval set not found at {path}")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines
    for line in lines:
        if line["canonical"] is None:
            with pytest.raises(CaseNumberError):
                parse_case_number(line["input"])
        else:
            number = parse_case_number(line["input"])
            assert number.canonical == line["canonical"], line["input"]
            assert number.is_enforcement is line["is_enforcement"]


# --- properties -------------------------------------------------------------------------------

_PROVINCE_CHARS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋内陕吉闽贵粤青藏川宁琼兵"
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_TO_TRADITIONAL = str.maketrans("执号监复异协终", "執號監復異協終")
_CHINESE_NUMERALS = str.maketrans("0123456789", "〇一二三四五六七八九")
_BRACKET_PAIRS = [
    ("(", ")"),
    ("（", "）"),
    ("〔", "〕"),
    ("【", "】"),
    ("[", "]"),
    ("［", "］"),
    ("「", "」"),
    ("", ""),
]


@st.composite
def case_numbers(draw: st.DrawFn) -> CaseNumber:
    court = draw(
        st.one_of(
            st.just("最高法"),
            st.builds(
                lambda p, d: p + d,
                st.sampled_from(_PROVINCE_CHARS),
                st.sampled_from(["", "01", "11", "71", "0102", "0681", "8601"]),
            ),
        )
    )
    return CaseNumber(
        year=draw(st.integers(1949, TODAY.year + 1)),
        court_code=court,
        type_code=draw(st.sampled_from(sorted(TYPE_CODES))),
        seq=draw(st.integers(1, 999_999)),
    )


@given(case_numbers())
def test_canonical_parses_to_itself(number: CaseNumber) -> None:
    assert parse(number.canonical) == number


@st.composite
def decorated(draw: st.DrawFn, number: CaseNumber) -> str:
    year = str(number.year)
    if draw(st.booleans()):
        year = year.translate(_CHINESE_NUMERALS)
    left, right = draw(st.sampled_from(_BRACKET_PAIRS))
    middle = (
        number.type_code
        + draw(st.sampled_from(["", "", "第", "字第"]))
        + str(number.seq).zfill(draw(st.integers(0, 7)))
    )
    text = f"{left}{year}{right}{number.court_code}{middle}" + draw(st.sampled_from(["号", "", "號"]))
    if draw(st.booleans()):
        text = text.translate(_FULL_WIDTH)
    if draw(st.booleans()):
        text = text.translate(_TO_TRADITIONAL)
    spaces = draw(st.lists(st.tuples(st.integers(0, len(text)), st.sampled_from([" ", "\u3000", "  "]))))
    for position, space in sorted(spaces, reverse=True):
        text = text[:position] + space + text[position:]
    return draw(st.sampled_from(["", "案号：", "案号:"])) + text + draw(st.sampled_from(["", "。", "."]))


@given(st.data())
def test_decorated_canonical_parses_back(data: st.DataObject) -> None:
    number = data.draw(case_numbers())
    assert parse(data.draw(decorated(number))) == number
