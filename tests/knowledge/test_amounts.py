"""Tests for reading amounts, day counts and date ranges out of what people type."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge.amounts import find_amounts, find_date_range, find_days

_DIGITS = "零一二三四五六七八九"


def _section(group: int) -> str:
    out, zero = "", False
    for power, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = group // power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out, zero = out + "零", False
        out += _DIGITS[digit] + unit
    return out


def to_chinese(n: int) -> str:
    """An independent oracle: n (1 ≤ n < 10^12) in formal Chinese numerals, 零 where the rules put it."""
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out, need_zero = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = bool(out)
            continue
        if out and (group < 1000 or need_zero):
            out += "零"
        out += _section(group) + ("", "万", "亿")[index]
        need_zero = False
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("标的20万", ["200000"]),
        ("二十万元", ["200000"]),
        ("执行标的额为1,234,567.89元", ["1234567.89"]),
        ("100万块", ["1000000"]),
        ("1.5亿", ["150000000"]),
        ("一点五亿", ["150000000"]),
        ("3千5百元", ["3500"]),
        ("五万八", ["58000"]),
        ("三千五", []),  # no unit beyond 千 and no money word: could be anything
        ("欠我三千五", ["3500"]),
        ("两万五", ["25000"]),
        ("1万2", ["12000"]),
        ("2万5000元", ["25000"]),
        ("1亿2000万", ["120000000"]),
        ("20w", ["200000"]),
        ("20W元", ["200000"]),
        ("5k块", ["5000"]),
        ("８０００元", ["8000"]),
        ("十万零五百元", ["100500"]),
        ("一百零五元", ["105"]),
        ("一百二十三万四千五百六十七元八角九分", ["1234567.89"]),
        ("人民币壹拾贰万元整", ["120000"]),
        ("￥12,000", ["12000"]),
        ("5元5角", ["5.5"]),
        ("执行标的8000，申请费多少", ["8000"]),
        ("先欠10万，后来又借了5万元", ["100000", "50000"]),
    ],
)
def test_find_amounts_reads_what_people_type(text: str, expected: list[str]) -> None:
    assert find_amounts(text) == [Decimal(e) for e in expected]


@pytest.mark.parametrize(
    "text",
    [
        "第二百六十四条",
        "日万分之一点七五",
        "利率1.5%",
        "迟延了一年",
        "对方拖了365天",
        "这事十分着急，欠款一直不还",
        "欠钱不还，电话13800138000",
        "欠了20多万",
        "欠了一万多",
        "(2024)浙0102执123号，欠款的案子",
        "2024年1月15日判决的，欠款",
        "快一点，一下子，一审二审",
        "千万别拖，万一不还怎么办",
    ],
)
def test_find_amounts_ignores_numbers_that_are_not_money(text: str) -> None:
    assert find_amounts(text) == []


def test_find_amounts_skips_dates_and_days_around_the_amount() -> None:
    text = "欠款8000，300天了；2024-01-15到2024-12-31，另赔2万元"
    assert find_amounts(text) == [Decimal(8000), Decimal(20000)]


@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_any_chinese_numeral_with_yuan_reads_back(n: int) -> None:
    assert find_amounts(f"金额为{to_chinese(n)}元") == [Decimal(n)]


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**12), places=2))
def test_any_arabic_amount_reads_back_plain_grouped_and_full_width(amount: Decimal) -> None:
    plain = f"{amount:f}"
    full_width = plain.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"}).replace(".", "．")
    assert find_amounts(f"执行标的{plain}元") == [amount]
    assert find_amounts(f"执行标的{amount:,}元") == [amount]
    assert find_amounts(f"执行标的{full_width}元") == [amount]


def test_to_chinese_oracle_itself() -> None:
    assert to_chinese(1234567) == "一百二十三万四千五百六十七"
    assert to_chinese(100500) == "一十万零五百"
    assert to_chinese(100010000) == "一亿零一万"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("365天", 365),
        ("迟延了47日", 47),
        ("对方拖了两百天", 200),
        ("迟延履行 30 天", 30),
        ("判决15日内履行，对方拖了100天", 100),
        ("迟延了一年", None),
        ("拖了三个月", None),
        ("200多天", None),
        ("每月15日还款", None),
        ("2024年1月15日", None),
        ("15日内履行", None),
        ("第3天", None),
        ("1.5天", None),
    ],
)
def test_find_days(text: str, expected: int | None) -> None:
    assert find_days(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-15到2024-12-31", (date(2024, 1, 15), date(2024, 12, 31))),
        ("2024年1月15日至2024年12月31日", (date(2024, 1, 15), date(2024, 12, 31))),
        ("２０２４／１／１５～２０２４／１２／３１", (date(2024, 1, 15), date(2024, 12, 31))),
        ("从2024.3.1起，到2024.3.31止", (date(2024, 3, 1), date(2024, 3, 31))),
        ("2024年1月15日至12月31日", (date(2024, 1, 15), date(2024, 12, 31))),
        ("届满日2024-01-15，2024-12-31履行完毕", (date(2024, 1, 15), date(2024, 12, 31))),
        ("2024-12-31到2024-01-15", None),
        ("2024-01-15", None),
        ("2024-02-30到2024-03-01", None),
        ("一年前到现在", None),
    ],
)
def test_find_date_range(text: str, expected: tuple[date, date] | None) -> None:
    assert find_date_range(text) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 3650))
def test_any_written_range_reads_back(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    text = f"{start.year}年{start.month}月{start.day}日至{end:%Y-%m-%d}"
    assert find_date_range(text) == (start, end)
