#!/usr/bin/env python3
"""The longest time the GUI thread is blocked during a scripted session (target: 100 ms).

Several rounds (default 5); the JSON has each action's median and worst longest block.
A 5 ms heartbeat timer on the GUI thread records the gaps between its ticks while the script
searches, opens the longest document of the demo catalogue, a domain, an answer, types on the
keyboard, switches 长辈模式 and goes back and home. JSON to stdout and bench/results/gui_stalls.json.

    python bench/gui_stalls.py [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import contextlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    from PySide6.QtCore import QElapsedTimer, QTimer

    from bench.common import kiosk_window, pump

    stack = contextlib.ExitStack()
    app, win = kiosk_window(stack, args.data_dir)

    def settle(cond=None, seconds=30):
        pump(app, cond, seconds)

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
        ("more results", lambda: win.results._more and win.results._more.click(), lambda: True),
        ("filter", lambda: win.results.add_filter("domain", "shjz"), lambda: True),
        (f"open longest document ({len(longest.paragraphs)} paragraphs)",
         lambda: win.show_document(longest.id), lambda: win.document.doc is not None),
        ("text size 特大", lambda: win.document.set_size(2), lambda: True),
        ("domain 社会救助", lambda: win.show_domain("shjz"), lambda: win.domain.domain is not None),
        ("answer", lambda: win.show_faq(win.catalog.store.faqs()[0].id), lambda: True),
        ("ask a question", lambda: win.show_ask("我妈八十岁了有什么补贴"), lambda: win.ask.result is not None),
        ("keyboard dibao", lambda: (win.go_home(), win.home.search.open_keyboard(),
                                    win.home.search.keyboard.type_letters("dibao")), lambda: True),
        ("长辈模式 on", lambda: win.set_elder(True), lambda: True),
        ("search 低保 (elder)", lambda: win.show_results("低保"),
         lambda: win.results.result is not None),
        ("back", win.go_back, lambda: True),
        ("home", win.go_home, lambda: True),
        ("长辈模式 off", lambda: win.set_elder(False), lambda: True),
    ]
    per_round: list[dict[str, float]] = []
    for _ in range(args.rounds):
        gaps.clear()
        for name, act, done in actions:
            step[0] = name
            act()
            settle(done, 30)
            settle(seconds=0.5)
        step[0] = "idle"
        win.reset_all()
        settle(seconds=1.0)
        worst: dict[str, float] = {}
        for gap, name in gaps:
            if name != "idle":
                worst[name] = max(worst.get(name, 0.0), gap)
        per_round.append(worst)
    heart.stop()
    median = {name: statistics.median(r[name] for r in per_round) for name in per_round[0]}
    result = {"benchmark": "gui_stalls", "target_ms": 100, "heartbeat_ms": 5, "rounds": args.rounds,
              "median_max_gap_ms_by_action": median,
              "max_gap_ms_by_action": {n: max(r[n] for r in per_round) for n in per_round[0]},
              "median_max_gap_ms": max(median.values()),
              "max_gap_ms": max(max(r.values()) for r in per_round),
              "longest_document": longest.title}
    from bench.common import write_json

    write_json(REPO / "bench/results/gui_stalls.json", result)
    print(json.dumps(result, ensure_ascii=False))
    stack.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
