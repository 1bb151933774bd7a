#!/usr/bin/env python3
"""Search and Q&A on questions real people wrote: the sets in ``../shared/devsets/`` (its README:
sources, licences, counts), ours next to the plain BM25 of ``devsets/bm25_baseline.py``, in the
same run.

    python bench/devsets.py [--sets law-articles-stard,bank-faq-bq] [--half report|fit|all]
                            [--limit N] [--out bench/results/devsets.json]

Each set is split into a **fit** half and a **report** half by a hash of the question (stable,
independent of file order). Nothing in catalog/ is fitted on the report half: ``--half fit`` is what
tuning may look at; the figures quoted in the README are ``--half report``.

- A docs-style set (``documents.jsonl``) is packed as an unsigned catalogue (one document per
  article, its title as given), imported into a temporary data folder with the engine and the
  sentence model the kiosk uses, and queried with ``Catalog.search(q, limit=10)``: MRR@10, Hit@1,
  Hit@10, R@10 (the README's definitions).
- A FAQ set (``faqs.jsonl``) becomes a catalogue of FAQs (the set has no answers; each FAQ's answer
  is a placeholder that says so, and the FAQs cite no document), asked with ``Catalog.ask``: top-1,
  top-3 (the right FAQ among the first three), MRR@10, and the confidence figures of issue 14 —
  confident wrong (status answered, first candidate wrong) over all questions, answered, the right
  FAQ among what the kiosk shows (the first one when answered, the three candidates when unsure,
  nothing when out of scope), in-scope questions called out of scope, off-topic questions answered.

The sets are for measuring only: they are read from ../shared at run time and never copied into
the repository or a package.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import DEFAULT_SHARED, latency_summary, machine, now_iso, write_json  # noqa: E402

OUT = REPO / "bench" / "results" / "devsets.json"
SETS = ("law-articles-stard", "bank-faq-bq")
NO_ANSWER = "（评测集只有问题，没有答案。）"


def half_of(text: str) -> str:
    """'fit' or 'report', by a hash of the question text."""
    return "fit" if hashlib.sha1(text.encode("utf-8")).digest()[0] % 2 == 0 else "report"


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def baseline_module(devsets: Path):
    """The shared folder's own BM25 (the reference the devsets README quotes)."""
    spec = importlib.util.spec_from_file_location("devsets_bm25", devsets / "bm25_baseline.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _jsonl(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def _doc(row: dict) -> dict:
    return {"id": row["id"], "title": row["title"], "kind": "政策文件", "doc_number": None,
            "index_number": None, "issuer": None, "region": "全国", "written": None, "published": None,
            "status": "现行有效", "domains": ["devset"], "items": [], "interprets": None, "url": None,
            "body": row["body"], "attachments": []}


VECTOR_CACHE = Path(tempfile.gettempdir()) / "devsets-vector-cache.db"


def build_catalogue(name: str, folder: Path, work: Path, vectors: bool = True) -> tuple[Path, float]:
    """Pack the set as an unsigned catalogue and import it; (data folder, import seconds)."""
    from catalog.packaging.pack import pack
    from catalog.packaging.packages import import_package

    source = work / f"{name}-source"
    source.mkdir(parents=True)
    (source / "manifest.json").write_text(json.dumps(
        {"publisher": f"评测集（{name}）", "region": "全国", "sequence": 1}, ensure_ascii=False),
        encoding="utf-8")
    _jsonl(source / "domains.jsonl", [{"id": "devset", "name": "评测集", "order": 1, "pilot": False,
                                       "description": "评测用的问题集，不是政府文件"}])
    _jsonl(source / "items.jsonl", [])
    if (folder / "documents.jsonl").exists():
        _jsonl(source / "documents.jsonl", (_doc(r) for r in read_jsonl(folder / "documents.jsonl")))
        _jsonl(source / "faqs.jsonl", [])
    else:
        _jsonl(source / "documents.jsonl", [])
        _jsonl(source / "faqs.jsonl", ({"id": r["id"], "question": r["question"], "variants": [],
                                        "answer": NO_ANSWER, "domains": ["devset"], "documents": []}
                                       for r in read_jsonl(folder / "faqs.jsonl")))
    zip_path = work / f"{name}.zip"
    # the publisher's side computes the vectors (kept in a cache outside the repository)
    pack(source, zip_path, key=None, vectors=vectors, vector_cache=VECTOR_CACHE)
    data = work / f"{name}-data"
    started = time.perf_counter()
    import_package(data, zip_path, allow_unsigned=True)
    return data, time.perf_counter() - started


def docs_metrics(rankings: list[list[str]], queries: list[dict]) -> dict:
    mrr = r10 = h1 = h10 = 0.0
    for top, q in zip(rankings, queries):
        gold = set(q["gold"])
        rank = next((r for r, d in enumerate(top[:10], 1) if d in gold), None)
        mrr += 1 / rank if rank else 0
        r10 += len(gold & set(top[:10])) / len(gold)
        h1 += rank == 1
        h10 += rank is not None
    n = len(queries) or 1
    return {"queries": len(queries), "MRR@10": round(mrr / n, 4), "Hit@1": round(h1 / n, 4),
            "Hit@10": round(h10 / n, 4), "R@10": round(r10 / n, 4)}


def run_docs(name: str, folder: Path, half: str, limit: int | None, work: Path, bm25) -> dict:
    from catalog.catalogue import Catalog

    queries = [q for q in read_jsonl(folder / "queries.jsonl") if half == "all" or half_of(q["query"]) == half]
    queries = queries[:limit] if limit else queries
    docs = read_jsonl(folder / "documents.jsonl")
    index = bm25.BM25([d["title"] + "\n" + d["body"] for d in docs])
    ids = [d["id"] for d in docs]
    base = [[ids[i] for i, _ in index.search(q["query"], 10)] for q in queries]
    data, import_s = build_catalogue(name, folder, work)
    ours, ms = [], []
    with Catalog.open(data) as cat:
        cat.search("预热")
        for q in queries:
            t = time.perf_counter()
            res = cat.search(q["query"], limit=10)
            ms.append((time.perf_counter() - t) * 1000)
            ours.append([h.id for h in res.hits])
        vectors = cat.vector_status()
    o, b = docs_metrics(ours, queries), docs_metrics(base, queries)
    return {"style": "docs-qa", "half": half, "ours": o, "plain_bm25": b,
            "ratio_mrr": round(o["MRR@10"] / b["MRR@10"], 3) if b["MRR@10"] else None,
            "import_s": round(import_s, 1), "search_ms": latency_summary(ms), "vectors": vectors}


def shown_ids(res) -> list[str]:
    """What the kiosk shows of an ask result: the answer, the 您是不是想问 choices, or nothing."""
    if res.status == "answered":
        return [a.faq_id for a in res.answers[:1]]
    if res.status == "unsure":
        return [a.faq_id for a in res.answers]
    return []


def faq_metrics(results: list, golds: list[str], oos_results: list) -> dict:
    n = len(results) or 1
    top1 = top3 = rr = wrong = answered = rejected = shown = 0
    for res, gold in zip(results, golds):
        ids = [a.faq_id for a in res.answers]
        rank = ids.index(gold) if gold in ids else None
        top1 += rank == 0
        top3 += rank is not None and rank < 3
        rr += 1 / (rank + 1) if rank is not None else 0
        answered += res.status == "answered"
        wrong += res.status == "answered" and rank != 0
        rejected += res.status == "out_of_scope"
        shown += gold in shown_ids(res)
    m = len(oos_results) or 1
    oos_answered = sum(r.status == "answered" for r in oos_results)
    oos_rejected = sum(r.status == "out_of_scope" for r in oos_results)
    total = len(results) + len(oos_results) or 1
    return {"questions": len(results), "out_of_scope_questions": len(oos_results),
            "top1": round(top1 / n, 4), "top3": round(top3 / n, 4), "mrr": round(rr / n, 4),
            "confident_wrong": round((wrong + oos_answered) / total, 4),
            "confident_wrong_in_scope": round(wrong / n, 4),
            "answered": round(answered / n, 4), "right_shown": round(shown / n, 4),
            "in_scope_rejected": round(rejected / n, 4),
            "oos_answered": round(oos_answered / m, 4), "oos_rejected": round(oos_rejected / m, 4)}


def run_faq(name: str, folder: Path, half: str, limit: int | None, work: Path, bm25) -> dict:
    from catalog.catalogue import Catalog

    keep = (lambda t: True) if half == "all" else (lambda t: half_of(t) == half)
    queries = [q for q in read_jsonl(folder / "queries.jsonl") if keep(q["query"])]
    oos = [q for q in read_jsonl(folder / "out_of_scope.jsonl") if keep(q["query"])]
    queries, oos = (queries[:limit], oos[:limit // 3]) if limit else (queries, oos)
    faqs = read_jsonl(folder / "faqs.jsonl")
    index = bm25.BM25([f["question"] for f in faqs])
    ids = [f["id"] for f in faqs]
    b1 = b3 = 0
    for q in queries:
        top = [ids[i] for i, _ in index.search(q["query"], 3)]
        b1 += bool(top) and top[0] == q["gold"]
        b3 += q["gold"] in top
    n = len(queries) or 1
    data, import_s = build_catalogue(name, folder, work)
    ms: list[float] = []
    with Catalog.open(data) as cat:
        cat.ask("预热")

        def ask(text):
            t = time.perf_counter()
            r = cat.ask(text)
            ms.append((time.perf_counter() - t) * 1000)
            return r

        results = [ask(q["query"]) for q in queries]
        oos_results = [ask(q["query"]) for q in oos]
        method = cat.faq_matcher().method
    return {"style": "faq", "half": half, "method": method,
            "ours": faq_metrics(results, [q["gold"] for q in queries], oos_results),
            "plain_bm25": {"top1": round(b1 / n, 4), "top3": round(b3 / n, 4)},
            "import_s": round(import_s, 1), "ask_ms": latency_summary(ms)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--half", choices=("report", "fit", "all"), default="report")
    ap.add_argument("--limit", type=int, default=None, help="at most N questions per set (a quick check)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    devsets = args.shared / "devsets"
    if not devsets.is_dir():
        print(f"no {devsets}: the devsets live in ../shared", file=sys.stderr)
        return 2
    bm25 = baseline_module(devsets)
    out = {"machine": machine(), "when": now_iso(), "half": args.half,
           "engine": os.environ.get("CATALOG_ENGINE") or "default", "sets": {}}
    work = Path(tempfile.mkdtemp(prefix="devsets-"))
    try:
        for name in args.sets.split(","):
            folder = devsets / name
            run = run_docs if (folder / "documents.jsonl").exists() else run_faq
            out["sets"][name] = run(name, folder, args.half, args.limit, work, bm25)
            print(name, json.dumps(out["sets"][name], ensure_ascii=False), file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not args.limit:
        write_json(args.out, out)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
