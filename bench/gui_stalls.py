#!/usr/bin/env python3
"""The longest time the GUI thread is blocked during a scripted session (target: 100 ms).

A 5 ms heartbeat timer on the GUI thread records the gaps between its ticks while the script
searches, opens the longest document of the demo catalogue, a domain, an answer, types on the
keyboard, switches 长辈模式 and goes back and home. JSON to stdout and bench/results/gui_stalls.json.

    python bench/gui_stalls.py [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir")
    args = ap.parse_args()
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from catalog.datadir import DataDir
    from catalog.packages import import_package
    from kiosk import tasks
    from kiosk.fonts import install_fonts
    from kiosk.settings import Settings
    from kiosk.window import MainWindow

    tmp = None
    dd = args.data_dir
    if dd is None:
        tmp = tempfile.TemporaryDirectory()
        dd = str(Path(tmp.name) / "data")
        import_package(dd, REPO / "resources/demo/demo.zip", trust=[REPO / "resources/demo/demo.pub"])
    app = QApplication([])
    install_fonts()
    win = MainWindow(DataDir(dd), demo=False, settings=Settings())
    win.resize(1920, 1080)
    win.show()

    def settle(cond=lambda: True, seconds=30):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            tasks.wait_idle(5)
            app.processEvents()
            if cond():
                return

    settle(lambda: win.catalog is not None and getattr(win.home, "tiles", None), 120)
    longest = max(win.catalog.store.documents(), key=lambda d: len(d.paragraphs))
    gaps: list[tuple[float, str]] = []
    step = ["idle"]
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def beat():
        now = clock.elapsed()
        gaps.append((now - last[0], step[0]))
        last[0] = now

    heart = QTimer(interval=5)
    heart.timeout.connect(beat)
    heart.start()
    actions = [
        ("search 低保", lambda: win.show_results("低保"), lambda: win.results.result is not None),
        ("filter", lambda: win.results.add_filter("domain", "shjz"), lambda: True),
        (f"open longest document ({len(longest.paragraphs)} paragraphs)",
         lambda: win.show_document(longest.id), lambda: win.document.doc is not None),
        ("text size 特大", lambda: win.document.set_size(2), lambda: True),
        ("domain 社会救助", lambda: win.show_domain("shjz"), lambda: win.domain.domain is not None),
        ("answer", lambda: win.show_faq(win.catalog.store.faqs()[0].id), lambda: True),
        ("keyboard dibao", lambda: (win.go_home(), win.home.search.open_keyboard(),
                                    win.home.search.keyboard.type_letters("dibao")), lambda: True),
        ("长辈模式 on", lambda: win.set_elder(True), lambda: True),
        ("back", win.go_back, lambda: True),
        ("home", win.go_home, lambda: True),
        ("长辈模式 off", lambda: win.set_elder(False), lambda: True),
    ]
    for name, act, done in actions:
        step[0] = name
        act()
        settle(done, 30)
        settle(seconds=0.3)
    heart.stop()
    worst: dict[str, float] = {}
    for gap, name in gaps:
        worst[name] = max(worst.get(name, 0.0), gap)
    result = {"benchmark": "gui_stalls", "target_ms": 100, "heartbeat_ms": 5,
              "max_gap_ms_by_action": worst, "max_gap_ms": max(worst.values()),
              "longest_document": longest.title}
    from bench.common import write_json

    write_json(REPO / "bench/results/gui_stalls.json", result)
    print(json.dumps(result, ensure_ascii=False))
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
