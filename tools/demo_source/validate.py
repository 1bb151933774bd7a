"""Check a written package source folder (also ``build_demo.py --check-only``)."""
from __future__ import annotations

import json
import re
from pathlib import Path

from .common import DATE_RE

KINDS = ("政策文件", "政策解读", "通知公告", "办事指南", "其他")
STATUSES = ("现行有效", "已修改", "失效", "废止")


def validate(out: Path) -> list[str]:
    """Check a written package source folder; return the problems found (empty: fine)."""
    problems = []

    def rows(name):
        with (out / name).open(encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def unknown(kind: str, row: dict, field: str, known: set, what: str) -> None:
        for x in row[field]:
            if x not in known:
                problems.append(f"{kind} {row['id']}: unknown {what} {x}")

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != "gov-disclosure-catalogue" or manifest.get("format_version") != 1:
        problems.append("manifest: wrong format")
    domains, items, docs, faqs = (rows(n) for n in
                                  ("domains.jsonl", "items.jsonl", "documents.jsonl", "faqs.jsonl"))
    seen = set()
    for kind, group in (("domain", domains), ("item", items), ("document", docs), ("faq", faqs)):
        for r in group:
            if not isinstance(r.get("id"), str) or not re.fullmatch(r"[A-Za-z0-9_-]+", r["id"]):
                problems.append(f"{kind} id {r.get('id')!r} is not a plain ASCII id")
            if (kind, r.get("id")) in seen:
                problems.append(f"duplicate {kind} id {r.get('id')}")
            seen.add((kind, r.get("id")))
    domain_ids = {d["id"] for d in domains}
    item_ids = {i["id"] for i in items}
    doc_ids = {d["id"] for d in docs}
    for d in domains:
        if not d.get("name") or not isinstance(d.get("order"), int) or not isinstance(d.get("pilot"), bool):
            problems.append(f"domain {d['id']}: name/order/pilot")
    if sum(1 for d in domains if d["pilot"]) != 26:
        problems.append("there must be 26 pilot domains")
    for i in items:
        if i["domain"] not in domain_ids:
            problems.append(f"item {i['id']}: unknown domain {i['domain']}")
        if not isinstance(i["channels"], list) or not isinstance(i["level"], list):
            problems.append(f"item {i['id']}: channels/level must be lists")
    for d in docs:
        if d["kind"] not in KINDS:
            problems.append(f"document {d['id']}: kind {d['kind']!r}")
        if d["status"] not in STATUSES:
            problems.append(f"document {d['id']}: status {d['status']!r}")
        for f in ("written", "published"):
            if d[f] is not None and not DATE_RE.match(d[f]):
                problems.append(f"document {d['id']}: {f} {d[f]!r} is not YYYY-MM-DD")
        if not d["body"] or not d["body"].strip() or "\n\n" in d["body"]:
            problems.append(f"document {d['id']}: empty body or blank lines in it")
        if not d["title"]:
            problems.append(f"document {d['id']}: no title")
        unknown("document", d, "domains", domain_ids, "domain")
        unknown("document", d, "items", item_ids, "item")
        if d.get("interprets") is not None and d["interprets"] not in doc_ids:
            problems.append(f"document {d['id']}: interprets unknown {d['interprets']}")
        for k in ("doc_number", "index_number", "issuer", "region", "url"):
            if d[k] is not None and (not isinstance(d[k], str) or not d[k].strip()):
                problems.append(f"document {d['id']}: {k} is an empty string (use null)")
    for f in faqs:
        if len(set(f["variants"])) < 3:
            problems.append(f"faq {f['id']}: fewer than 3 variants")
        if not f["documents"]:
            problems.append(f"faq {f['id']}: no documents")
        unknown("faq", f, "documents", doc_ids, "document")
        unknown("faq", f, "domains", domain_ids, "domain")
        if not f["answer"].strip() or not f["question"].strip():
            problems.append(f"faq {f['id']}: empty question or answer")
    if len(faqs) < 90:
        problems.append(f"only {len(faqs)} FAQs")
    groups = [x for x in (out / "terms.txt").read_text(encoding="utf-8").splitlines() if x.strip()]
    if len(groups) < 60:
        problems.append(f"only {len(groups)} term groups")
    return problems
