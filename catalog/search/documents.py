"""Document search: plan the query, ask the engine, recover when nothing matches, re-rank, and
cut snippets. Never a bare "no results": a typo is corrected, filters that emptied the list are
dropped (and said so), a stricter query is loosened, and related questions are offered."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from catalog import settings
from catalog.answers import retrieve
from catalog.search.index import RawHits
from catalog.model import DocumentBrief, Passage, SearchHit, SearchResult
from catalog.search.query import Plan

if TYPE_CHECKING:
    from catalog.catalogue import Catalog

TITLE_PHRASE_BONUS = 1.6
BODY_PHRASE_BONUS = 1.25


def _run(catalog: "Catalog", plan: Plan, filters: dict, depth: int) -> tuple[RawHits, bool]:
    """All required groups first; when nothing matches, any of them (relaxed)."""
    raw = catalog.engine.search(plan.groups, require_all=True, filters=filters, limit=depth,
                                docnum_keys=plan.docnum_keys)
    if raw.total == 0 and len(plan.groups) > 1:
        loose = catalog.engine.search(plan.groups, require_all=False, filters=filters, limit=depth,
                                      docnum_keys=plan.docnum_keys)
        return loose, loose.total > 0
    return raw, False


def search(catalog: "Catalog", query: str, *, domains: list[str] | tuple = (), kind: str | None = None,
           status: str | None = None, year: str | None = None,
           limit: int = settings.DEFAULT_SEARCH_LIMIT) -> SearchResult:
    """Search the catalogue's documents (see the module docstring for the recovery steps).

    Documents in force rank above amended, expired or repealed ones; a title or body holding the
    query as typed ranks above scattered matches.
    """
    started = time.perf_counter()
    filters = {"domain": list(domains), "kind": [kind] if kind else [], "status": [status] if status else [],
               "year": [str(year)] if year else []}
    depth = max(limit, settings.RERANK_DEPTH)
    plan = catalog.plan(query)
    raw, relaxed = _run(catalog, plan, filters, depth) if not plan.empty else (RawHits(0, [], {}), False)
    suggestion = plan.interpreted
    corrected = False
    question = retrieve.is_question(query, plan) and catalog.passage_engine is not None
    # A 文号 is matched by its number, never "corrected" into same-sounding words; a question is
    # read as typed (below).
    fixed = catalog.plan(query, correct=True) if not plan.docnum_keys and not question else plan
    if fixed.interpreted and fixed.interpreted != plan.interpreted:
        alt, alt_relaxed = _run(catalog, fixed, filters, depth)
        # A correction replaces only words that are neither in the catalogue nor common words,
        # so when it finds something it is what the citizen meant.
        if alt.total:
            plan, raw, relaxed, corrected = fixed, alt, alt_relaxed, True
            suggestion = fixed.interpreted
    dropped: list[str] = []
    if raw.total == 0 and any(filters.values()):
        loose, loose_relaxed = _run(catalog, plan, {}, depth)
        if loose.total:
            dropped = [name for name, values in filters.items() if values]
            raw, relaxed = loose, loose_relaxed
    if question:
        # A question in words: its documents by their best passages (catalog.answers.retrieve), read as
        # typed (the vectors absorb typos; "correcting" a question's words lost more than it won).
        used = {k: v for k, v in filters.items() if k not in dropped}
        found = retrieve.passages(catalog, query, plan, filters=used, limit=0)
        best = retrieve.documents(found, limit)
        hits = [_passage_hit(h, plan) for _, h in best]
        total = max(raw.total, len({h.doc_id for h in found}))
        related = catalog.related_questions(plan) if not hits else []
        took = (time.perf_counter() - started) * 1000
        return SearchResult(query=query, total=total, took_ms=round(took, 2), relaxed=False,
                            suggestion=suggestion, hits=hits, facets=raw.facets, corrected=corrected,
                            filters_dropped=dropped, related_questions=related)
    hits = _rerank(catalog, plan, raw, limit)
    related = catalog.related_questions(plan) if raw.total == 0 or relaxed else []
    took = (time.perf_counter() - started) * 1000
    return SearchResult(query=query, total=raw.total, took_ms=round(took, 2), relaxed=relaxed,
                        suggestion=suggestion, hits=hits, facets=raw.facets, corrected=corrected,
                        filters_dropped=dropped, related_questions=related)


def _rerank(catalog: "Catalog", plan: Plan, raw: RawHits, limit: int) -> list[SearchHit]:
    meta = catalog.store.document_meta([doc_id for doc_id, _ in raw.hits])
    phrase = "".join(g.label for g in plan.groups) if len(plan.groups) > 1 else ""
    in_body: set[str] = set()
    if len(phrase) >= 3:
        ids = [doc_id for doc_id, _ in raw.hits[: limit * 2]]
        marks = ",".join("?" * len(ids))
        in_body = {r[0] for r in catalog.store.db.execute(
            f"select id from documents where id in ({marks}) and instr(body, ?) > 0", [*ids, phrase])}
    ranked = []
    for doc_id, score in raw.hits:
        m = meta.get(doc_id)
        if m is None:
            continue
        score *= settings.STATUS_WEIGHT.get(m.status, 0.5)
        if phrase and phrase in m.title:
            score *= TITLE_PHRASE_BONUS
        elif doc_id in in_body:
            score *= BODY_PHRASE_BONUS
        ranked.append((score, doc_id, m))
    ranked.sort(key=lambda t: (-t[0], t[1]))
    words = plan.highlight
    out = []
    for score, doc_id, m in ranked[:limit]:
        p = retrieve.best_passage(catalog, doc_id, plan)
        if p is None:  # a generation without passages
            text, passage = catalog.store.body(doc_id), None
        else:
            text, passage = p.text, passage_json(p, words)
        out.append(_hit(m, score, snippet(text, words), passage))
    return out


def _hit(m: DocumentBrief, score: float, snip: str, passage: dict | None) -> SearchHit:
    return SearchHit(id=m.id, title=m.title, kind=m.kind, domains=list(m.domains), status=m.status,
                     published=m.date, score=round(score, 4), snippet=snip, passage=passage)


def passage_json(p: Passage | retrieve.PassageHit, words: list[str]) -> dict:
    """A hit's ``passage``: its number, its text with the query's words in 【】, where it starts."""
    return {"index": p.n, "text": _mark(p.text, words), "paragraph": p.paragraph, "label": p.label}


def _passage_hit(h: retrieve.PassageHit, plan: Plan) -> SearchHit:
    words = plan.marks
    return _hit(h.meta, h.score, snippet(h.text, words), passage_json(h, words))


def snippet(body: str, words: list[str], width: int = settings.SNIPPET_CHARS) -> str:
    """A window of ``body`` around the densest cluster of query words, matches in 【】.

    Bounded cost: only the first SNIPPET_MAX_SCAN characters are searched, with str.find.
    """
    text = body[: settings.SNIPPET_MAX_SCAN]
    positions: list[tuple[int, str]] = []
    for w in words:
        start = 0
        for _ in range(50):
            i = text.find(w, start)
            if i < 0:
                break
            positions.append((i, w))
            start = i + len(w)
    if not positions:
        return _flat(text[:width]) + ("…" if len(text) > width else "")
    positions.sort()
    best, best_score = positions[0][0], -1
    for i, (pos, _) in enumerate(positions):
        inside = {w for p, w in positions[i:] if p < pos + width}
        if len(inside) > best_score:
            best, best_score = pos, len(inside)
    lo = max(0, best - width // 4)
    hi = min(len(text), lo + width)
    window = text[lo:hi]
    marked = _mark(window, words)
    return ("…" if lo > 0 else "") + _flat(marked) + ("…" if hi < len(body) else "")


def _mark(window: str, words: list[str]) -> str:
    spans: list[tuple[int, int]] = []
    for w in sorted(words, key=len, reverse=True):
        start = 0
        while (i := window.find(w, start)) >= 0:
            if not any(a < i + len(w) and i < b for a, b in spans):
                spans.append((i, i + len(w)))
            start = i + len(w)
    out, last = [], 0
    for a, b in sorted(spans):
        out.append(window[last:a])
        out.append(f"【{window[a:b]}】")
        last = b
    out.append(window[last:])
    return "".join(out)


def _flat(text: str) -> str:
    return " ".join(text.split())
