"""Writing the package source folder, and the summary printed after a build."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

MANIFEST = {
    "format": "gov-disclosure-catalogue",
    "format_version": 1,
    "publisher": "演示目录（据公开资料整理，非官方发布）",
    "region": "演示",
    "sequence": 1,
    "kind": "full",
}

OUTPUT_FILES = ("manifest.json", "domains.jsonl", "items.jsonl", "documents.jsonl",
                "faqs.jsonl", "terms.txt")


def dump_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) + "\n")


def public(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def write_source(out: Path, domains: list[dict], items: list[dict], docs: list[dict], faqs: list[dict],
                 terms: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in OUTPUT_FILES:  # remove only what this script writes
        (out / name).unlink(missing_ok=True)
    (out / "manifest.json").write_text(
        json.dumps(MANIFEST, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n")
    dump_jsonl(out / "domains.jsonl", sorted(domains, key=lambda d: d["order"]))
    dump_jsonl(out / "items.jsonl", items)
    dump_jsonl(out / "documents.jsonl", docs)
    dump_jsonl(out / "faqs.jsonl", faqs)
    (out / "terms.txt").write_text(terms, encoding="utf-8", newline="\n")


def print_summary(out: Path, domains: list[dict], items: list[dict], docs: list[dict], faqs: list[dict],
                  terms: str) -> None:
    print(f"wrote {out} (checked: ids unique, references resolve, dates, bodies, FAQs)")
    print(f"domains {len(domains)}, items {len(items)}, documents {len(docs)}, "
          f"faqs {len(faqs)}, term groups {terms.count(chr(10))}")
    doc_count = Counter(d for doc in docs for d in doc["domains"])
    kind_count = Counter((doc["domains"][0], doc["kind"]) for doc in docs)
    faq_count = Counter(d for f in faqs for d in f["domains"])
    item_count = Counter(i["domain"] for i in items)
    print(f"{'domain':<10}{'name':<14}{'items':>6}{'docs':>6}{'guides':>7}{'faqs':>6}")
    for d in sorted(domains, key=lambda d: d["order"]):
        did = d["id"]
        print(f"{did:<10}{d['name']:<14}{item_count[did]:>6}{doc_count[did]:>6}"
              f"{kind_count[(did, '办事指南')]:>7}{faq_count[did]:>6}")
    law_status = Counter(doc["status"] for doc in docs if doc["id"].startswith("law-"))
    print("laws by status: " + ", ".join(f"{k} {v}" for k, v in sorted(law_status.items())))
    linked = sum(1 for i in items if any(i["id"] in doc["items"] for doc in docs))
    print(f"items linked to at least one document: {linked}/{len(items)}")
