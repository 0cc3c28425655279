"""The words of a lookup's answer: every outcome has its text, and a person's number only ever shows masked."""

from __future__ import annotations

import json

import pytest

from bot.core.texts import Texts
from bot.public_lists.present import chat_parts, result_json
from bot.public_lists.search import QueryError, parse_query
from bot.public_lists.service import LookupResult
from tests.conftest import REPO
from tests.public_lists.factories import COMPANY_CODE, PERSON_ID, PERSON_NAME


@pytest.fixture(scope="module")
def texts() -> Texts:
    return Texts.load(REPO / "data" / "texts.yaml", hotline="12368")


def test_not_found_names_the_national_site_for_every_kind_of_query(texts: Texts) -> None:
    for name, code in [(PERSON_NAME, PERSON_ID), ("", COMPANY_CODE), ("杭州某某贸易有限公司", None)]:
        result = LookupResult("not_found", parse_query(name, code))
        [text] = chat_parts(texts, result)
        assert "中国执行信息公开网（zxgk.court.gov.cn）" in text
        assert PERSON_ID not in text
    [text] = chat_parts(texts, LookupResult("not_found", parse_query("", COMPANY_CODE)))
    assert f"统一社会信用代码为 {COMPANY_CODE}" in text


def test_limited_says_when_to_come_back(texts: Texts) -> None:
    [text] = chat_parts(texts, LookupResult("limited", parse_query(PERSON_NAME, PERSON_ID), retry_after=61))
    assert "约 2 分钟后再试" in text and "12368" in text


def test_invalid_input_in_json_names_the_field(texts: Texts) -> None:
    data = result_json(
        texts, LookupResult("invalid", error=QueryError("id", "身份证号校验位错误：第18位应为X"))
    )
    assert data["field"] == "id" and "第18位应为X" in data["message"]
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
