"""The worker processes of speed.py (``speed.py --worker NAME ...``, started by speed_spawn.spawn): the catalogue's
import and query passes here, the baselines' in speed_baselines. Each prints one JSON line on stdout."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from bench.common import load_queries
from bench.speed_baselines import (worker_build_fts5, worker_build_tantivy, worker_query_fts5, worker_query_tantivy,
                                   worker_segment)
from bench.speed_measure import SEARCH_LIMIT, SUGGEST_LIMIT, Sampler, latency, own_peak_rss_mb, timed_pass


def worker_import(args) -> dict:
    t0 = time.perf_counter()
    from catalog.packaging.packages import import_package

    sampler = Sampler(args.profile_out).start() if args.profile_out else None
    stages: dict[str, float] = {}
    last_write = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        stages.setdefault(stage, round(now - started, 3))
        if args.progress_out and (now - last_write[0] >= 1.0 or done == total):
            last_write[0] = now
            Path(args.progress_out).write_text(json.dumps(
                {"stage": stage, "done": done, "total": total, "elapsed_s": round(now - started, 1),
                 "stage_started_s": stages}), encoding="utf-8")

    started = time.perf_counter()
    report = import_package(args.data_dir, Path(args.package), allow_unsigned=True, progress=progress)
    wall = time.perf_counter() - started
    profile = sampler.stop() if sampler else None
    import catalog

    return {"import_s": round(wall, 3), "python_imports_s": round(started - t0, 3),
            "catalog_code": str(Path(catalog.__file__).parent),
            "report_took_s": report.took_s, "stage_started_s": stages, "peak_rss_mb": own_peak_rss_mb(),
            "documents_added": len(report.changes["document"].added),
            "engine_env": os.environ.get("CATALOG_ENGINE"), "profile": profile}


def suggest_prefixes(queries: list[str]) -> list[str]:
    out, seen = [], set()
    for q in queries:
        for n in (1, 2, 3):
            p = q[:n]
            if len(p) == n and p.strip() and p not in seen:
                seen.add(p)
                out.append(p)
    return out


def worker_query_catalog(args) -> dict:
    from catalog.catalogue import Catalog

    queries = load_queries(Path(args.queries))
    t = time.perf_counter()
    cat = Catalog.open(args.data_dir)
    open_ms = (time.perf_counter() - t) * 1000
    engine = getattr(cat.engine, "name", None) or type(cat.engine).__name__
    zero = [0]

    def one(q):
        r = cat.search(q, limit=SEARCH_LIMIT)
        zero[0] += not r.hits

    for q in queries:  # warm-up pass
        cat.search(q, limit=SEARCH_LIMIT)
    per = timed_pass(one, queries)
    from catalog.catalogue import status as catalog_status

    status = catalog_status(args.data_dir)
    out = {"engine_used": engine, "engine_class": type(cat.engine).__name__, "open_ms": round(open_ms, 1),
           "queries": latency(per), "zero_hit_queries": zero[0],
           "dense": {"model": status.vectors, "passages_with_vector": status.vectors_done,
                     "passages": status.vectors_total}}
    for q in queries[:50]:  # warm-up of the Q&A
        cat.ask(q)
    out["ask"] = latency(timed_pass(cat.ask, queries))
    if hasattr(cat, "suggest") and callable(getattr(cat, "suggest")):
        prefixes = suggest_prefixes(queries)
        empty = [0]

        def one_suggest(p):
            empty[0] += not cat.suggest(p, limit=SUGGEST_LIMIT)

        for p in prefixes:  # warm-up pass
            cat.suggest(p, limit=SUGGEST_LIMIT)
        out["suggest"] = {**latency(timed_pass(one_suggest, prefixes)), "prefixes": len(prefixes),
                          "empty_results": empty[0]}
    else:
        out["suggest"] = None
    cat.close()
    out["peak_rss_mb"] = own_peak_rss_mb()
    return out


WORKERS = {"import": worker_import, "query-catalog": worker_query_catalog, "segment": worker_segment,
           "build-fts5": worker_build_fts5, "build-tantivy": worker_build_tantivy,
           "query-fts5": worker_query_fts5, "query-tantivy": worker_query_tantivy}


def run_worker(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", choices=sorted(WORKERS), required=True)
    for opt in ("--data-dir", "--package", "--queries", "--index", "--cache", "--source-docs",
                "--progress-out", "--profile-out"):
        ap.add_argument(opt)
    args = ap.parse_args(argv)
    out = WORKERS[args.worker](args)
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 0
