"""Public-list lookups on 1,000,000 entries in PostgreSQL: p50/p99 by ID number and by organisation name.

    .venv/bin/python bench/lists.py [--entries 1000000] [--lookups 2000] [--seed 12368]
                                    [--pg postgresql://postgres@127.0.0.1:5432/test] [--keep] [--markdown]

A fresh database of its own is created on the server and migrated; the entries are synthetic
(bot/public_lists/synthetic.py with random.Random(seed): made-up names, checksum-valid ID numbers and
credit codes, two entries per debtor on average, 5% removed) and loaded with COPY; then ANALYZE.
Half the lookups are a person's name + ID number, half an organisation's full name; in each half
80% find someone and 20% are valid but unknown. Each query is timed twice: as the whole service
call the web page makes (bot.public_lists.service.lookup_once: parse and check, the rate-limit counter
upsert, the search, commit) and, apart, the search alone in a read-only transaction; and the server's
own execution time of each search (EXPLAIN ANALYZE) is given too, which does not depend on how busy
the client side of the machine is. The database is dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.dialects import postgresql

from bot.config import REPO_ROOT
from bot.courts.directory import CourtDirectory
from bot.public_lists.limits import QueryLimits, Requester
from bot.public_lists.search import parse_query, search, statement
from bot.public_lists.service import lookup_once
from bot.public_lists.subjects import name_key
from bot.public_lists.synthetic import Court, id_number, organisation_name, person_name, subject_entries
from bot.storage.db import Database, open_database
from bot.storage.scratch import create_database, drop_database

COLUMNS = [
    "kind",
    "entry_id",
    "subject_type",
    "name",
    "name_key",
    "id_number",
    "legal_representative",
    "court_code",
    "court_name",
    "case_no",
    "filed_on",
    "basis_document",
    "basis_issuer",
    "obligation",
    "performance",
    "amount",
    "conduct",
    "published_on",
    "removed_on",
    "removal_reason",
    "created_at",
    "updated_at",
]
NOW = datetime(2025, 7, 1, 2, 0, tzinfo=UTC)
UNLIMITED = QueryLimits(per_user=10**9, per_address=10**9, window_seconds=3600)


def rows(seed: int, count: int) -> Iterator[tuple[Any, ...]]:
    """COPY rows of `count` synthetic entries."""
    directory = CourtDirectory.load(REPO_ROOT / "data" / "courts.yaml")
    courts = [Court(court.code, court.name) for court in directory.all() if court.level == "基层"]
    rng = random.Random(seed)
    stamp = NOW.isoformat()
    produced = serial = 0
    while produced < count:
        serial += 1
        entries = list(subject_entries(rng, courts, serial))
        for entry in entries[: count - produced]:
            yield (
                entry["kind"],
                entry["id"],
                entry["subject_type"],
                entry["name"],
                name_key(entry["name"]),
                entry["id_number"],
                entry.get("legal_representative"),
                entry["case_no"].split(")")[1].split("执")[0],  # the court code: (2024)浙0106执1号 → 浙0106
                entry["court_name"],
                entry["case_no"],
                entry["filed_on"],
                entry["basis_document"],
                entry["basis_issuer"],
                entry["obligation"],
                entry.get("performance"),
                entry["amount"],
                entry.get("conduct"),
                entry["published_on"],
                entry.get("removed_on"),
                entry.get("removal_reason"),
                stamp,
                stamp,
            )
            produced += 1


def load(url: str, seed: int, count: int) -> float:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    started = time.perf_counter()
    with engine.begin() as connection:
        cursor = connection.connection.cursor()
        with cursor.copy(f"COPY list_entries ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows(seed, count):
                copy.write_row(row)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE list_entries"))
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def draw_samples(db: Database, seed: int, size: int = 1000) -> dict[str, list[tuple[str, str]]]:
    """Debtors in force to look up, drawn from the database in an order fixed by the seed."""
    samples: dict[str, list[tuple[str, str]]] = {}
    with db.transaction() as session:
        for subject_type in ("person", "organisation"):
            found = session.execute(
                text(
                    "SELECT name, id_number FROM list_entries WHERE subject_type = :type AND removed_on IS NULL "
                    "AND published_on <= :today ORDER BY md5(entry_id || :seed) LIMIT :size"
                ),
                {"type": subject_type, "today": NOW.date(), "seed": str(seed), "size": size},
            ).all()
            samples[subject_type] = [(name, code) for name, code in found]
    return samples


def queries(
    seed: int, samples: dict[str, list[tuple[str, str]]], total: int
) -> list[tuple[str, str, str | None]]:
    """(kind, name, code) for half person lookups and half organisation-name lookups, 80% of them hits."""
    rng = random.Random(seed + 1)
    unknown_region = "331127"
    chosen: list[tuple[str, str, str | None]] = []
    for number in range(total // 2):
        if number % 5 == 4:
            chosen.append(("id_number", person_name(rng), id_number(rng, unknown_region, 2001, 2005)))
        else:
            name, code = rng.choice(samples["person"])
            chosen.append(("id_number", name, code))
    for number in range(total - total // 2):
        if number % 5 == 4:
            chosen.append(("org_name", organisation_name(rng) + "分公司", None))
        else:
            chosen.append(("org_name", rng.choice(samples["organisation"])[0], None))
    rng.shuffle(chosen)
    return chosen


def _percentiles(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values) * 1000, values[max(0, int(len(values) * 0.99) - 1)] * 1000


def measure(db: Database, chosen: list[tuple[str, str, str | None]]) -> dict[str, dict[str, float]]:
    """Per kind of lookup: the search alone (read-only transaction) and the whole service call."""
    requester = Requester(user="bench:lists", address="127.0.0.1")
    today = NOW.date()

    def full(kind: str, name: str, code: str | None) -> bool:
        result = lookup_once(db, UNLIMITED, requester, name, code, NOW, organisation_name=kind == "org_name")
        return result.status == "found"

    def read(name: str, code: str | None) -> None:
        with db.transaction() as session:
            search(session, parse_query(name, code), today)

    for kind, name, code in chosen[:100]:  # warm the pool, the caches and the prepared plans
        full(kind, name, code)
        read(name, code)
    searches: dict[str, list[float]] = {"id_number": [], "org_name": []}
    lookups: dict[str, list[float]] = {"id_number": [], "org_name": []}
    found: dict[str, int] = {"id_number": 0, "org_name": 0}
    for kind, name, code in chosen:
        before = time.perf_counter()
        read(name, code)
        middle = time.perf_counter()
        found[kind] += full(kind, name, code)
        searches[kind].append(middle - before)
        lookups[kind].append(time.perf_counter() - middle)
    figures = {}
    for kind in searches:
        search_p50, search_p99 = _percentiles(searches[kind])
        lookup_p50, lookup_p99 = _percentiles(lookups[kind])
        figures[kind] = {
            "n": len(searches[kind]),
            "found": found[kind],
            "search_p50_ms": search_p50,
            "search_p99_ms": search_p99,
            "lookup_p50_ms": lookup_p50,
            "lookup_p99_ms": lookup_p99,
        }
    return figures


def _literal_sql(name: str, code: str | None) -> str:
    """The very SELECT the search runs, with its values inline, for EXPLAIN."""
    compiled = statement(parse_query(name, code), NOW.date()).compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    return str(compiled)


def server_times(db: Database, chosen: list[tuple[str, str, str | None]]) -> dict[str, tuple[float, float]]:
    """p50/p99 of the server's own execution time (EXPLAIN ANALYZE) of each search: the index's share."""
    times: dict[str, list[float]] = {"id_number": [], "org_name": []}
    with db.transaction() as session:
        for kind, name, code in chosen:
            plan = session.execute(
                text("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + _literal_sql(name, code))
            )
            times[kind].append(float(plan.scalar_one()[0]["Execution Time"]) / 1000)
    return {kind: _percentiles(values) for kind, values in times.items()}


def explain(db: Database, samples: dict[str, list[tuple[str, str]]]) -> list[str]:
    person, code = samples["person"][0]
    organisation = samples["organisation"][0][0]
    with db.transaction() as session:
        return [
            "\n".join(session.execute(text("EXPLAIN " + _literal_sql(name, value))).scalars())
            for name, value in ((person, code), (organisation, None))
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=12368)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--keep", action="store_true", help="keep the database (its URL is printed)")
    parser.add_argument("--database", help="measure on a database an earlier --keep run loaded")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    if args.database:
        url, name, load_seconds = args.database, "", 0.0
    else:
        url, name = create_database(args.pg, "hotline_bench_lists")
    try:
        db = open_database(url)  # migrates: the tables and indexes are exactly the application's
        if not args.database:
            load_seconds = load(url, args.seed, args.entries)
        samples = draw_samples(db, args.seed)
        chosen = queries(args.seed, samples, args.lookups)
        figures = measure(db, chosen)
        load_average = os.getloadavg()[0]
        for kind, (p50, p99) in server_times(db, chosen).items():
            figures[kind].update(server_p50_ms=p50, server_p99_ms=p99)
        plans = explain(db, samples)
        db.dispose()
    finally:
        if args.keep:
            print(f"kept: {url}")
        elif not args.database:
            drop_database(args.pg, name)
    labels = {"id_number": "name + ID number (person)", "org_name": "organisation full name"}
    if args.markdown:
        loaded = (
            f"loaded with COPY in {load_seconds:.0f} s" if not args.database else "loaded by an earlier run"
        )
        print(
            f"{args.entries:,} entries, {loaded} (seed {args.seed}); "
            f"load average during the lookups {load_average:.1f} on {os.cpu_count()} cores.\n"
        )
        print(
            "| lookup | n | found | server p50 / p99 ms | search p50 / p99 ms | whole lookup p50 / p99 ms |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for kind, values in figures.items():
            print(
                f"| {labels[kind]} | {values['n']:.0f} | {values['found']:.0f} | "
                f"{values['server_p50_ms']:.2f} / {values['server_p99_ms']:.2f} | "
                f"{values['search_p50_ms']:.2f} / {values['search_p99_ms']:.2f} | "
                f"{values['lookup_p50_ms']:.2f} / {values['lookup_p99_ms']:.2f} |"
            )
        return
    if not args.database:
        print(f"{args.entries:,} entries loaded with COPY in {load_seconds:.1f} s (seed {args.seed})")
    print(f"load average during the lookups: {load_average:.1f} on {os.cpu_count()} cores")
    for kind, values in figures.items():
        print(
            f"{labels[kind]}: n={values['n']:.0f}, found {values['found']:.0f}; "
            f"server p50 {values['server_p50_ms']:.2f} ms, p99 {values['server_p99_ms']:.2f} ms; "
            f"search p50 {values['search_p50_ms']:.2f} ms, p99 {values['search_p99_ms']:.2f} ms; "
            f"whole lookup p50 {values['lookup_p50_ms']:.2f} ms, p99 {values['lookup_p99_ms']:.2f} ms"
        )
    for plan in plans:
        print(plan)


if __name__ == "__main__":
    main()
