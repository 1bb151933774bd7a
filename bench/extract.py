#!/usr/bin/env python3
"""Printed-extract benchmark: time to write a one-page and a ~20-page extract PDF.

    python bench/extract.py [--data-dir DIR] [--runs N] [--out FILE]

Uses the demo catalogue: ``--data-dir`` names a data folder it was already imported into;
without it the demo package is imported into a temporary folder first (about 25 s, not timed).

Cases (``catalog.extract.extract_document``, fixed clock, written to a temporary file):
- ``one_page``: the first 办事指南 with an official URL (header, QR code, all its paragraphs; 1 page);
- ``twenty_pages``: the law whose body is closest to 20,000 characters, all of it (normal print);
- ``twenty_pages_large``: the same law in large print (more pages; for information).
``first_call_ms`` is the one-page extract in a fresh process state: the font (5 MB TTC) is parsed
and registered then, once per process. Runs are warm after that; the figures are medians.

Targets: one page <= 300 ms, 20 pages <= 2 s. Prints one JSON object and writes it to
bench/results/extract.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO, RESULTS, latency_summary, machine, median, now_iso, peak_rss_mb, write_json  # noqa: E402

DEMO_ZIP = REPO / "resources" / "demo" / "demo.zip"
DEMO_PUB = REPO / "resources" / "demo" / "demo.pub"
TARGETS_MS = {"one_page": 300, "twenty_pages": 2000}
NOW = datetime(2025, 3, 5, 9, 30)


def import_demo(into: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "catalog", "--data-dir", str(into), "import", str(DEMO_ZIP),
                        "--trust", str(DEMO_PUB)], cwd=REPO, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"demo import failed: {r.stderr}")


def pick_cases(store) -> dict[str, dict]:
    docs = list(store.documents())
    one = next(d for d in sorted(docs, key=lambda d: d.id) if d.kind == "办事指南" and d.url)
    laws = [d for d in docs if d.id.startswith("law-")]
    law = min(laws, key=lambda d: abs(len(d.body) - 20000))
    return {"one_page": {"doc": one, "large": False},
            "twenty_pages": {"doc": law, "large": False},
            "twenty_pages_large": {"doc": law, "large": True}}


def run(data_dir: Path, runs: int) -> dict:
    t0 = time.perf_counter()
    from catalog import extract as ex
    from catalog.catalogue import Catalog
    import_ms = (time.perf_counter() - t0) * 1000

    cat = Catalog.open(data_dir)
    store = cat.store
    cases = pick_cases(store)
    out: dict = {"module_import_ms": round(import_ms, 1)}
    with tempfile.TemporaryDirectory(prefix="extract-bench-") as tmp:
        tmp = Path(tmp)
        one = cases["one_page"]["doc"]
        s = time.perf_counter()
        first = ex.extract_document(store, one.id, tmp / "first.pdf", kiosk_name="基准测试查询机", now=NOW)
        out["first_call_ms"] = round((time.perf_counter() - s) * 1000, 1)
        out["first_call_pages"] = first.pages
        for name, case in cases.items():
            doc = case["doc"]
            times, pages, size = [], None, None
            for k in range(runs):
                path = tmp / f"{name}-{k}.pdf"
                s = time.perf_counter()
                r = ex.extract_document(store, doc.id, path, large=case["large"], kiosk_name="基准测试查询机",
                                        now=NOW)
                times.append((time.perf_counter() - s) * 1000)
                pages, size = r.pages, path.stat().st_size
            summary = latency_summary(times)
            out[name] = {"document": doc.id, "title": doc.title, "body_chars": len(doc.body),
                         "paragraphs": len(ex.paragraphs(doc.body)), "large": case["large"],
                         "pages": pages, "pdf_kb": round(size / 1024, 1),
                         "median_ms": median(times), **{k: v for k, v in summary.items() if k != "n"},
                         "raw_ms": [round(t, 1) for t in times]}
            if name in TARGETS_MS:
                out[name]["target_ms"] = TARGETS_MS[name]
                out[name]["meets_target"] = out[name]["median_ms"] <= TARGETS_MS[name]
    cat.close()
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="printed extract benchmark")
    ap.add_argument("--data-dir", type=Path, help="a data folder holding the imported demo catalogue")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--out", type=Path, default=RESULTS / "extract.json")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="extract-bench-data-") as tmp:
        data_dir = args.data_dir
        imported_s = None
        if data_dir is None:
            s = time.perf_counter()
            data_dir = Path(tmp) / "data"
            import_demo(data_dir)
            imported_s = round(time.perf_counter() - s, 1)
        figures = run(data_dir, args.runs)
    result = {"benchmark": "extract", "measured_at": now_iso(), "machine": machine(), "runs": args.runs,
              "catalogue": "demo", "demo_import_s": imported_s, **figures}
    print(json.dumps(result, ensure_ascii=False, indent=2))
    write_json(args.out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
