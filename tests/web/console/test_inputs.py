"""Whatever arrives in a query string or a form: the console reads it safely or refuses it in Chinese."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from aiohttp.test_utils import make_mocked_request
from hypothesis import given
from hypothesis import strategies as st

from bot.web.console.assist import parse_money
from bot.web.console.auth import HOME, safe_next
from bot.web.console.forms import Refused, clean_text
from bot.web.console.labels import KIND_LABELS
from bot.web.console.paging import MAX_PAGE, page_number
from bot.web.console.queue import STATUS_CHOICES, parse_filter


@given(st.text(max_size=80))
def test_after_login_the_browser_stays_on_the_console(target: str) -> None:
    chosen = safe_next(target)
    assert chosen == HOME or (chosen.startswith("/console/") and "\\" not in chosen)
    assert not chosen.startswith("//")


@pytest.mark.parametrize(
    "target", ["//evil.example", "https://evil.example/console/", "/console\\..\\x", "/other"]
)
def test_other_sites_are_never_a_next_page(target: str) -> None:
    assert safe_next(target) == HOME


@given(
    st.dictionaries(st.sampled_from(["court", "kind", "status", "due", "mine", "q"]), st.text(max_size=100))
)
def test_any_queue_query_reads_as_a_known_filter(query: dict[str, str]) -> None:
    chosen = parse_filter(query)
    assert chosen.kind in ("", *KIND_LABELS)
    assert chosen.status in STATUS_CHOICES
    assert chosen.due in ("", "overdue", "today", "week")
    assert len(chosen.q) <= 64 and len(chosen.court) <= 16


@given(st.text(max_size=30))
def test_any_page_parameter_is_a_page(raw: str) -> None:
    request = make_mocked_request("GET", "/console/tickets?page=" + quote(raw))
    number = page_number(request)
    assert 1 <= number <= MAX_PAGE


@given(st.text(max_size=50))
def test_free_text_is_clean_or_refused(value: str) -> None:
    try:
        text = clean_text(value, "答复内容", limit=30)
    except Refused as refused:
        assert refused.status == 422 and "答复内容" in refused.message
        return
    assert text and text == text.strip() and len(text) <= 30 and "\r\n" not in text


@pytest.mark.parametrize(
    ("typed", "amount"), [("200000", 200000), ("1,234.5", 1234.5), ("20万", 200000), ("5万元", 50000)]
)
def test_calculator_amounts_as_staff_type_them(typed: str, amount: float) -> None:
    assert float(parse_money(typed)) == amount


def test_an_unreadable_amount_says_so() -> None:
    with pytest.raises(ValueError, match="金额无法识别"):
        parse_money("很多钱")
