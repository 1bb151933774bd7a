"""The full-text index behind one small interface, so the engine can change unnoticed.

``WhooshEngine`` is the first engine, as the client asked. An index lives in a generation folder
beside its store and is rebuilt from the store at any time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as windex
from whoosh import query as Q
from whoosh import sorting
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, TEXT, Schema

from catalog.search import docnum
from catalog.search.analysis import index_tokens, is_cjk, parts_of
from catalog.model import Document
from catalog.search.query import Group

Progress = Callable[[int, int], None]


class JiebaTokenizer(Tokenizer):
    """whoosh tokenizer over :func:`catalog.search.analysis.index_tokens` (picklable: no state)."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, (word, start, end) in enumerate(index_tokens(value)):
            t.text = word
            t.boost = 1.0
            if keeporiginal:
                t.original = word
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


def _schema() -> Schema:
    analyzer = JiebaTokenizer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, field_boost=4.0, phrase=False),
        doc_number=TEXT(analyzer=analyzer, field_boost=3.0, phrase=False),
        docnum=KEYWORD(commas=True, scorable=True),
        issuer=TEXT(analyzer=analyzer, field_boost=1.5, phrase=False),
        faq=TEXT(analyzer=analyzer, field_boost=2.0, phrase=False),
        body=TEXT(analyzer=analyzer, phrase=False),
        domains=KEYWORD(commas=True, scorable=False),
        kind=ID(),
        status=ID(),
        year=ID(),
        issuer_name=ID(),
    )


SEARCH_FIELDS = ("title", "doc_number", "issuer", "faq", "body")
DOCNUM_BOOST = 30.0
FACET_FIELDS = {"domain": "domains", "kind": "kind", "status": "status", "year": "year",
                "issuer": "issuer_name"}


def _year(doc: Document) -> str:
    date = doc.published or doc.written
    return date[:4] if date else ""


def _fields(doc: Document, faq_text: dict[str, str]) -> dict:
    return {
        "id": doc.id,
        "title": doc.title,
        "doc_number": doc.doc_number or "",
        "docnum": ",".join(docnum.keys(doc.doc_number)),
        "issuer": doc.issuer or "",
        "faq": faq_text.get(doc.id, ""),
        "body": doc.body,
        "domains": ",".join(doc.domains),
        "kind": doc.kind,
        "status": doc.status,
        "year": _year(doc),
        "issuer_name": doc.issuer or "",
    }


@dataclass
class RawHits:
    total: int
    hits: list[tuple[str, float]]
    facets: dict[str, dict[str, int]]


def _write(ix, docs: Iterable[Document], deletes: Iterable[str] | None, progress: Progress | None,
           total: int, faq_text: dict[str, str] | None) -> None:
    """One whoosh writer, committed whole or not at all: a new index gets ``docs`` added (``deletes``
    None); an update has ``deletes`` removed and ``docs`` replacing any of the same id."""
    writer = ix.writer(limitmb=128)
    add = writer.add_document if deletes is None else writer.update_document
    try:
        for doc_id in deletes or ():
            writer.delete_by_term("id", doc_id)
        for n, doc in enumerate(docs, 1):
            add(**_fields(doc, faq_text or {}))
            if progress and (n % 20 == 0 or n == total):
                progress(n, total)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise


