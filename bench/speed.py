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
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (BENCH, DEFAULT_SHARED, REPO, RESULTS, latency_summary, load_queries,  # noqa: E402
                          machine, mb, median, now_iso, peak_rss_mb, tree_bytes, write_json)

# Workers import ``catalog`` from the driver's snapshot of it (see snapshot_code), so an import and the
# queries after it run the same code even while the working tree changes.
if os.environ.get("SPEED_CODE"):
    sys.path.insert(0, os.environ["SPEED_CODE"])

SPEED_QUERIES = BENCH / "speed_queries.txt"
SEARCH_LIMIT = 10
SUGGEST_LIMIT = 8
TARGETS = {"query_p95_ms": 50, "suggest_p95_ms": 20, "build_s": 120, "rss_mb": 400, "ask_p95_ms": 100}
TITLE_BOOST = 4.0


# =============================================================================================
# workers: ``speed.py --worker NAME ...`` in a subprocess

def _peak_rss_mb() -> float:
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


def _tokens(jieba, text: str) -> list[str]:
    """jieba.lcut tokens that hold a letter or digit, lower-cased (the baselines' analysis)."""
    out = []
    for tok in jieba.lcut(text):
        tok = tok.strip().lower()
        if tok and any(ch.isalnum() for ch in tok):
            out.append(tok)
    return out


def _query_tokens(jieba, text: str) -> list[str]:
    seen: list[str] = []
    for tok in _tokens(jieba, text):
        if tok not in seen:
            seen.append(tok)
    return seen


def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


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
            "report_took_s": report.took_s, "stage_started_s": stages, "peak_rss_mb": _peak_rss_mb(),
            "documents_added": len(report.changes["document"].added),
            "engine_env": os.environ.get("CATALOG_ENGINE"), "profile": profile}


def _timed_pass(fn, items) -> list[tuple[float, str]]:
    out = []
    for item in items:
        s = time.perf_counter()
        fn(item)
        out.append(((time.perf_counter() - s) * 1000, item))
    return out


def _latency(per: list[tuple[float, str]]) -> dict:
    return {**latency_summary([m for m, _ in per]),
            "slowest": [{"query": q, "ms": round(m, 1)} for m, q in sorted(per, reverse=True)[:10]]}


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
    per = _timed_pass(one, queries)
    from catalog.catalogue import status as catalog_status

    status = catalog_status(args.data_dir)
    out = {"engine_used": engine, "engine_class": type(cat.engine).__name__, "open_ms": round(open_ms, 1),
           "queries": _latency(per), "zero_hit_queries": zero[0],
           "dense": {"model": status.vectors, "passages_with_vector": status.vectors_done,
                     "passages": status.vectors_total}}
    for q in queries[:50]:  # warm-up of the Q&A
        cat.ask(q)
    out["ask"] = _latency(_timed_pass(cat.ask, queries))
    if hasattr(cat, "suggest") and callable(getattr(cat, "suggest")):
        prefixes = suggest_prefixes(queries)
        empty = [0]

        def one_suggest(p):
            empty[0] += not cat.suggest(p, limit=SUGGEST_LIMIT)

        for p in prefixes:  # warm-up pass
            cat.suggest(p, limit=SUGGEST_LIMIT)
        out["suggest"] = {**_latency(_timed_pass(one_suggest, prefixes)), "prefixes": len(prefixes),
                          "empty_results": empty[0]}
    else:
        out["suggest"] = None
    cat.close()
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


def worker_segment(args) -> dict:
    """jieba-segment every document once; cache as JSON lines {id, title, body} (space-joined tokens)."""
    t0 = time.perf_counter()
    jieba = _jieba()
    init_s = time.perf_counter() - t0
    n = 0
    tmp = args.cache + ".part"
    with open(args.source_docs, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8") as dst:
        for line in src:
            if not line.strip():
                continue
            d = json.loads(line)
            dst.write(json.dumps({"id": d["id"], "title": " ".join(_tokens(jieba, d["title"])),
                                  "body": " ".join(_tokens(jieba, d["body"]))}, ensure_ascii=False) + "\n")
            n += 1
    os.replace(tmp, args.cache)
    return {"segment_s": round(time.perf_counter() - t0, 3), "jieba_init_s": round(init_s, 3), "documents": n,
            "cache_mb": mb(Path(args.cache).stat().st_size), "peak_rss_mb": _peak_rss_mb()}


def _cached_docs(path: str):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def worker_build_fts5(args) -> dict:
    import sqlite3

    t0 = time.perf_counter()
    db = sqlite3.connect(args.index)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, title, body, tokenize='unicode61')")
    with db:
        db.executemany("INSERT INTO fts(id, title, body) VALUES (?, ?, ?)",
                       ((d["id"], d["title"], d["body"]) for d in _cached_docs(args.cache)))
    with db:
        db.execute("INSERT INTO fts(fts) VALUES('optimize')")
    n = db.execute("SELECT count(*) FROM fts").fetchone()[0]
    db.close()
    return {"index_build_s": round(time.perf_counter() - t0, 3), "documents": n, "peak_rss_mb": _peak_rss_mb(),
            "sqlite": sqlite3.sqlite_version}


