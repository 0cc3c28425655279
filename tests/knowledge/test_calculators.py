"""Tests for the enforcement-fee and delayed-interest calculators and the replies built on them."""

import json
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge.calculators import (
    Segment,
    answer_calculation,
    application_fee,
    application_fee_without_amount,
    days_between,
    delay_interest,
    delay_interest_for_period,
    segments_from_payments,
)

EVAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
EDGES = [Decimal(10_000), Decimal(500_000), Decimal(5_000_000), Decimal(10_000_000)]
# Percent charged just below and just above each edge.
RATES = {
    Decimal(10_000): (Decimal(0), Decimal("1.5")),
    Decimal(500_000): (Decimal("1.5"), Decimal(1)),
    Decimal(5_000_000): (Decimal(1), Decimal("0.5")),
    Decimal(10_000_000): (Decimal("0.5"), Decimal("0.1")),
}
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**12), places=2)
cents = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(5000), places=2)


def _dev_cases(name: str) -> list[dict[str, Any]]:
    path = EVAL_DIR / name
    if not path.exists():
        pytest.skip(f"development set {path} is not present on this machine")
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line, parse_float=Decimal) for line in lines if line.strip()]


def test_every_dev_fee_case_is_reproduced() -> None:
    cases = _dev_cases("dev-fee_cases.jsonl")
    assert cases
    for case in cases:
        calculation = application_fee(Decimal(case["amount"]))
        assert calculation.result == Decimal(case["fee"]), case["id"]
        assert calculation.rounded == Decimal(case["fee_rounded"]), case["id"]
        assert calculation.working == case["calc"], case["id"]
        reply = answer_calculation(f"执行标的{case['amount']}元，申请执行费要交多少？")
        assert reply is not None, case["id"]
        assert reply.startswith(f"执行申请费为 {calculation.rounded:,.2f} 元"), case["id"]
        assert case["calc"] in reply


def test_every_dev_delay_interest_case_is_reproduced() -> None:
    cases = _dev_cases("dev-delay_interest_cases.jsonl")
    assert cases
    for case in cases:
        segments = [Segment(Decimal(s["debt"]), int(s["days"])) for s in case["segments"]]
        calculation = delay_interest(segments)
        assert calculation.result == Decimal(case["interest"]), case["id"]
        assert calculation.rounded == Decimal(case["interest_rounded"]).quantize(Decimal("0.01"))
        assert calculation.working == case["calc"], case["id"]
        if len(segments) != 1:
            continue
        debt, days = case["segments"][0]["debt"], segments[0].days
        figure = f"加倍部分债务利息为 {calculation.rounded:,.2f} 元"
        question = f"判决确定的金钱债务{debt}元，对方迟延履行了{days}天，加倍部分债务利息是多少？"
        assert (answer_calculation(question) or "").startswith(figure), case["id"]
        if "→" in case["segments"][0]["period"]:
            start, end = (date.fromisoformat(d) for d in case["segments"][0]["period"].split("→"))
            assert days_between(start, end) == days
            question = (
                f"判决确定的金钱债务{debt}元，履行期间届满日{start}，{end}履行完毕，加倍部分债务利息是多少？"
            )
            reply = answer_calculation(question) or ""
            assert reply.startswith(figure) and "首日不计入" in reply, case["id"]


@pytest.mark.parametrize(
    ("amount", "fee", "rounded"),
    [
        ("0.01", "50", "50.00"),
        ("10000", "50", "50.00"),
        ("10000.01", "50.00015", "50.00"),
        ("10007", "50.105", "50.11"),  # half up, not half even
        ("200000", "2900", "2900.00"),
        ("499999.99", "7399.99985", "7400.00"),
        ("500000", "7400", "7400.00"),
        ("500000.01", "7400.0001", "7400.00"),
        ("1000000", "12400", "12400.00"),
        ("5000000", "52400", "52400.00"),
        ("5000000.01", "52400.00005", "52400.00"),
        ("10000000", "77400", "77400.00"),
        ("10000000.01", "77400.00001", "77400.00"),
        ("10000010", "77400.01", "77400.01"),
        ("100000000", "167400", "167400.00"),
    ],
)
def test_fee_at_every_band_edge(amount: str, fee: str, rounded: str) -> None:
    calculation = application_fee(Decimal(amount))
    assert calculation.result == Decimal(fee)
    assert str(calculation.rounded) == rounded


def test_fee_working_reads_like_the_court_writes_it() -> None:
    assert (
        application_fee(Decimal("10000.01")).working
        == "50 + (10000.01−10000)×1.5% = 50 + 0.00015 = 50.00015 ≈ 50.00"
    )
    text = application_fee(Decimal(500000)).text()
    lines = text.splitlines()
    assert lines[0] == "执行申请费为 7,400.00 元"
    assert "50 + (500000−10000)×1.5% = 50 + 7350 = 7400" in lines[1]
    assert "《诉讼费用交纳办法》第十四条" in text and "具体以法院核算为准" in lines[-1]
    assert "执行后交纳" in lines[-1] and "第二十条" in lines[-1]


