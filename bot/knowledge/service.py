"""The knowledge base as the dialogue uses it: answer, offer "您是不是想问", or decline."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.knowledge.faq import FaqEntry, load_faq
from bot.knowledge.normalize import Lexicon, WordFinder, load_lexicon, sentences
from bot.knowledge.retriever import Hit, Query, Retriever

Band = Literal["high", "middle", "low"]


@dataclass(frozen=True)
class Bands:
    """Score thresholds (answer directly, offer "您是不是想问") by how clearly a question is about
    enforcement: the less it says so, the closer it must match an entry. Tuned on
    tests/knowledge/eval_questions.jsonl; `hotline faq eval` shows the effect of a change."""

    # An enforcement word (执行, 失信, 查封 …): the question is in scope, so the best entry is the
    # answer unless it matches only faintly; "您是不是想问" is kept for a narrow band below.
    enforcement: tuple[float, float] = (0.2, 0.16)
    shared: tuple[float, float] = (0.38, 0.34)  # only words other legal matters share (法院, 判决 …)
    neither: tuple[float, float] = (0.6, 0.6)  # no legal word at all: answer only a close match
    # A question this close to an entry's own phrasing is answered whatever legal words it lacks,
    # unless it names another matter and no enforcement one (then it is declined, however close).
    close_match: float = 0.7


@dataclass(frozen=True)
class Consultation:
    band: Band
    hits: list[Hit]

    @property
    def top(self) -> Hit | None:
        return self.hits[0] if self.hits else None


@dataclass(frozen=True)
class Scope:
    """Is a question about enforcement at all? Word lists of data/knowledge/scope.yaml, canonical form.

    An enforcement item is a word (执行, 老赖) or a pair of words that only together say enforcement
    (扣 + 工资). A word with an everyday sense (冻结, 执行, 法院) does not count beside a word of an
    everyday topic (冰箱, 程序, 公务员): that question is about something else."""

    in_domain: tuple[tuple[str, ...], ...]
    shared: tuple[str, ...]
    out_of_scope: tuple[str, ...]
    other_senses: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Derived from the lists above for classify(); None: it checks word by word.
    _finder: WordFinder | None = field(init=False, repr=False, compare=False)
    _out_of_scope: dict[str, int] = field(init=False, repr=False, compare=False)  # word → list order
    _long_words: dict[str, int] = field(init=False, repr=False, compare=False)  # one-word items > 2 chars
    _items_by_part: dict[str, list[tuple[str, ...]]] = field(init=False, repr=False, compare=False)
    _shared: frozenset[str] = field(init=False, repr=False, compare=False)
    _senses: tuple[tuple[str, frozenset[str]], ...] = field(init=False, repr=False, compare=False)
    _senses_of: dict[str, tuple[int, ...]] = field(init=False, repr=False, compare=False)  # word → indices
    # Every word the three steps look for, to intersect the words present with (sets, not dicts:
    # set & set walks the smaller one).
    _keys: tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        words = {
            *self.shared,
            *self.out_of_scope,
            *(part for item in self.in_domain for part in item),
            *(word for word, _ in self.other_senses),
            *(context for _, contexts in self.other_senses for context in contexts),
        }
        # classify() finds the words present first and then follows the plain steps with those only:
        # taking a word out (replacing it with a space) never makes another word appear, so a word
        # absent at first stays absent. That holds unless a word is empty or has a space in it.
        exact = all(word and " " not in word for word in words) and all(self.in_domain)
        long_words = [item[0] for item in self.in_domain if len(item) == 1 and len(item[0]) > 2]
        by_part: dict[str, list[tuple[str, ...]]] = {}
        for item in self.in_domain:
            for part in dict.fromkeys(item):
                by_part.setdefault(part, []).append(item)
        object.__setattr__(self, "_finder", WordFinder(words) if exact else None)
        object.__setattr__(
            self, "_out_of_scope", {w: i for i, w in reversed([*enumerate(self.out_of_scope)])}
        )
        object.__setattr__(self, "_long_words", {w: i for i, w in reversed([*enumerate(long_words)])})
        object.__setattr__(self, "_items_by_part", by_part)
        object.__setattr__(self, "_shared", frozenset(self.shared))
        object.__setattr__(self, "_senses", tuple((w, frozenset(c)) for w, c in self.other_senses))
        senses_of: dict[str, tuple[int, ...]] = {}
        for i, (word, _) in enumerate(self.other_senses):
            senses_of[word] = (*senses_of.get(word, ()), i)
        object.__setattr__(self, "_senses_of", senses_of)
        keys = (
            frozenset(self._out_of_scope),
            frozenset(self._long_words),
            frozenset(by_part),
            frozenset(senses_of),
        )
        object.__setattr__(self, "_keys", keys)

    @classmethod
    def from_lexicon(cls, lexicon: Lexicon, canonical: Callable[[str], str]) -> Scope:
        def words(raw: Iterable[str]) -> tuple[str, ...]:
            return tuple(sorted({w for w in map(canonical, raw) if w}))

        items = {words(item.split("+")) for item in lexicon.in_domain}
        senses = tuple(
            (word, contexts)
            for word, contexts in ((canonical(w), words(c)) for w, c in lexicon.other_senses.items())
            if word and contexts
        )
        return cls(
            tuple(sorted(i for i in items if i)),
            words(lexicon.shared),
            words(lexicon.out_of_scope),
            tuple(sorted(senses)),
        )

    def classify(
        self, text: str, bigrams: AbstractSet[str] | None = None
    ) -> tuple[Literal["enforcement", "shared", "neither"], bool]:
        """(the clearest kind of legal word present, whether a word of another matter is present).
        Words of other matters are taken out first, so 执行董事 or 死刑执行 do not count as enforcement;
        so are words in their everyday sense (冻结 beside 冰箱). bigrams, if given, are the text's
        character bigrams (Query.bigrams): they save computing them again."""
        if self._finder is None:
            return self._classify(text)
        present = self._finder(text, bigrams)
        if not present:
            return "neither", False
        other = False
        original = text
        out_of_scope, long_words, parts, sense_words = self._keys
        if out_of_scope_present := present & out_of_scope:
            for word in sorted(out_of_scope_present, key=self._out_of_scope.__getitem__):
                if word in text:
                    other = True
                    text = text.replace(word, " ")
        if with_senses := present & sense_words:  # in the order of the list, as the plain steps go
            senses = [self._senses[i] for i in sorted(i for w in with_senses for i in self._senses_of[w])]
            # A topic word inside an enforcement term (程序 in 终结本次执行程序) is not that topic; a
            # word of another matter is (离婚 beside 转移财产), so topics are read from the whole text.
            topics = original
            for word in sorted(present & long_words, key=self._long_words.__getitem__):
                topics = topics.replace(word, " ")
            for word, contexts in senses:
                if word in text and any(c in topics for c in present & contexts):
                    other = True
                    text = text.replace(word, " ")
        unchanged = text is original
        for part in present & parts:
            for item in self._items_by_part[part]:
                if all(p in present for p in item) and (unchanged or all(p in text for p in item)):
                    return "enforcement", other
        shared = present & self._shared
        if shared and (unchanged or any(word in text for word in shared)):
            return "shared", other
        return "neither", other

    def _classify(self, text: str) -> tuple[Literal["enforcement", "shared", "neither"], bool]:
        """classify() word by word, for word lists it cannot shortcut (an empty word, a space)."""
        other = False
        topics = text
        for word in self.out_of_scope:
            if word in text:
                other = True
                text = text.replace(word, " ")
        for item in self.in_domain:
            if len(item) == 1 and len(item[0]) > 2:
                topics = topics.replace(item[0], " ")
        for word, contexts in self.other_senses:
            if word in text and any(c in topics for c in contexts):
                other = True
                text = text.replace(word, " ")
        if any(all(part in text for part in item) for item in self.in_domain):
            return "enforcement", other
        return ("shared" if any(word in text for word in self.shared) else "neither"), other


def band_for(query: Query, hits: list[Hit], scope: Scope, bands: Bands) -> Band:
    """High → answer; middle → offer choices; low → decline. Another matter (离婚, 车祸, 注册公司 …) is
    declined even when it shares words with the knowledge base (法院, 公司, 判决), unless it also
    names an enforcement matter (离婚判决的抚养费不给 → 强制执行)."""
    if not hits:
        return "low"
    kind, other = scope.classify(query.text, query.bigrams)
    if other and kind != "enforcement":
        return "low"  # however close to a phrasing: 加班费被扣 is a labour question
    score = hits[0].score
    if score >= bands.close_match:
        return "high"
    high, middle = getattr(bands, kind)
    if score >= high:
        return "high"
    return "middle" if score >= middle else "low"


class Knowledge:
    """The FAQ entries, their index and the scope check; immutable, so reload() builds a new one."""

    def __init__(
        self,
        entries: list[FaqEntry],
        lexicon: Lexicon,
        *,
        source: Path,
        lexicon_dir: Path,
        bands: Bands | None = None,
        compiled: bool = True,
    ) -> None:
        self.entries = tuple(entries)
        self.retriever = Retriever.build(entries, lexicon, compiled=compiled)
        self.scope = Scope.from_lexicon(lexicon, self.retriever.canonical)
        self.bands = bands or Bands()
        self._by_id = {entry.id: entry for entry in entries}
        self._source = source
        self._lexicon_dir = lexicon_dir

    @classmethod
    def from_directory(
        cls, path: Path, lexicon_dir: Path | None = None, bands: Bands | None = None, compiled: bool = True
    ) -> Knowledge:
        """data/faq/*.yaml with the lexicon of data/knowledge/ (by default the sibling directory);
        compiled=False runs the pure-Python retriever even where the compiled one was built."""
        lexicon_dir = lexicon_dir if lexicon_dir is not None else path.parent / "knowledge"
        lexicon = load_lexicon(lexicon_dir)
        return cls(
            load_faq(path), lexicon, source=path, lexicon_dir=lexicon_dir, bands=bands, compiled=compiled
        )

    def reload(self) -> Knowledge:
        """A new instance from the same directories; the caller swaps it in (the old one keeps serving)."""
        return Knowledge.from_directory(self._source, self._lexicon_dir, self.bands, self.retriever.compiled)

    def entry(self, entry_id: str) -> FaqEntry | None:
        return self._by_id.get(entry_id)

    def consult(self, text: str, k: int = 3) -> Consultation:
        query = self.retriever.analyze(text)
        consultation = self._consult(query, k)
        if consultation.band == "high" or len(text) < STORY_CHARS:
            return consultation
        # A story told around the question: when the whole is about enforcement, the passage around
        # the question that matches best may answer it.
        if self.scope.classify(query.text, query.bigrams)[0] != "enforcement":
            return consultation
        for passage in passages(text):
            candidate = self._consult(self.retriever.analyze(passage), k)
            if _rank(candidate) > _rank(consultation):
                consultation = candidate
        return consultation

    def _consult(self, query: Query, k: int) -> Consultation:
        hits = self.retriever.rank(query, k)
        return Consultation(band_for(query, hits, self.scope, self.bands), hits)


# A question at least this long may be a story told around the question (measured on the blind sets:
# 25 to 60 characters answer alike).
STORY_CHARS = 40
_ASKS = re.compile(r"[？?吗呢啥咋几哪]|怎么|什么|多少|多久|能不能|可不可以|是不是|有没有|如何|为什么")
_BAND_ORDER: dict[Band, int] = {"low": 0, "middle": 1, "high": 2}


def passages(text: str, longest: int = 3) -> list[str]:
    """The runs of one to `longest` consecutive sentences that hold the question: the last sentence
    that asks (？, 吗, 怎么, 哪 …), or else the last one. None for a single sentence."""
    parts = sentences(text)
    if len(parts) < 2:
        return []
    asking = [i for i, sentence in enumerate(parts) if _ASKS.search(sentence)]
    question = asking[-1] if asking else len(parts) - 1
    return [
        "".join(parts[start : start + size])
        for size in range(1, longest + 1)
        for start in range(max(0, question - size + 1), min(question, len(parts) - size) + 1)
    ]


def _rank(consultation: Consultation) -> tuple[int, float]:
    return _BAND_ORDER[consultation.band], consultation.top.score if consultation.top else 0.0
