"""Load and validate the FAQ files of data/faq/ (format: data/faq/README.md) into frozen entries."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

# libyaml's parser is ~10× faster than the pure-Python one and gives the same node marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MIN_PHRASINGS = 4
MAX_ANSWER_CHARS = 600
MAX_RELATED = 3
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
_ID = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*")


class FaqError(ValueError):
    """A FAQ file breaks a rule; the message reads "file:line: field: what is wrong"."""


@dataclass(frozen=True)
class FaqEntry:
    id: str
    topic: str
    question: str
    phrasings: tuple[str, ...]
    answer: str
    basis: tuple[str, ...]
    tags: tuple[str, ...]
    related: tuple[str, ...]

    @property
    def questions(self) -> tuple[str, ...]:
        """The standard question followed by every phrasing: all the ways the entry is asked."""
        return (self.question, *self.phrasings)


@dataclass(frozen=True)
class _Where:
    """Where a value sits, so an error can name file, line and field."""

    file: str
    line: int
    field: str

    def error(self, message: str) -> FaqError:
        return FaqError(f"{self.file}:{self.line}: {self.field}: {message}")

    def at(self, node: yaml.Node, field: str) -> _Where:
        return _Where(self.file, node.start_mark.line + 1, field)


def _mapping(node: yaml.Node, where: _Where) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """key → (key node, value node); the key node gives the line an error names."""
    if not isinstance(node, yaml.MappingNode):
        raise where.error("应为键值对（映射）")
    result: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in result:
            raise where.at(key_node, f"{where.field}.{key}".lstrip(".")).error("键重复")
        result[key] = (key_node, value_node)
    return result


def _text(node: yaml.Node | None, where: _Where, *, required: bool = True) -> str:
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
        if required:
            raise where.error("不能为空")
        return ""
    if not isinstance(node, yaml.ScalarNode):
        raise where.error("应为文字")
    text = str(node.value).strip()
    if required and not text:
        raise where.error("不能为空")
    return text


def _texts(node: yaml.Node | None, where: _Where) -> tuple[str, ...]:
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
        return ()
    if not isinstance(node, yaml.SequenceNode):
        raise where.error("应为列表")
    return tuple(_text(item, where.at(item, f"{where.field}[{i}]")) for i, item in enumerate(node.value))


def _entry(node: yaml.Node, where: _Where, topic: str) -> tuple[FaqEntry, dict[str, _Where]]:
    pairs = _mapping(node, where)
    fields = {name: value for name, (_, value) in pairs.items()}

    def at(name: str) -> _Where:
        key = pairs.get(name)
        return where.at(key[0] if key else node, f"{where.field}.{name}")

    entry_id = _text(fields.get("id"), at("id"))
    if _ID.fullmatch(entry_id) is None:
        # The file name is not enforced as the prefix: an id never changes, even if its entry moves.
        raise at("id").error(f"“{entry_id}”不符合“<文件名>.<英文小写-连字符>”格式")
    phrasings = _texts(fields.get("phrasings"), at("phrasings"))
    if len(phrasings) < MIN_PHRASINGS:
        raise at("phrasings").error(f"至少需要{MIN_PHRASINGS}种问法（现有{len(phrasings)}种）")
    answer = _text(fields.get("answer"), at("answer"))
    if len(answer) > MAX_ANSWER_CHARS:
        raise at("answer").error(f"答复最多{MAX_ANSWER_CHARS}字（现有{len(answer)}字）")
    basis = _texts(fields.get("basis"), at("basis"))
    if not basis:
        raise at("basis").error("至少需要一条法律依据")
    related = _texts(fields.get("related"), at("related"))
    if len(related) > MAX_RELATED:
        raise at("related").error(f"最多{MAX_RELATED}个相关条目（现有{len(related)}个）")
    entry = FaqEntry(
        id=entry_id,
        topic=topic,
        question=_text(fields.get("question"), at("question")),
        phrasings=phrasings,
        answer=answer,
        basis=basis,
        tags=_texts(fields.get("tags"), at("tags")),
        related=related,
    )
    return entry, {"id": at("id"), "related": at("related")}


def _parse_file(path: Path) -> list[tuple[FaqEntry, dict[str, _Where]]]:
    if _SLUG.fullmatch(path.stem) is None:
        raise FaqError(f"{path.name}:1: 文件名: 应为英文小写、数字和连字符，如 apply.yaml")
    if not path.is_file():
        what = "是一个目录，请给出其中的单个 .yaml 文件" if path.is_dir() else "不存在"
        raise FaqError(f"{path}: {what}")
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except UnicodeDecodeError as exc:
        raise FaqError(f"{path.name}:1: 文件: 不是UTF-8编码（{exc.reason}）") from exc
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        raise FaqError(f"{path.name}:{line}: YAML: 格式错误（{exc.problem}）") from exc
    if root is None:
        raise _Where(path.name, 1, "文件").error("文件为空")
    pairs = _mapping(root, _Where(path.name, 1, "文件"))
    topic_key, topic_node = pairs.get("topic", (root, None))
    topic = _text(topic_node, _Where(path.name, 1, "topic").at(topic_key, "topic"))
    entries_key, entries_node = pairs.get("entries", (root, None))
    entries_where = _Where(path.name, 1, "entries").at(entries_key, "entries")
    if not isinstance(entries_node, yaml.SequenceNode) or not entries_node.value:
        raise entries_where.error("至少需要一个条目")
    return [
        _entry(item, entries_where.at(item, f"entries[{i}]"), topic)
        for i, item in enumerate(entries_node.value)
    ]


def _check(
    parsed: Iterable[tuple[FaqEntry, dict[str, _Where]]], known_ids: Collection[str]
) -> list[FaqEntry]:
    """Ids unique across files; every related id exists (here or among known_ids), never the entry itself."""
    parsed = list(parsed)
    seen: dict[str, _Where] = {}
    for entry, where in parsed:
        first = seen.get(entry.id)
        if first is not None or entry.id in known_ids:
            origin = f"，已在 {first.file}:{first.line} 使用" if first else "，已存在"
            raise where["id"].error(f"编号“{entry.id}”重复{origin}")
        seen[entry.id] = where["id"]
    for entry, where in parsed:
        for rel in entry.related:
            if rel == entry.id:
                raise where["related"].error(f"不能关联条目自身“{rel}”")
            if rel not in seen and rel not in known_ids:
                raise where["related"].error(f"关联条目“{rel}”不存在")
    return [entry for entry, _ in parsed]


def load_faq_file(path: Path, known_ids: Collection[str] = ()) -> list[FaqEntry]:
    """One topic file, validated; related ids may point into the file or at known_ids (other files)."""
    parsed = _parse_file(path)
    # A file imported again replaces its earlier version, so its own ids are not duplicates of known_ids.
    own = {entry.id for entry, _ in parsed}
    return _check(parsed, known_ids=set(known_ids) - own)


def entry_ids(path: Path) -> set[str]:
    """The ids a topic file declares, read without checking its links into other files."""
    return {entry.id for entry, _ in _parse_file(path)}


def load_faq(directory: Path) -> list[FaqEntry]:
    """Every *.yaml file of the directory, in file-name order, validated together."""
    files = sorted(p for p in directory.glob("*.yaml") if p.is_file())
    if not files:
        raise FaqError(f"{directory}: 没有找到FAQ文件（*.yaml）")
    return _check((item for path in files for item in _parse_file(path)), known_ids=())
