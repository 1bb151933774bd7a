"""Apply a package in a child process, so the process serving citizens keeps its interpreter.

An import segments and indexes thousands of documents in Python. Run on a thread of the kiosk's
own process it holds the GIL for long stretches, and a citizen's search waits behind it (p95 305 ms
against 6 ms when idle, bench/search_during_apply.py). In a child process the two only share the
CPU, and the child runs at a lower priority so that on a two-core kiosk the screen comes first.

The child is the public command line (``python -m catalog import PACKAGE --json --progress``):
progress and refusals come back as JSON lines on its stderr and the report as JSON on stdout, so
the kiosk uses exactly the contract staff and scripts use. The import lock, the staging copy and
the atomic switch are the same as in process; when the child dies (killed, out of memory) the
parent removes what it left and the old catalogue stays.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from catalog.datadir import DataDir
from catalog.errors import CatalogError
from catalog.model import Changes, ImportReport

log = logging.getLogger(__name__)

CHILD_NICE = 10  # POSIX niceness of the import; Windows gets BELOW_NORMAL_PRIORITY_CLASS
DIED = "导入过程意外中止，原来的目录照常使用。请再试一次；如果还是不行，请联系县里的发布单位。"


def child_command() -> list[str]:
    """How to run ``python -m catalog`` from this program: the interpreter with ``-m catalog``, or,
    in a frozen build where there is no interpreter, the kiosk executable with ``catalog`` (see
    kiosk/__main__.py, which hands that word to the catalogue's command line)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "catalog"]
    return [sys.executable, "-m", "catalog"]


def report_from_json(obj: dict) -> ImportReport:
    fields = dict(obj)
    fields["changes"] = {k: Changes(**v) for k, v in obj.get("changes", {}).items()}
    return ImportReport(**fields)


def import_in_child(
    data_dir: DataDir,
    package: Path,
    trust: list[Path] | None = None,
    allow_unsigned: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    started: Callable[[subprocess.Popen], None] | None = None,
) -> ImportReport:
    """Import ``package`` into ``data_dir`` in a child process and return its report. Blocks (call it
    off the GUI thread); ``progress(stage, done, total)`` is called from a reader thread. Raises
    CatalogError with the plain-Chinese reason when the package is refused or the child dies."""
    cmd = [*child_command(), "--data-dir", str(data_dir.root), "import", str(package),
           "--json", "--progress"]
    for key in trust or []:
        cmd += ["--trust", str(key)]
    if allow_unsigned:
        cmd.append("--allow-unsigned")
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    flags = getattr(subprocess, "BELOW_NORMAL_PRIORITY_CLASS", 0) | getattr(subprocess, "CREATE_NO_WINDOW", 0)
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, creationflags=flags)
    if hasattr(os, "setpriority"):
        try:  # lower the child only; raising it back needs privileges we do not want
            os.setpriority(os.PRIO_PROCESS, proc.pid, CHILD_NICE)
        except OSError:
            pass
    if started is not None:
        started(proc)
    refusal: list[dict] = []
    other: list[str] = []

    def read_stderr() -> None:
        for raw in proc.stderr:
            line = raw.decode("utf-8", "replace").strip()
            msg = _json_line(line)
            if msg is None:
                if line:
                    other.append(line)
            elif "stage" in msg:
                if progress is not None:
                    progress(msg["stage"], int(msg.get("done", 0)), int(msg.get("total", 0)))
            elif "error" in msg:
                refusal.append(msg)

    reader = threading.Thread(target=read_stderr, name="import-progress", daemon=True)
    reader.start()
    out = proc.stdout.read()
    proc.wait()
    reader.join()
    if proc.returncode == 0:
        return report_from_json(json.loads(out.decode("utf-8")))
    if refusal:
        raise CatalogError(refusal[-1]["error"], refusal[-1].get("detail", ""))
    log.warning("import child exited with %s; stderr tail: %s", proc.returncode, other[-5:])
    data_dir.recover()  # what the dead child left behind; skipped if someone else holds the lock
    raise CatalogError(DIED, f"import child exited with {proc.returncode}: {' | '.join(other[-3:])}")


def _json_line(line: str) -> dict | None:
    if not line.startswith("{"):
        return None
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None
