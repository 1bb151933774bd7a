"""Helpers shared by the benchmarks: paths, statistics, sizes, result files."""

from __future__ import annotations

import contextlib
import tempfile

import json
import os
import platform
import resource
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
DEFAULT_SHARED = REPO.parent / "shared"
QUERIES = BENCH / "queries.txt"

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def percentile(values: list[float], p: float) -> float:
    """Linear-interpolated percentile (as numpy's default), p in 0..100."""
    if not values:
        return float("nan")
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def latency_summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": round(percentile(ms, 50), 2), "p95_ms": round(percentile(ms, 95), 2),
            "max_ms": round(max(ms), 2) if ms else None,
            "mean_ms": round(statistics.fmean(ms), 2) if ms else None}


def median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


def tree_bytes(path: Path) -> int:
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def mb(nbytes: int) -> float:
    return round(nbytes / (1024 * 1024), 2)


def peak_rss_mb() -> float:
    """This process's own peak resident set size. On Linux VmHWM from /proc (ru_maxrss of a forked
    child can carry its parent's peak); elsewhere ru_maxrss (KiB on Linux, bytes on macOS)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024, 1)


def load_queries(path: Path = QUERIES) -> list[str]:
    return [line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def machine() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "processor": platform.processor() or platform.machine()}


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def write_json(path: Path, obj) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


@contextlib.contextmanager
def demo_data_dir(data_dir: str | Path | None = None):
    """``data_dir`` when given, else the demo catalogue imported into a temporary data folder."""
    if data_dir:
        yield Path(data_dir)
        return
    from catalog.packaging.packages import import_package

    with tempfile.TemporaryDirectory() as tmp:
        dd = Path(tmp) / "data"
        import_package(dd, REPO / "resources/demo/demo.zip", trust=[REPO / "resources/demo/demo.pub"])
        yield dd


def kiosk_window(stack: contextlib.ExitStack, data_dir: str | Path | None = None):
    """The kiosk's real main window, offscreen at 1920x1080, on ``data_dir`` (else a temporary
    demo catalogue kept until ``stack`` closes). Returns (app, window)."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    from catalog.packaging.datadir import DataDir
    from kiosk.fonts import install_fonts
    from kiosk.settings import Settings
    from kiosk.window import MainWindow

    dd = stack.enter_context(demo_data_dir(data_dir))
    app = QApplication.instance() or QApplication([])
    install_fonts()
    win = MainWindow(DataDir(dd), demo=False, settings=Settings())
    win.resize(1920, 1080)
    win.show()
    return app, win


def pump(app, cond=None, seconds: float = 30.0, wait_ms: int = 5):
    """Run the event loop until ``cond()`` holds, or for ``seconds`` when there is none (a person
    takes that long between taps; idle work such as restyling runs then). Returns ``cond()``."""
    from PySide6.QtCore import QEvent

    from kiosk import tasks

    end = time.monotonic() + seconds
    if cond is not None and cond():
        return True
    while time.monotonic() < end:
        app.processEvents()
        tasks.wait_idle(wait_ms)
        app.processEvents()
        # outside app.exec() deleteLater() would wait forever: deliver it as the loop would
        app.sendPostedEvents(None, QEvent.DeferredDelete)
        if cond is not None and cond():  # after the events it brought, not before: they are its cost
            return True
    return cond() if cond is not None else None
