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

import logging
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter

import jieba
from rapidfuzz import fuzz, process

from bot.knowledge.faq import FaqEntry
from bot.knowledge.normalize import Lexicon, Normalizer, Rewriter

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
        lengths: dict[str, set[int]] = {}
        for word in self._words:
            lengths.setdefault(word[0], set()).add(len(word))
        self._lengths = {ch: tuple(sorted(ns, reverse=True)) for ch, ns in lengths.items()}

    def __call__(self, text: str) -> tuple[set[str], int]:
        spans: list[tuple[int, int, str | None]] = []  # (start, end, term or None for a stop word)
        unknown = covered_until = 0
        words, lengths, end = self._words, self._lengths, len(text)
        for i, ch in enumerate(text):
            for n in lengths.get(ch, ()):
                if i + n > end:
                    continue  # a slice past the end would be shorter than n and match a shorter word
                if n == 1:
                    if i >= covered_until:
                        covered_until = i + 1
                        spans.append((i, i + 1, ch if words[ch] else None))
                elif (is_term := words.get(word := text[i : i + n])) is not None:
                    spans.append((i, i + n, word if is_term else None))
                    covered_until = max(covered_until, i + n)
            if i >= covered_until and "\u4e00" <= ch <= "\u9fff":
                unknown += 1
        return {w for s, e, w in spans if w and not _straddles(s, e, spans)}, unknown


def _straddles(start: int, end: int, spans: list[tuple[int, int, str | None]]) -> bool:
    """Does a word cross the boundary of a word on each side (合法 in 配合法院)? Then it is an
    accident of the overlapping match, not what was said."""
    left = right = False
    for s, e, _ in spans:
        if s < start < e < end:
            left = True
        elif start < s < end < e:
            right = True
    return left and right


def _bigrams(text: str) -> set[str]:
    """Character bigrams; a one-character text is its own feature so it can still match."""
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


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


def _best_ratio(text: str, choices: Sequence[str]) -> float:
    best = process.extractOne(text, choices, scorer=fuzz.ratio)
    return best[1] if best else 0.0


def _idf(n_docs: int, df: float) -> float:
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


class Retriever:
    """Built once from the entries; search() only reads, so one instance serves every thread."""

    def __init__(
        self,
        entries: Sequence[FaqEntry],
        canonical: Callable[[str], str],
        finder: _TermFinder,
        terms: dict[str, _Feature],
        bigrams: dict[str, _Feature],
        questions: Sequence[tuple[str, ...]],
        tuning: Tuning,
    ) -> None:
        self.entries = tuple(entries)
        self._canonical = canonical
        self._finder = finder
        self._terms = terms
        self._bigrams = bigrams
        self._questions = tuple(questions)
        self._tuning = tuning
        self._unseen_idf = _idf(len(entries), 0)

    @classmethod
    def build(
        cls, entries: Sequence[FaqEntry], lexicon: Lexicon | None = None, tuning: Tuning | None = None
    ) -> Retriever:
        lexicon = lexicon or Lexicon()
        tuning = tuning or Tuning()
        normalizer = Normalizer(lexicon.typos)
        synonyms = Rewriter({normalizer(k): normalizer(v) for k, v in lexicon.synonyms.items()})

        def canonical(text: str) -> str:
            return synonyms(normalizer(text))

        questions = [tuple(canonical(q) for q in entry.questions) for entry in entries]
        answers = [canonical(entry.answer + "".join(entry.tags)) for entry in entries]
        finder = _TermFinder(_vocabulary([*questions, answers], lexicon, canonical), _STOPWORDS)
        q_terms = [Counter(t for text in texts for t in finder(text)[0]) for texts in questions]
        a_terms = [Counter(finder(text)[0]) for text in answers]
        q_bigrams = [Counter(b for text in texts for b in _bigrams(text)) for texts in questions]
        a_bigrams = [Counter(_bigrams(text)) for text in answers]
        terms = _index(q_terms, a_terms, tuning, (tuning.w_bm25, tuning.w_cover), tuning.single_weight)
        bigrams = _index(q_bigrams, a_bigrams, tuning, (0.0, tuning.w_bigram))
        return cls(entries, canonical, finder, terms, bigrams, questions, tuning)

    def canonical(self, text: str) -> str:
        """The text as the index compares it: normalised, typos fixed, colloquial words made standard."""
        return self._canonical(text[:MAX_QUERY_CHARS])

    def analyze(self, text: str) -> Query:
        canonical = self.canonical(text)
        terms, unknown = self._finder(canonical)
        return Query(canonical, frozenset(terms), unknown, frozenset(_bigrams(canonical)))

    def search(self, text: str, k: int = 3) -> list[Hit]:
        return self.rank(self.analyze(text), k)

    def rank(self, query: Query, k: int = 3) -> list[Hit]:
        """Calibrated score = w_bm25 · BM25 / its maximum for this query + w_cover · share of the query's
        word idf the entry holds + w_bigram · share of its bigram idf + w_fuzz · best fuzzy ratio."""
        if not query.text:
            return []
        tuning, unseen = self._tuning, self._unseen_idf
        terms = [self._terms.get(term) for term in query.terms]
        bigrams = [self._bigrams.get(bigram) for bigram in query.bigrams]
        term_mass = sum(f.idf if f else unseen for f in terms)
        term_mass = term_mass + query.unknown * unseen * tuning.unknown_weight or 1.0
        bigram_mass = sum(f.idf if f else unseen for f in bigrams) or 1.0
        # Features most entries hold add little to tell entries apart: they only complete the
        # scores of the candidates the rarer features chose, which saves most of the work.
        rare: list[tuple[dict[int, float], float]] = []
        common: list[tuple[dict[int, float], float]] = []
        for features, mass in ((terms, term_mass), (bigrams, bigram_mass)):
            for f in features:
                if f is not None:
                    (common if f.common else rare).append((f.postings, 1.0 / mass))
        if not rare:
            rare, common = common, []
        scores: dict[int, float] = {}
        for postings, m in rare:
            for i, weight in postings.items():
                scores[i] = scores.get(i, 0.0) + weight * m
        candidates = sorted(scores.items(), key=itemgetter(1), reverse=True)[: max(k, tuning.candidates)]
        full = []
        for i, score in candidates:
            for postings, m in common:
                score += postings.get(i, 0.0) * m
            full.append((score, i))
        full.sort(reverse=True)
        text, w_fuzz = query.text, tuning.w_fuzz / 100.0
        reranked = [
            (score + w_fuzz * _best_ratio(text, self._questions[i]), i)
            for score, i in full[: max(k, tuning.fuzzy_candidates)]
        ]
        reranked.sort(reverse=True)
        return [Hit(self.entries[i], min(1.0, score)) for score, i in reranked[:k]]


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
