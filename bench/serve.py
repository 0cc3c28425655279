"""Serving at scale: web-chat and WeChat-webhook turns at 200 concurrent users against `hotline serve` workers.

    .venv/bin/python bench/serve.py [--users 200] [--seconds 8] [--max-requests 60000] [--threads N]
                                    [--pg postgresql://postgres@127.0.0.1:5432/test] [--markdown]

Everything runs on loopback on this machine, in one run:

1. the ceiling: an aiohttp hello-world endpoint (one process, GET /hello → "ok"), driven by the same load
   generator, closed loop (each of --users users sends its next request as soon as the last one returns);
2. `hotline serve` with one worker process, then with two (two ports, the users split between them), both on
   one PostgreSQL database of their own (created, migrated, dropped at the end):
   (a) saturation: closed loop as for the ceiling — turns/s, and p50/p99 that are mostly queueing
       (Little's law: 200 requests in flight at T turns/s wait about 200/T seconds);
   (b) offered load: the users together offer 1%, 2%, 3%, 5%, 10%, … 25% of the ceiling's rate (open loop: each request
       has a scheduled time and latency counts from it, so a server that falls behind is charged for it),
       climbing until a step misses the target (p99 < 50 ms with 95% of the offered rate carried).

Half the users are web-chat visitors (GET /chat for the signed cookie, then POST /chat/api/message), half
are WeChat followers (signed plaintext XML posted to /wechat, the passive reply read back). Every user walks
the menu like bench/turns.py (菜单 → 8 → 返回 → 5 → 返回菜单 → 2 → 取消): each request is a full turn — lock
the conversation row, route, save state and the turn log, commit. Knowledge questions cost more CPU per turn
(retrieval and reranking); see bench/faq.py for those.

The load generator is one asyncio process on the same cores as the servers and PostgreSQL; on a small
machine it is part of what is measured. Each row says where the CPU went: milliseconds of CPU per completed
request in the server processes, in PostgreSQL's processes and in the generator (from /proc, Linux). Run counts are bounded by --seconds and --max-requests per phase.
From one worker's row at saturation the run also prints the bound of this machine: cores / CPU per turn,
the most any number of workers could carry while the generator and PostgreSQL share the same cores.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp import web

REPO = Path(__file__).resolve().parent.parent
SCRIPT = ["菜单", "8", "返回", "5", "返回菜单", "2", "取消"]
WECHAT_TOKEN = "bench-wechat-token"
TARGET_SHARE = 0.25
P99_TARGET_MS = 50
# Offered load as shares of the hello-world ceiling, climbed until p99 or throughput misses.
LADDER = (0.01, 0.02, 0.03, 0.05, 0.10, 0.15, 0.20, 0.25)
WARM_UP_SECONDS = 1.5

Request = Callable[[aiohttp.ClientSession, int, int], Awaitable[None]]


@dataclass
class Figures:
    requests: int
    seconds: float
    latencies: list[float]
    errors: int
    offered: float | None = None
    cpu_busy: float = float("nan")  # share of all cores busy (any process) during the measured window
    # CPU ms per completed request in the window: (the servers, PostgreSQL's processes, the load generator)
    cpu_ms: tuple[float, float, float] = (float("nan"),) * 3

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000 if ordered else float("nan")


def cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies over all cores since boot, from /proc/stat (Linux)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            values = [int(value) for value in stat.readline().split()[1:]]
    except OSError:
        return 0, 0
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def process_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes have used, from /proc/<pid>/stat (Linux)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def postgres_pids() -> list[int]:
    """Every process named postgres… (the server and its backends) on this machine."""
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text(encoding="ascii", errors="replace").startswith("postgres"):
                pids.append(int(comm.parent.name))
        except OSError:
            continue
    return pids


def cpu_split(servers: list[int]) -> tuple[float, float, float]:
    """CPU seconds so far of (the servers, PostgreSQL, this load generator)."""
    return process_cpu(servers), process_cpu(postgres_pids()), time.process_time()


# -- servers -------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def hello_world(port: int) -> None:
    """The ceiling: the least an aiohttp handler can do."""

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/hello", hello)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server {url} did not start")


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def serve_workers(
    count: int, database_url: str, threads: int | None = None
) -> tuple[list[str], list[subprocess.Popen[bytes]]]:
    env = {
        **os.environ,
        "HOTLINE_DATABASE_URL": database_url,
        "HOTLINE_WECHAT_TOKEN": WECHAT_TOKEN,
        "HOTLINE_SECRET_KEY": "bench-secret",
    }
    if threads:  # turn threads per worker, and database connections to match
        env.update(HOTLINE_WORKERS=str(threads), HOTLINE_DB_POOL_SIZE=str(threads))
    urls, processes = [], []
    for _ in range(count):
        port = free_port()
        processes.append(start([sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], env))
        urls.append(f"http://127.0.0.1:{port}")
    for url, process in zip(urls, processes, strict=True):
        wait_ready(f"{url}/healthz", process)
    return urls, processes


# -- requests --------------------------------------------------------------------------------------------


def wechat_xml(open_id: str, text: str, msg_id: int) -> bytes:
    return (
        f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{open_id}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    ).encode()


def signed_query() -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
    signature = hashlib.sha1("".join(sorted([WECHAT_TOKEN, timestamp, nonce])).encode()).hexdigest()
    return {"signature": signature, "timestamp": timestamp, "nonce": nonce}


class HotlineUsers:
    """User n talks to urls[n % len(urls)]; even users on the web chat page, odd ones on WeChat."""

    def __init__(self, urls: list[str], run: str) -> None:
        self.urls, self.run = urls, run
        self.cookies: dict[int, str] = {}
        # Fresh MsgIds per run: a repeated one would be answered from the turn log, not processed.
        self.msg_ids = itertools.count(uuid.uuid4().int % 10**12 * 10**6)

    async def __call__(self, http: aiohttp.ClientSession, user: int, step: int) -> None:
        url, text = self.urls[user % len(self.urls)], SCRIPT[step % len(SCRIPT)]
        if user % 2 == 0:
            if user not in self.cookies:
                async with http.get(f"{url}/chat") as response:
                    self.cookies[user] = response.cookies["hotline_chat"].value
            headers = {"Cookie": f"hotline_chat={self.cookies[user]}"}
            async with http.post(f"{url}/chat/api/message", json={"text": text}, headers=headers) as response:
                body = await response.read()
                if response.status != 200 or b'"options"' not in body:
                    raise RuntimeError(f"web chat answered {response.status}")
        else:
            open_id = f"oBench{self.run}{user:06d}"
            xml = wechat_xml(open_id, text, next(self.msg_ids))
            async with http.post(f"{url}/wechat", params=signed_query(), data=xml) as response:
                body = await response.read()
                if response.status != 200 or b"<Content>" not in body:
                    raise RuntimeError(f"wechat answered {response.status}")


async def hello(http: aiohttp.ClientSession, url: str) -> None:
    async with http.get(url) as response:
        await response.read()
        if response.status != 200:
            raise RuntimeError(f"hello answered {response.status}")


# -- the load generator ---------------------------------------------------------------------------------


async def drive(
    request: Request,
    users: int,
    seconds: float,
    cap: int,
    rate: float | None = None,
    servers: list[int] | None = None,
) -> Figures:
    """Users send requests until time or the cap runs out; closed loop, or open loop at rate (req/s).

    Latency counts from the request's scheduled time; throughput counts completions inside the window."""
    latencies: list[float] = []
    completions: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        # Warm-up: every user's first request (cookies, connections, conversation rows) is not measured.
        await asyncio.gather(*(request(http, user, 0) for user in range(users)))
        began = time.perf_counter()
        measure_from = began + WARM_UP_SECONDS
        end = measure_from + seconds
        cpu_start: list[tuple[tuple[int, int], tuple[float, float, float]]] = []

        async def sample_cpu() -> tuple[tuple[int, int], tuple[float, float, float]]:
            await asyncio.sleep(measure_from - time.perf_counter())
            cpu_start.append((cpu_times(), cpu_split(servers or [])))
            await asyncio.sleep(end - time.perf_counter())
            return cpu_times(), cpu_split(servers or [])

        async def user_loop(user: int) -> None:
            nonlocal errors
            step = 1
            while True:
                if rate is None:
                    scheduled = time.perf_counter()
                else:  # user k's n-th request (n from 1) is due at (k + (n-1)·users)/rate
                    scheduled = began + (user + (step - 1) * users) / rate
                    delay = scheduled - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                if scheduled >= end or len(latencies) >= cap:
                    return
                try:
                    await request(http, user, step)
                except (aiohttp.ClientError, RuntimeError, KeyError):
                    errors += 1
                done = time.perf_counter()
                if scheduled >= measure_from:
                    latencies.append(done - scheduled)
                if measure_from <= done < end:
                    completions.append(done)
                step += 1

        sampler = asyncio.ensure_future(sample_cpu())
        await asyncio.gather(*(user_loop(user) for user in range(users)))
        (busy_end, split_end) = await sampler
        window = (max(completions) if len(latencies) >= cap and completions else end) - measure_from
    (busy_start, split_start) = cpu_start[0]
    busy = (busy_end[0] - busy_start[0]) / max(busy_end[1] - busy_start[1], 1)
    done = max(len(completions), 1)
    cpu_ms = (
        1000 * (split_end[0] - split_start[0]) / done if servers else float("nan"),
        1000 * (split_end[1] - split_start[1]) / done,
        1000 * (split_end[2] - split_start[2]) / done,
    )
    return Figures(len(completions), max(window, 1e-9), latencies, errors, rate, busy, cpu_ms)


