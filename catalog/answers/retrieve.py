"""Passage retrieval for questions: lexical BM25 over passages, blended with passage vectors.

A question is answered from passages (catalog.answers.passages), not whole documents: a law of 300
articles is found by the one article that answers, and the hit carries it.

- **Lexical**: the passage index (the same engine as the documents), every word group of the
  question OR-ed; question words (怎么, 哪里, 吗 …) are stopwords and count for nothing.
- **Dense**: the cosine between the question's vector and every passage vector the kiosk has
  (catalog.answers.vectors), exactly.
- **Blend**: ``bm25 / best bm25 + COSINE_WEIGHT · cosine`` over the union of both candidate
  lists; a passage without a vector takes the lowest cosine of the dense candidates. The weight
  was chosen on the fit half of law-articles-stard (bench/devsets.py --half fit: 0.025 gave MRR@10
  0.581 where reciprocal-rank fusion reached 0.566, dense alone 0.538 and BM25 0.463); the figures
  in the README are read on the report half.
- **Documents** rank by their best passage, minus a small penalty for a text no longer in force,
  plus a small bonus for the kiosk's own region and 全国 (``REGION_BONUS``).
- ``cover`` (the share of the question's word weight a passage holds) is what the Q&A fallback
  reads to decide whether a passage answers at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from catalog import settings
from catalog.model import DocumentBrief, Passage

if TYPE_CHECKING:
    from catalog.catalogue import Catalog
    from catalog.search.query import Plan

# Scores are in units of the best BM25 of the question: lexical = bm25 / best bm25 (0..1), and
# a cosine counts COSINE_WEIGHT times (0.025 lexical per unit of cosine, chosen on the fit half).
COSINE_WEIGHT = 40.0
LEX_DEPTH = 200
DENSE_DEPTH = 200
STATUS_PENALTY = {"现行有效": 0.0, "已修改": 0.4, "失效": 0.8, "废止": 0.8}
REGION_BONUS = 0.4  # the kiosk's region and 全国, over other regions (= a cosine 0.01 higher)


@dataclass
class PassageHit:
    key: str
    doc_id: str
    n: int
    paragraph: int
    label: str
    text: str
    score: float
    lexical: float = 0.0   # bm25 / the best bm25 (0 when lexical search did not find it)
    cosine: float | None = None
    cover: float = 0.0     # share of the question's word weight the passage (with its title) holds
    meta: DocumentBrief | None = None  # its document's


def _local(region: str | None, kiosk_region: str | None) -> bool:
    """A text of the kiosk's own region (or of a region containing it), or a national one."""
    if not region or region == "全国":
        return True
    if not kiosk_region:
        return False
    return region in kiosk_region or kiosk_region in region


def _matches_filters(meta: DocumentBrief, filters: dict) -> bool:
    if filters.get("domain") and not set(filters["domain"]) & set(meta.domains):
        return False
    if filters.get("kind") and meta.kind not in filters["kind"]:
        return False
    if filters.get("status") and meta.status not in filters["status"]:
        return False
    if filters.get("year") and (meta.date or "")[:4] not in filters["year"]:
        return False  # the year the index gives a document (catalog.search.index._year)
    return True


def _weights(catalog: "Catalog", plan: "Plan") -> list[float]:
    """Per word group: its rarity across the catalogue's documents (vocab frequencies)."""
    n = max(1, catalog.store.counts()["documents"])
    out = []
    from catalog.search.query import INTENTS

    cues = {c for words in INTENTS.values() for c in words}
    for g in plan.groups:
        # a single character, a number, or what the question asks (多少钱, 哪个部门): no topic weight
        if not g.required or g.label in cues:
            out.append(0.0)
            continue
        df = 0
        for a in g.alternatives[:1]:
            row = catalog.store.db.execute("select max(freq) from vocab where word = ?", [a.text]).fetchone()
            df = row[0] or 0
        out.append(math.log(1 + n / (df + 1)))
    return out


def coverage(plan: "Plan", weights: list[float], text: str) -> float:
    total = sum(weights)
    if total <= 0:
        return 0.0
    got = 0.0
    for g, w in zip(plan.groups, weights):
        # a synonym is the publisher's equivalent: it covers the word fully
        got += w * any(a.text in text for a in g.alternatives)
    return got / total


