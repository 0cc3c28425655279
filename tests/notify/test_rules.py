"""The rules file: what it holds, what it refuses when loaded, and how long its texts are."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.case_lookup.catalogue import Catalogue
from bot.notify.rules import NotifyRules, RulesError
from bot.notify.templates import SAMPLE, Template, TemplateError, fields_of, segments
from tests.conftest import REPO

RULES_FILE = REPO / "data" / "notify_rules.yaml"


@pytest.fixture
def data() -> dict[str, Any]:
    with RULES_FILE.open(encoding="utf-8") as handle:
        return copy.deepcopy(yaml.safe_load(handle))


def _load(data: dict[str, Any], catalogue: Catalogue) -> NotifyRules:
    return NotifyRules.from_data(data, catalogue, source="notify_rules.yaml")


def test_the_seed_file_covers_every_row_of_the_design_table(rules: NotifyRules) -> None:
    table = {
        "judge_assigned": ("3.2", ("applicant", "respondent"), 0),
        "review_contact": ("3.2", ("applicant", "respondent", "interested", "outsider"), 0),
        "staff_changed": ("3.2", ("applicant", "respondent"), 3),
        "court_changed": ("3.2", ("applicant", "respondent"), 3),
        "network_search": ("3.3", ("applicant",), 0),
        "traditional_search": ("3.3", ("applicant", "reporter", "informant"), 3),
        "disposal": ("3.4", ("applicant", "respondent", "interested"), 0),
        "money_received": ("3.4", ("applicant", "respondent", "interested"), 0),
        "sanctions": ("3.5", ("applicant", "respondent", "interested"), 3),
        "progress": ("3.7", ("applicant", "respondent"), 0),
        "terminated_round": ("3.7", ("applicant",), 0),
    }
    assert {rule.code: (rule.section, rule.recipients, rule.days) for rule in rules.rules} == table
    assert rules.get("money_received") is not None and rules.get("money_received").counted_from == "confirmed"  # type: ignore[union-attr]
    assert rules.get("review_contact").counted_from == "filing"  # type: ignore[union-attr]
    assert rules.stale_days == 30


def test_every_template_is_signed_and_most_fit_one_or_two_segments(rules: NotifyRules) -> None:
    texts = [rule.template.text for rule in rules.rules] + [
        rule.template.fallback for rule in rules.rules if rule.template.fallback
    ]
    counts = [segments(text.format_map(SAMPLE)) for text in texts]
    assert all(text.startswith("【{court}】") for text in texts)
    assert max(counts) <= 2
    assert sum(count == 1 for count in counts) >= len(counts) // 2


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"template": "【{court}】{case_no}承办人{judge_name}"}, "不存在的字段：judge_name"),
        ({"template": "【{court}】{case_no}承办人{judge}", "fallback": None}, "须提供备用模板"),
        ({"fallback": "【{court}】{case_no}承办人{judge_phone}"}, "备用模板只能使用"),
        ({"template": "{case_no}承办人{judge}"}, "须包含法院签名"),
        ({"template": "【{court}】{case_no}{0}"}, "写法不对"),
        ({"template": "【{court}】{case_no:>20}"}, "不能带格式"),
        ({"template": "【{court}】{case_no"}, "花括号不成对"),
        ({"kinds": ["judge_assigned", "no_such_kind"]}, "事件类型不在 case_events.yaml 中：no_such_kind"),
        ({"recipients": ["applicant", "lawyer"]}, "收件人身份无法识别：lawyer"),
        ({"deadline": "尽快"}, "期限“尽快”无法识别"),
        ({"counted_from": "tomorrow"}, "counted_from"),
        ({"case_types": ["执", "刑"]}, "案件类型代字无法识别：刑"),
        ({"code": "Judge Assigned"}, "code 应为"),
    ],
)
def test_a_bad_rule_is_refused_when_loaded_saying_which_and_why(
    data: dict[str, Any], catalogue: Catalogue, change: dict[str, Any], complaint: str
) -> None:
    rule = data["rules"][0]
    for key, value in change.items():
        if value is None:
            rule.pop(key, None)
        else:
            rule[key] = value
    with pytest.raises(RulesError) as caught:
        _load(data, catalogue)
    assert complaint in str(caught.value)
    assert str(caught.value).startswith("notify_rules.yaml：第1条规则")


def test_duplicate_codes_and_a_missing_list_are_refused(data: dict[str, Any], catalogue: Catalogue) -> None:
    data["rules"].append(copy.deepcopy(data["rules"][0]))
    with pytest.raises(RulesError, match="规则代码重复：judge_assigned"):
        _load(data, catalogue)
    with pytest.raises(RulesError, match="应包含 rules 列表"):
        _load({"rule": []}, catalogue)


def test_the_real_file_loads_from_disk(tmp_path: Path, catalogue: Catalogue, data: dict[str, Any]) -> None:
    data["rules"][0]["deadline"] = "5日内"
    path = tmp_path / "notify_rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert NotifyRules.load(path, catalogue).rules[0].days == 5


def test_fields_of_reads_names_and_ignores_doubled_braces() -> None:
    assert fields_of("【{court}】{{字面}}{case_no}") == {"court", "case_no"}


def test_render_uses_the_fallback_only_when_an_optional_field_is_empty() -> None:
    template = Template.checked("【{court}】承办人{judge}", "【{court}】{summary}", "测试")
    facts = {"court": "某法院", "judge": "王明", "summary": "摘要"}
    assert template.render(facts) == "【某法院】承办人王明"
    assert template.render({**facts, "judge": ""}) == "【某法院】摘要"
    with pytest.raises(TemplateError):
        Template.checked("【{court}】{unknown}", None, "测试")


@pytest.mark.parametrize(
    ("length", "count"), [(0, 0), (1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)]
)
def test_segments_are_70_for_one_then_67_each(length: int, count: int) -> None:
    assert segments("法" * length) == count


def test_characters_outside_the_bmp_count_twice() -> None:
    assert segments("法" * 69 + "😀") == 2


@given(st.text(alphabet="法院执行案号0123456789，。", max_size=600))
def test_segments_always_hold_the_text(text: str) -> None:
    count = segments(text)
    if not text:
        assert count == 0
    elif len(text) <= 70:
        assert count == 1
    else:
        assert (count - 1) * 67 < len(text) <= count * 67
