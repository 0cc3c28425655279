"""Benchmark the FAQ retriever against jieba + rank-bm25 in one process: accuracy, latency, build, memory.

    .venv/bin/python bench/faq.py [--faq data/faq] [--questions FILE ...] [--repeat 20] [--markdown]

Accuracy is measured twice: on labelled questions (top-1 answer holds a must_any word, as the dev set
judges), and on the knowledge base's own phrasings held out of the index (two folds: index half of
each entry's phrasings, ask with the other half; right when the top-1 entry is the one asked about).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import logging
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import jieba
from rank_bm25 import BM25Okapi

from bot.knowledge.evaluation import Question, evaluate, load_questions
from bot.knowledge.faq import FaqEntry, load_faq
from bot.knowledge.normalize import Lexicon, load_lexicon
from bot.knowledge.retriever import Retriever
from bot.knowledge.service import Knowledge

REPO = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = (
    REPO / "tests/knowledge/eval_questions.jsonl",
    REPO.parent / "shared/eval/dev-questions.jsonl",
)


class Baseline:
    """jieba (same legal user dictionary) + rank_bm25.BM25Okapi, one document per entry, top-1."""

    def __init__(self, entries: Sequence[FaqEntry], lexicon: Lexicon) -> None:
        jieba.setLogLevel(logging.CRITICAL + 10)
        self.tokenizer = jieba.Tokenizer()
        for word, freq in lexicon.user_words:
            self.tokenizer.add_word(word, freq)
        self.entries = list(entries)
        self.bm25 = BM25Okapi([self.tokenizer.lcut(" ".join(e.questions)) for e in self.entries])

    @classmethod
    def from_directory(cls, faq_dir: Path, lexicon_dir: Path) -> Baseline:
        return cls(load_faq(faq_dir), load_lexicon(lexicon_dir))

    def top(self, text: str) -> FaqEntry:
        scores = self.bm25.get_scores(self.tokenizer.lcut(text))
        return self.entries[int(scores.argmax())]


@dataclass(frozen=True)
class Row:
    name: str
    top1: dict[str, float]  # per question set: share of in-scope questions whose top-1 answer is right
    held_out: float  # share of held-out phrasings whose top-1 entry is the right one
    answered: dict[str, float]  # per set: in-scope answered directly and right (band high); ours only
    declined: dict[str, float]  # per set: out-of-scope declined; ours only
    p50_us: float
    p99_us: float
    build_s: float
    memory_mb: float


def _right(entry: FaqEntry | None, question: Question) -> bool:
    text = entry.answer + "".join(entry.basis) if entry else ""
    return any(word in text for word in question.must_any)


def _share(flags: Sequence[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def _latency(fn: Callable[[str], object], texts: Sequence[str], repeat: int) -> tuple[float, float]:
    """Median of `repeat` runs per question (so one preemption does not count), then p50/p99 over questions."""
    for text in texts:
        fn(text)
    per_question = []
    for text in texts:
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn(text)
            runs.append(time.perf_counter() - start)
        per_question.append(statistics.median(runs) * 1e6)
    per_question.sort()
    p99 = per_question[min(len(per_question) - 1, round(0.99 * (len(per_question) - 1)))]
    return statistics.median(per_question), p99


def _built(build: Callable[[], object]) -> tuple[object, float, float]:
    """Build once for time (from the files: YAML, jieba's dictionary, the index), once under
    tracemalloc for the memory the built object keeps."""
    gc.collect()
    start = time.perf_counter()
    build()
    seconds = time.perf_counter() - start
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    built = build()
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return built, seconds, kept / 2**20


def _folds(entries: Sequence[FaqEntry]) -> list[tuple[list[FaqEntry], list[tuple[str, str]]]]:
    """Two (index, questions) folds: every entry keeps its standard question and half its phrasings."""
    folds = []
    for keep in (0, 1):
        index = [dataclasses.replace(e, phrasings=e.phrasings[keep::2]) for e in entries]
        asked = [(e.id, p) for e in entries for p in e.phrasings[1 - keep :: 2]]
        folds.append((index, asked))
    return folds


def _held_out(entries: Sequence[FaqEntry], lexicon: Lexicon) -> tuple[float, float]:
    ours, base = [], []
    for index, asked in _folds(entries):
        retriever, baseline = Retriever.build(index, lexicon), Baseline(index, lexicon)
        ours += [retriever.search(text, 1)[0].entry.id == entry_id for entry_id, text in asked]
        base += [baseline.top(text).id == entry_id for entry_id, text in asked]
    return _share(ours), _share(base)


def run(faq_dir: Path, lexicon_dir: Path, sets: dict[str, list[Question]], repeat: int) -> list[Row]:
    texts = [q.q for qs in sets.values() for q in qs]
    ours, ours_s, ours_mb = _built(lambda: Knowledge.from_directory(faq_dir, lexicon_dir))
    base, base_s, base_mb = _built(lambda: Baseline.from_directory(faq_dir, lexicon_dir))
    assert isinstance(ours, Knowledge) and isinstance(base, Baseline)
    held_ours, held_base = _held_out(ours.entries, load_lexicon(lexicon_dir))
    reports = {name: evaluate(ours, qs) for name, qs in sets.items()}
    p50, p99 = _latency(ours.consult, texts, repeat)
    rows = [
        Row(
            "this retriever (Knowledge.consult)",
            {name: r.top1_accuracy for name, r in reports.items()},
            held_ours,
            {name: r.accuracy for name, r in reports.items()},
            {name: r.declined_rate for name, r in reports.items()},
            p50,
            p99,
            ours_s,
            ours_mb,
        )
    ]
    if ours.retriever.compiled:  # the fallback where no C compiler built the compiled path
        plain, plain_s, plain_mb = _built(
            lambda: Knowledge.from_directory(faq_dir, lexicon_dir, compiled=False)
        )
        assert isinstance(plain, Knowledge)
        p50, p99 = _latency(plain.consult, texts, repeat)
        row = rows[0]
        name = "… the same, pure Python (where nothing was compiled)"
        rows.append(
            dataclasses.replace(row, name=name, p50_us=p50, p99_us=p99, build_s=plain_s, memory_mb=plain_mb)
        )
    base_top1 = {
        name: _share([_right(base.top(q.q), q) for q in qs if q.kind == "faq"]) for name, qs in sets.items()
    }
    p50, p99 = _latency(base.top, texts, repeat)
    rows.append(
        Row("baseline: jieba + rank_bm25 BM25Okapi", base_top1, held_base, {}, {}, p50, p99, base_s, base_mb)
    )
    return rows


def _cells(row: Row, names: Sequence[str]) -> list[str]:
    def pct(values: dict[str, float]) -> str:
        return " / ".join(f"{values[n]:.1%}" for n in names) if values else "—"

    return [
        row.name,
        pct(row.top1),
        f"{row.held_out:.1%}",
        pct(row.answered),
        pct(row.declined),
        f"{row.p50_us:.0f} µs",
        f"{row.p99_us:.0f} µs",
        f"{row.build_s:.2f} s",
        f"{row.memory_mb:.1f} MB",
    ]


def render(rows: list[Row], names: Sequence[str], entries: int, markdown: bool) -> str:
    sets = " / ".join(names)
    header = [
        "retriever",
        f"top-1 right ({sets})",
        "held-out phrasings top-1",
        "answered right, band high",
        "out of scope declined",
        "p50 / question",
        "p99 / question",
        "build from files",
        "memory kept",
    ]
    table = [header] + [_cells(row, names) for row in rows]
    base = rows[-1]
    speedups = "; ".join(
        f"{row.name.split(' (')[0]}: {base.p50_us / row.p50_us:.1f}× at p50, {base.p99_us / row.p99_us:.1f}× at p99"
        for row in rows[:-1]
        if row.p50_us and row.p99_us
    )
    footer = f"{entries} FAQ entries; speed-up over the baseline — {speedups}"
    if markdown:
        lines = ["| " + " | ".join(r) + " |" for r in table]
        lines.insert(1, "|" + "---|" * len(header))
        return "\n".join([*lines, "", footer])
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in table]
    return "\n".join([*lines, footer])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--faq", type=Path, default=REPO / "data/faq")
    parser.add_argument("--lexicon", type=Path, default=REPO / "data/knowledge")
    parser.add_argument("--questions", type=Path, nargs="*", default=list(DEFAULT_QUESTIONS))
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    sets = {path.stem: load_questions(path) for path in args.questions if path.exists()}
    rows = run(args.faq, args.lexicon, sets, args.repeat)
    print(render(rows, list(sets), len(load_faq(args.faq)), args.markdown))


if __name__ == "__main__":
    main()
