#!/usr/bin/env python3
"""Scale and speed benchmark: our catalogue (per search engine) against SQLite FTS5 and tantivy baselines
on the article corpus of bench/speed_corpus.py (default 50,000 documents).

    python bench/speed.py [--limit 50000] [--engines whoosh[,tantivy]] [--runs 3] [--build-runs 1]
                          [--baseline-build-runs 1] [--only catalog|baselines] [--queries FILE]
                          [--import-timeout 1800] [--work DIR] [--keep] [--out FILE]

Systems:
  catalog-<engine>  ``catalog.packaging.packages.import_package`` of the unsigned corpus package into a fresh data
                    folder (allow_unsigned) with CATALOG_ENGINE=<engine> in the environment, then
                    ``Catalog.open`` + ``Catalog.search(q, limit=10)``; ``Catalog.suggest(prefix, limit=8)``
                    too when it exists (prefixes: the first 1, 2 and 3 characters of every query,
                    de-duplicated). A failed import is recorded and the run goes on.
  fts5              SQLite FTS5 table (id UNINDEXED, title, body) over jieba tokens (``jieba.lcut``,
                    space-joined), tokenize='unicode61'; query = OR of the query's quoted jieba
                    tokens, ORDER BY bm25(fts, 4.0, 1.0), top 10 ids.
  tantivy           tantivy (python 0.27) index, fields title/body with the built-in ``whitespace``
                    tokenizer over the same space-joined jieba tokens, id stored; query = boolean
                    SHOULD of term queries per token (title boosted 4), BM25, top 10 ids.

The baselines' jieba segmentation runs once, is cached on disk (shared by both builds) and its time is
reported on its own and added to both build times, so the three build figures compare.

Every build and every query pass runs in its own subprocess (peak RSS is that process's own).
Query latency: one warm-up pass over all queries, then one timed pass; ``--runs`` such processes.
Prints one JSON object to stdout and writes it to bench/results/speed.json; a table goes to stderr.

Layout: this file is the entry point of the driver and of every worker (``--worker`` goes to
speed_workers.run_worker) and runs each system; speed_workers.py (catalogue workers),
speed_baselines.py (jieba, FTS5, tantivy workers), speed_measure.py (peak RSS, timed passes, the
sampling profiler), speed_spawn.py (the catalog/ snapshot, starting a worker) and speed_report.py
(medians, target verdicts, the table) hold the rest.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (BENCH, DEFAULT_SHARED, REPO, RESULTS, load_queries, machine, mb,  # noqa: E402
                          now_iso, tree_bytes, write_json)

# Workers import ``catalog`` from the driver's snapshot of it (see speed_spawn.snapshot_code), so an import and the
# queries after it run the same code even while the working tree changes.
if os.environ.get("SPEED_CODE"):
    sys.path.insert(0, os.environ["SPEED_CODE"])

from bench.speed_measure import SEARCH_LIMIT, SUGGEST_LIMIT  # noqa: E402
from bench.speed_report import TARGETS, summarise, table  # noqa: E402
from bench.speed_spawn import WorkerFailed, WorkerTimeout, code_info, snapshot_code, spawn  # noqa: E402
from bench.speed_workers import run_worker  # noqa: E402

SPEED_QUERIES = BENCH / "speed_queries.txt"


# =============================================================================================
# the driver: each system's builds and query runs, each in a spawned worker

def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def generation_sizes(data_dir: Path) -> dict:
    from catalog.packaging.datadir import DataDir

    gen = DataDir(data_dir).current_generation()
    db = sum(p.stat().st_size for p in gen.glob("catalog.db*") if p.is_file())
    files = tree_bytes(gen / "files") if (gen / "files").exists() else 0
    return {"index_mb": mb(tree_bytes(gen) - db - files), "db_mb": mb(db),
            "index_parts": sorted(p.name for p in gen.iterdir() if not p.name.startswith("catalog.db"))}


def bench_catalog(engine: str, package: Path, work: Path, *, runs: int, build_runs: int, queries: Path,
                  timeout: float, log) -> dict:
    env = {"CATALOG_ENGINE": engine}
    out: dict = {"system": f"catalog-{engine}", "engine_requested": engine, "build_runs": build_runs,
                 "query_runs": runs, "builds": [], "query_runs_raw": []}
    keep_dir = None
    for b in range(build_runs):
        data_dir = work / f"data-{engine}-{b}"
        shutil.rmtree(data_dir, ignore_errors=True)
        progress_file, profile_file = work / f"progress-{engine}.json", work / f"profile-{engine}.json"
        for f in (progress_file, profile_file):
            f.unlink(missing_ok=True)
        log(f"catalog-{engine}: import {b + 1}/{build_runs} (CATALOG_ENGINE={engine}) …")
        try:
            imp = spawn(["--worker", "import", "--data-dir", str(data_dir), "--package", str(package),
                         "--progress-out", str(progress_file), "--profile-out", str(profile_file)],
                        env=env, timeout=timeout)
        except WorkerTimeout as exc:
            out["error"] = str(exc)
            out["partial"] = {"timeout_s": timeout, "progress": _read_json(progress_file),
                              "profile": _read_json(profile_file)}
            log(f"catalog-{engine}: import TIMED OUT after {timeout:.0f} s; progress {out['partial']['progress']}")
            shutil.rmtree(data_dir, ignore_errors=True)
            return out
        except WorkerFailed as exc:
            out["error"] = str(exc)
            log(f"catalog-{engine}: import FAILED: {str(exc)[-400:]}")
            shutil.rmtree(data_dir, ignore_errors=True)
            return out
        imp["sizes"] = generation_sizes(data_dir)
        out["builds"].append(imp)
        log(f"catalog-{engine}: imported in {imp['import_s']} s, index {imp['sizes']['index_mb']} MB, "
            f"RSS {imp['peak_rss_mb']} MB")
        if keep_dir is None:
            keep_dir = data_dir
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    for r in range(runs):
        log(f"catalog-{engine}: query run {r + 1}/{runs} …")
        try:
            q = spawn(["--worker", "query-catalog", "--data-dir", str(keep_dir), "--queries", str(queries)], env=env)
        except WorkerFailed as exc:
            out["error"] = str(exc)
            log(f"catalog-{engine}: queries FAILED: {str(exc)[-400:]}")
            break
        out["query_runs_raw"].append(q)
        sug = q["suggest"]
        log(f"  p50 {q['queries']['p50_ms']} / p95 {q['queries']['p95_ms']} / max {q['queries']['max_ms']} ms, "
            f"RSS {q['peak_rss_mb']} MB" + (f", suggest p95 {sug['p95_ms']} ms" if sug else ", no suggest()"))
    used = {q["engine_used"] for q in out["query_runs_raw"]}
    if used and used != {engine}:
        out["warning"] = (f"CATALOG_ENGINE={engine} was requested but the catalogue searched with "
                          f"{', '.join(sorted(used))}: these figures are not {engine}'s")
        log(f"catalog-{engine}: WARNING {out['warning']}")
    out["engine_used"] = sorted(used)
    shutil.rmtree(keep_dir, ignore_errors=True)
    return out


def segment_once(source_docs: Path, work: Path, log) -> dict:
    cache = work / "segmented.jsonl"
    log("baselines: jieba segmentation (once, cached) …")
    seg = spawn(["--worker", "segment", "--source-docs", str(source_docs), "--cache", str(cache)])
    seg["cache"] = str(cache)
    log(f"baselines: segmented {seg['documents']} documents in {seg['segment_s']} s")
    return seg


def bench_baseline(name: str, seg: dict, work: Path, *, runs: int, build_runs: int, queries: Path, log) -> dict:
    out: dict = {"system": name, "build_runs": build_runs, "query_runs": runs, "segment_s": seg["segment_s"],
                 "builds": [], "query_runs_raw": []}
    index = work / (f"{name}.db" if name == "fts5" else f"{name}-index")
    for b in range(build_runs):
        if index.is_dir():
            shutil.rmtree(index)
        elif index.exists():
            index.unlink()
        log(f"{name}: build {b + 1}/{build_runs} …")
        try:
            built = spawn(["--worker", f"build-{name}", "--cache", seg["cache"], "--index", str(index)])
        except WorkerFailed as exc:
            out["error"] = str(exc)
            log(f"{name}: build FAILED: {str(exc)[-400:]}")
            return out
        built["build_s"] = round(built["index_build_s"] + seg["segment_s"], 3)
        built["index_mb"] = mb(tree_bytes(index))
        out["builds"].append(built)
        log(f"{name}: built in {built['index_build_s']} s (+ {seg['segment_s']} s jieba), {built['index_mb']} MB")
    for r in range(runs):
        log(f"{name}: query run {r + 1}/{runs} …")
        try:
            q = spawn(["--worker", f"query-{name}", "--index", str(index), "--queries", str(queries)])
        except WorkerFailed as exc:
            out["error"] = str(exc)
            log(f"{name}: queries FAILED: {str(exc)[-400:]}")
            break
        out["query_runs_raw"].append(q)
        log(f"  p50 {q['queries']['p50_ms']} / p95 {q['queries']['p95_ms']} / max {q['queries']['max_ms']} ms, "
            f"RSS {q['peak_rss_mb']} MB")
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--worker" in argv:
        return run_worker(argv)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=50_000, help="documents (articles) in the corpus (default: %(default)s)")
    ap.add_argument("--engines", default="whoosh", help="comma-separated CATALOG_ENGINE names (default: %(default)s)")
    ap.add_argument("--runs", type=int, default=3, help="query processes per system (default: %(default)s)")
    ap.add_argument("--build-runs", type=int, default=1, help="catalogue imports per engine (default: %(default)s)")
    ap.add_argument("--baseline-build-runs", type=int, default=1,
                    help="FTS5 / tantivy index builds (segmentation runs once) (default: %(default)s)")
    ap.add_argument("--only", choices=("catalog", "baselines"))
    ap.add_argument("--queries", type=Path, default=SPEED_QUERIES)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--import-timeout", type=float, default=1800, help="kill an import after this many s")
    ap.add_argument("--work", type=Path, help="work folder (default: a new temp folder, removed unless --keep)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--no-snapshot", action="store_true",
                    help="import catalog/ from the working tree in every process instead of from a snapshot")
    ap.add_argument("--out", type=Path, default=RESULTS / "speed.json")
    ap.add_argument("--synthetic-vectors", action="store_true",
                    help="the corpus carries random passage vectors: dense search on, for timing only")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    from bench.speed_corpus import build as build_corpus

    queries = args.queries.resolve()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    work = args.work or Path(tempfile.mkdtemp(prefix="kiosk-speed-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    code = code_info(snapshot=False) if args.no_snapshot else snapshot_code(work)
    try:
        log(f"corpus: {args.limit} articles …")
        corpus = build_corpus(args.shared, work / "articles.zip", limit=args.limit, source=work / "articles-source",
                              synthetic_vectors=args.synthetic_vectors)
        log(f"corpus: {corpus['documents']} documents, {corpus['body_chars']} body characters, "
            f"{corpus['zip_mb']} MB zip, in {corpus['build_s']} s")
        systems: dict[str, dict] = {}
        if args.only in (None, "catalog"):
            for engine in engines:
                res = bench_catalog(engine, Path(corpus["zip"]), work, runs=args.runs, build_runs=args.build_runs,
                                    queries=queries, timeout=args.import_timeout, log=log)
                systems[res["system"]] = {**res, **summarise(res)}
        segmentation = None
        if args.only in (None, "baselines"):
            segmentation = segment_once(Path(corpus["source"]) / "documents.jsonl", work, log)
            for name in ("fts5", "tantivy"):
                res = bench_baseline(name, segmentation, work, runs=args.runs, build_runs=args.baseline_build_runs,
                                     queries=queries, log=log)
                systems[name] = {**res, **summarise(res)}
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)

    result = {
        "benchmark": "speed", "measured_at": now_iso(), "machine": machine(), "took_s": round(time.perf_counter() - started, 1),
        "code": code,
        "corpus": {k: corpus[k] for k in ("documents", "articles_in_corpus", "laws_used", "body_chars", "zip_mb",
                                         "current", "amended")} | {"pack_s": corpus["build_s"],
                                                                   "synthetic_vectors": corpus.get("synthetic_vectors")},
        "queries_file": str(queries.relative_to(REPO)) if queries.is_relative_to(REPO) else str(queries),
        "queries": len(load_queries(queries)), "search_limit": SEARCH_LIMIT, "suggest_limit": SUGGEST_LIMIT,
        "runs": {"query_processes": args.runs, "catalog_builds": args.build_runs,
                 "baseline_builds": args.baseline_build_runs,
                 "note": "query figures are medians over query processes; build figures are medians over the "
                         "build runs given here (1 = a single build, not a median)"},
        "targets": TARGETS,
        "segmentation": segmentation,
        "systems": systems,
        "table": table(systems).splitlines(),
    }
    write_json(args.out, result)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print("\n" + table(systems), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