def _tantivy_schema():
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("body", tokenizer_name="whitespace", index_option="freq")
    return sb.build()


def worker_build_tantivy(args) -> dict:
    import tantivy

    t0 = time.perf_counter()
    Path(args.index).mkdir(parents=True, exist_ok=True)
    ix = tantivy.Index(_tantivy_schema(), path=args.index)
    writer = ix.writer(heap_size=128_000_000)
    n = 0
    for d in _cached_docs(args.cache):
        writer.add_document(tantivy.Document(id=d["id"], title=d["title"], body=d["body"]))
        n += 1
    writer.commit()
    writer.wait_merging_threads()
    ix.reload()
    return {"index_build_s": round(time.perf_counter() - t0, 3), "documents": n,
            "indexed": ix.searcher().num_docs, "peak_rss_mb": _peak_rss_mb()}


def worker_query_fts5(args) -> dict:
    import sqlite3

    queries = load_queries(Path(args.queries))
    t = time.perf_counter()
    jieba = _jieba()
    db = sqlite3.connect(f"file:{args.index}?mode=ro", uri=True)
    open_ms = (time.perf_counter() - t) * 1000
    sql = f"SELECT id, bm25(fts, 0, {TITLE_BOOST}, 1.0) AS s FROM fts WHERE fts MATCH ? ORDER BY s LIMIT {SEARCH_LIMIT}"
    zero = [0]

    def one(q):
        toks = _query_tokens(jieba, q)
        rows = db.execute(sql, [" OR ".join('"' + t.replace('"', '""') + '"' for t in toks)]).fetchall() if toks else []
        zero[0] += not rows

    for q in queries:
        one(q)
    zero[0] = 0
    per = _timed_pass(one, queries)
    db.close()
    return {"open_ms": round(open_ms, 1), "queries": _latency(per), "zero_hit_queries": zero[0],
            "peak_rss_mb": _peak_rss_mb()}


def worker_query_tantivy(args) -> dict:
    import tantivy

    queries = load_queries(Path(args.queries))
    t = time.perf_counter()
    jieba = _jieba()
    ix = tantivy.Index.open(args.index)
    schema = ix.schema
    searcher = ix.searcher()
    open_ms = (time.perf_counter() - t) * 1000
    zero = [0]
    Occur, Query = tantivy.Occur, tantivy.Query

    def one(q):
        toks = _query_tokens(jieba, q)
        if not toks:
            zero[0] += 1
            return
        clauses = []
        for tok in toks:
            clauses.append((Occur.Should, Query.boost_query(Query.term_query(schema, "title", tok), TITLE_BOOST)))
            clauses.append((Occur.Should, Query.term_query(schema, "body", tok)))
        hits = searcher.search(Query.boolean_query(clauses), SEARCH_LIMIT).hits
        ids = [searcher.doc(addr)["id"][0] for _, addr in hits]
        zero[0] += not ids

    for q in queries:
        one(q)
    zero[0] = 0
    per = _timed_pass(one, queries)
    return {"open_ms": round(open_ms, 1), "queries": _latency(per), "zero_hit_queries": zero[0],
            "peak_rss_mb": _peak_rss_mb()}


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


# =============================================================================================
# the driver

class WorkerFailed(RuntimeError):
    pass


class WorkerTimeout(RuntimeError):
    pass


_WORKER_ENV: dict[str, str] = {}


def snapshot_code(work: Path) -> dict:
    """Copy ``catalog/`` into the work folder and import it from there, here and in every worker."""
    code = work / "code"
    shutil.rmtree(code, ignore_errors=True)
    shutil.copytree(REPO / "catalog", code / "catalog", ignore=shutil.ignore_patterns("__pycache__"))
    # what catalog reads beside itself (settings.RESOURCES: the built-in synonyms, the fonts); the
    # snapshot used to run without them, so its searches knew fewer everyday words
    (code / "resources").symlink_to(REPO / "resources", target_is_directory=True)
    sys.path.insert(0, str(code))
    _WORKER_ENV["SPEED_CODE"] = str(code)
    return code_info(snapshot=True)


def code_info(snapshot: bool) -> dict:
    def git(*a):
        try:
            return subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    changed = git("status", "--porcelain", "--", "catalog")
    return {"git_head": git("rev-parse", "--short", "HEAD"), "snapshot_of_catalog": snapshot,
            "uncommitted_catalog_files": changed.splitlines() if changed else []}