# -- the run -----------------------------------------------------------------------------------------------


def measure_hello(args: argparse.Namespace) -> Figures:
    port = free_port()
    process = start([sys.executable, __file__, "--hello-port", str(port)], dict(os.environ))
    try:
        url = f"http://127.0.0.1:{port}/hello"
        wait_ready(url, process)
        return asyncio.run(
            drive(
                lambda http, user, step: hello(http, url),
                args.users,
                args.seconds,
                args.max_requests,
                servers=[process.pid],
            )
        )
    finally:
        stop([process])


def meets(figures: Figures) -> bool:
    """The latency target at an offered rate: it is carried (95%) and p99 stays under 50 ms."""
    assert figures.offered is not None
    return figures.rate >= 0.95 * figures.offered and figures.percentile(0.99) < P99_TARGET_MS


def measure_hotline(
    args: argparse.Namespace, database_url: str, workers: int, ceiling: float
) -> tuple[Figures, list[Figures]]:
    """Saturation, then offered rates climbing the LADDER (shares of the ceiling) until one misses."""
    urls, processes = serve_workers(workers, database_url, args.threads)
    try:
        pids = [process.pid for process in processes]
        saturated = asyncio.run(
            drive(
                HotlineUsers(urls, f"s{workers}"), args.users, args.seconds, args.max_requests, servers=pids
            )
        )
        paced: list[Figures] = []
        for share in LADDER:
            users = HotlineUsers(urls, f"p{workers}x{round(share * 100)}")
            rate = share * ceiling
            paced.append(
                asyncio.run(
                    drive(users, args.users, args.seconds, args.max_requests, rate=rate, servers=pids)
                )
            )
            if not meets(paced[-1]):
                break
        return saturated, paced
    finally:
        stop(processes)


