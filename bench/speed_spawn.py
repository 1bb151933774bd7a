"""Starting speed.py's workers: each is ``python bench/speed.py --worker NAME ...`` in its own process (and
process group), importing ``catalog`` from the driver's snapshot of it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from bench.common import BENCH, REPO

# the entry point every worker runs (it hands ``--worker`` to speed_workers.run_worker)
SPEED_SCRIPT = BENCH / "speed.py"


class WorkerFailed(RuntimeError):
    pass


class WorkerTimeout(RuntimeError):
    pass


_WORKER_ENV: dict[str, str] = {}


def snapshot_code(work: Path) -> dict:
    """Copy ``catalog/`` into the work folder and import it from there, here and in every worker."""
    code = work / "code"
    shutil.rmtree(code, ignore_errors=True)
    shutil.copytree(REPO / "catalog", code / "catalog", ignore=shutil.ignore_patterns("__pycache__"))
    # what catalog reads beside itself (settings.RESOURCES: the built-in synonyms, the fonts); the
    # snapshot used to run without them, so its searches knew fewer everyday words
    (code / "resources").symlink_to(REPO / "resources", target_is_directory=True)
    sys.path.insert(0, str(code))
    _WORKER_ENV["SPEED_CODE"] = str(code)
    return code_info(snapshot=True)


def code_info(snapshot: bool) -> dict:
    def git(*a):
        try:
            return subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    changed = git("status", "--porcelain", "--", "catalog")
    return {"git_head": git("rev-parse", "--short", "HEAD"), "snapshot_of_catalog": snapshot,
            "uncommitted_catalog_files": changed.splitlines() if changed else []}


def spawn(args: list[str], *, env: dict | None = None, timeout: float | None = None) -> dict:
    cmd = [sys.executable, str(SPEED_SCRIPT), *args]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8", env={**os.environ, **_WORKER_ENV, **(env or {})},
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise WorkerTimeout(f"killed after {timeout:.0f} s (--import-timeout): {' '.join(cmd[1:])}")
    if proc.returncode != 0:
        raise WorkerFailed(f"worker failed ({proc.returncode}): {' '.join(cmd[1:])}\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1])
