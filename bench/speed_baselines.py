"""The baselines' worker processes: jieba segmentation (once, cached on disk), then SQLite FTS5 and tantivy
index builds and query passes over the same space-joined tokens."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from bench.common import load_queries, mb
from bench.speed_measure import SEARCH_LIMIT, latency, own_peak_rss_mb, timed_pass

TITLE_BOOST = 4.0


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
            "cache_mb": mb(Path(args.cache).stat().st_size), "peak_rss_mb": own_peak_rss_mb()}


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
    return {"index_build_s": round(time.perf_counter() - t0, 3), "documents": n, "peak_rss_mb": own_peak_rss_mb(),
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
            "indexed": ix.searcher().num_docs, "peak_rss_mb": own_peak_rss_mb()}


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
    per = timed_pass(one, queries)
    db.close()
    return {"open_ms": round(open_ms, 1), "queries": latency(per), "zero_hit_queries": zero[0],
            "peak_rss_mb": own_peak_rss_mb()}


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
    per = timed_pass(one, queries)
    return {"open_ms": round(open_ms, 1), "queries": latency(per), "zero_hit_queries": zero[0],
            "peak_rss_mb": own_peak_rss_mb()}
