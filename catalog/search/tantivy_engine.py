"""The tantivy engine: the same interface as WhooshEngine, fed with our own analysis.

tantivy (Rust) has no Chinese tokenizer of its own; each field is given as the space-joined tokens
of :func:`catalog.search.analysis.index_tokens` and indexed with tantivy's whitespace tokenizer, so both
engines see exactly the same words. Segment files are never rewritten, so a delta shares the
previous generation's segments through hard links instead of copying them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import tantivy
from tantivy import Document as TDoc
from tantivy import Occur, Query

from catalog.search import docnum
from catalog.search.analysis import index_text, is_cjk, parts_of
from catalog.packaging.datadir import link_tree
from catalog.search.index import FACET_FIELDS, DOCNUM_BOOST, Progress, RawHits, _year
from catalog.model import Document
from catalog.search.query import Group

TEXT_FIELDS = {"title": 4.0, "doc_number": 3.0, "issuer": 1.5, "faq": 2.0, "body": 1.0}
FAST_FIELDS = ("domains", "kind", "status", "year", "issuer_name")
HEAP = 64 * 1024 * 1024  # tantivy's indexing buffer: flushes a segment when full


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:
        sb.add_text_field(name, stored=False, tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("docnum", stored=False, tokenizer_name="raw", index_option="basic")
    for name in FAST_FIELDS:
        sb.add_text_field(name, stored=False, tokenizer_name="raw", fast=True, index_option="basic")
    return sb.build()


def _tokens(text: str) -> str:
    return index_text(text)


def _tdoc(doc: Document, faq_text: dict[str, str]) -> TDoc:
    fields = {
        "id": doc.id,
        "title": _tokens(doc.title),
        "doc_number": _tokens(doc.doc_number or ""),
        "issuer": _tokens(doc.issuer or ""),
        "faq": _tokens(faq_text.get(doc.id, "")),
        "body": _tokens(doc.body),
        "docnum": docnum.keys(doc.doc_number),
        "domains": list(doc.domains),
        "kind": doc.kind,
        "status": doc.status,
    }
    if _year(doc):
        fields["year"] = _year(doc)
    if doc.issuer:
        fields["issuer_name"] = doc.issuer
    return TDoc(**{k: v for k, v in fields.items() if v not in ("", [], None)})


class TantivyEngine:
    """Build, update and query a tantivy index in one folder."""

    name = "tantivy"

    def __init__(self, path: Path):
        self.path = Path(path)
        self._ix: tantivy.Index | None = None
        self._schema = _schema()

    # building ----------------------------------------------------------------------------
    @classmethod
    def build(cls, path: Path, docs: Iterable[Document], total: int = 0,
              progress: Progress | None = None, faq_text: dict[str, str] | None = None) -> "TantivyEngine":
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        ix = tantivy.Index(_schema(), path=str(path))
        writer = ix.writer(heap_size=HEAP, num_threads=1)
        for n, doc in enumerate(docs, 1):
            writer.add_document(_tdoc(doc, faq_text or {}))
            if progress and (n % 20 == 0 or n == total):
                progress(n, total)
        writer.commit()
        writer.wait_merging_threads()
        return cls(path)

    @classmethod
    def copy_and_update(cls, old: Path, new: Path, upserts: Iterable[Document],
                        deletes: Iterable[str], progress: Progress | None = None,
                        total: int = 0, faq_text: dict[str, str] | None = None) -> "TantivyEngine":
        link_tree(Path(old), Path(new))
        ix = tantivy.Index.open(str(new))
        writer = ix.writer(heap_size=HEAP, num_threads=1)
        for doc_id in deletes:
            writer.delete_documents_by_term("id", doc_id)
        for n, doc in enumerate(upserts, 1):
            writer.delete_documents_by_term("id", doc.id)
            writer.add_document(_tdoc(doc, faq_text or {}))
            if progress and (n % 20 == 0 or n == total):
                progress(n, total)
        writer.commit()
        writer.wait_merging_threads()
        return cls(new)

    # reading -----------------------------------------------------------------------------
    def _index(self) -> tantivy.Index:
        if self._ix is None:
            self._ix = tantivy.Index.open(str(self.path))
        return self._ix

    def doc_count(self) -> int:
        return self._index().searcher().num_docs

    def all_ids(self) -> set[str]:
        s = self._index().searcher()
        res = s.search(Query.all_query(), max(s.num_docs, 1))
        return {s.doc(addr)["id"][0] for _, addr in res.hits}

    def lexicon(self) -> Iterable[tuple[str, int]]:
        s = self._index().searcher()
        seen: dict[str, int] = {}
        for field in ("title", "body"):
            for term, count in s.terms_with_prefix(field, ""):
                seen[term] = max(seen.get(term, 0), count)
        return seen.items()

    def search(self, groups: list[Group], *, require_all: bool, filters: dict[str, list[str]],
               limit: int, docnum_keys: list[str] = (), facets: bool = True) -> RawHits:
        s = self._index().searcher()
        required = [self._group_query(g) for g in groups if g.required or not require_all]
        optional = [self._group_query(g) for g in groups if not g.required and require_all]
        clauses = []
        if require_all and required:
            clauses = [(Occur.Must, q) for q in required] + [(Occur.Should, q) for q in optional]
        else:
            clauses = [(Occur.Should, q) for q in required + optional]
        main = Query.boolean_query(clauses) if clauses else None
        if docnum_keys:
            by_number = Query.boolean_query([
                (Occur.Should, Query.boost_query(self._term("docnum", k), DOCNUM_BOOST * (1 + n)))
                for n, k in enumerate(reversed(docnum_keys))])
            main = (Query.boolean_query([(Occur.Should, by_number), (Occur.Should, main)])
                    if main is not None else by_number)
        if main is None:
            return RawHits(0, [], {})
        flt = self._filter(filters)
        q = Query.boolean_query([(Occur.Must, main), (Occur.Must, flt)]) if flt is not None else main
        res = s.search(q, limit, count=facets)
        hits = [(s.doc(addr)["id"][0], float(score)) for score, addr in res.hits]
        total = res.count if facets else len(hits)
        counts: dict[str, dict[str, int]] = {name: {} for name in FACET_FIELDS}
        if total and facets:
            aggs = {name: {"terms": {"field": field, "size": 1000}} for name, field in FACET_FIELDS.items()}
            out = s.aggregate(q, aggs)
            for name in FACET_FIELDS:
                buckets = out.get(name, {}).get("buckets", [])
                counts[name] = {b["key"]: int(b["doc_count"]) for b in
                                sorted(buckets, key=lambda b: (-b["doc_count"], str(b["key"])))}
        return RawHits(total, hits, counts)

    def _term(self, field: str, value: str) -> Query:
        return Query.term_query(self._schema, field, value)

    def _group_query(self, group: Group) -> Query:
        alternatives = []
        for alt in group.alternatives:
            word = alt.text
            for field, boost in TEXT_FIELDS.items():
                alternatives.append((Occur.Should, Query.boost_query(self._term(field, word), boost * alt.boost)))
            if len(word) >= 3 and is_cjk(word):
                parts = parts_of(word)
                for field in ("title", "body"):
                    all_parts = Query.boolean_query([(Occur.Must, self._term(field, p)) for p in parts])
                    alternatives.append((Occur.Should, Query.boost_query(
                        all_parts, TEXT_FIELDS[field] * alt.boost * 0.8)))
        return Query.boolean_query(alternatives)

    def _filter(self, filters: dict[str, list[str]]) -> Query | None:
        clauses = []
        for name, values in filters.items():
            values = [v for v in values if v]
            if values:
                any_of = Query.boolean_query([(Occur.Should, self._term(FACET_FIELDS[name], v)) for v in values])
                clauses.append((Occur.Must, any_of))
        return Query.const_score_query(Query.boolean_query(clauses), 0.0) if clauses else None

    def close(self) -> None:
        self._ix = None
