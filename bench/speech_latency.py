#!/usr/bin/env python3
"""Time from tapping 朗读 to the first audio sample leaving the app (target 300 ms, median).

The document screen's 朗读全文 button is clicked on the demo's 政府信息公开条例; the clock stops
when the audio sink has consumed its first samples (QAudioSink.processedUSecs > 0), i.e. when
sound is handed to the system's output. Needs an audio output: with no sound card, start
PulseAudio with a null sink first (as tests/kiosk/test_speech.py does).

    python bench/speech_latency.py [--data-dir DIR] [--runs 9]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir")
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--doc", default="law-a232c94b84")
    args = ap.parse_args()
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from bench.common import kiosk_window, machine, now_iso, pump, write_json

    stack = contextlib.ExitStack()
    app, win = kiosk_window(stack, args.data_dir)

    def spin(cond, seconds=30.0):
        return pump(app, cond, seconds, wait_ms=1)

    spin(lambda: bool(getattr(win.home, "tiles", None)), 120)
    win.show_document(args.doc)
    spin(lambda: win.document.doc is not None)
    spin(lambda: False, 2.0)  # warm-up: pinyin tables, the first synthesis
    reader = win.reader
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        QTest.mouseClick(win.document.read_btn, Qt.LeftButton)
        spin(lambda: reader._sink is not None and reader._sink.processedUSecs() > 0, 10)
        times.append((time.perf_counter() - t0) * 1000)
        reader.stop()
        spin(lambda: False, 0.5)
    result = {"benchmark": "speech_latency", "when": now_iso(), "machine": machine(),
              "backend": reader.backend, "target_ms": 300, "runs": len(times),
              "tap_to_first_sample_ms": {"median": round(statistics.median(times), 1),
                                         "min": round(min(times), 1), "max": round(max(times), 1)},
              "raw_ms": [round(t, 1) for t in times]}
    write_json(REPO / "bench/results/speech_latency.json", result)
    print(json.dumps(result, ensure_ascii=False))
    stack.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
