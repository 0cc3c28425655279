"""Find the FAQ entries a question is about: BM25 over words and character bigrams, fuzzy rerank.

Both the entries and the question go through the same canonical form (normalize.py: simplified,
half-width, no punctuation, typos fixed; then colloquial words made standard). The score of an entry
is calibrated to 0..1 by dividing every part by what the question itself could reach:

    score = w_bm25 · BM25 / its maximum + w_cover · share of the question's word idf the entry holds
          + w_bigram · share of its bigram idf + w_fuzz · best rapidfuzz ratio against one phrasing

Words of the question no entry knows (天气, 离婚 …) count in the "question's own" mass, so a question
about something else scores low even when it shares 法院 or 公司 with the knowledge base.
"""

from __future__ import annotations

import functools
import logging
import math
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import cast

import jieba
import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from bot.knowledge.faq import FaqEntry
from bot.knowledge.normalize import Lexicon, Normalizer, Rewriter, WordFinder

try:  # the compiled twins of the hot loops, built at install where a C compiler is found
    from bot.knowledge import _speedups
except ImportError:  # not built: the pure-Python code below gives the same results, slower
    _speedups = None  # type: ignore[assignment]

# Particles and question framing: they say how people ask, not what about.
_STOPWORD_TEXT = (
    "的 了 吗 呢 啊 吧 呀 嘛 么 哦 哈 是 我 你 他 她 它 我们 你们 他们 这 那 "
    "这个 那个 就 都 也 还 又 在 和 与 及 或 要 会 能 可以 可 想 请问 请 问 一下 "
    "下 有 没有 没 不 怎么 怎么办 怎样 怎么样 如何 什么 啥 咋 哪 哪里 哪些 多少 多久 "
    "几 为什么 为啥 是不是 能不能 会不会 有没有 呗 给 被 把 让 对 对方 到 从 个 等 "
    "现在 已经 一直 就是 还是 如果 但是 可是 所以 因为 然后 时候 之后 以后 自己 人家 "
    "谢谢 你好 您好 您 咱 俺 "
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# A question longer than this is cut: the gist comes first, and fuzzy matching grows with length.
MAX_QUERY_CHARS = 200


@dataclass(frozen=True)
class Tuning:
    """The retriever's knobs, tuned on tests/knowledge/eval_questions.jsonl and on phrasings held out
    of the index (bench/faq.py measures both)."""

    k1: float = 1.2  # BM25 term-frequency saturation
    b: float = 0.3  # length normalisation: entries with more phrasings repeat words more, which is fine
    answer_weight: float = 0.5  # an answer's words count half: people ask about details only it has
    candidates: int = 12  # entries scored in full after the rare features picked them
    fuzzy_candidates: int = 6  # entries reranked with rapidfuzz
    # A feature held by more entries than this share is "common": it only adds to chosen candidates.
    common_share: float = 0.2
    unknown_weight: float = 0.5  # a character no known word covers counts as this share of an unseen word
    single_weight: float = 0.5  # one-character words (帮, 张, 卡) are often incidental: they count half
    # An entry whose answer alone holds a feature counts this much towards the feature's document
    # frequency: 拘留 named in forty answers is still rare among the ways people ask.
    answer_df: float = 0.1
    # Weights of the calibrated score; they add up to 1 so the score stays within 0..1.
    w_bm25: float = 0.25
    w_cover: float = 0.30
    w_bigram: float = 0.20
    w_fuzz: float = 0.25


@dataclass(frozen=True)
class Hit:
    entry: FaqEntry
    score: float  # 0..1: how well the question matches the entry's ways of asking


@dataclass(frozen=True)
class Query:
    """A question as the index sees it: canonical text, vocabulary words and character bigrams."""

    text: str
    terms: frozenset[str]
    unknown: int  # Chinese characters no word of the knowledge base covers
    bigrams: frozenset[str]


class _TermFinder:
    """Every known word inside a text (overlapping; a single character only where no longer word is),
    and how many Chinese characters no known word covers.

    Queries are matched against the index vocabulary instead of being cut by jieba again: a word the
    index does not know cannot score anyway, overlapping matches find 执行 inside 强制执行, and it costs
    ~5 µs where jieba costs ~60 µs. What no known word covers is what the knowledge base does not talk
    about (天气, 离婚, 悬赏 when no entry mentions it): it lowers the score instead of being ignored.
    """

    def __init__(self, vocabulary: Iterable[str], ignored: Iterable[str]) -> None:
        # word → is it a search term (stop words only cover characters)
        self._words = dict.fromkeys(ignored, False) | dict.fromkeys(vocabulary, True)
        self._singles = {w: is_term for w, is_term in self._words.items() if len(w) == 1}
        # First two characters → (lengths of the longer words they start, longest first; is the pair
        # itself a word: None if not, else whether it is a term). One lookup per position.
        longer: dict[str, set[int]] = {}
        for word in self._words:
            if len(word) > 2:
                longer.setdefault(word[:2], set()).add(len(word))
        self._pairs = {
            pair: (tuple(sorted(longer.get(pair, ()), reverse=True)), self._words.get(pair))
            for pair in longer.keys() | {w for w in self._words if len(w) == 2}
        }

    @property
    def tables(
        self,
    ) -> tuple[dict[str, bool], dict[str, bool], dict[str, tuple[tuple[int, ...], bool | None]]]:
        """(words, one-character words, records of the first two characters), for the compiled twin."""
        return self._words, self._singles, self._pairs

    def __call__(self, text: str, pairs: list[str] | None = None) -> tuple[set[str], int]:
        """pairs, if given, are the text's character pairs in order (text[i:i+2] for each i)."""
        if not text:
            return set(), 0
        found: list[tuple[int, int, str]] = []  # (start, end, term) in the order they are met
        longer: list[tuple[int, int]] = []  # every span of two characters or more, stop words too
        unknown = covered_until = 0
        words, end = self._words, len(text)
        # Per position: the record of the pair starting there, the flag of the character there.
        if pairs is None:
            pairs = [*map(operator.add, text, text[1:])]
        records = [*map(self._pairs.get, pairs), None]
        for i, (ch, pair, single) in enumerate(zip(text, records, map(self._singles.get, text), strict=True)):
            if pair is not None:
                lengths, is_term = pair
                for n in lengths:  # longest first, then the pair, then the character
                    if i + n <= end and (term := words.get(word := text[i : i + n])) is not None:
                        longer.append((i, i + n))
                        if term:
                            found.append((i, i + n, word))
                        if i + n > covered_until:
                            covered_until = i + n
                if is_term is not None:
                    longer.append((i, i + 2))
                    if is_term:
                        found.append((i, i + 2, pairs[i]))
                    if i + 2 > covered_until:
                        covered_until = i + 2
            if i >= covered_until:
                if single is not None:
                    covered_until = i + 1
                    if single:
                        found.append((i, i + 1, ch))
                elif "\u4e00" <= ch <= "\u9fff":
                    unknown += 1
        if len(longer) < 3:  # straddling needs a word across each boundary besides the word itself
            return {word for _, _, word in found}, unknown
        # Per position inside a word: the earliest start of a span ending there, the latest end of
        # a span starting there. A word straddles when both reach past it (see _straddles).
        first_start: dict[int, int] = {}
        last_end: dict[int, int] = {}
        for s, e in longer:
            if first_start.get(e, e) > s:
                first_start[e] = s
            if last_end.get(s, s) < e:
                last_end[s] = e
        terms = set()
        for s, e, w in found:  # (a one-character word can straddle nothing)
            if e - s == 1:
                terms.add(w)
            elif e - s == 2:  # the usual case, inline: only the middle is inside
                if not (first_start.get(e - 1, e) < s and last_end.get(e - 1, s) > e):
                    terms.add(w)
            elif not _straddles(s, e, first_start, last_end):
                terms.add(w)
        return terms, unknown


def _straddles(start: int, end: int, first_start: dict[int, int], last_end: dict[int, int]) -> bool:
    """Does a word cross the boundary of a word on each side (合法 in 配合法院)? Then it is an
    accident of the overlapping match, not what was said. On the left: a span that starts before
    the word ends inside it; on the right: a span that starts inside it ends after it."""
    inside = range(start + 1, end)
    return any(first_start.get(x, x) < start for x in inside) and any(
        last_end.get(x, x) > end for x in inside
    )


def _bigrams(text: str) -> set[str]:
    """Character bigrams; a one-character text is its own feature so it can still match."""
    if len(text) < 2:
        return {text} if text else set()
    return set(map(operator.add, text, text[1:]))


class _Canonical:
    """The canonical form of a text (normalize.py, then colloquial words made standard)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._normalizer = normalizer = Normalizer(lexicon.typos)
        self._synonyms = Rewriter({normalizer(k): normalizer(v) for k, v in lexicon.synonyms.items()})
        # Either rewriter's changing words: most questions hold none, and one look tells.
        self._rewritable = WordFinder(normalizer.typos.changing | self._synonyms.changing)

    def __call__(self, text: str) -> str:
        return self._synonyms(self._normalizer(text))

    def with_bigrams(self, text: str) -> tuple[str, list[str], set[str]]:
        """The canonical form with its character bigrams, in order and as a set: computed once, they
        also tell whether the typos and synonyms have anything to rewrite (usually not)."""
        text = self._normalizer.base(text)
        pairs = [*map(operator.add, text, text[1:])]
        bigrams = set(pairs)
        if not self._rewritable(text, bigrams):
            return text, pairs, bigrams
        for rewriter in (self._normalizer.typos, self._synonyms):
            if rewriter.may_change(text, bigrams) and (rewritten := rewriter(text)) != text:
                text = rewritten
                pairs = [*map(operator.add, text, text[1:])]
                bigrams = set(pairs)
        return text, pairs, bigrams


@dataclass(frozen=True)
class _Feature:
    """A word or bigram of the index: its idf, and per entry holding it the entry's share of the
    calibrated score before dividing by the question's own idf mass."""

    idf: float
    postings: dict[int, float]
    common: bool  # held by so many entries that it only completes the scores of chosen candidates


def _index(
    questions: Sequence[Counter[str]],
    answers: Sequence[Counter[str]],
    tuning: Tuning,
    weights: tuple[float, float],
    single_weight: float = 1.0,
) -> dict[str, _Feature]:
    """BM25 with two fields blended before saturation (BM25F): phrasings count 1, the answer a little.

    A feature's frequency in the phrasings field is the number of phrasings holding it, so a word
    most phrasings share weighs more than one a single phrasing happens to use. The coverage part is
    the idf, in full for a feature of the phrasings and in part for one only the answer has. Both
    parts are divided by the same per-question mass, so their weighted sum is stored once.
    """
    k1, b, aw = tuning.k1, tuning.b, tuning.answer_weight
    w_bm25, w_cover = weights
    n = len(questions)
    common = max(3, int(tuning.common_share * n))
    lengths = [sum(q.values()) + aw * sum(a.values()) for q, a in zip(questions, answers, strict=True)]
    average = sum(lengths) / n if n else 1.0
    holders: dict[str, list[int]] = {}
    for i, (q, a) in enumerate(zip(questions, answers, strict=True)):
        for feature in q.keys() | a.keys():
            holders.setdefault(feature, []).append(i)
    index: dict[str, _Feature] = {}
    for feature, entries in holders.items():
        asked = sum(1 for i in entries if questions[i][feature])
        df = asked + tuning.answer_df * (len(entries) - asked)
        idf = _idf(n, df) * (single_weight if len(feature) == 1 else 1.0)
        postings = {}
        for i in entries:
            in_questions = questions[i][feature]
            tf = in_questions + aw * answers[i][feature]
            saturated = tf / (tf + k1 * (1 - b + b * lengths[i] / average))  # BM25 / its maximum
            postings[i] = idf * (w_bm25 * saturated + w_cover * (1.0 if in_questions else aw))
        index[feature] = _Feature(idf, postings, len(entries) > common)
    return index


def _idf(n_docs: int, df: float) -> float:
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


# A posting as rank() reads it: the entry and its weight, packed so that the postings of all the
# features of a question join into one array with a single bytes.join (~50× cheaper per feature
# than numpy.concatenate of one small array per feature).
_POSTING = np.dtype([("entry", np.intp), ("weight", np.float64)])


class _Kind:
    """The features of one kind (words or bigrams) as rank() reads them, one record each: its idf;
    its packed postings if it is rare (all the rare ones of a question are summed with one
    bincount); if it is common, its weight for every entry (0.0 where it has none) as a list, and
    its packed postings (used when a question has no rare feature at all)."""

    def __init__(self, index: dict[str, _Feature], n_entries: int) -> None:
        self.records: dict[str, tuple[float, bytes, list[float] | None, bytes]] = {}
        for feature, f in index.items():
            # In the order the postings were added (entries ascending), as the dict loops added them.
            packed = np.fromiter(f.postings.items(), dtype=_POSTING, count=len(f.postings)).tobytes()
            if f.common:
                row = [0.0] * n_entries
                for i, weight in f.postings.items():
                    row[i] = weight
                self.records[feature] = (f.idf, b"", row, packed)
            else:
                self.records[feature] = (f.idf, packed, None, b"")
        self.positive = all(w > 0.0 for f in index.values() for w in f.postings.values())


_IDF, _RARE, _DENSE, _COMMON = (operator.itemgetter(i) for i in range(4))


def _total(values: Iterable[float]) -> float:
    """Left to right, as the compiled twin adds (sum() compensates rounding since Python 3.12)."""
    return functools.reduce(operator.add, values, 0.0)


class Retriever:
    """Built once from the entries; search() only reads, so one instance serves every thread."""

    def __init__(
        self,
        entries: Sequence[FaqEntry],
        canonical: _Canonical,
        finder: _TermFinder,
        terms: dict[str, _Feature],
        bigrams: dict[str, _Feature],
        questions: Sequence[tuple[str, ...]],
        tuning: Tuning,
        compiled: bool = True,
    ) -> None:
        self.entries = tuple(entries)
        self._canonical = canonical
        self._questions = tuple(questions)
        self._tuning = tuning
        self._unseen_idf = _idf(len(entries), 0)
        # The compiled twins of the finder and of _rank_here(), where the module was built: the same
        # results from C arrays, so the index is kept only in the form the path in use reads.
        self.compiled = compiled and _speedups is not None
        self._find: Callable[[str, list[str]], tuple[set[str], int]] = finder
        self._rank: Callable[[Query, int], list[tuple[float, int]]] = self._rank_here
        if self.compiled:
            self._find = _speedups.TermFinder(*finder.tables)
            ranker = _speedups.Ranker(terms, bigrams, self._questions, tuning, self._unseen_idf)
            self._rank = lambda query, k: ranker.rank(
                query.text, query.terms, query.bigrams, query.unknown, k
            )
        else:
            self._terms = _Kind(terms, len(self.entries))
            self._bigrams = _Kind(bigrams, len(self.entries))
            # Weights are positive (unless tuned otherwise): an entry was scored iff its score is > 0.
            self._positive = self._terms.positive and self._bigrams.positive

    @classmethod
    def build(
        cls,
        entries: Sequence[FaqEntry],
        lexicon: Lexicon | None = None,
        tuning: Tuning | None = None,
        *,
        compiled: bool = True,
    ) -> Retriever:
        """compiled=False runs the pure-Python path even where the compiled one was built."""
        lexicon = lexicon or Lexicon()
        tuning = tuning or Tuning()
        canonical = _Canonical(lexicon)
        questions = [tuple(canonical(q) for q in entry.questions) for entry in entries]
        answers = [canonical(entry.answer + "".join(entry.tags)) for entry in entries]
        finder = _TermFinder(_vocabulary([*questions, answers], lexicon, canonical), _STOPWORDS)
        q_terms = [Counter(t for text in texts for t in finder(text)[0]) for texts in questions]
        a_terms = [Counter(finder(text)[0]) for text in answers]
        q_bigrams = [Counter(b for text in texts for b in _bigrams(text)) for texts in questions]
        a_bigrams = [Counter(_bigrams(text)) for text in answers]
        terms = _index(q_terms, a_terms, tuning, (tuning.w_bm25, tuning.w_cover), tuning.single_weight)
        bigrams = _index(q_bigrams, a_bigrams, tuning, (0.0, tuning.w_bigram))
        return cls(entries, canonical, finder, terms, bigrams, questions, tuning, compiled)

    def canonical(self, text: str) -> str:
        """The text as the index compares it: normalised, typos fixed, colloquial words made standard."""
        return self._canonical(text[:MAX_QUERY_CHARS])

    def analyze(self, text: str) -> Query:
        text = text[:MAX_QUERY_CHARS]
        canonical, pairs, bigrams = self._canonical.with_bigrams(text)
        terms, unknown = self._find(canonical, pairs)
        if len(canonical) < 2:
            bigrams = _bigrams(canonical)
        return Query(canonical, frozenset(terms), unknown, frozenset(bigrams))

    def search(self, text: str, k: int = 3) -> list[Hit]:
        return self.rank(self.analyze(text), k)

    def rank(self, query: Query, k: int = 3) -> list[Hit]:
        entries = self.entries
        return [Hit(entries[i], score if score < 1.0 else 1.0) for score, i in self._rank(query, k)]

    def _rank_here(self, query: Query, k: int) -> list[tuple[float, int]]:
        """Calibrated score = w_bm25 · BM25 / its maximum for this query + w_cover · share of the query's
        word idf the entry holds + w_bigram · share of its bigram idf + w_fuzz · best fuzzy ratio.

        Features most entries hold add little to tell entries apart: the rarer features choose the
        candidates, the common ones only complete their scores, and only the best few are reranked
        with rapidfuzz. Every sum adds the same terms in the same order as plain loops over the
        features (the question's, sorted) and their postings (entries ascending) would, so scores,
        ties and their order come out alike to the last bit, in every process."""
        if not query.text:
            return []
        tuning, t, b = self._tuning, self._terms, self._bigrams
        # The features the index knows, sorted: set order follows the process's hash seed, and the
        # order of the features is the order of the sums and of ties, so two workers would rank alike
        # only by chance. Each unknown one adds an unseen feature's idf to its kind's mass, after them.
        terms = [*filter(None, map(t.records.get, sorted(query.terms)))]
        bigrams = [*filter(None, map(b.records.get, sorted(query.bigrams)))]
        unseen = self._unseen_idf
        term_mass = _total(map(_IDF, terms)) + (len(query.terms) - len(terms)) * unseen
        term_mass = term_mass + query.unknown * unseen * tuning.unknown_weight or 1.0
        bigram_mass = _total(map(_IDF, bigrams)) + (len(query.bigrams) - len(bigrams)) * unseen or 1.0
        m_terms, m_bigrams = 1.0 / term_mass, 1.0 / bigram_mass
        rare_terms = b"".join(map(_RARE, terms))
        rare = rare_terms + b"".join(map(_RARE, bigrams))
        dense_terms: list[list[float]] = [*filter(None, map(_DENSE, terms))]
        dense_bigrams: list[list[float]] = [*filter(None, map(_DENSE, bigrams))]
        if not rare:  # only common features: they choose the candidates themselves
            rare_terms = b"".join(map(_COMMON, terms))
            rare = rare_terms + b"".join(map(_COMMON, bigrams))
            dense_terms = dense_bigrams = []
            if not rare:
                return []
        # Words first, then bigrams, each posting times 1 / the mass of its kind: bincount adds in
        # array order, so every entry's sum is the one a loop over the postings makes.
        postings = np.frombuffer(rare, dtype=_POSTING)
        weights = postings["weight"] * m_terms
        if (n_terms := len(rare_terms) // _POSTING.itemsize) < len(postings):
            np.multiply(postings["weight"][n_terms:], m_bigrams, out=weights[n_terms:])
        scores = cast(
            "NDArray[np.float64]", np.bincount(postings["entry"], weights, minlength=len(self.entries))
        )
        candidates = self._candidates(scores, postings, max(k, tuning.candidates))
        full = list(zip(scores.take(candidates).tolist(), candidates.tolist(), strict=True))
        if dense_terms or dense_bigrams:  # the common features complete the candidates' scores
            completed = []
            for score, i in full:
                for row in dense_terms:
                    score += row[i] * m_terms
                for row in dense_bigrams:
                    score += row[i] * m_bigrams
                completed.append((score, i))
            full = completed
        full.sort(reverse=True)
        # Rerank with w_fuzz · the best rapidfuzz ratio against an entry's phrasings. Once k are
        # reranked, a candidate that could not pass the k-th even with a perfect ratio is not (nor
        # are the ones after it, which score lower still).
        text, questions, w_fuzz = query.text, self._questions, tuning.w_fuzz / 100.0
        head, extract, ratio = max(k, 0), process.extractOne, fuzz.ratio
        reranked = [
            (score + w_fuzz * (extract(text, questions[i], scorer=ratio) or _NO_MATCH)[1], i)
            for score, i in full[:head]
        ]
        kth = min(reranked)[0] - 1e-9 if len(reranked) == k > 0 and w_fuzz > 0.0 else -math.inf
        for score, i in full[head : max(k, tuning.fuzzy_candidates)]:
            if score + w_fuzz * 100.0 < kth:
                break
            reranked.append((score + w_fuzz * (extract(text, questions[i], scorer=ratio) or _NO_MATCH)[1], i))
        reranked.sort(reverse=True)
        return reranked[:k]

    def _candidates(
        self, scores: NDArray[np.float64], postings: NDArray[np.void], n: int
    ) -> NDArray[np.intp]:
        """The n best-scored entries; of entries tied at the cut, those scored first (what a stable
        sort of a dict filled in the order of the postings picks)."""
        if self._positive and n > 0:  # as tuned, weights are > 0: an entry was scored iff its score is
            if len(scores) <= n:
                return scores.nonzero()[0]
            ranked = np.sort(scores)
            cut, next_best = ranked.item(-n), ranked.item(-n - 1)
            if next_best == 0.0:  # n or fewer entries scored
                return scores.nonzero()[0]
            if cut > next_best:
                return (scores >= cut).nonzero()[0]
        # A tie at the cut (rare), or weights tuned otherwise: done the plain way.
        first_seen = dict.fromkeys(postings["entry"].tolist())
        values = scores.tolist()
        chosen = sorted(first_seen, key=values.__getitem__, reverse=True)[: max(n, 0)]
        return np.array(chosen, dtype=np.intp)


_NO_MATCH = ("", 0.0, 0)  # what rapidfuzz would score an entry without phrasings


def _vocabulary(
    groups: Iterable[Iterable[str]], lexicon: Lexicon, canonical: Callable[[str], str]
) -> set[str]:
    """The words of the entries as jieba (with the legal dictionary) cuts them, plus the lexicon's words.

    jieba is needed only here: its dictionary (~1 s to load, ~50 MB) is dropped once the index is built."""
    jieba.setLogLevel(logging.CRITICAL + 10)
    tokenizer = jieba.Tokenizer()
    words = {canonical(v) for v in lexicon.synonyms.values()}
    for word, freq in lexicon.user_words:
        tokenizer.add_word(canonical(word), freq)
        words.add(canonical(word))
    for texts in groups:
        for text in texts:
            words.update(tokenizer.lcut(text, HMM=False))
    # Short numbers (30, 2015) would match by accident; 12368 is a word people ask about.
    return {w for w in words if w and w not in _STOPWORDS and not (w.isdigit() and len(w) < 5)}
