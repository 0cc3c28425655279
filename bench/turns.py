"""Menu turns per second and p50/p99 latency, in one process, on SQLite and on PostgreSQL.

    .venv/bin/python bench/turns.py [--turns 5000] [--pg postgresql://postgres@127.0.0.1:5432/test] [--markdown]

Each user walks the menu (菜单 → 8 → 返回 → 5 → 返回菜单 …); every turn is a full Dialogue.handle: lock the
conversation row, route, save state and the turn log, commit. The PostgreSQL run uses a database of its own,
dropped at the end.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bot.config import Settings
from bot.core.messages import Inbound
from bot.hotline import build_hotline, load_services
from bot.storage.scratch import create_database, drop_database

SCRIPT = ["菜单", "8", "返回", "5", "返回菜单", "2", "取消"]


def measure(url: str, turns: int, services_settings: Settings) -> dict[str, float]:
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    hotline = build_hotline(settings, services=load_services(services_settings))
    try:
        for warm in range(50):
            hotline.dialogue.handle(Inbound("bench", "warm", SCRIPT[warm % len(SCRIPT)]))
        latencies = []
        started = time.perf_counter()
        for number in range(turns):
            user = f"user-{number // len(SCRIPT) % 50}"
            before = time.perf_counter()
            hotline.dialogue.handle(Inbound("bench", user, SCRIPT[number % len(SCRIPT)]))
            latencies.append(time.perf_counter() - before)
        elapsed = time.perf_counter() - started
    finally:
        hotline.close()
    latencies.sort()
    return {
        "turns_per_s": turns / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=5000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    base = Settings(_env_file=None)  # type: ignore[call-arg]
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        results["SQLite (file, WAL)"] = measure(f"sqlite:///{Path(scratch) / 'bench.db'}", args.turns, base)
    if args.pg:
        url, name = create_database(args.pg, "hotline_bench_turns")
        try:
            results["PostgreSQL 15 (loopback)"] = measure(url, args.turns, base)
        finally:
            drop_database(args.pg, name)
    if args.markdown:
        print("| database | menu turns/s | p50 ms | p99 ms |")
        print("| --- | ---: | ---: | ---: |")
        for name, figures in results.items():
            print(
                f"| {name} | {figures['turns_per_s']:.0f} | {figures['p50_ms']:.2f} | {figures['p99_ms']:.2f} |"
            )
    else:
        for name, figures in results.items():
            print(
                f"{name}: {figures['turns_per_s']:.0f} turns/s, "
                f"p50 {figures['p50_ms']:.2f} ms, p99 {figures['p99_ms']:.2f} ms"
            )


if __name__ == "__main__":
    main()