class WhooshEngine:
    """Build, update and query a whoosh index in one folder."""

    name = "whoosh"

    def __init__(self, path: Path):
        self.path = Path(path)
        self._ix = None

    # building ----------------------------------------------------------------------------
    @classmethod
    def build(cls, path: Path, docs: Iterable[Document], total: int = 0,
              progress: Progress | None = None, faq_text: dict[str, str] | None = None) -> "WhooshEngine":
        """A new index at ``path`` holding ``docs``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        _write(windex.create_in(str(path), _schema()), docs, None, progress, total, faq_text)
        return cls(path)

    @classmethod
    def copy_and_update(cls, old: Path, new: Path, upserts: Iterable[Document],
                        deletes: Iterable[str], progress: Progress | None = None,
                        total: int = 0, faq_text: dict[str, str] | None = None) -> "WhooshEngine":
        """The index at ``old`` with ``deletes`` removed and ``upserts`` added, written at ``new``;
        ``old`` is left untouched (a kiosk may be searching it). whoosh writes new segment and TOC
        files and never rewrites old ones, so unchanged segments are shared by hard links."""
        from catalog.packaging.datadir import link_tree

        link_tree(Path(old), Path(new))
        _write(windex.open_dir(str(new)), upserts, deletes, progress, total, faq_text)
        return cls(new)

    # searching ---------------------------------------------------------------------------
    def _index(self):
        if self._ix is None:
            self._ix = windex.open_dir(str(self.path))
        return self._ix

    def doc_count(self) -> int:
        return self._index().doc_count()

    def all_ids(self) -> set[str]:
        with self._index().searcher() as s:
            return {fields["id"] for fields in s.all_stored_fields()}

    def lexicon(self) -> Iterable[tuple[str, int]]:
        """(word, document frequency) of every word in titles and bodies."""
        with self._index().reader() as r:
            seen: dict[str, int] = {}
            for fieldname in ("title", "body"):
                for term in r.lexicon(fieldname):
                    word = term.decode("utf-8")
                    seen[word] = max(seen.get(word, 0), r.doc_frequency(fieldname, term))
        return seen.items()

    def search(self, groups: list[Group], *, require_all: bool, filters: dict[str, list[str]],
               limit: int, docnum_keys: list[str] = (), facets: bool = True) -> RawHits:
        """Documents matching the query groups, best first.

        A group matches when any of its alternatives does, in any search field; a long Chinese
        alternative also matches when all its two-character parts occur (the index holds them).
        ``require_all`` ANDs the required groups (optional ones only add to the score).
        Without ``facets`` only the hits are computed (``total`` is then their number).
        """
        required = [self._group_query(g) for g in groups if g.required or not require_all]
        optional = [self._group_query(g) for g in groups if not g.required and require_all]
        if require_all and required:
            q: Q.Query = Q.And(required)
            if optional:
                q = Q.AndMaybe(q, Q.Or(optional))
        elif required or optional:
            q = Q.Or(required + optional)
        else:
            q = None
        if docnum_keys:
            by_number = Q.Or([Q.Term("docnum", k, boost=DOCNUM_BOOST * (1 + n)) for n, k in
                              enumerate(reversed(docnum_keys))])
            q = Q.Or([by_number, q]) if q is not None else by_number
        if q is None:
            return RawHits(0, [], {})
        flt = self._filter(filters)
        if not facets:
            with self._index().searcher() as s:
                results = s.search(q, limit=limit, filter=flt, terms=False)
                hits = [(hit["id"], float(hit.score)) for hit in results]
            return RawHits(len(hits), hits, {name: {} for name in FACET_FIELDS})
        facets = {name: sorting.FieldFacet(field, allow_overlap=(name == "domain"),
                                           maptype=sorting.Count)
                  for name, field in FACET_FIELDS.items()}
        with self._index().searcher() as s:
            results = s.search(q, limit=limit, filter=flt, groupedby=facets, terms=False)
            # with groupedby, whoosh hands back every hit whatever the limit
            hits = [(hit["id"], float(hit.score)) for hit in results[:limit]]
            total = len(results)
            counts = {}
            for name in FACET_FIELDS:
                groups_ = results.groups(name)
                counts[name] = {str(k): int(v) for k, v in
                                sorted(groups_.items(), key=lambda kv: (-kv[1], str(kv[0])))
                                if k not in ("", None)}
        return RawHits(total, hits, counts)

    @staticmethod
    def _group_query(group: Group) -> Q.Query:
        alternatives: list[Q.Query] = []
        for alt in group.alternatives:
            word = alt.text
            alternatives += [Q.Term(f, word, boost=alt.boost) for f in SEARCH_FIELDS]
            if len(word) >= 3 and is_cjk(word):
                parts = parts_of(word)
                alternatives += [Q.And([Q.Term(f, p) for p in parts], boost=alt.boost * 0.8)
                                 for f in ("title", "body")]
        return Q.Or(alternatives)

    @staticmethod
    def _filter(filters: dict[str, list[str]]) -> Q.Query | None:
        clauses = []
        for name, values in filters.items():
            values = [v for v in values if v]
            if values:
                clauses.append(Q.Or([Q.Term(FACET_FIELDS[name], v) for v in values]))
        return Q.And(clauses) if clauses else None

    def close(self) -> None:
        if self._ix is not None:
            self._ix.close()
            self._ix = None
