#!/usr/bin/env python3
"""Search keeps answering while the full laws corpus (3,475 laws) is applied on the same kiosk.

The demo catalogue is live; the laws package is applied as staff mode applies it, while the main
thread runs the benchmark queries against the live (old) catalogue without pause. Two ways of
applying, each on its own copy of the same demo data folder, in the same run:

- ``child``: what the staff screen does now: ``python -m catalog import`` in a child process at
  a lower priority, watched from a thread (catalog/packaging/background.py);
- ``thread``: the baseline: ``import_package`` on a thread of the searching process.

Reports per mode the apply time and query latency before and during the apply (p50/p95/max),
failed queries (must be none), and the child's peak memory. JSON to stdout and
bench/results/search_during_apply.json.

    python bench/search_during_apply.py [--laws-limit N] [--modes child,thread]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import shutil
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--laws-limit", type=int)
    ap.add_argument("--modes", default="child,thread")
    args = ap.parse_args()
    from bench import laws_package
    from bench.common import demo_data_dir, machine, now_iso, write_json

    laws = laws_package.default_out(args.laws_limit)
    if not laws.exists():
        laws.parent.mkdir(parents=True, exist_ok=True)
        laws_package.build(laws_package.DEFAULT_SHARED, laws, limit=args.laws_limit)
    result = {"benchmark": "search_during_apply", "when": now_iso(), "machine": machine(),
              "package": str(laws), "modes": {}}
    with contextlib.ExitStack() as stack:
        template = stack.enter_context(demo_data_dir())
        for mode in args.modes.split(","):
            dd = template.parent / f"data-{mode}"
            shutil.copytree(template, dd)
            result["modes"][mode] = run_mode(mode, dd, laws)
            shutil.rmtree(dd, ignore_errors=True)
            print(json.dumps({mode: result["modes"][mode]}, ensure_ascii=False), file=sys.stderr)
    write_json(REPO / "bench/results/search_during_apply.json", result)
    print(json.dumps(result, ensure_ascii=False))
    return 0


def run_mode(mode: str, dd: Path, laws: Path) -> dict:
    from bench.common import latency_summary, load_queries
    from catalog.packaging.background import import_in_child
    from catalog.catalogue import Catalog
    from catalog.packaging.datadir import DataDir
    from catalog.packaging.packages import import_package

    queries = load_queries()
    cat = Catalog.open(dd)
    for q in queries[:20]:
        cat.search(q)

    def run_for(seconds: float | None, until=None) -> tuple[list[float], int]:
        ms, failed, i = [], 0, 0
        end = time.monotonic() + seconds if seconds else None
        while (end is None or time.monotonic() < end) and (until is None or until()):
            q = queries[i % len(queries)]
            i += 1
            t = time.perf_counter()
            try:
                cat.search(q)
            except Exception:  # noqa: BLE001 - counted: the point is that none fail
                failed += 1
            ms.append((time.perf_counter() - t) * 1000)
        return ms, failed

    before, _ = run_for(10)
    outcome: dict = {}

    def apply():
        t = time.perf_counter()
        try:
            if mode == "child":
                report = import_in_child(DataDir(dd), laws, allow_unsigned=True)
            else:
                report = import_package(dd, laws, allow_unsigned=True)
            outcome["sequence"] = report.sequence
        except Exception as exc:  # noqa: BLE001 - reported
            outcome["error"] = repr(exc)
        outcome["apply_s"] = round(time.perf_counter() - t, 1)

    worker = threading.Thread(target=apply)
    worker.start()
    during, failed = run_for(None, until=worker.is_alive)
    worker.join()
    served_before = cat.store.counts()["documents"]
    with cat.refreshed() as new:
        after_docs = new.store.counts()["documents"]
        ok_after = new.search("政府信息公开").total > 0
    cat.close()
    out = {"apply_s": outcome.get("apply_s"), "apply_error": outcome.get("error"),
           "queries_before": latency_summary(before), "queries_during_apply": latency_summary(during),
           "failed_queries_during_apply": failed, "documents_served_during": served_before,
           "documents_after_switch": after_docs, "search_after_switch_ok": ok_after}
    if mode == "child":  # ru_maxrss is in KB on Linux
        out["child_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return out


if __name__ == "__main__":
    sys.exit(main())
