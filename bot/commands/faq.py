"""`hotline faq eval|gaps` and `hotline import faq`: measure, mine and extend the knowledge base."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from bot.config import Settings
from bot.core.messages import Inbound, Reply
from bot.hotline import Hotline, build_hotline, load_services
from bot.knowledge.faq import FaqError, entry_ids, load_faq, load_faq_file
from bot.storage.models import KnowledgeGap

# How a plain decline reads (the eval sets' rule for out-of-scope questions).
DECLINE_WORDS = ("无法", "抱歉", "人工")


@dataclass(frozen=True)
class Result:
    question: dict[str, object]
    reply: Reply
    right: bool


def judge(question: dict[str, object], reply: Reply) -> bool:
    if question.get("kind") == "oos":
        return "faq_id" not in reply.meta and any(word in reply.text for word in DECLINE_WORDS)
    must = [str(word) for word in question.get("must_any", [])]  # type: ignore[attr-defined]
    return any(word in reply.text for word in must)


def evaluate(path: Path, settings: Settings) -> list[Result]:
    """Ask every question after 菜单 in one conversation, through the real dialogue, on a scratch database."""
    questions = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as scratch:
        scratch_settings = settings.model_copy(
            update={"database_url": f"sqlite:///{Path(scratch) / 'eval.db'}"}
        )
        hotline = build_hotline(scratch_settings, services=load_services(settings))
        try:
            results = []
            for question in questions:
                hotline.dialogue.handle(Inbound("eval", "evaluator", "菜单"))
                reply = hotline.dialogue.handle(Inbound("eval", "evaluator", str(question["q"])))
                results.append(Result(question, reply, judge(question, reply)))
        finally:
            hotline.close()
    return results


def format_results(results: list[Result]) -> str:
    in_scope = [r for r in results if r.question.get("kind") != "oos"]
    out_of_scope = [r for r in results if r.question.get("kind") == "oos"]
    middle = sum(r.reply.meta.get("band") == "middle" for r in results)

    def rate(chosen: list[Result]) -> str:
        right = sum(r.right for r in chosen)
        return f"{right}/{len(chosen)} = {right / len(chosen):.1%}" if chosen else "n/a"

    lines = [
        f"in-scope answered right:      {rate(in_scope)}",
        f"out-of-scope declined:        {rate(out_of_scope)}",
        f"offered 您是不是想问 (middle): {middle}/{len(results)}",
    ]
    wrong = [r for r in results if not r.right]
    if wrong:
        lines.append("confusions:")
        for result in wrong:
            meta = result.reply.meta
            got = meta.get("faq_id") or meta.get("intent")
            lines.append(
                f"  {result.question.get('id')} [{result.question.get('topic')}] {result.question.get('q')}"
                f"  → {got} band={meta.get('band')} score={meta.get('score')}"
            )
    return "\n".join(lines)


def gaps(hotline: Hotline, limit: int) -> list[tuple[str, int, str | None]]:
    """The most frequent questions the knowledge base could not answer confidently."""
    with hotline.db.transaction() as session:
        rows = session.execute(
            select(func.max(KnowledgeGap.question), func.count(), func.max(KnowledgeGap.best_faq_id))
            .group_by(KnowledgeGap.normalized)
            .order_by(func.count().desc(), func.max(KnowledgeGap.created_at).desc())
            .limit(limit)
        ).all()
    return [(question, count, best) for question, count, best in rows]


def import_faq(path: Path, settings: Settings) -> str:
    """Validate a FAQ file against the whole knowledge base, then install it in data/faq/."""
    target = settings.data_dir / "faq" / path.name
    # The file it replaces links into other files: read its ids, its links are checked with the rest.
    replaced = entry_ids(target) if target.exists() else set()
    existing = {entry.id for entry in load_faq(target.parent)} - replaced
    entries = load_faq_file(path, known_ids=existing)
    clashes = sorted({entry.id for entry in entries} & existing)
    if clashes:
        raise FaqError(f"{path.name}: 条目 id 与知识库中其他文件重复：{', '.join(clashes[:5])}")
    if path.resolve() != target.resolve():
        shutil.copyfile(path, target)
    return f"{path.name}：{len(entries)} 条，已校验并放入 {target.parent}（运行中的服务会自动重新加载）"
