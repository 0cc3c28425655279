"""Normalise what people type (traditional, full-width, typos, slang) and load the domain lexicon."""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

import yaml
import zhconv.zhconv as zhconv_tables

# Everything that is not a letter, digit or CJK character: punctuation, symbols, emoji, spaces, "_".
_NOT_WORD = re.compile(r"[\W_]+")
_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


@functools.cache
def _compatibility() -> tuple[re.Pattern[str], Callable[[re.Match[str]], str]]:
    """Every character of the Basic Multilingual Plane whose NFKC form differs (，→ , ａ→ a), as a
    pattern and its replacement; built once (~15 ms). Replacing a character by its NFKC form leaves
    the NFKC form of any text holding it unchanged (both decompose alike), so it may come first."""
    table = {}
    for code in range(0x10000):
        if not 0xD800 <= code < 0xE000 and (nfkc := unicodedata.normalize("NFKC", char := chr(code))) != char:
            table[char] = nfkc
    pattern = re.compile("[" + "".join(map(re.escape, sorted(table))) + "]")
    return pattern, lambda match: table[match.group()]


_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")


def sentences(text: str) -> list[str]:
    """The sentences of a message, each with the marks that end it (？ says it asks); blank ones left out."""
    return [sentence for sentence in _SENTENCE.findall(text) if sentence.strip()]


class WordFinder:
    """Which of a set of words occur in a text: a longer word is looked for only where its first
    bigram occurs, so most words cost nothing but set intersections (~2 µs for the ~450 scope
    words, where an `in` per word costs ~25 µs). The scope check and the rewriters use it."""

    def __init__(self, words: Iterable[str]) -> None:
        self._singles = {w for w in words if len(w) == 1}  # a set: its intersection is one too
        self._pairs = frozenset(w for w in words if len(w) == 2)
        longer: dict[str, list[str]] = {}
        for word in sorted({w for w in words if len(w) > 2}):
            longer.setdefault(word[:2], []).append(word)
        self._longer = {gram: tuple(ws) for gram, ws in longer.items()}
        self._starts = frozenset(self._longer)

    def __call__(self, text: str, bigrams: AbstractSet[str] | None = None) -> set[str]:
        """The words in text; bigrams, if given, are the text's character bigrams (Query.bigrams)."""
        if bigrams is None:
            bigrams = set(map(operator.add, text, text[1:]))
        found = self._singles.intersection(text)
        found |= self._pairs & bigrams
        for gram in self._starts & bigrams:
            for word in self._longer[gram]:
                if word in text:
                    found.add(word)
        return found


class Rewriter:
    """Replace every key of a mapping by its value in one left-to-right pass, longest key first.

    Every value also stands for itself, so a standard phrase already in the text is kept whole:
    with 执行费 → 申请执行费, the text 申请执行费 stays as it is instead of becoming 申请申请执行费.
    """

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self._mapping = {value: value for value in mapping.values() if value}
        self._mapping.update((key, value) for key, value in mapping.items() if key)
        keys = sorted(self._mapping, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, keys))) if keys else None
        # Keys that change the text: most matches are standard words standing for themselves.
        self._changing = frozenset(key for key, value in self._mapping.items() if key != value)
        self._changing_finder = WordFinder(self._changing)

    def __call__(self, text: str) -> str:
        if self._pattern is None:
            return text
        # findall() makes the same left-to-right, longest-first matches sub() would, ~5× cheaper
        # than calling back per match: rewrite only when one of them changes something.
        if self._changing.isdisjoint(self._pattern.findall(text)):
            return text
        return self._pattern.sub(lambda match: self._mapping[match.group()], text)

    @property
    def changing(self) -> frozenset[str]:
        """The keys that change a text (the others are standard words standing for themselves)."""
        return self._changing

    def may_change(self, text: str, bigrams: AbstractSet[str]) -> bool:
        """Does a key that changes something occur in text (bigrams: the text's character bigrams)?
        If not, the text is returned as it is; this costs a few set intersections instead of a scan."""
        return bool(self._changing_finder(text, bigrams))


