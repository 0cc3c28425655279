"""Two live `hotline ask` processes on one database, alternating lines of one user: one coherent conversation."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REPO

MENU_SIZE = 8


def start_worker(database_url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "ask", "--user", "alternating", "--explain"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "HOTLINE_DATABASE_URL": database_url},
        cwd=REPO,
    )


def test_alternating_processes_keep_one_conversation(database_url: str) -> None:
    workers = [start_worker(database_url), start_worker(database_url)]
    script = ["法院通讯录与执行须知", "1", "返回", "返回", "8", "2"]
    replies = []
    try:
        for number, line in enumerate(script):
            worker = workers[number % 2]
            assert worker.stdin and worker.stdout
            worker.stdin.write(line + "\n")
            worker.stdin.flush()
            replies.append(json.loads(worker.stdout.readline()))
    finally:
        for worker in workers:
            if worker.stdin:
                worker.stdin.close()
            worker.wait(timeout=60)
    flows = [reply.get("flow") for reply in replies]
    assert flows[0] == "directory"  # worker A
    assert "执行须知" in replies[1]["text"]  # worker B understood "1" from A's options
    assert flows[2] == "directory"  # back from a notice section to the contents
    assert flows[3] is None and len(replies[3]["options"]) == MENU_SIZE  # back out to the menu
    assert flows[4] == "directory"  # "8" from the menu, on worker A
    assert flows[5] is None and len(replies[5]["options"]) == MENU_SIZE  # "2" = 返回菜单, on worker B
