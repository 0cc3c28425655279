"""`hotline import cases|events FILE.jsonl`: batch loads from the management system, a bad line rejecting only itself."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.case_lookup.catalogue import Catalogue
from bot.case_lookup.ingest import (
    CaseLookup,
    EventLookup,
    IngestError,
    add_event,
    enforcement_case_number,
    error_list,
    upsert_case,
)
from bot.case_lookup.payloads import CasePayload, EventPayload
from bot.config import Settings
from bot.notify.record import NotifyBatch, notifier
from bot.notify.rules import NotifyRules, load_rules
from bot.storage.db import Database

if TYPE_CHECKING:
    from rich.progress import Progress

    from bot.courts.directory import CourtDirectory

KINDS = {"cases": "案件", "events": "案件事件"}
BATCH_SIZE = 500
SHOWN_REJECTIONS = 100


@dataclass(frozen=True)
class Rejection:
    line: int
    path: str
    reason: str


@dataclass
class ImportSummary:
    kind: str
    lines: int = 0
    inserted: int = 0
    updated: int = 0
    duplicate: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, result: str) -> None:
        setattr(self, result, getattr(self, result) + 1)


class _LineRejected(Exception):
    def __init__(self, path: str, reason: str) -> None:
        self.path, self.reason = path, reason


def _read_lines(path: Path, advance: Callable[[int], None]) -> Iterator[tuple[int, str | None]]:
    """Numbered non-blank lines (None for one that is not UTF-8); bytes read go to the progress bar."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            advance(len(raw))
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, None
                continue
            text = text.lstrip("\ufeff") if number == 1 else text
            if text.strip():
                yield number, text


def _parse(text: str | None, model: type[BaseModel], catalogue: Catalogue) -> tuple[str, Any]:
    if text is None:
        raise _LineRejected("", "不是 UTF-8 编码的文字")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise _LineRejected("", "不是有效的 JSON") from None
    if not isinstance(data, dict):
        raise _LineRejected("", "每行应为一个 JSON 对象")
    case_no = data.pop("case_no", None)
    if not isinstance(case_no, str) or not case_no.strip():
        raise _LineRejected("case_no", "缺少案号")
    try:
        canonical = enforcement_case_number(case_no).canonical
    except IngestError as error:
        raise _LineRejected(error.path, error.reason) from None
    try:
        return canonical, model.model_validate(data, context={"catalogue": catalogue})
    except ValidationError as error:
        first = error_list(error)[0]
        raise _LineRejected(first["path"], first["reason"]) from None


@dataclass(frozen=True)
class _Job:
    kind: str
    model: type[BaseModel]
    settings: Settings
    catalogue: Catalogue
    courts: CourtDirectory | None
    rules: NotifyRules | None = None


Outcome = str | Rejection  # "inserted" / "updated" / "duplicate", or why the line was refused


def _parse_all(
    batch: list[tuple[int, str | None]], job: _Job
) -> list[tuple[int, tuple[str, Any] | Rejection]]:
    parsed: list[tuple[int, tuple[str, Any] | Rejection]] = []
    for number, text in batch:
        try:
            parsed.append((number, _parse(text, job.model, job.catalogue)))
        except _LineRejected as bad:
            parsed.append((number, Rejection(number, bad.path, bad.reason)))
    return parsed


Lookup = CaseLookup | EventLookup | None


def _apply(
    session: Session,
    job: _Job,
    case_no: str,
    payload: Any,
    lookup: Lookup = None,
    batch: NotifyBatch | None = None,
) -> str:
    if job.kind == "cases":
        assert lookup is None or isinstance(lookup, CaseLookup)
        return upsert_case(
            session,
            case_no,
            payload,
            job.settings,
            catalogue=job.catalogue,
            courts=job.courts,
            lookup=lookup,
        )
    assert lookup is None or isinstance(lookup, EventLookup)
    # The fast path notifies from what the batch fetched up front; the careful one reads per event.
    notify = batch.enqueue if batch is not None else notifier(job.rules)
    return add_event(session, case_no, payload, job.catalogue, lookup=lookup, notify=notify)


def _lookup(session: Session, job: _Job, items: list[tuple[int, tuple[str, Any] | Rejection]]) -> Lookup:
    wanted = [item for _, item in items if not isinstance(item, Rejection)]
    case_nos = [case_no for case_no, _ in wanted]
    if job.kind == "cases":
        staff_nos = [staff.staff_no for _, payload in wanted for staff in payload.staff]
        return CaseLookup.fetch(session, case_nos, staff_nos)
    return EventLookup.fetch(session, case_nos, [payload.event_id for _, payload in wanted])