class Normalizer:
    """Text → comparable form: NFKC (full-width → half-width), simplified, lower case, no punctuation,
    domain typos fixed. Built once: the character table costs ~15 ms, a call ~2 µs."""

    def __init__(self, typos: Mapping[str, str] | None = None) -> None:
        # zhconv.convert costs ~30 µs a question; a one-character table does the same job for lookup
        # purposes in ~2 µs (phrase-level conversions only matter for display, which we never do here).
        table = zhconv_tables.getdict("zh-cn")
        self._simplify = str.maketrans(
            {k: v for k, v in table.items() if len(k) == 1 and len(v) == 1 and k != v}
        )
        # The characters it changes, as a pattern: re checks a character class without making a
        # string of each character (those beyond U+FFFF are few and rare: checked only if present).
        changed = sorted(map(chr, self._simplify))
        self._traditional = re.compile("[" + "".join(re.escape(c) for c in changed if c <= "\uffff") + "]")
        self._traditional_beyond = frozenset(c for c in changed if c > "\uffff")
        self._compatible, self._compatible_form = _compatibility()
        # Typos are keyed in normalised form so a traditional or full-width typo is fixed too.
        self._typos = Rewriter({self.base(k): self.base(v) for k, v in (typos or {}).items()})

    def base(self, text: str) -> str:
        """The text normalised, typos not yet fixed: NFKC, simplified, lower case, only letters and
        digits; each step skipped when it would change nothing (most questions are simplified Chinese:
        the checks cost a tenth of the steps)."""
        if not unicodedata.is_normalized("NFKC", text):
            # Full-width punctuation (，？) is the usual cause: map such characters one by one first,
            # which leaves the NFKC form of the whole text as it was, and is often all it takes.
            text = self._compatible.sub(self._compatible_form, text)
            if not unicodedata.is_normalized("NFKC", text):
                text = unicodedata.normalize("NFKC", text)
        if self._traditional.search(text) or (
            self._traditional_beyond
            and _BEYOND_BMP.search(text)
            and not self._traditional_beyond.isdisjoint(text)
        ):
            text = text.translate(self._simplify)
        return _NOT_WORD.sub("", text.lower())

    def __call__(self, text: str) -> str:
        return self._typos(self.base(text))

    @property
    def typos(self) -> Rewriter:
        return self._typos


@dataclass(frozen=True)
class Lexicon:
    """The domain words the retriever and the scope check use (data/knowledge/)."""

    typos: Mapping[str, str] = field(default_factory=dict)
    synonyms: Mapping[str, str] = field(default_factory=dict)
    # (word, frequency or None) for jieba's user dictionary.
    user_words: tuple[tuple[str, int | None], ...] = ()
    # Scope vocabulary: enforcement words, words shared with other legal matters, other matters.
    # An in_domain item "扣+工资" counts when every part is in the question, in any order.
    in_domain: tuple[str, ...] = ()
    shared: tuple[str, ...] = ()
    out_of_scope: tuple[str, ...] = ()
    # word → everyday topics: beside any of them the word has its everyday sense (冻结 beside 冰箱).
    other_senses: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _str_map(data: object, name: str, source: Path) -> dict[str, str]:
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{source.name}: {name} 应为“词: 标准词”的映射")
    return {str(k): v for k, v in data.items()}


def _str_list(data: object, name: str, source: Path) -> tuple[str, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise ValueError(f"{source.name}: {name} 应为词语列表")
    return tuple(str(item) for item in data)


def _senses(data: object, source: Path) -> dict[str, tuple[str, ...]]:
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise ValueError(f"{source.name}: other_senses 应为“词: [话题词……]”的映射")
    return {str(k): tuple(str(w) for w in v) for k, v in data.items()}


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML that refuses a key given twice in one mapping: plain YAML keeps the last one silently, so a
    word added again further down a long list would quietly drop the first entry's meaning."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"“{key}”重复出现", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def _read_yaml(path: Path) -> dict[str, object]:
    if not path.exists():
        return {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # a SafeLoader
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 1
        raise ValueError(f"{path.name}:{line}: {error.problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: 应为键值对")
    return data


def _read_user_dict(path: Path) -> tuple[tuple[str, int | None], ...]:
    """jieba's user-dictionary format: "word [frequency] [tag]" per line; "#" starts a comment."""
    if not path.exists():
        return ()
    words: list[tuple[str, int | None]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if parts:
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            words.append((parts[0], freq))
    return tuple(words)


def load_lexicon(directory: Path) -> Lexicon:
    """synonyms.yaml (typos, synonyms), scope.yaml and legal_dict.txt of a directory; missing files are empty."""
    synonyms_path, scope_path = directory / "synonyms.yaml", directory / "scope.yaml"
    synonyms, scope = _read_yaml(synonyms_path), _read_yaml(scope_path)
    return Lexicon(
        typos=_str_map(synonyms.get("typos"), "typos", synonyms_path),
        synonyms=_str_map(synonyms.get("synonyms"), "synonyms", synonyms_path),
        user_words=_read_user_dict(directory / "legal_dict.txt"),
        in_domain=_str_list(scope.get("in_domain"), "in_domain", scope_path),
        shared=_str_list(scope.get("shared"), "shared", scope_path),
        out_of_scope=_str_list(scope.get("out_of_scope"), "out_of_scope", scope_path),
        other_senses=_senses(scope.get("other_senses"), scope_path),
    )
