"""Case progress at scale: lookup-and-render p50/p99 over N cases and 10×N events, and the importer's rate.

    .venv/bin/python bench/cases.py [--cases 1000000] [--lookups 2000] [--pg postgresql://postgres@127.0.0.1:5432/test]
                                    [--seed 12368] [--keep] [--markdown]

Creates a database of its own (hotline_bench_<random>) on the server --pg names, migrates it, fills it with
COPY (N cases, 2N parties, 2N staff assignments, N/100 staff members, 10N events; generated from --seed,
default 12368, so two runs hold the same data), checks with EXPLAIN that the lookups use indexes, then:

(a) picks --lookups random cases and, for each, in one transaction, loads the case by its case number and
    renders what a verified party reads with bot.case_lookup.progress: the summary (parties, 承办人 with
    office phone, status) and the first page of one random category (its events newest first). Password
    hashing is excluded (it costs the same ~160 ms whatever the data); a second pass also records the
    view (CaseView), as the real turn does, and commits.
(b) imports a 20,000-line events file and a 5,000-line cases file (no passwords) with run_import.

The database is dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import select

from bot.case_lookup.catalogue import Catalogue
from bot.case_lookup.importer import run_import
from bot.case_lookup.passwords import hash_password
from bot.case_lookup.progress import category_page, record_view, summary
from bot.config import Settings
from bot.core.texts import Texts
from bot.courts.directory import CourtDirectory
from bot.identity.id_number import id_check_digit
from bot.storage.db import Database, open_database
from bot.storage.models import Case
from bot.storage.scratch import create_database, drop_database

SEED = 12368
YEARS = tuple(range(2015, 2026))
TYPES = ("执",) * 14 + ("执恢", "执恢", "执异", "执复", "执保")
CAUSES = (
    "民间借贷纠纷",
    "买卖合同纠纷",
    "金融借款合同纠纷",
    "劳动争议",
    "机动车交通事故责任纠纷",
    "房屋租赁合同纠纷",
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文斌宇浩凯"
STATUSES = ("open",) * 6 + ("suspended", "deferred") + ("closed",) * 4
CLOSINGS = (
    "closed_settlement",
    "closed_voluntary",
    "closed_enforced",
    "closed_terminated_round",
    "terminated",
)
EVENTS_PER_CASE = 10
CHUNK_ROWS = 20_000


@dataclass(frozen=True)
class World:
    """What the generator and the lookups share: the courts used and the derivation of case numbers."""

    courts: tuple[tuple[str, str], ...]  # (code, name)
    cases: int
    seed: int = SEED

    def parts(self, case_id: int) -> tuple[int, str, str, int]:
        """Year, court code, type and sequence: distinct for every id, so case numbers never collide."""
        i = case_id - 1
        code = self.courts[i % len(self.courts)][0]
        year = YEARS[(i // len(self.courts)) % len(YEARS)]
        seq = i // (len(self.courts) * len(YEARS)) + 1
        return year, code, TYPES[(i * 7919) % len(TYPES)], seq

    def case_no(self, case_id: int) -> str:
        year, code, case_type, seq = self.parts(case_id)
        return f"({year}){code}{case_type}{seq}号"

    def rng(self, stream: int) -> random.Random:
        return random.Random(self.seed * 100 + stream)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _id_number(rng: random.Random) -> str:
    first17 = f"3301{rng.randint(2, 27):02d}{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first17 + id_check_digit(first17)


def _copy(connection: psycopg.Connection, table: str, columns: str, rows: Iterator[str]) -> None:
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        chunk: list[str] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK_ROWS:
                copy.write("".join(chunk))
                chunk.clear()
        if chunk:
            copy.write("".join(chunk))


def _case_rows(world: World, rng: random.Random, password_hash: str, filed: list[date]) -> Iterator[str]:
    stamp = "2026-01-01 00:00:00+00"
    for case_id in range(1, world.cases + 1):
        i = case_id - 1
        code, court_name = world.courts[i % len(world.courts)]
        year, _, case_type, seq = world.parts(case_id)
        case_no = f"({year}){code}{case_type}{seq}号"
        filed_on = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
        filed.append(filed_on)
        status = rng.choice(STATUSES)
        closing, closed_on = r"\N", r"\N"
        if status == "closed":
            closing, closed_on = (
                rng.choice(CLOSINGS),
                (filed_on + timedelta(days=rng.randint(30, 700))).isoformat(),
            )
        amount = f"{rng.randint(1_000, 5_000_000)}.{rng.randint(0, 99):02d}"
        basis = f"({year - 1}){code}民初{rng.randint(1, 20000)}号民事判决书"
        yield (
            f"{case_id}\t{case_no}\t{code}\t{court_name}\t{case_type}\t{filed_on}\t{amount}\t{rng.choice(CAUSES)}\t"
            f"{basis}\t{status}\t{closing}\t{closed_on}\t{password_hash}\t{stamp}\t{stamp}\n"
        )


def _party_rows(world: World, rng: random.Random) -> Iterator[str]:
    for case_id in range(1, world.cases + 1):
        phone = f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"
        yield f"{2 * case_id - 1}\t{case_id}\t0\tapplicant\tperson\t{_name(rng)}\t{_id_number(rng)}\t{phone}\n"
        yield f"{2 * case_id}\t{case_id}\t1\trespondent\torganisation\t杭州{_name(rng)}贸易有限公司\t\\N\t\\N\n"


def _staff_rows(world: World, staff: int) -> Iterator[str]:
    rng = world.rng(1)
    for staff_id in range(1, staff + 1):
        code = world.courts[staff_id % len(world.courts)][0]
        title = "书记员" if staff_id % 3 == 0 else "审判员"
        yield f"{staff_id}\tB{staff_id:06d}\t{_name(rng)}\t{code}\t{title}\t0571-8{rng.randint(0, 9_999_999):07d}\n"


def _assignment_rows(world: World, rng: random.Random, staff: int, filed: list[date]) -> Iterator[str]:
    for case_id in range(1, world.cases + 1):
        day = filed[case_id - 1] + timedelta(days=1)
        yield f"{2 * case_id - 1}\t{case_id}\t{rng.randint(1, staff)}\tpresiding\t{day}\t\\N\n"
        yield f"{2 * case_id}\t{case_id}\t{rng.randint(1, staff)}\tclerk\t{day}\t\\N\n"


def _event_rows(world: World, rng: random.Random, catalogue: Catalogue, filed: list[date]) -> Iterator[str]:
    kinds = [kind for kind in catalogue.kinds.values() if kind.code not in ("case_filed", "judge_assigned")]
    stamp = "2026-01-01 00:00:00+00"
    event_id = 0
    for case_id in range(1, world.cases + 1):
        start = datetime.combine(filed[case_id - 1], datetime.min.time(), tzinfo=UTC) + timedelta(hours=1)
        offsets = sorted(rng.randint(2, 700 * 24) for _ in range(EVENTS_PER_CASE - 2))
        chosen = [catalogue.kinds["case_filed"], catalogue.kinds["judge_assigned"]]
        chosen += [rng.choice(kinds) for _ in offsets]
        for hours, kind in zip([0, 1, *offsets], chosen, strict=True):
            event_id += 1
            moment = (start + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S+00")
            details = (
                f'{{"amount": "{rng.randint(100, 500_000)}.00"}}' if kind.category == "payment" else "{}"
            )
            yield (
                f"{event_id}\t{case_id}\tB{case_id}-{event_id}\t{kind.category}\t{kind.code}\t{moment}\t"
                f"{kind.label}，详见法院送达的文书\t{details}\t{stamp}\n"
            )


def _without_secondary_indexes(connection: psycopg.Connection, tables: tuple[str, ...]) -> list[str]:
    """Drop unique/foreign-key constraints and secondary indexes before COPY; return the SQL to restore them."""
    restore: list[str] = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint"
                " WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
                (table,),
            )
            for name, definition, _ in cursor.fetchall():
                restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
                " AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                (table, table),
            )
            for name, definition in cursor.fetchall():
                restore.insert(0, definition)
                connection.execute(f'DROP INDEX "{name}"')
    return restore


def fill(url: str, world: World, catalogue: Catalogue, settings: Settings) -> float:
    """Load the generated data with COPY; seconds taken, indexes and constraints rebuilt included."""
    rng = world.rng(0)
    staff = max(50, world.cases // 100)
    password_hash = hash_password("bench-pass-1", settings)
    started = time.perf_counter()
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo) as connection:
        tables = ("cases", "parties", "staff_members", "staff_assignments", "case_events")
        restore = _without_secondary_indexes(connection, tables)
        filed: list[date] = []
        _copy(
            connection,
            "cases",
            "id, case_no, court_code, court_name, case_type, filed_on, amount, cause, "
            "basis_document, status, closing_type, closed_on, password_hash, created_at, updated_at",
            _case_rows(world, rng, password_hash, filed),
        )
        _copy(
            connection,
            "parties",
            "id, case_id, position, role, kind, name, id_number, phone",
            _party_rows(world, rng),
        )
        _copy(
            connection,
            "staff_members",
            "id, staff_no, name, court_code, title, office_phone",
            _staff_rows(world, staff),
        )
        _copy(
            connection,
            "staff_assignments",
            "id, case_id, staff_id, role, assigned_on, ended_on",
            _assignment_rows(world, rng, staff, filed),
        )
        _copy(
            connection,
            "case_events",
            "id, case_id, external_id, category, kind, occurred_at, summary, details, created_at",
            _event_rows(world, rng, catalogue, filed),
        )
        connection.commit()
        for statement in restore:
            connection.execute(statement)
        for table in tables:
            connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


EXPLAINED = {
    "case by case_no": ("SELECT * FROM cases WHERE case_no = %s", "cases"),
    "parties of a case": ("SELECT * FROM parties WHERE case_id = %s ORDER BY position", "parties"),
    "assignments of a case": ("SELECT * FROM staff_assignments WHERE case_id = %s", "staff_assignments"),
    "events of a category, newest first": (
        "SELECT * FROM case_events WHERE case_id = %s AND category = 'measure'"
        " ORDER BY occurred_at DESC, id DESC LIMIT 10",
        "case_events",
    ),
    "event by sender's id (import)": (
        "SELECT case_id FROM case_events WHERE external_id = %s",
        "case_events",
    ),
}


def explain(url: str, world: World) -> dict[str, tuple[bool, str]]:
    """For each lookup query: whether it avoids a sequential scan of its table, and the plan."""
    case_id = world.cases // 2
    args = {"case by case_no": world.case_no(case_id), "event by sender's id (import)": f"B{case_id}-1"}
    plans = {}
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        for label, (sql, table) in EXPLAINED.items():
            rows = connection.execute("EXPLAIN " + sql, (args.get(label, case_id),)).fetchall()
            plan = "\n".join(row[0] for row in rows)
            plans[label] = (f"Seq Scan on {table}" not in plan and "Index" in plan, plan)
    return plans


@dataclass
class Lookups:
    wall: list[float]  # seconds per lookup, as a party waits for it
    cpu: float  # seconds of this process's CPU over all lookups: what the machine's load does not inflate


def lookups(
    db: Database, world: World, catalogue: Catalogue, texts: Texts, count: int, *, log_view: bool, stream: int
) -> Lookups:
    rng = world.rng(stream)
    categories = [category.code for category in catalogue.categories]
    now = datetime.now(UTC)
    wall = []
    cpu_before = time.process_time()
    for number in range(count):
        case_no = world.case_no(rng.randint(1, world.cases))
        category = rng.choice(categories)
        before = time.perf_counter()
        with db.transaction() as session:
            case = session.scalars(select(Case).where(Case.case_no == case_no)).one()
            rendered = summary(session, case, catalogue, now, texts=texts)
            page = category_page(session, case, category, 0, catalogue, "applicant", texts=texts)
            if log_view:
                record_view(session, case.id, "bench", f"user-{number % 100}", category, now)
        wall.append(time.perf_counter() - before)
        assert rendered and page.text
    return Lookups(wall, time.process_time() - cpu_before)


def import_rates(
    db: Database, world: World, catalogue: Catalogue, settings: Settings, scratch: Path
) -> dict[str, float]:
    rng = world.rng(3)
    kinds = sorted(catalogue.kinds)
    events = scratch / "events.jsonl"
    with events.open("w", encoding="utf-8") as handle:
        for number in range(20_000):
            case_no = world.case_no(rng.randint(1, world.cases))
            line: dict[str, object] = {
                "case_no": case_no,
                "event_id": f"IMP-{number}",
                "kind": rng.choice(kinds),
                "occurred_at": "2025-06-01T10:00:00",
                "summary": "执行措施已实施",
                "details": {},
            }
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    cases = scratch / "cases.jsonl"
    with cases.open("w", encoding="utf-8") as handle:
        for number in range(5_000):
            line = {
                "case_no": f"(2025)浙0102执{900_000 + number}号",
                "court_name": "杭州市上城区人民法院",
                "filed_on": "2025-03-01",
                "amount": "1000.00",
                "cause": "民间借贷纠纷",
                "parties": [{"role": "applicant", "kind": "person", "name": "张三", "phone": "13800138000"}],
                "staff": [
                    {"staff_no": "B000001", "name": "李明", "role": "presiding", "assigned_on": "2025-03-02"}
                ],
            }
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    rates = {}
    for kind, path, lines in (("events", events, 20_000), ("cases", cases, 5_000)):
        result = run_import(kind, path, db, settings, catalogue, progress=False)
        assert not result.rejected, result.rejected[:3]
        rates[kind] = lines / result.seconds
    return rates


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--seed", type=int, default=SEED, help="documented default 12368")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    catalogue = Catalogue.load(settings.data_dir / "case_events.yaml")
    texts = Texts.load(settings.data_dir / "texts.yaml", hotline=settings.hotline_phone)
    directory = CourtDirectory.load(settings.data_dir / "courts.yaml")
    courts = tuple((court.code, court.name) for court in directory.all() if len(court.code) == 5)
    world = World(courts, args.cases, args.seed)

    url, name = create_database(args.pg, "hotline_bench_cases")
    try:
        db = open_database(url)
        print(
            f"filling {name}: {args.cases:,} cases, {args.cases * EVENTS_PER_CASE:,} events …",
            file=sys.stderr,
        )
        load_seconds = fill(url, world, catalogue, settings)
        plans = explain(url, world)
        for label, (indexed, plan) in plans.items():
            print(f"EXPLAIN {label}: {'index' if indexed else 'NO INDEX'}\n{plan}\n", file=sys.stderr)
        lookups(db, world, catalogue, texts, 200, log_view=False, stream=10)  # warm the pool and the caches
        render = lookups(db, world, catalogue, texts, args.lookups, log_view=False, stream=11)
        with_log = lookups(db, world, catalogue, texts, args.lookups, log_view=True, stream=12)
        with tempfile.TemporaryDirectory() as scratch:
            rates = import_rates(db, world, catalogue, settings, Path(scratch))
        db.dispose()
    finally:
        if not args.keep:
            drop_database(args.pg, name)

    rows = [
        ("data", f"{args.cases:,} cases, {args.cases * EVENTS_PER_CASE:,} events (seed {args.seed})"),
        ("fill with COPY, indexes rebuilt", f"{load_seconds:.0f} s"),
        ("lookups use indexes (EXPLAIN)", "yes" if all(indexed for indexed, _ in plans.values()) else "NO"),
        (
            f"lookup-and-render, {args.lookups:,} random cases: p50 / p99",
            f"{percentile(render.wall, 0.5):.2f} ms / {percentile(render.wall, 0.99):.2f} ms",
        ),
        (
            "… and record the view, commit: p50 / p99",
            f"{percentile(with_log.wall, 0.5):.2f} ms / {percentile(with_log.wall, 0.99):.2f} ms",
        ),
        ("mean lookup-and-render", f"{statistics.fmean(render.wall) * 1000:.2f} ms"),
        ("client CPU per lookup-and-render", f"{render.cpu / args.lookups * 1000:.2f} ms"),
        ("import events (20,000 lines, run_import)", f"{rates['events']:,.0f} lines/s"),
        ("import cases (5,000 lines, no passwords)", f"{rates['cases']:,.0f} lines/s"),
    ]
    if args.markdown:
        print("| measure | figure |\n| --- | ---: |")
        for label, figure in rows:
            print(f"| {label} | {figure} |")
    else:
        for label, figure in rows:
            print(f"{label}: {figure}")


if __name__ == "__main__":
    main()
