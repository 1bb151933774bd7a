#!/usr/bin/env python3
"""Validate the FAQ-matcher evaluation set (bench/qa/).

Stdlib only. Run from anywhere:

    python3 bench/qa/check_set.py

Checks:
- every line of questions.jsonl / out_of_scope.jsonl is a JSON object with the expected fields;
- every `faq` and `also` id exists in tools/demo_faqs.json; `also` never repeats `faq`;
- at least 300 in-scope and 60 out-of-scope questions;
- no question equals, or has character-bigram Jaccard >= 0.6 with, its FAQ's question or any
  of its variants (also checked against the `also` FAQs);
- no duplicate questions (in-scope and out-of-scope together; compared after normalisation);
- every FAQ has at least one in-scope question, and at least one with split "test".

Prints offenders and exits 1 on any failure; prints a summary and exits 0 otherwise.
"""

import json
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FAQS = ROOT / "tools" / "demo_faqs.json"
QUESTIONS = HERE / "questions.jsonl"
OOS = HERE / "out_of_scope.jsonl"

MIN_IN_SCOPE = 300
MIN_OOS = 60
MAX_JACCARD = 0.6
SPLITS = {"dev", "test"}


def norm(text):
    """NFKC, lower case, drop whitespace and punctuation (emoji and other symbols stay)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text
                   if not ch.isspace() and unicodedata.category(ch)[0] not in "PZ")


def bigrams(text):
    t = norm(text)
    if len(t) < 2:
        return {t} if t else set()
    return {t[i:i + 2] for i in range(len(t) - 1)}


def jaccard(a, b):
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def load_jsonl(path, errors):
    rows = []
    if not path.exists():
        errors.append(f"{path.name}: missing")
        return rows
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                errors.append(f"{path.name}:{n}: empty line")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{path.name}:{n}: bad JSON ({exc})")
                continue
            if not isinstance(obj, dict):
                errors.append(f"{path.name}:{n}: not an object")
                continue
            rows.append((n, obj))
    return rows


def main():
    errors = []
    faqs = {f["id"]: f for f in json.loads(FAQS.read_text(encoding="utf-8"))["faqs"]}

    questions = load_jsonl(QUESTIONS, errors)
    oos = load_jsonl(OOS, errors)

    seen = {}
    per_faq = defaultdict(Counter)
    close = []

    for n, obj in questions:
        where = f"{QUESTIONS.name}:{n}"
        extra = set(obj) - {"q", "faq", "also", "split"}
        if extra:
            errors.append(f"{where}: unexpected fields {sorted(extra)}")
        q, faq, split = obj.get("q"), obj.get("faq"), obj.get("split")
        also = obj.get("also", [])
        if not isinstance(q, str) or not q.strip():
            errors.append(f"{where}: missing or empty q")
            continue
        if split not in SPLITS:
            errors.append(f"{where}: split must be dev or test, got {split!r}")
        key = norm(q)
        if key in seen:
            errors.append(f"{where}: duplicate question {q!r} (first at {seen[key]})")
        else:
            seen[key] = where
        if faq not in faqs:
            errors.append(f"{where}: unknown faq {faq!r}")
            continue
        if not isinstance(also, list) or not all(isinstance(a, str) for a in also):
            errors.append(f"{where}: also must be a list of ids")
            also = []
        for a in also:
            if a not in faqs:
                errors.append(f"{where}: unknown also id {a!r}")
            if a == faq:
                errors.append(f"{where}: also repeats faq {a!r}")
        if len(set(also)) != len(also):
            errors.append(f"{where}: duplicate ids in also")
        per_faq[faq][split] += 1

        for fid in [faq] + [a for a in also if a in faqs]:
            f = faqs[fid]
            for ref in [f["question"]] + list(f["variants"]):
                j = jaccard(q, ref)
                if norm(q) == norm(ref) or j >= MAX_JACCARD:
                    close.append(f"{where}: {q!r} ~ {fid} {ref!r} (jaccard {j:.2f})")

    for n, obj in oos:
        where = f"{OOS.name}:{n}"
        extra = set(obj) - {"q", "split"}
        if extra:
            errors.append(f"{where}: unexpected fields {sorted(extra)}")
        q, split = obj.get("q"), obj.get("split")
        if not isinstance(q, str) or not q.strip():
            errors.append(f"{where}: missing or empty q")
            continue
        if split not in SPLITS:
            errors.append(f"{where}: split must be dev or test, got {split!r}")
        key = norm(q) or q.strip()  # emoji/punctuation-only strings normalise to ""
        if key in seen:
            errors.append(f"{where}: duplicate question {q!r} (first at {seen[key]})")
        else:
            seen[key] = where

    if len(questions) < MIN_IN_SCOPE:
        errors.append(f"only {len(questions)} in-scope questions (need >= {MIN_IN_SCOPE})")
    if len(oos) < MIN_OOS:
        errors.append(f"only {len(oos)} out-of-scope questions (need >= {MIN_OOS})")
    for fid in faqs:
        c = per_faq.get(fid, Counter())
        if not c:
            errors.append(f"{fid}: no questions")
        elif c["test"] < 1:
            errors.append(f"{fid}: no test question")

    errors.extend(close)
    if errors:
        for e in errors:
            print(e)
        print(f"FAILED: {len(errors)} problem(s)")
        return 1

    in_split = Counter(obj["split"] for _, obj in questions)
    oos_split = Counter(obj["split"] for _, obj in oos)
    n_also = sum(1 for _, obj in questions if obj.get("also"))
    counts = [sum(c.values()) for c in per_faq.values()]
    print(f"in-scope: {len(questions)} (dev {in_split['dev']}, test {in_split['test']}), "
          f"{len(per_faq)}/{len(faqs)} FAQs, {min(counts)}-{max(counts)} per FAQ, "
          f"{n_also} with also")
    print(f"out-of-scope: {len(oos)} (dev {oos_split['dev']}, test {oos_split['test']})")
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
