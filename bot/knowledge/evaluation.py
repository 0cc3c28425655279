"""Measure the knowledge base against labelled questions (the dev-questions.jsonl format)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.knowledge.faq import FaqEntry
from bot.knowledge.service import Band, Knowledge

Kind = Literal["faq", "oos"]


@dataclass(frozen=True)
class Question:
    id: str
    q: str
    topic: str
    must_any: tuple[str, ...]
    kind: Kind


@dataclass(frozen=True)
class Outcome:
    question: Question
    band: Band
    entry: FaqEntry | None  # the top hit, whatever the band
    score: float
    right: bool  # faq: answered (band high) with a must_any word; oos: declined (band low)
    top1_right: bool  # faq: the top hit's answer has a must_any word, whatever the band

    @property
    def entry_id(self) -> str | None:
        return self.entry.id if self.entry else None


@dataclass(frozen=True)
class Report:
    outcomes: tuple[Outcome, ...]

    def _count(self, kind: Kind, top1: bool = False) -> tuple[int, int]:
        chosen = [o for o in self.outcomes if o.question.kind == kind]
        return sum(o.top1_right if top1 else o.right for o in chosen), len(chosen)

    @property
    def answered(self) -> tuple[int, int]:
        """In-scope questions answered (band high) with an answer holding a must_any word: (right, all)."""
        return self._count("faq")

    @property
    def declined(self) -> tuple[int, int]:
        """Out-of-scope questions declined (band low): (declined, all)."""
        return self._count("oos")

    @property
    def accuracy(self) -> float:
        return _ratio(*self.answered)

    @property
    def declined_rate(self) -> float:
        return _ratio(*self.declined)

    @property
    def top1_accuracy(self) -> float:
        """In-scope questions whose top hit holds a must_any word, band aside: the retriever alone."""
        return _ratio(*self._count("faq", top1=True))

    @property
    def middle_rate(self) -> float:
        return _ratio(sum(o.band == "middle" for o in self.outcomes), len(self.outcomes))

    @property
    def overall(self) -> float:
        return _ratio(sum(o.right for o in self.outcomes), len(self.outcomes))

    @property
    def confusions(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.right]


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def load_questions(path: Path) -> list[Question]:
    """One JSON object a line: {"id", "q", "topic", "must_any", "kind"}; blank lines are skipped."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            kind, must_any = row["kind"], row["must_any"]
            if kind not in ("faq", "oos"):
                raise ValueError(f"kind 应为 faq 或 oos，而不是 {kind!r}")
            if not isinstance(must_any, list) or not all(isinstance(w, str) for w in must_any):
                raise ValueError("must_any 应为词语列表")
            topic = str(row.get("topic", ""))
            questions.append(Question(str(row["id"]), str(row["q"]), topic, tuple(must_any), kind))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path.name}:{number}: 格式错误（{exc}）") from exc
    return questions


def evaluate(knowledge: Knowledge, questions: Iterable[Question]) -> Report:
    """faq: right when answered (band high) and the top answer or its basis holds a must_any word;
    oos: right when declined (band low)."""
    outcomes = []
    for question in questions:
        consultation = knowledge.consult(question.q)
        top = consultation.top
        text = top.entry.answer + "".join(top.entry.basis) if top else ""
        top1_right = question.kind == "faq" and any(word in text for word in question.must_any)
        if question.kind == "oos":
            right = consultation.band == "low"
        else:
            right = consultation.band == "high" and top1_right
        entry, score = (top.entry, top.score) if top else (None, 0.0)
        outcomes.append(Outcome(question, consultation.band, entry, score, right, top1_right))
    return Report(tuple(outcomes))


def format_report(report: Report) -> str:
    """A plain-text report for `hotline faq eval FILE`: rates, then every miss with what was found."""
    answered, declined = report.answered, report.declined
    lines = [
        f"范围内问题答对率：{report.accuracy:.1%}（{answered[0]}/{answered[1]}，需直接答复且答案含要点）",
        f"范围外问题拒答率：{report.declined_rate:.1%}（{declined[0]}/{declined[1]}）",
        f"首选条目正确率（不论档位）：{report.top1_accuracy:.1%}",
        f"“您是不是想问”占比：{report.middle_rate:.1%}",
        f"总体正确率：{report.overall:.1%}（{len(report.outcomes)}题）",
    ]
    if report.confusions:
        lines.append("")
        lines.append("未答对的问题（编号｜问题｜期望主题｜实际条目｜得分｜档位）：")
        for o in report.confusions:
            got = o.entry_id or "（无）"
            expected = o.question.topic or o.question.kind
            lines.append(f"{o.question.id}｜{o.question.q}｜{expected}｜{got}｜{o.score:.2f}｜{o.band}")
    return "\n".join(lines)
