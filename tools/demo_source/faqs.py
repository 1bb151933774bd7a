"""FAQs (tools/demo_faqs.json, every quote checked verbatim against its document) and the
synonym terms (tools/demo_terms.txt)."""
from __future__ import annotations

import json
from pathlib import Path

from .common import fail


def build_faqs(path: Path, docs_by_id: dict[str, dict], domain_ids: set[str]) -> list[dict]:
    src = json.loads(path.read_text(encoding="utf-8"))
    out = []
    problems = []
    for f in src["faqs"]:
        fid = f.get("id", "?")
        variants = f.get("variants", [])
        if len(set(variants)) < 3 or f["question"] in variants:
            problems.append(f"{fid}: needs 3 different variants besides the question")
        if not f.get("answer") or "（依据：" not in f["answer"]:
            problems.append(f"{fid}: answer must end with its source (依据)")
        for d in f.get("domains", []):
            if d not in domain_ids:
                problems.append(f"{fid}: unknown domain {d}")
        if not f.get("domains"):
            problems.append(f"{fid}: no domain")
        cites = f.get("cites", [])
        if not cites:
            problems.append(f"{fid}: no cites")
        for c in cites:
            doc = docs_by_id.get(c["doc"])
            if doc is None:
                problems.append(f"{fid}: cites unknown document {c['doc']}")
            elif c.get("title") is not None and c["title"] != doc["title"]:
                problems.append(f"{fid}: {c['doc']} is {doc['title']!r}, not {c['title']!r}")
            elif not c["quote"].strip() or c["quote"] not in doc["body"]:
                problems.append(f"{fid}: quote not found verbatim in {c['doc']} ({doc['title']}): {c['quote']!r}")
            elif doc["status"] != "现行有效":
                problems.append(f"{fid}: cites a document that is {doc['status']}")
        documents = []
        for c in cites:
            if c["doc"] not in documents:
                documents.append(c["doc"])
        out.append({
            "id": fid, "question": f["question"], "variants": variants, "answer": f["answer"],
            "domains": f["domains"], "documents": sorted(documents),
            "cites": [{"doc": c["doc"], "quote": c["quote"]} for c in cites],
        })
    ids = [f["id"] for f in out]
    if len(ids) != len(set(ids)):
        problems.append("duplicate FAQ ids")
    if problems:
        fail("FAQ check failed:\n  " + "\n  ".join(problems))
    return sorted(out, key=lambda f: f["id"])


def build_terms(path: Path) -> str:
    groups = []
    seen = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        if len(words) < 2 or len(set(words)) != len(words):
            fail(f"terms line {n}: a group needs two or more different words")
        for w in words:
            if w in seen:
                fail(f"terms line {n}: {w!r} already in line {seen[w]}")
            seen[w] = n
        groups.append(" ".join(words))
    return "\n".join(groups) + "\n"
