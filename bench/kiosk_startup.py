#!/usr/bin/env python3
"""Kiosk start-up: time from launching the process to the first painted frame, and to
search-ready (catalogue open, segmenter loaded, index warm, home tiles shown). Median of several
launches, each a fresh process on an already imported catalogue (how a kiosk starts every day).

    python bench/kiosk_startup.py [--runs 7] [--data-dir DIR]
    python bench/kiosk_startup.py --first-start [--runs 3]

Without --data-dir the demo package is imported into a temporary folder first. JSON to stdout and
to bench/results/kiosk_startup.json. The target: first frame within 1.5 s.

``--first-start`` times the kiosk's very first start instead: each launch on a new, empty data
folder, as ``python -m kiosk`` runs it (the demo catalogue imported with progress shown, then
opened), to the usable home screen; into bench/results/kiosk_first_start.json (target 20 s).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def worker(data_dir: str, launched: float, demo: bool = False) -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, str(REPO))
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from catalog.packaging.datadir import DataDir
    from kiosk.fonts import install_fonts
    from kiosk.settings import load
    from kiosk.window import MainWindow

    marks: dict[str, float] = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint and "first_frame" not in marks:
                marks["first_frame"] = time.time()
            return False

    app = QApplication([])
    install_fonts()
    dd = DataDir(data_dir)
    win = MainWindow(dd, demo=demo, settings=load(dd))
    painter = FirstPaint()
    win.installEventFilter(painter)
    win.resize(1920, 1080)
    win.show()

    def poll():
        if "first_frame" in marks and win.catalog is not None and getattr(win.home, "tiles", None):
            marks["search_ready"] = time.time()
            app.quit()

    timer = QTimer(interval=5)
    timer.timeout.connect(poll)
    timer.start()
    QTimer.singleShot(300_000, app.quit)
    app.exec()
    print(json.dumps({k: round((v - launched) * 1000, 1) for k, v in marks.items()}))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--data-dir")
    ap.add_argument("--first-start", action="store_true",
                    help="each launch on an empty data folder: the demo imported, to the home screen")
    ap.add_argument("--worker", nargs=2, metavar=("DATA_DIR", "LAUNCHED"))
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], float(args.worker[1]), demo=args.first_start)
        return 0
    if args.first_start:
        return first_start(args.runs)
    tmp = None
    dd = args.data_dir
    if dd is None:
        tmp = tempfile.TemporaryDirectory()
        dd = str(Path(tmp.name) / "data")
        r = subprocess.run([sys.executable, "-m", "catalog", "--data-dir", dd, "import",
                            str(REPO / "resources/demo/demo.zip"), "--trust",
                            str(REPO / "resources/demo/demo.pub")], cwd=REPO, capture_output=True)
        assert r.returncode == 0, r.stderr
    launch(args.runs, lambda: contextlib.nullcontext(dd), [], 120, "kiosk_startup", "demo",
           {"first_frame": 1500},
           "from process launch (python interpreter start included) to the first Paint event of "
           "the main window, and to catalogue open + segmenter + warm index + home tiles shown")
    if tmp:
        tmp.cleanup()
    return 0


def first_start(runs_n: int) -> int:
    launch(runs_n, _empty_folder, ["--first-start"], 400, "kiosk_first_start", "demo (resources/demo/demo.zip)",
           {"search_ready": 20_000},
           "python -m kiosk's first start on an empty data folder: process launch to the first frame "
           "(the import's progress screen), and to the demo imported and opened with the home tiles shown")
    return 0


@contextlib.contextmanager
def _empty_folder():
    """A new, empty data folder for one launch, removed after it."""
    with tempfile.TemporaryDirectory() as tmp:
        yield str(Path(tmp) / "data")


def launch(runs_n: int, data_dir, flags: list[str], timeout: float, name: str, catalogue: str,
           target_ms: dict, note: str) -> dict:
    """``runs_n`` fresh worker processes, each on ``data_dir()`` (a context giving the folder);
    their medians into bench/results/NAME.json and to stdout."""
    runs = []
    for _ in range(runs_n):
        with data_dir() as dd:
            launched = time.time()
            out = subprocess.run([sys.executable, __file__, *flags, "--worker", dd, str(launched)], cwd=REPO,
                                 capture_output=True, text=True, timeout=timeout)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    result = {
        "benchmark": name, "runs": runs_n, "catalogue": catalogue,
        "median_ms": {k: round(statistics.median(r[k] for r in runs), 1) for k in ("first_frame", "search_ready")},
        "target_ms": target_ms, "raw": runs, "note": note,
    }
    sys.path.insert(0, str(REPO))
    from bench.common import write_json

    write_json(REPO / "bench" / "results" / f"{name}.json", result)
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    sys.exit(main())
