"""Apply a package in a child process, so the process serving citizens keeps its interpreter.

An import segments and indexes thousands of documents in Python. Run on a thread of the kiosk's
own process it holds the GIL for long stretches, and a citizen's search waits behind it (p95 305 ms
against 6 ms when idle, bench/search_during_apply.py). In a child process the two only share the
CPU, and the child runs at a lower priority so that on a two-core kiosk the screen comes first.

The child is the public command line (``python -m catalog import PACKAGE --json --progress``):
progress and refusals come back as JSON lines on its stderr and the report as JSON on stdout, so
the kiosk uses exactly the contract staff and scripts use. The import lock, the staging copy and
the atomic switch are the same as in process. When the child dies (killed, out of memory, or
stopped by staff) before its switch, the parent removes what it left and the old catalogue stays;
after its switch, the update is done and reported as such. A child whose parent goes away finishes
its import (its progress writes stop, the switch is still atomic).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from catalog.packaging.datadir import DataDir
from catalog.errors import CatalogError, PackageRefused
from catalog.model import Changes, ImportReport

log = logging.getLogger(__name__)

CHILD_NICE = 10  # the import's niceness above the kiosk's (POSIX); Windows: BELOW_NORMAL_PRIORITY_CLASS
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
    confirm: frozenset[str] | set[str] | tuple = (),
) -> ImportReport:
    """Import ``package`` into ``data_dir`` in a child process and return its report. Blocks (call it
    off the GUI thread); ``progress(stage, done, total)`` is called from a reader thread and
    ``started(proc)`` once the child runs (to stop it: ``proc.kill()``, which is safe at any
    moment). ``confirm`` holds the staff confirmations given (catalog.packaging.checks.CONFIRMATIONS).
    Raises PackageRefused (with what it ``needs``) when the package is refused, CatalogError when the
    child dies before its switch; a child that dies after it still returns the (new) report."""
    from catalog.packaging.checks import CONFIRMATIONS

    cmd = [*child_command(), "--data-dir", str(data_dir.root), "import", str(package),
           "--json", "--progress"]
    for key in trust or []:
        cmd += ["--trust", str(key)]
    if allow_unsigned:
        cmd.append("--allow-unsigned")
    cmd += [CONFIRMATIONS[c] for c in sorted(confirm)]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    flags = getattr(subprocess, "BELOW_NORMAL_PRIORITY_CLASS", 0) | getattr(subprocess, "CREATE_NO_WINDOW", 0)
    before = data_dir.pointer().generation
    began = time.monotonic()
    refusal: list[dict] = []
    other: deque[str] = deque(maxlen=50)  # the tail of anything else the child says, for the log
    with subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=env, creationflags=flags) as proc:
        _lower_priority(proc.pid)
        if started is not None:
            started(proc)

        def read_stderr() -> None:
            for raw in proc.stderr:  # drained to the end whatever happens, or the child would block
                try:
                    line = raw.decode("utf-8", "replace").strip()
                    msg = _json_line(line)
                    if msg is None:
                        if line:
                            other.append(line)
                    elif "stage" in msg:
                        if progress is not None:
                            progress(str(msg["stage"]), int(msg.get("done", 0)), int(msg.get("total", 0)))
                    elif "error" in msg:
                        refusal.append(msg)
                except Exception:  # noqa: BLE001 - a bad line or a failing callback: keep reading
                    log.exception("import progress line not handled")

        reader = threading.Thread(target=read_stderr, name="import-progress", daemon=True)
        reader.start()
        out = proc.stdout.read()
        proc.wait()
        reader.join()
    report = _last_json(out)
    if proc.returncode == 0 and report is not None:
        try:
            return report_from_json(report)
        except (TypeError, ValueError, KeyError) as exc:
            log.warning("import report not understood: %r", exc)
    if refusal and proc.returncode != 0:
        needs = refusal[-1].get("needs")
        raise PackageRefused(str(refusal[-1]["error"]), str(refusal[-1].get("detail", "")),
                             needs if needs in CONFIRMATIONS else None)
    log.warning("import child exited with %s; stderr tail: %s", proc.returncode, list(other)[-5:])
    if data_dir.pointer().generation not in (None, before):
        # It switched, then died (or its report was lost): the update is done and live.
        return _report_from_status(data_dir, time.monotonic() - began)
    try:  # what the dead child left behind; skipped if someone else holds the lock
        data_dir.recover()
    except OSError as exc:
        log.warning("leftovers not removed yet (the next import will): %r", exc)
    raise CatalogError(DIED, f"import child exited with {proc.returncode}: {' | '.join(list(other)[-3:])}")


def _lower_priority(pid: int) -> None:
    """The child below the kiosk: niceness relative to ours (POSIX; Windows gets its class at
    creation). Lowering needs no privilege; a failure leaves it at ours."""
    if hasattr(os, "setpriority"):
        try:
            os.setpriority(os.PRIO_PROCESS, pid, min(19, os.getpriority(os.PRIO_PROCESS, 0) + CHILD_NICE))
        except OSError:
            pass


def _report_from_status(data_dir: DataDir, took_s: float) -> ImportReport:
    from catalog.catalogue import status

    st = status(data_dir.root)
    return ImportReport(sequence=st.sequence, previous_sequence=st.previous_sequence,
                        publisher=st.publisher, region=st.region, kind="unknown",
                        unsigned=st.unsigned, signer=st.signer, took_s=round(took_s, 3), changes={})


def _last_json(out: bytes) -> dict | None:
    """The report: the last line of stdout that is a JSON object (anything printed before it by
    a library is ignored)."""
    for line in reversed(out.decode("utf-8", "replace").splitlines()):
        msg = _json_line(line.strip())
        if msg is not None:
            return msg
    return None


def _json_line(line: str) -> dict | None:
    if not line.startswith("{"):
        return None
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def embed_in_child(data_dir: DataDir, started: Callable[[subprocess.Popen], None] | None = None) -> int:
    """Embed the live catalogue's passages that lack a vector, in a child process at low priority
    (``python -m catalog embed``); blocks, returns how many were embedded (0 when the child was
    stopped or failed: what it saved stays saved, and the next run goes on from there)."""
    cmd = [*child_command(), "--data-dir", str(data_dir.root), "embed", "--json"]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    flags = getattr(subprocess, "IDLE_PRIORITY_CLASS", 0) | getattr(subprocess, "CREATE_NO_WINDOW", 0)
    with subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, env=env, creationflags=flags) as proc:
        if hasattr(os, "setpriority"):
            try:
                os.setpriority(os.PRIO_PROCESS, proc.pid, 19)
            except OSError:
                pass
        if started is not None:
            started(proc)
        out, _ = proc.communicate()
    obj = _last_json(out or b"")
    if proc.returncode != 0 or obj is None:
        log.info("background embedding ended with %s", proc.returncode)
        return 0
    return int(obj.get("embedded", 0))
