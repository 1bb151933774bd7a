"""What a speed.py worker measures itself with: its own peak RSS, a timed pass over the queries and its
latency summary, and a small sampling profiler for the import. The search and suggest limits every
query pass uses are here too."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from bench.common import latency_summary, peak_rss_mb

SEARCH_LIMIT = 10
SUGGEST_LIMIT = 8


def own_peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM (Linux) belongs to this process alone; ``ru_maxrss`` (common.peak_rss_mb,
    the fallback) carries the parent's peak across fork+exec, so a big driver would inflate every worker."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return peak_rss_mb()


def timed_pass(fn, items) -> list[tuple[float, str]]:
    out = []
    for item in items:
        s = time.perf_counter()
        fn(item)
        out.append(((time.perf_counter() - s) * 1000, item))
    return out


def latency(per: list[tuple[float, str]]) -> dict:
    return {**latency_summary([m for m, _ in per]),
            "slowest": [{"query": q, "ms": round(m, 1)} for m, q in sorted(per, reverse=True)[:10]]}


class Sampler:
    """A tiny sampling profiler for the main thread: every ``interval`` s it notes the functions on
    the stack (inclusive) and the innermost one (self). Writes a snapshot to ``path`` every
    ``every`` s so that a killed import still leaves a profile behind."""

    def __init__(self, path: str | None, interval: float = 0.05, every: float = 5.0):
        self.path, self.interval, self.every = path, interval, every
        self.inclusive: Counter = Counter()
        self.own: Counter = Counter()
        self.samples = 0
        self._stop = threading.Event()
        self._main = threading.main_thread().ident
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _name(code) -> str:
        fname = code.co_filename
        for marker in ("site-packages/", "/code/", "/work/main/", "lib/python3"):
            if marker in fname:
                fname = fname.split(marker, 1)[1]
                break
        return f"{fname}:{code.co_name}"

    def _run(self) -> None:
        last = time.monotonic()
        while not self._stop.wait(self.interval):
            frame = sys._current_frames().get(self._main)
            if frame is None:
                continue
            self.samples += 1
            self.own[self._name(frame.f_code)] += 1
            seen = set()
            while frame is not None:
                seen.add(self._name(frame.f_code))
                frame = frame.f_back
            self.inclusive.update(seen)
            if self.path and time.monotonic() - last >= self.every:
                last = time.monotonic()
                self.write()

    def start(self) -> "Sampler":
        self._thread.start()
        return self

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        if self.path:
            self.write()
        return self.summary()

    def summary(self, top: int = 15) -> dict:
        n = max(self.samples, 1)
        return {"samples": self.samples, "interval_s": self.interval,
                "inclusive_pct": {k: round(100 * v / n, 1) for k, v in self.inclusive.most_common(top + 10)},
                "self_pct": {k: round(100 * v / n, 1) for k, v in self.own.most_common(top)}}

    def write(self) -> None:
        tmp = self.path + ".part"
        Path(tmp).write_text(json.dumps(self.summary(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)