def spawn(args: list[str], *, env: dict | None = None, timeout: float | None = None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), *args]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8", env={**os.environ, **_WORKER_ENV, **(env or {})},
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise WorkerTimeout(f"killed after {timeout:.0f} s (--import-timeout): {' '.join(cmd[1:])}")
    if proc.returncode != 0:
        raise WorkerFailed(f"worker failed ({proc.returncode}): {' '.join(cmd[1:])}\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1])


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


def summarise(sysres: dict) -> dict:
    builds, qs = sysres.get("builds", []), sysres.get("query_runs_raw", [])
    sug = [q["suggest"] for q in qs if q.get("suggest")]
    m = {
        "build_s": median([b.get("import_s", b.get("build_s")) for b in builds]),
        "build_rss_mb": median([b.get("peak_rss_mb") for b in builds]),
        "index_mb": median([b.get("sizes", {}).get("index_mb", b.get("index_mb")) for b in builds]),
        "query_p50_ms": median([q["queries"]["p50_ms"] for q in qs]),
        "query_p95_ms": median([q["queries"]["p95_ms"] for q in qs]),
        "query_max_ms": median([q["queries"]["max_ms"] for q in qs]),
        "query_rss_mb": median([q["peak_rss_mb"] for q in qs]),
        "open_ms": median([q.get("open_ms") for q in qs]),
        "zero_hit_queries": median([q.get("zero_hit_queries") for q in qs]),
        "suggest_p50_ms": median([s["p50_ms"] for s in sug]) if sug else None,
        "suggest_p95_ms": median([s["p95_ms"] for s in sug]) if sug else None,
    }
    asks = [q["ask"] for q in qs if q.get("ask")]
    if asks:
        m["ask_p50_ms"] = median([a["p50_ms"] for a in asks])
        m["ask_p95_ms"] = median([a["p95_ms"] for a in asks])
        m["dense_passages"] = qs[0].get("dense", {}).get("passages_with_vector")
    if builds and "sizes" in builds[0]:
        m["db_mb"] = median([b["sizes"]["db_mb"] for b in builds])
    if "segment_s" in sysres:
        m["segment_s"] = sysres["segment_s"]
        m["index_build_s"] = median([b["index_build_s"] for b in builds])

    def meets(value, target):
        return None if value is None else value <= target

    verdict = {"query_p95": meets(m["query_p95_ms"], TARGETS["query_p95_ms"]),
               "build": meets(m["build_s"], TARGETS["build_s"]),
               "query_rss": meets(m["query_rss_mb"], TARGETS["rss_mb"])}
    if sysres["system"].startswith("catalog-"):
        verdict["suggest_p95"] = meets(m["suggest_p95_ms"], TARGETS["suggest_p95_ms"])
        verdict["ask_p95"] = meets(m.get("ask_p95_ms"), TARGETS["ask_p95_ms"])
        if qs and not sug:
            m["suggest_note"] = "Catalog has no suggest(prefix, limit=8) yet: suggestion latency not measured"
    return {"median": m, "meets_target": verdict}


def table(systems: dict) -> str:
    def f(v, nd=1):
        return "–" if v is None else (f"{v:.{nd}f}" if isinstance(v, float) else str(v))

    t = TARGETS
    lines = [f"| system | build s (≤{t['build_s']}) | index MB | query p50 / p95 (≤{t['query_p95_ms']}) / max ms "
             f"| query RSS MB (≤{t['rss_mb']}) | suggest p50 / p95 ms (≤{t['suggest_p95_ms']}) "
             f"| ask p50 / p95 ms (≤{t['ask_p95_ms']}) |",
             "|---|---|---|---|---|---|---|"]
    for name, s in systems.items():
        m = s.get("median") or {}
        if s.get("error") and not m.get("query_p50_ms"):
            lines.append(f"| {name} | {s['error'].splitlines()[0][:100]} | | | | | |")
            continue
        build = f(m.get("build_s"))
        if "segment_s" in m:
            build += f" (jieba {f(m['segment_s'])} + index {f(m.get('index_build_s'))})"
        sug = (f"{f(m['suggest_p50_ms'], 2)} / {f(m['suggest_p95_ms'], 2)}"
               if m.get("suggest_p95_ms") is not None else ("no suggest()" if name.startswith("catalog") else "n/a"))
        lines.append(f"| {name} | {build} | {f(m.get('index_mb'))} | {f(m.get('query_p50_ms'), 2)} / "
                     f"{f(m.get('query_p95_ms'), 2)} / {f(m.get('query_max_ms'), 2)} | {f(m.get('query_rss_mb'))} | {sug} "
                     f"| {f(m.get('ask_p50_ms'), 1)} / {f(m.get('ask_p95_ms'), 1)} |")
    return "\n".join(lines)


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
