"""Suggestions while typing: document titles, FAQ questions, domain names and terms, matched by
prefix of the text or of its pinyin (full spelling or initials). Keys are built at import into the
store's ``suggest`` table; a lookup is one indexed range scan."""

from __future__ import annotations

import re
from dataclasses import dataclass

from catalog.packaging.records import IN_FORCE
from catalog.search.pinyin import quick_syllables
from catalog.store import Store

_STRIP = re.compile(r"^(中华人民共和国|[\u4e00-\u9fff]{2,3}(?:省|市|自治区|特别行政区))")
_KEY_CHARS = 16  # pinyin keys cover the first characters only: enough to type into
SCAN = 300


@dataclass
class Suggestion:
    text: str
    kind: str  # document / faq / domain / term
    ref: str | None
    score: float


def _keys(text: str) -> set[str]:
    out = {text.lower()}
    short = _STRIP.sub("", text)
    if len(short) >= 2:
        out.add(short.lower())
    for t in {text, short}:
        head = [c for c in t[:_KEY_CHARS] if "\u3400" <= c <= "\u9fff"]
        if len(head) >= 2:
            sy = quick_syllables("".join(head))
            out.add("".join(sy))
            out.add("".join(s[0] for s in sy))
    return {k for k in out if k}


def build_rows(store: Store, term_words: list[tuple[str, float]]):
    """Suggestion rows, generated (a county catalogue has tens of thousands of titles)."""

    def rows(text, kind, ref, weight):
        for key in _keys(text):
            yield {"key": key, "kind": kind, "text": text, "ref": ref, "weight": weight}

    for d in store.domains():
        yield from rows(d.name, "domain", d.id, 3.0)
    for f in store.faqs():
        yield from rows(f.question.rstrip("？?"), "faq", f.id, 2.0)
    titles = store.db.execute("select id, title, status from documents").fetchall()
    for doc_id, title, status in titles:
        yield from rows(title, "document", doc_id, 1.0 if status == IN_FORCE else 0.4)
    for word, weight in term_words:
        yield from rows(word, "term", None, weight)


def suggest(store: Store, prefix: str, limit: int = 8) -> list[Suggestion]:
    """Up to ``limit`` suggestions for what has been typed so far, best first."""
    p = prefix.strip().lower()
    if not p:
        return []
    rows = store.db.execute(
        "select kind, text, ref, weight, key from suggest where key >= ? and key < ? limit ?",
        [p, p + "\U0010ffff", SCAN]).fetchall()
    best: dict[tuple[str, str], Suggestion] = {}
    for kind, text, ref, weight, key in rows:
        # typed characters beat pinyin; a shorter completion is a likelier one
        score = weight * (2.0 if key == text.lower() or not key.isascii() else 1.0) - len(text) / 100
        k = (kind, ref or text)
        if k not in best or best[k].score < score:
            best[k] = Suggestion(text, kind, ref, round(score, 3))
    ranked = sorted(best.values(), key=lambda s: (-s.score, s.text))
    seen_text: set[str] = set()
    out = []
    for s in ranked:
        if s.text in seen_text:
            continue
        seen_text.add(s.text)
        out.append(s)
        if len(out) == limit:
            break
    return out
