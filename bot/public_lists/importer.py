"""`hotline import lists FILE.jsonl`: list entries and notices from JSON lines, each line checked on its own."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from bot.case_lookup.ingest import IngestError, error_list
from bot.public_lists.ingest import check_external_id, parse_entry, upsert_entry, upsert_notice
from bot.public_lists.kinds import LIST_KINDS, NOTICE_KINDS
from bot.public_lists.payloads import NoticePayload
from bot.storage.db import Database

if TYPE_CHECKING:
    from bot.courts.directory import CourtDirectory

BATCH = 500
# A line longer than this is not a list entry; it is reported, not parsed.
MAX_LINE = 64 * 1024


@dataclass
class ImportSummary:
    inserted: int = 0
    updated: int = 0
    # (line number, field path, reason); the reasons never repeat the values, so ID numbers stay out.
    errors: list[tuple[int, str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "inserted": self.inserted,
            "updated": self.updated,
            "errors": [{"line": line, "path": path, "reason": reason} for line, path, reason in self.errors],
        }


def _record(line: str) -> tuple[str, str, dict[str, Any]]:
    """kind, id and the payload of one line: {"kind": …, "id": …, …the body of the PUT…}."""
    if len(line) > MAX_LINE:
        raise IngestError("", "该行过长")
    try:
        data = json.loads(line)
    except ValueError:
        raise IngestError("", "不是有效的 JSON") from None
    if not isinstance(data, dict):
        raise IngestError("", "每行应为一个 JSON 对象")
    kind, record_id = data.pop("kind", None), data.pop("id", None)
    if kind not in (*LIST_KINDS, *NOTICE_KINDS):
        raise IngestError("kind", f"应为以下之一：{'、'.join((*LIST_KINDS, *NOTICE_KINDS))}")
    if not isinstance(record_id, str):
        raise IngestError("id", "缺少编号（字符串）")
    return kind, check_external_id(record_id), data


def import_lists(path: Path, db: Database, courts: CourtDirectory | None = None) -> ImportSummary:
    """Upsert every valid line (list entries and notices, by kind); report the others by line and field."""
    summary = ImportSummary()
    batch: list[tuple[int, str, str, Any]] = []
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                kind, record_id, data = _record(line)
                payload: Any = (
                    NoticePayload.model_validate({**data, "kind": kind})
                    if kind in NOTICE_KINDS
                    else parse_entry(kind, data)
                )
            except ValidationError as error:
                summary.errors.extend((number, e["path"], e["reason"]) for e in error_list(error))
                continue
            except IngestError as error:
                summary.errors.append((number, error.path, error.reason))
                continue
            batch.append((number, kind, record_id, payload))
            if len(batch) >= BATCH:
                _write(db, batch, summary, courts)
                batch = []
    _write(db, batch, summary, courts)
    return summary


def _write(
    db: Database,
    batch: list[tuple[int, str, str, Any]],
    summary: ImportSummary,
    courts: CourtDirectory | None,
) -> None:
    with db.transaction() as session:
        for number, kind, record_id, payload in batch:
            try:
                with session.begin_nested():
                    if isinstance(payload, NoticePayload):
                        outcome = upsert_notice(session, record_id, payload, courts)
                    else:
                        outcome = upsert_entry(session, kind, record_id, payload, courts)
            except IngestError as error:
                summary.errors.append((number, error.path, error.reason))
                continue
            if outcome == "inserted":
                summary.inserted += 1
            else:
                summary.updated += 1
