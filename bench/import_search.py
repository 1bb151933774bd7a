#!/usr/bin/env python3
"""Import and search benchmark: import time, index and db size, warm search latency, cold open,
peak RSS, and the CLI batch search end to end.

    python bench/import_search.py [--only demo|laws] [--runs N] [--laws-limit N] [--shared DIR]

Targets: (a) the demo package resources/demo/demo.zip (trusted via demo.pub; skipped with a note
when missing), (b) the laws scale corpus built by bench/laws_package.py (unsigned). Each run imports
into a fresh temporary data folder, measures, and removes it. The import and the queries each run
in their own subprocess, so peak RSS and "cold" belong to that process alone.

Prints one JSON object and writes it to bench/results/import_search.json (targets that were not run
this time keep their previous figures there).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (DEFAULT_SHARED, QUERIES, REPO, RESULTS, latency_summary, load_queries,  # noqa: E402
                          machine, mb, median, now_iso, peak_rss_mb, tree_bytes, write_json)

DEMO_ZIP = REPO / "resources" / "demo" / "demo.zip"
DEMO_PUB = REPO / "resources" / "demo" / "demo.pub"
SEARCH_LIMIT = 10
BATCH_TARGET = {"queries": 1000, "seconds": 60}


# ---------------------------------------------------------------------------------------------
# workers (run in a subprocess: ``import_search.py --worker import|query ...``)

def worker_import(args) -> dict:
    from catalog.packaging.packages import import_package

    trust = [Path(args.trust)] if args.trust else []
    prof = None
    if args.profile:
        import cProfile
        prof = cProfile.Profile()
        prof.enable()
    started = time.perf_counter()
    report = import_package(args.data_dir, Path(args.package), trust=trust,
                            allow_unsigned=args.allow_unsigned)
    wall = time.perf_counter() - started
    if prof is not None:
        prof.disable()
        prof.dump_stats(args.profile)
    return {"import_s": round(wall, 3), "report_took_s": report.took_s, "peak_rss_mb": peak_rss_mb(),
            "documents_added": len(report.changes["document"].added)}


def worker_query(args) -> dict:
    spawned = float(args.spawned)
    t0 = time.perf_counter()
    from catalog.catalogue import Catalog

    t_imports = time.perf_counter()
    queries = load_queries(Path(args.queries))
    cat = Catalog.open(args.data_dir)
    t_open = time.perf_counter()
    first = cat.search(queries[0], limit=SEARCH_LIMIT)
    t_first = time.perf_counter()
    cold_total = time.time() - spawned
    for q in queries:  # warm-up pass
        cat.search(q, limit=SEARCH_LIMIT)
    per_query = []
    zero = relaxed = 0
    for q in queries:
        s = time.perf_counter()
        r = cat.search(q, limit=SEARCH_LIMIT)
        per_query.append(((time.perf_counter() - s) * 1000, q))
        zero += not r.hits
        relaxed += r.relaxed
    from catalog.catalogue import status as catalog_status

    status = catalog_status(args.data_dir)
    for q in queries[:50]:  # warm-up of the Q&A (FAQ matcher, model)
        cat.ask(q)
    ask_ms = []
    for q in queries:
        s = time.perf_counter()
        cat.ask(q)
        ask_ms.append((time.perf_counter() - s) * 1000)
    cat.close()
    ms = [m for m, _ in per_query]
    slowest = sorted(per_query, reverse=True)[:10]
    return {
        "cold": {"python_imports_ms": round((t_imports - t0) * 1000, 1),
                 "open_ms": round((t_open - t_imports) * 1000, 1),
                 "first_query_ms": round((t_first - t_open) * 1000, 1),
                 "open_plus_first_query_ms": round((t_first - t_imports) * 1000, 1),
                 "process_start_to_first_result_ms": round(cold_total * 1000, 1),
                 "first_query": queries[0], "first_query_hits": len(first.hits)},
        "warm": {**latency_summary(ms), "zero_hit_queries": zero, "relaxed_queries": relaxed},
        "ask": latency_summary(ask_ms),
        "dense": {"model": status.vectors, "passages_with_vector": status.vectors_done,
                  "passages": status.vectors_total},
        "slowest": [{"query": q, "ms": round(m, 1)} for m, q in slowest],
        "peak_rss_mb": peak_rss_mb(),
    }


def run_worker(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", choices=("import", "query"), required=True)
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--package")
    ap.add_argument("--trust")
    ap.add_argument("--allow-unsigned", action="store_true")
    ap.add_argument("--profile")
    ap.add_argument("--queries")
    ap.add_argument("--spawned")
    args = ap.parse_args(argv)
    out = worker_import(args) if args.worker == "import" else worker_query(args)
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 0


def _spawn(extra: list[str]) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve())] + extra
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, encoding="utf-8")
    if proc.returncode != 0:
        raise RuntimeError(f"worker failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# one run

def one_run(package: Path, *, trust: Path | None, allow_unsigned: bool, queries: Path,
            batch: bool, log) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    data_dir = tmp / "data"
    try:
        extra = ["--worker", "import", "--data-dir", str(data_dir), "--package", str(package)]
        if trust:
            extra += ["--trust", str(trust)]
        if allow_unsigned:
            extra.append("--allow-unsigned")
        log(f"  import {package.name} …")
        imp = _spawn(extra)
        log(f"  imported in {imp['import_s']} s")
        from catalog.packaging.datadir import DataDir

        gen = DataDir(data_dir).current_generation()
        sizes = {"index_mb": mb(tree_bytes(gen / "index")), "db_mb": mb(tree_bytes(gen / "catalog.db")),
                 "data_dir_mb": mb(tree_bytes(data_dir))}
        log("  search …")
        q = _spawn(["--worker", "query", "--data-dir", str(data_dir), "--queries", str(queries),
                    "--spawned", repr(time.time())])
        log(f"  warm p50 {q['warm']['p50_ms']} ms, p95 {q['warm']['p95_ms']} ms")
        run = {"import": imp, "sizes": sizes, **q}
        if batch:
            run["cli_batch"] = cli_batch(data_dir, queries)
            log(f"  CLI batch {run['cli_batch']['queries_per_s']} queries/s")
        return run
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def cli_batch(data_dir: Path, queries: Path) -> dict:
    """``python -m catalog --data-dir D search --batch FILE --json`` end to end (process start to exit)."""
    n = len(queries.read_text(encoding="utf-8").splitlines())
    cmd = [sys.executable, "-m", "catalog", "--data-dir", str(data_dir), "search", "--batch", str(queries), "--json"]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, encoding="utf-8")
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"CLI batch failed ({proc.returncode}): {proc.stderr[-2000:]}")
    lines = proc.stdout.count("\n")
    if lines != n:
        raise RuntimeError(f"CLI batch printed {lines} lines for {n} queries")
    per_s = n / wall
    return {"queries": n, "wall_s": round(wall, 2), "queries_per_s": round(per_s, 1),
            "projected_1000_s": round(BATCH_TARGET["queries"] / per_s, 1),
            "meets_1000_in_60s": BATCH_TARGET["queries"] / per_s < BATCH_TARGET["seconds"]}


def summarise(runs: list[dict]) -> dict:
    def pick(*path):
        vals = []
        for r in runs:
            v = r
            for p in path:
                v = v.get(p) if isinstance(v, dict) else None
            vals.append(v)
        return median(vals)

    out = {
        "import_s": pick("import", "import_s"), "import_peak_rss_mb": pick("import", "peak_rss_mb"),
        "index_mb": pick("sizes", "index_mb"), "db_mb": pick("sizes", "db_mb"),
        "warm_p50_ms": pick("warm", "p50_ms"), "warm_p95_ms": pick("warm", "p95_ms"),
        "warm_max_ms": pick("warm", "max_ms"),
        "ask_p50_ms": pick("ask", "p50_ms"), "ask_p95_ms": pick("ask", "p95_ms"),
        "cold_open_plus_first_query_ms": pick("cold", "open_plus_first_query_ms"),
        "cold_process_start_to_first_result_ms": pick("cold", "process_start_to_first_result_ms"),
        "query_peak_rss_mb": pick("peak_rss_mb"),
    }
    if all("cli_batch" in r for r in runs):
        out["cli_batch_queries_per_s"] = pick("cli_batch", "queries_per_s")
        out["cli_batch_projected_1000_s"] = pick("cli_batch", "projected_1000_s")
    return out


def bench_target(name: str, package: Path, runs: int, *, trust=None, allow_unsigned=False,
                 queries: Path, batch: bool, extra: dict, log) -> dict:
    raw = []
    for i in range(runs):
        log(f"{name}: run {i + 1}/{runs}")
        raw.append(one_run(package, trust=trust, allow_unsigned=allow_unsigned, queries=queries,
                           batch=batch, log=log))
    return {"measured_at": now_iso(), "package": str(package), "package_mb": mb(package.stat().st_size),
            "runs": runs, **extra, "median": summarise(raw), "raw_runs": raw}


# ---------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--worker" in argv:
        return run_worker(argv)
    ap = argparse.ArgumentParser(description="import and search benchmark")
    ap.add_argument("--only", choices=("demo", "laws"))
    ap.add_argument("--runs", type=int, help="runs per target (default: 3 for demo, 1 for laws)")
    ap.add_argument("--laws-limit", type=int, help="only N laws (spread over the corpus)")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--queries", type=Path, default=QUERIES)
    ap.add_argument("--out", type=Path, default=RESULTS / "import_search.json")
    ap.add_argument("--no-batch", action="store_true", help="skip the CLI batch timing")
    ap.add_argument("--synthetic-vectors", action="store_true",
                    help="the laws package carries random passage vectors: dense search on, for timing only")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    queries = args.queries.resolve()
    targets: dict[str, dict] = {}
    if args.only in (None, "demo"):
        if DEMO_ZIP.exists():
            targets["demo"] = bench_target(
                "demo", DEMO_ZIP, args.runs or 3, trust=DEMO_PUB if DEMO_PUB.exists() else None,
                queries=queries, batch=not args.no_batch, extra={}, log=log)
        else:
            targets["demo"] = {"measured_at": now_iso(),
                               "skipped": f"{DEMO_ZIP.relative_to(REPO)} does not exist yet"}
            log(f"demo: skipped ({targets['demo']['skipped']})")
    if args.only in (None, "laws"):
        from bench.laws_package import build

        tmp = Path(tempfile.mkdtemp(prefix="kiosk-bench-laws-"))
        try:
            log("laws: building the package …")
            pkg = build(args.shared, tmp / "laws.zip", limit=args.laws_limit,
                        synthetic_vectors=args.synthetic_vectors)
            log(f"laws: {pkg['documents']} documents, {pkg['zip_mb']} MB, built in {pkg['build_s']} s")
            key = (f"laws-{args.laws_limit}" if args.laws_limit else "laws") + (
                "-synthetic-vectors" if args.synthetic_vectors else "")
            targets[key] = bench_target(
                key, Path(pkg["zip"]), args.runs or 1, allow_unsigned=True, queries=queries,
                batch=not args.no_batch,
                extra={"documents": pkg["documents"], "body_chars": pkg["body_chars"],
                       "pack_s": pkg["build_s"], "synthetic_vectors": pkg.get("synthetic_vectors")}, log=log)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    result = {"benchmark": "import_search", "machine": machine(), "queries_file": str(queries.relative_to(REPO))
              if queries.is_relative_to(REPO) else str(queries), "queries": len(load_queries(queries)),
              "search_limit": SEARCH_LIMIT, "targets": targets}
    previous = {}
    if args.out.exists():
        try:
            previous = json.loads(args.out.read_text(encoding="utf-8")).get("targets", {})
        except (OSError, ValueError):
            previous = {}
    write_json(args.out, {**result, "targets": {**previous, **targets}})
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