def report(rows: list[tuple[str, str, Figures]], ceiling: float, markdown: bool) -> None:
    if markdown:
        print(
            "| endpoint | load | requests/s | p50 ms | p99 ms | % of ceiling | CPU busy "
            "| CPU ms/request: servers · PostgreSQL · generator | errors |"
        )
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, load, figures in rows:
        cells = [
            name,
            load,
            f"{figures.rate:.0f}",
            f"{figures.percentile(0.50):.1f}",
            f"{figures.percentile(0.99):.1f}",
            f"{100 * figures.rate / ceiling:.0f}%",
            f"{100 * figures.cpu_busy:.0f}%",
            " · ".join(f"{ms:.2f}" for ms in figures.cpu_ms),
            str(figures.errors),
        ]
        print("| " + " | ".join(cells) + " |" if markdown else "  ".join(f"{cell:>18}" for cell in cells))


def machine_bound(one_worker: Figures, ceiling: float) -> str:
    """What any number of workers could carry here, from one worker's CPU accounting at saturation.

    The load generator, PostgreSQL and the servers share this machine's cores, so no number of workers
    can go past cores / (CPU per turn in all three). One worker at saturation serves its largest batches,
    so its CPU per turn is the least a turn costs; more workers split the load into smaller batches."""
    cores = os.cpu_count() or 1
    per_turn_ms = sum(one_worker.cpu_ms)
    bound = 1000 * cores / per_turn_ms
    return (
        f"bound on this machine: a turn costs {per_turn_ms:.2f} ms of CPU at one worker's saturation "
        f"({' + '.join(f'{ms:.2f}' for ms in one_worker.cpu_ms)}: servers, PostgreSQL, load generator) "
        f"and one worker already keeps {one_worker.cpu_busy:.0%} of {cores} cores busy, so no number of "
        f"workers can pass {bound:.0f} turns/s = {bound / one_worker.rate:.2f}× one worker; "
        f"{TARGET_SHARE:.0%} of the ceiling ({TARGET_SHARE * ceiling:.0f} turns/s) is "
        f"{TARGET_SHARE * ceiling / bound:.0%} of that bound"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--max-requests", type=int, default=60_000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--threads", type=int, help="turn threads per worker (default: HOTLINE_WORKERS, 8)")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--hello-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.hello_port:
        hello_world(args.hello_port)
        return

    load_before = os.getloadavg()[0]
    ceiling = measure_hello(args)
    from bot.storage.scratch import create_database, drop_database

    url, name = create_database(args.pg, "hotline_bench_serve")
    try:
        from bot.storage.db import open_database

        open_database(url).dispose()  # migrate once, before the workers start
        runs = {workers: measure_hotline(args, url, workers, ceiling.rate) for workers in (1, 2)}
    finally:
        drop_database(args.pg, name)

    closed = f"closed loop, {args.users} users"
    rows = [("aiohttp hello world, 1 process", closed, ceiling)]
    rows += [(f"hotline turns, {n} worker{'s' * (n > 1)}", closed, runs[n][0]) for n in runs]
    for n, (_, paced) in runs.items():
        for figures in paced:
            offered = figures.offered or 0.0
            load = f"{offered:.0f}/s offered ({offered / ceiling.rate:.0%} of ceiling)"
            rows.append((f"hotline turns, {n} worker{'s' * (n > 1)}", load, figures))
    report(rows, ceiling.rate, args.markdown)
    print()
    print(
        f"two workers / one worker at saturation: {runs[2][0].rate / runs[1][0].rate:.2f}× (target ≥ 1.6×); "
        f"{os.cpu_count()} cores shared by the load generator, the servers and PostgreSQL; "
        f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after the run"
    )
    print(machine_bound(runs[1][0], ceiling.rate))
    for n, (_, paced) in runs.items():
        carried = [figures for figures in paced if meets(figures)]
        best = max((figures.offered or 0.0 for figures in carried), default=0.0)
        verdict = "met" if best >= TARGET_SHARE * ceiling.rate * 0.999 else "missed"
        print(
            f"{n} worker{'s' * (n > 1)}: highest offered rate carried with p99 < {P99_TARGET_MS} ms: "
            f"{best:.0f} turns/s = {best / ceiling.rate:.0%} of the ceiling (target {TARGET_SHARE:.0%}: {verdict})"
        )


if __name__ == "__main__":
    main()
