"""Document search: analysed query -> engine -> re-ranked hits with snippets and facets."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from catalog import settings
from catalog.analysis import query_words
from catalog.model import SearchHit, SearchResult

if TYPE_CHECKING:
    from catalog.catalogue import Catalog


def search(catalog: "Catalog", query: str, *, domains: list[str] | tuple = (), kind: str | None = None,
           status: str | None = None, limit: int = settings.DEFAULT_SEARCH_LIMIT) -> SearchResult:
    """Search the catalogue's documents.

    All query words must match; when nothing does, any word may (``relaxed`` is then true).
    Documents in force rank above amended, expired or repealed ones.
    """
    started = time.perf_counter()
    words = query_words(query)
    filters = {"domain": list(domains), "kind": [kind] if kind else [], "status": [status] if status else []}
    depth = max(limit, settings.RERANK_DEPTH)
    raw = catalog.engine.search(words, require_all=True, filters=filters, limit=depth)
    relaxed = False
    if raw.total == 0 and len(words) > 1:
        raw = catalog.engine.search(words, require_all=False, filters=filters, limit=depth)
        relaxed = raw.total > 0
    meta = catalog.store.document_meta([doc_id for doc_id, _ in raw.hits])
    ranked = []
    for doc_id, score in raw.hits:
        m = meta.get(doc_id)
        if m is None:
            continue
        weight = settings.STATUS_WEIGHT.get(m["status"], 0.5)
        ranked.append((score * weight, doc_id, m))
    ranked.sort(key=lambda t: (-t[0], t[1]))
    hits = []
    for score, doc_id, m in ranked[:limit]:
        hits.append(SearchHit(
            id=doc_id, title=m["title"], kind=m["kind"], domains=m["domains"], status=m["status"],
            published=m["published"] or m["written"], score=round(score, 4),
            snippet=snippet(catalog.store.body(doc_id), words)))
    took = (time.perf_counter() - started) * 1000
    return SearchResult(query=query, total=raw.total, took_ms=round(took, 2), relaxed=relaxed,
                        suggestion=None, hits=hits, facets=raw.facets)


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