def passages(catalog: "Catalog", query: str, plan: "Plan", *, filters: dict | None = None,
             limit: int = 10, dense: bool = True) -> list[PassageHit]:
    """The best passages for ``query``, best first (one list over all documents)."""
    filters = filters or {}
    engine = catalog.passage_engine
    if engine is None:
        return []
    lex: dict[str, float] = {}
    if plan.groups:
        raw = engine.search(plan.groups, require_all=False, filters=filters, limit=LEX_DEPTH,
                            facets=False)
        lex = dict(raw.hits)
    best_lex = max(lex.values(), default=0.0) or 1.0
    index = catalog.dense() if dense else None
    sims: dict[str, float] = {}
    floor = 0.0
    if index is not None and query.strip():
        from catalog.answers.vectors import embed_query

        try:
            qv = embed_query(query)
        except Exception:  # noqa: BLE001 - the model failed: lexical only
            index = None
        else:
            sims = index.similarities(qv)
            top = index.top(sims, DENSE_DEPTH)
            floor = top[-1][1] if top else 0.0
            dense_top = dict(top)
    keys = set(lex)
    if index is not None:
        keys |= set(dense_top)
    if not keys:
        return []
    rows = catalog.store.passages(sorted(keys))
    meta = catalog.store.document_meta(sorted({p.doc_id for p in rows.values()}))
    kiosk_region = catalog.region
    weights = _weights(catalog, plan)
    out = []
    for key, p in rows.items():
        m = meta.get(p.doc_id)
        if m is None or not _matches_filters(m, filters):
            continue
        lx = lex.get(key, 0.0) / best_lex
        cos = None
        if index is not None:
            cos = index.cosine(sims, key, floor)
            score = lx + COSINE_WEIGHT * cos
        else:
            score = lx
        score -= STATUS_PENALTY.get(m.status, 0.8)
        if _local(m.region, kiosk_region):
            score += REGION_BONUS
        cover = coverage(plan, weights, m.title + "\n" + p.text)
        out.append(PassageHit(key, p.doc_id, p.n, p.paragraph, p.label, p.text, score, lx, cos, cover, m))
    out.sort(key=lambda h: (-h.score, h.key))
    return out[:limit] if limit else out


def documents(hits: list[PassageHit], limit: int) -> list[tuple[str, PassageHit]]:
    """Documents by their best passage: (doc id, that passage), best first."""
    seen: dict[str, PassageHit] = {}
    for h in hits:
        if h.doc_id not in seen:
            seen[h.doc_id] = h
            if len(seen) >= limit:
                break
    return list(seen.items())


def best_passage(catalog: "Catalog", doc_id: str, plan: "Plan",
                 weights: list[float] | None = None) -> Passage | None:
    """The passage of one document that holds most of the query's words (the first on a tie), or
    None for a document without passages; for hits found by the document index."""
    found = catalog.store.passages_of(doc_id)
    if not found:
        return None
    weights = weights if weights is not None else [1.0] * len(plan.groups)
    best, best_cover = found[0], -1.0
    for p in found:
        c = coverage(plan, weights, p.text)
        if c > best_cover + 1e-9:
            best, best_cover = p, c
    return best


def fits(hit: PassageHit) -> bool:
    """Whether a passage answers the question well enough to be offered as 相关规定: it holds
    most of the question's word weight, or (with vectors) is close to it in meaning."""
    if hit.cover >= settings.PASSAGE_MIN_COVER:
        return True
    return hit.cosine is not None and hit.cosine >= settings.PASSAGE_MIN_COSINE


def is_question(query: str, plan: "Plan") -> bool:
    """Whether ``query`` reads as a question in words (hybrid passage retrieval) rather than a
    few keywords, a 文号 or pinyin (the document index, which serves those better; bench/relevance
    by category): settings.QUESTION_MIN_CHARS Chinese characters, or 4 with a question word."""
    if plan.docnum_keys or plan.interpreted and not any("\u3400" <= c <= "\u9fff" for c in query):
        return False
    cjk = sum(1 for c in query if "\u3400" <= c <= "\u9fff")
    if cjk >= settings.QUESTION_MIN_CHARS:
        return True
    # a short question that says it is one (宅基地怎么申请, 低保去哪办)
    return cjk >= 4 and any(w in query for w in QUESTION_WORDS)


QUESTION_WORDS = ("怎么", "怎样", "如何", "哪里", "哪儿", "去哪", "吗", "什么", "多少", "能不能", "可不可以",
                  "为什么", "咋", "啥", "谁")