def _apply_all(
    session: Session, job: _Job, items: list[tuple[int, tuple[str, Any] | Rejection]], *, savepoints: bool
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    # The fast path reads what it needs for the whole batch up front; the careful one asks line by line.
    lookup = None if savepoints else _lookup(session, job, items)
    batch = None
    if isinstance(lookup, EventLookup) and job.rules is not None:
        batch = NotifyBatch.fetch(session, job.rules, lookup.case_ids.values())
    for number, item in items:
        if isinstance(item, Rejection):
            outcomes.append(item)
        elif not savepoints:
            outcomes.append(_apply(session, job, *item, lookup, batch))
        else:
            try:
                with session.begin_nested():
                    outcomes.append(_apply(session, job, *item))
            except IngestError as error:
                outcomes.append(Rejection(number, error.path, error.reason))
            except SQLAlchemyError as error:
                # The driver's message may quote the row; the operator gets the error class only.
                outcomes.append(Rejection(number, "", f"数据库拒绝写入（{type(error).__name__}）"))
    return outcomes


def _import_batch(db: Database, job: _Job, batch: list[tuple[int, str | None]]) -> list[Outcome]:
    """One transaction for the batch; if any line fails there, the batch is redone a savepoint per line.

    The fast path reads what the batch touches in a few queries and writes its rows together at
    commit; the slow one keeps every good line of a batch that holds a bad one, and
    loses the bad line whole.
    """
    items = _parse_all(batch, job)
    try:
        with db.transaction() as session:
            return _apply_all(session, job, items, savepoints=False)
    except (IngestError, SQLAlchemyError):
        with db.transaction() as session:
            return _apply_all(session, job, items, savepoints=True)


def _progress(path: Path, kind: str, show: bool) -> Progress | None:
    if not show:
        return None
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn(f"导入{KINDS[kind]}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(), transient=True
    )


def _load_courts(settings: Settings) -> CourtDirectory | None:
    path = settings.data_dir / "courts.yaml"
    if not path.exists():
        return None
    from bot.courts.directory import CourtDirectory

    return CourtDirectory.load(path)


def run_import(
    kind: str,
    path: Path,
    db: Database,
    settings: Settings,
    catalogue: Catalogue,
    *,
    rules: NotifyRules | None = None,
    batch_size: int = BATCH_SIZE,
    progress: bool | None = None,
) -> ImportSummary:
    """Import JSON lines ({"case_no": ..., **payload}) in batches, each one transaction.

    A line that fails validation or the database is reported with its number and leaves nothing of
    itself behind; the lines around it are kept, and no case is ever left half-written.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}: expected one of {', '.join(KINDS)}")
    model: type[BaseModel] = CasePayload if kind == "cases" else EventPayload
    courts = _load_courts(settings) if kind == "cases" else None
    job = _Job(kind, model, settings, catalogue, courts, rules)
    summary = ImportSummary(kind)
    started = time.perf_counter()
    bar = _progress(path, kind, sys.stdout.isatty() if progress is None else progress)
    with bar if bar is not None else nullcontext():
        task = bar.add_task("import", total=path.stat().st_size) if bar is not None else None

        def advance(size: int) -> None:
            if bar is not None and task is not None:
                bar.advance(task, size)

        lines = _read_lines(path, advance)
        while batch := list(islice(lines, batch_size)):
            summary.lines += len(batch)
            for outcome in _import_batch(db, job, batch):
                if isinstance(outcome, Rejection):
                    summary.rejected.append(outcome)
                else:
                    summary.count(outcome)
    summary.seconds = time.perf_counter() - started
    return summary


def format_summary(summary: ImportSummary, shown: int = SHOWN_REJECTIONS) -> str:
    """The summary in Chinese for the operator: counts, then each rejected line and why."""
    rate = summary.lines / summary.seconds if summary.seconds > 0 else 0.0
    head = (
        f"导入{KINDS.get(summary.kind, summary.kind)}：共 {summary.lines} 行，新增 {summary.inserted}，"
        f"更新 {summary.updated}，重复 {summary.duplicate}，拒绝 {len(summary.rejected)}"
        f"（用时 {summary.seconds:.1f} 秒，每秒 {rate:.0f} 行）"
    )
    lines = [head]
    for item in summary.rejected[:shown]:
        where = f" {item.path}" if item.path else ""
        lines.append(f"  第 {item.line} 行{where}：{item.reason}")
    if len(summary.rejected) > shown:
        lines.append(f"  ……另有 {len(summary.rejected) - shown} 行被拒绝")
    return "\n".join(lines)


def command(kind: str, path: Path, settings: Settings) -> int:
    """What `hotline import KIND FILE` runs: 0 when every line went in, 1 when some were rejected, 2 without a file."""
    from bot.storage.db import open_database

    if not path.is_file():
        print(f"找不到文件：{path}", file=sys.stderr)
        return 2
    catalogue = Catalogue.load(settings.data_dir / "case_events.yaml")
    rules = load_rules(settings.data_dir, catalogue, settings.hotline_phone)
    db = open_database(settings.database_url, settings.db_pool_size)
    try:
        summary = run_import(kind, path, db, settings, catalogue, rules=rules)
    finally:
        db.dispose()
    print(format_summary(summary))
    return 1 if summary.rejected else 0
