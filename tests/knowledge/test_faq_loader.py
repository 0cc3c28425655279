"""The FAQ loader: valid files load into frozen entries; every broken rule names file, line and field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.knowledge.faq import FaqEntry, FaqError, load_faq, load_faq_file

REPO = Path(__file__).resolve().parents[2]

ENTRY = """\
  - id: {id}
    question: {question}
    phrasings:
      - 第一种问法
      - 第二种问法
      - 第三种问法
      - 第四种问法
    answer: >-
      {answer}
    basis:
      - 《中华人民共和国民事诉讼法》
    tags: [申请执行]
    related: [{related}]
"""


def entry(
    id: str, question: str = "申请执行的期限是多久？", answer: str = "二年。", related: str = ""
) -> str:
    return ENTRY.format(id=id, question=question, answer=answer, related=related)


def write(directory: Path, name: str, *entries: str, topic: str = "申请执行") -> Path:
    path = directory / name
    path.write_text(f"topic: {topic}\nentries:\n" + "\n".join(entries), encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(FaqError) as caught:
        load_faq(path)
    return str(caught.value)


def test_valid_files_load_in_order_with_every_field(tmp_path: Path) -> None:
    write(tmp_path, "apply.yaml", entry("apply.time-limit", related="apply.court"), entry("apply.court"))
    write(tmp_path, "report.yaml", entry("report.what-is", related="apply.time-limit"), topic="财产报告")
    entries = load_faq(tmp_path)
    assert [e.id for e in entries] == ["apply.time-limit", "apply.court", "report.what-is"]
    first = entries[0]
    assert isinstance(first, FaqEntry)
    assert first.topic == "申请执行"
    assert first.question == "申请执行的期限是多久？"
    assert first.phrasings == ("第一种问法", "第二种问法", "第三种问法", "第四种问法")
    assert first.questions[0] == first.question and len(first.questions) == 5
    assert first.answer == "二年。"
    assert first.basis == ("《中华人民共和国民事诉讼法》",)
    assert first.tags == ("申请执行",)
    assert first.related == ("apply.court",)
    assert entries[2].topic == "财产报告"
    with pytest.raises(AttributeError):
        first.answer = "changed"  # type: ignore[misc]


def test_too_few_phrasings_names_file_line_and_field(tmp_path: Path) -> None:
    text = entry("apply.one") + entry("apply.two").replace("      - 第四种问法\n", "")
    write(tmp_path, "apply.yaml", text)
    lines = (tmp_path / "apply.yaml").read_text(encoding="utf-8").splitlines()
    line = [i for i, text in enumerate(lines, 1) if text.strip() == "phrasings:"][1]
    assert error_of(tmp_path) == f"apply.yaml:{line}: entries[1].phrasings: 至少需要4种问法（现有3种）"


@pytest.mark.parametrize(
    ("broken", "field", "message"),
    [
        (entry("apply.x", answer="长" * 601), "entries[0].answer", "答复最多600字（现有601字）"),
        (
            entry("apply.x").replace("    question: 申请执行的期限是多久？\n", ""),
            "entries[0].question",
            "不能为空",
        ),
        (entry("apply.x", question="''"), "entries[0].question", "不能为空"),
        (
            entry("apply.x").replace("      - 《中华人民共和国民事诉讼法》\n", ""),
            "entries[0].basis",
            "至少需要一条法律依据",
        ),
        (entry("apply.x", related="apply.missing"), "entries[0].related", "关联条目“apply.missing”不存在"),
        (entry("apply.x", related="apply.x"), "entries[0].related", "不能关联条目自身"),
        (entry("apply.Bad_Name"), "entries[0].id", "格式"),
        (entry("apply.x", related="a.b, a.c, a.d, a.e"), "entries[0].related", "最多3个相关条目"),
        (entry("apply.x") + entry("apply.x"), "entries[1].id", "重复，已在 apply.yaml:3 使用"),
    ],
)
def test_each_rule_names_file_line_and_field(tmp_path: Path, broken: str, field: str, message: str) -> None:
    write(tmp_path, "apply.yaml", broken)
    error = error_of(tmp_path)
    match = re.fullmatch(r"apply\.yaml:(\d+): (\S+): (.*)", error)
    assert match, error
    assert int(match.group(1)) >= 3
    assert match.group(2) == field
    assert message in match.group(3)


def test_duplicate_id_across_files_names_both(tmp_path: Path) -> None:
    write(tmp_path, "apply.yaml", entry("apply.x"))
    write(tmp_path, "report.yaml", entry("report.y"), entry("apply.x"))
    error = error_of(tmp_path)
    assert re.fullmatch(
        r"report\.yaml:\d+: entries\[1\]\.id: 编号“apply\.x”重复，已在 apply\.yaml:3 使用", error
    )


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "apply.yaml").write_text("topic: 申请执行\nentries:\n  - id: [unclosed\n", encoding="utf-8")
    assert re.match(r"apply\.yaml:\d+: YAML: 格式错误", error_of(tmp_path))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "apply.yaml:1: 文件: 文件为空"),
        ("- just a list\n", "apply.yaml:1: 文件: 应为键值对（映射）"),
        ("topic: 申请执行\n", "apply.yaml:1: entries: 至少需要一个条目"),
        ("topic: 申请执行\nentries: []\n", "apply.yaml:2: entries: 至少需要一个条目"),
        ("entries:\n" + entry("apply.x"), "apply.yaml:1: topic: 不能为空"),
    ],
)
def test_malformed_files(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "apply.yaml").write_text(text, encoding="utf-8")
    assert error_of(tmp_path) == expected


def test_duplicate_key_in_an_entry_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "apply.yaml", entry("apply.x") + "    answer: 又一个答复\n")
    assert re.fullmatch(r"apply\.yaml:\d+: entries\[0\]\.answer: 键重复", error_of(tmp_path))


def test_bad_file_name_and_empty_directory(tmp_path: Path) -> None:
    assert "没有找到FAQ文件" in error_of(tmp_path)
    write(tmp_path, "Apply Topic.yaml", entry("apply.x"))
    assert error_of(tmp_path).startswith("Apply Topic.yaml:1: 文件名")


def test_single_file_import_checks_related_against_known_ids(tmp_path: Path) -> None:
    path = write(tmp_path, "apply.yaml", entry("apply.x", related="report.y"))
    with pytest.raises(FaqError, match=r"关联条目“report\.y”不存在"):
        load_faq_file(path)
    assert [e.id for e in load_faq_file(path, known_ids={"report.y"})] == ["apply.x"]
    # importing a file again: its own earlier ids are not duplicates
    assert load_faq_file(path, known_ids={"report.y", "apply.x"})[0].id == "apply.x"


def test_importing_a_directory_or_a_missing_file_says_so(tmp_path: Path) -> None:
    (tmp_path / "topics").mkdir()
    with pytest.raises(FaqError, match="是一个目录"):
        load_faq_file(tmp_path / "topics")
    with pytest.raises(FaqError, match="不存在"):
        load_faq_file(tmp_path / "apply.yaml")


def test_the_repository_knowledge_base_is_valid() -> None:
    entries = load_faq(REPO / "data" / "faq")
    assert len(entries) >= 50
    assert len({e.id for e in entries}) == len(entries)


def test_import_replaces_a_topic_file_of_the_repository_knowledge_base(tmp_path: Path) -> None:
    """`hotline import faq` on a real topic file, whose entries link into other files."""
    from bot.commands.faq import import_faq
    from tests.conftest import make_settings

    shutil.copytree(REPO / "data" / "faq", tmp_path / "data" / "faq")
    settings = make_settings("sqlite://", data_dir=tmp_path / "data")
    edited = tmp_path / "apply.yaml"
    original = (REPO / "data" / "faq" / "apply.yaml").read_text(encoding="utf-8")
    edited.write_text(
        original.replace("phrasings:\n", "phrasings:\n      - 新加的一种问法\n", 1), encoding="utf-8"
    )

    message = import_faq(edited, settings)

    installed = tmp_path / "data" / "faq" / "apply.yaml"
    assert "已校验" in message and "新加的一种问法" in installed.read_text(encoding="utf-8")
    assert len(load_faq(installed.parent)) == len(load_faq(REPO / "data" / "faq"))
    # A link to an entry that exists nowhere is still refused, naming the file, line and field.
    edited.write_text(
        re.sub(r"related: \[[\w.-]+", "related: [nowhere.at-all", original, count=1), encoding="utf-8"
    )
    with pytest.raises(
        FaqError, match=r"apply\.yaml:\d+: entries\[0\]\.related: 关联条目“nowhere\.at-all”不存在"
    ):
        import_faq(edited, settings)
