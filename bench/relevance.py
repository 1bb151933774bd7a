#!/usr/bin/env python3
"""Search relevance on the demo catalogue: nDCG@10, MRR and recall@10 over the judged queries in
bench/relevance/queries.jsonl, next to a plain BM25 over jieba tokens computed in the same run.

    python bench/relevance.py [--data-dir DIR] [--json-out bench/results/relevance.json]

Without --data-dir the demo package is imported into a temporary data folder first.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import contextlib
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

QUERIES = REPO / "bench" / "relevance" / "queries.jsonl"
K = 10


def load_queries(path: Path = QUERIES) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def ndcg(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    dcg = sum((2 ** grades.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def rr(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    for i, d in enumerate(ranked[:k]):
        if grades.get(d, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def recall(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    rel = {d for d, g in grades.items() if g > 0}
    return len(rel & set(ranked[:k])) / len(rel) if rel else 0.0


def evaluate(search, queries: list[dict]) -> dict:
    """``search(query) -> ranked doc ids``; returns overall and per-category means."""
    per_cat: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    rows = []
    for q in queries:
        ranked = search(q["query"])
        m = (ndcg(ranked, q["relevant"]), rr(ranked, q["relevant"]), recall(ranked, q["relevant"]))
        per_cat[q["category"]].append(m)
        rows.append((q["id"], q["query"], m))

    def mean(ms):
        return {"ndcg@10": round(sum(m[0] for m in ms) / len(ms), 4),
                "mrr": round(sum(m[1] for m in ms) / len(ms), 4),
                "recall@10": round(sum(m[2] for m in ms) / len(ms), 4), "n": len(ms)}

    allm = [m for ms in per_cat.values() for m in ms]
    return {"overall": mean(allm), "by_category": {c: mean(ms) for c, ms in sorted(per_cat.items())},
            "zero_hit_queries": [q for _, q, m in rows if m[2] == 0.0]}


class PlainBM25:
    """The baseline: Okapi BM25 (k1=1.2, b=0.75) over jieba's default tokens of title + body, the
    query an OR of its jieba tokens. Written out here so the baseline has no tuning of ours in it."""

    def __init__(self, docs):
        import jieba

        self.jieba = jieba
        self.postings: dict[str, dict[int, int]] = defaultdict(dict)
        self.ids, self.lengths = [], []
        for n, (doc_id, text) in enumerate(docs):
            toks = [t for t in jieba.lcut(text) if t.strip() and any(c.isalnum() for c in t)]
            self.ids.append(doc_id)
            self.lengths.append(len(toks))
            for tok, tf in Counter(toks).items():
                self.postings[tok.lower()][n] = tf
        self.avg = sum(self.lengths) / max(len(self.lengths), 1)

    def search(self, query: str, k: int = K) -> list[str]:
        n_docs = len(self.ids)
        scores: dict[int, float] = defaultdict(float)
        for tok in set(t.lower() for t in self.jieba.lcut(query) if t.strip()):
            post = self.postings.get(tok)
            if not post:
                continue
            idf = math.log(1 + (n_docs - len(post) + 0.5) / (len(post) + 0.5))
            for d, tf in post.items():
                scores[d] += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * self.lengths[d] / self.avg))
        return [self.ids[d] for d, _ in sorted(scores.items(), key=lambda x: (-x[1], x[0]))[:k]]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir")
    ap.add_argument("--json-out", default=str(REPO / "bench" / "results" / "relevance.json"))
    args = ap.parse_args()
    from catalog.catalogue import Catalog

    from bench.common import demo_data_dir

    stack = contextlib.ExitStack()
    dd = stack.enter_context(demo_data_dir(args.data_dir))
    queries = load_queries()
    with Catalog.open(dd) as cat:
        t0 = time.perf_counter()
        ours = evaluate(lambda q: [h.id for h in cat.search(q, limit=K).hits], queries)
        ours_s = time.perf_counter() - t0
        docs = [(d.id, d.title + "\n" + d.body) for d in cat.store.documents()]
    t0 = time.perf_counter()
    bm25 = PlainBM25(docs)
    base = evaluate(bm25.search, queries)
    out = {"benchmark": "relevance", "queries": len(queries), "k": K,
           "catalogue": {"engine": "ours", **ours, "seconds": round(ours_s, 2)},
           "plain_bm25_jieba": {**base, "seconds": round(time.perf_counter() - t0, 2)}}
    Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json_out).write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({"ours": ours["overall"], "plain_bm25": base["overall"],
                      "ours_by_category": {c: v["ndcg@10"] for c, v in ours["by_category"].items()},
                      "bm25_by_category": {c: v["ndcg@10"] for c, v in base["by_category"].items()}},
                     ensure_ascii=False, indent=1))
    stack.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