@pytest.mark.parametrize("amount", [Decimal(0), Decimal("-1"), Decimal("NaN"), Decimal("Infinity")])
def test_fee_refuses_amounts_that_are_not_positive(amount: Decimal) -> None:
    with pytest.raises(ValueError, match="金额"):
        application_fee(amount)


def test_fee_refuses_float() -> None:
    with pytest.raises(TypeError):
        application_fee(1.5)  # type: ignore[arg-type]


def test_fee_without_amount_gives_the_range() -> None:
    text = application_fee_without_amount()
    assert "50元至500元" in text and "第十四条" in text


@given(amounts, amounts)
def test_fee_is_monotonic(a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    assert application_fee(low).result <= application_fee(high).result


@given(amounts)
def test_fee_is_at_least_50_and_matches_the_quick_formula(amount: Decimal) -> None:
    # The courts' quick table (速算法): amount × band rate + a constant per band.
    if amount <= 10_000:
        expected = Decimal(50)
    elif amount <= 500_000:
        expected = amount * Decimal("0.015") - 100
    elif amount <= 5_000_000:
        expected = amount * Decimal("0.01") + 2400
    elif amount <= 10_000_000:
        expected = amount * Decimal("0.005") + 27400
    else:
        expected = amount * Decimal("0.001") + 67400
    calculation = application_fee(amount)
    assert calculation.result >= 50
    assert calculation.result == expected
    assert calculation.rounded == expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@given(st.sampled_from(EDGES), cents)
def test_fee_is_continuous_at_band_edges(edge: Decimal, step: Decimal) -> None:
    below, above = RATES[edge]
    at_edge = application_fee(edge).result
    assert application_fee(edge + step).result - at_edge == step * above / 100
    if edge - step > 0:
        assert at_edge - application_fee(edge - step).result == step * below / 100


def test_interest_segments_are_shown_and_summed() -> None:
    calculation = delay_interest([Segment(Decimal(100000), 30), Segment(Decimal("60000.5"), 47)])
    assert calculation.result == Decimal("1018.5041125")
    assert calculation.rounded == Decimal("1018.50")
    assert "第1段：100000×0.000175×30 = 525" in calculation.working
    assert "第2段：60000.5×0.000175×47 = 493.5041125" in calculation.working
    assert "合计：525 + 493.5041125 = 1018.5041125 ≈ 1018.50" in calculation.working
    assert calculation.text().startswith("加倍部分债务利息为 1,018.50 元")
    assert "第二百六十四条" in calculation.text() and "一般债务利息" in calculation.text()


def test_interest_rounds_half_up_to_the_fen() -> None:
    assert delay_interest([Segment(Decimal(600), 1)]).rounded == Decimal("0.11")  # 0.105


@given(amounts, st.integers(0, 5000), st.integers(0, 5000))
def test_interest_is_additive_over_days(debt: Decimal, a: int, b: int) -> None:
    split = delay_interest([Segment(debt, a), Segment(debt, b)]).result
    assert split == delay_interest([Segment(debt, a + b)]).result == debt * Decimal("0.000175") * (a + b)


@pytest.mark.parametrize(
    ("segment", "message"),
    [((Decimal(0), 10), "金额"), ((Decimal(100), -1), "天数"), ((Decimal(100), True), "天数")],
)
def test_segment_refuses_bad_values(segment: tuple[Decimal, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Segment(*segment)


def test_interest_needs_a_segment() -> None:
    with pytest.raises(ValueError):
        delay_interest([])


def test_days_between_does_not_count_the_first_day() -> None:
    assert days_between(date(2024, 1, 15), date(2024, 12, 31)) == 351  # across 2024-02-29
    assert days_between(date(2023, 1, 15), date(2023, 12, 31)) == 350
    assert days_between(date(2024, 5, 1), date(2024, 5, 1)) == 0
    with pytest.raises(ValueError, match="早于"):
        days_between(date(2024, 5, 2), date(2024, 5, 1))


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 10_000))
def test_days_between_inverts_adding_days(start: date, days: int) -> None:
    assert days_between(start, start + timedelta(days=days)) == days


def test_period_interest_explains_the_day_count() -> None:
    calculation = delay_interest_for_period(Decimal(300000), date(2024, 1, 15), date(2024, 12, 31))
    assert calculation.result == Decimal("18427.5")
    assert any("首日不计入" in note and "351" in note for note in calculation.notes)


def test_payments_reduce_the_next_segment() -> None:
    segments = segments_from_payments(
        Decimal(100000),
        date(2024, 1, 1),
        [(date(2024, 4, 10), Decimal(60000)), (date(2024, 2, 1), Decimal(10000))],
        date(2024, 6, 1),
    )
    assert segments == [
        Segment(Decimal(100000), 31),
        Segment(Decimal(90000), 69),
        Segment(Decimal(30000), 52),
    ]


def test_payments_that_settle_the_debt_end_the_segments() -> None:
    segments = segments_from_payments(
        Decimal(50000),
        date(2024, 1, 1),
        [(date(2023, 12, 20), Decimal(10000)), (date(2024, 1, 11), Decimal(90000))],
    )
    assert segments == [Segment(Decimal(40000), 10)]


def test_payments_need_an_end_date_while_debt_remains() -> None:
    with pytest.raises(ValueError, match="截止日期"):
        segments_from_payments(Decimal(50000), date(2024, 1, 1), [(date(2024, 2, 1), Decimal(100))])


@given(amounts, st.integers(1, 400), st.integers(1, 400), st.decimals(Decimal("0.01"), Decimal(1), places=2))
def test_one_payment_splits_the_interest(debt: Decimal, first: int, second: int, share: Decimal) -> None:
    paid = max(Decimal("0.01"), (debt * share).quantize(Decimal("0.01")))
    due = date(2024, 1, 1)
    paid_on, final = due + timedelta(first), due + timedelta(first + second)
    segments = segments_from_payments(debt, due, [(paid_on, paid)], final)
    expected = debt * first + max(debt - paid, Decimal(0)) * second
    assert delay_interest(segments).result == expected * Decimal("0.000175")


@pytest.mark.parametrize(
    ("question", "figures"),
    [
        ("执行标的20万元，申请执行费要交多少？", ["2,900.00"]),
        ("欠我20万，申请执行要交多少钱", ["2,900.00"]),
        ("标的额一百万执行费", ["12,400.00"]),
        ("申请执行费怎么算？标的五万八", ["770.00"]),
        ("执行费多少钱，对方欠我8000块", ["50.00"]),
        ("强制执行1.5亿要交多少执行费", ["217,400.00"]),
        ("我要申请强制执行，标的额为1,234,567.89元，执行申请费是多少", ["14,745.68"]),
        ("法院执行20w收多少费用", ["2,900.00"]),
        ("执行受理费多少？欠款十万零五百元", ["1,407.50"]),
        ("执行标的３０００００元，执行费怎么算", ["4,400.00"]),
        ("申请执行费要交多少？执行标的为人民币壹拾贰万元整", ["1,700.00"]),
        ("执行标的3千5百元，申请费多少", ["50.00"]),
        ("执行金额10000.01元，执行费多少", ["50.00"]),
        ("老赖欠款50万拖了200天，迟延利息多少", ["17,500.00"]),
        ("判决确定的金钱债务10万元，对方迟延履行了365天，加倍部分债务利息是多少？", ["6,387.50"]),
        ("判决后对方一直不给钱，欠30万，已经拖了100天，加倍支付的迟延履行期间债务利息怎么算", ["5,250.00"]),
        ("欠款二十万元，从2024年1月15日至2024年12月31日迟延履行，迟延履行利息多少", ["12,285.00", "351 天"]),
        ("加倍部分的利息是多少？本金100万，迟延了47日", ["8,225.00"]),
        ("判决欠我5万，对方拖了60天才还，延迟履行利息要算多少", ["525.00"]),
        ("法院判了欠我5万，他拖了两百天不还，利息能要多少", ["1,750.00"]),
        ("执行费和迟延利息各多少？判决欠款10万，迟延365天", ["1,400.00", "6,387.50"]),
        ("诉讼费和执行费分别多少，标的20万", ["2,900.00", "第十三条"]),
        ("一审判决欠我20万，执行费多少", ["2,900.00"]),
        ("先欠10万，后来又借了5万，申请执行费多少", ["1,400.00", "多个金额"]),
    ],
)
def test_answer_calculation_answers_colloquial_questions(question: str, figures: list[str]) -> None:
    reply = answer_calculation(question)
    assert reply is not None
    for figure in figures:
        assert figure in reply


@pytest.mark.parametrize(
    "question",
    [
        "执行费多少",
        "申请执行费怎么算",
        "起诉欠款20万要交多少诉讼费",
        "标的20万，打官司要交多少钱",
        "案件受理费怎么算，标的额50万",
        "二审上诉费多少？标的30万",
        "判决的诉讼费8000元，执行费多少",
        "申请财产保全20万要交多少钱",
        "迟延履行利息怎么算",
        "欠我50万，迟延利息多少",
        "欠我20万，法院执行能拿回多少钱",
        "欠我20万，执行要多久",
        "对方拖欠货款20万，利息怎么算，已经300天了",
        "房子价值200万，判决交房拖了100天，迟延履行金多少",
        "欠我一万多，执行费多少",
        "执行标的0元，申请费多少",
        "(2024)浙0102执123号的执行费多少",
        "你好",
        "",
    ],
)
def test_answer_calculation_leaves_other_questions_alone(question: str) -> None:
    assert answer_calculation(question) is None


@given(st.text(max_size=300))
def test_answer_calculation_never_crashes(text: str) -> None:
    reply = answer_calculation(text)
    assert reply is None or "元" in reply


def test_answer_calculation_copes_with_huge_input() -> None:
    assert answer_calculation("执行费" + "九" * 100_000) is None
    assert answer_calculation("执行标的" + "9" * 40 + "元，执行费多少") is None
