"""An open catalogue: the store and index of the generation CURRENT names, read together.

A ``Catalog`` keeps serving the generation it opened even while an import builds the next one;
``refreshed()`` returns a view of the newest one once it is live.
"""

from __future__ import annotations

import logging
from pathlib import Path

from catalog.search.analysis import add_user_words
from catalog.packaging.datadir import DataDir
from catalog.errors import CatalogError, IndexDamaged, NoCatalogue
from catalog.search.engines import configured, index_failure, open_index
from catalog.model import Status
from catalog.store import OldSchema, Store

log = logging.getLogger("catalog")


class Catalog:
    """The live catalogue of one data folder."""

    def __init__(self, data_dir: DataDir, generation: str, store: Store, engine):
        self.data_dir = data_dir
        self.generation = generation
        self.store = store
        self._engine_class = type(engine)
        self.engine = _Guarded(engine)
        self._synonyms = None
        self._vocab = None
        self._faq_texts = None
        self._faq_matcher = None
        self._usage_vocab = None
        self._passage_engine = None
        self._dense = None
        self._dense_loaded = False

    @classmethod
    def open(cls, data_dir: DataDir | Path | str) -> "Catalog":
        """Open the catalogue CURRENT names; raises NoCatalogue on an empty data folder."""
        data_dir = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
        ptr = data_dir.pointer()
        if ptr.generation is None:
            raise NoCatalogue("本机还没有目录。请由工作人员导入目录更新包。", f"no CURRENT in {data_dir.root}")
        gen = data_dir.generation_path(ptr.generation)
        try:
            store = Store.open_readonly(gen / "catalog.db")
        except OldSchema:
            # written by an older version of this software: rebuild it, atomically, then open
            from catalog.packaging.packages import upgrade

            upgrade(data_dir)
            return cls.open(data_dir)
        engine, problem = open_index(store, gen)
        if problem is not None:
            store.close()
            from catalog.store import INDEX_DAMAGED

            raise IndexDamaged(INDEX_DAMAGED, f"generation {ptr.generation}: {problem}")
        cat = cls(data_dir, ptr.generation, store, engine)
        # The catalogue's own terms go into the segmenter so queries split like the index did.
        add_user_words(store.user_words())
        return cat

    # query aids ---------------------------------------------------------------------------
    @property
    def synonyms(self):
        if self._synonyms is None:
            from catalog.search.synonyms import Synonyms

            self._synonyms = Synonyms.for_catalogue(self.store.terms())
        return self._synonyms

    @property
    def vocabulary(self):
        if self._vocab is None:
            from catalog.search.vocab import Vocabulary

            syn = self.synonyms

            def group_freq(word: str) -> int:
                others = syn.expand(word)
                if not others:
                    return 0
                marks = ",".join("?" * len(others))
                row = self.store.db.execute(f"select max(freq) from vocab where word in ({marks})",
                                            others).fetchone()
                return row[0] or 0

            self._vocab = Vocabulary(self.store, group_freq)
        return self._vocab

    @property
    def usage_vocabulary(self):
        """The words usage counting may keep of a search (catalog.usage): words the publisher
        wrote — domain names, the built-in synonym dictionary and the catalogue's terms.txt."""
        if self._usage_vocab is None:
            from catalog.usage import UsageVocabulary

            words = set(self.synonyms.words()) | {d.name for d in self.store.domains()}
            self._usage_vocab = UsageVocabulary(words)
        return self._usage_vocab

    def usage_terms(self, query: str) -> list[str]:
        """The catalogue's own words in ``query``, for the usage counts (never its text); never
        raises."""
        try:
            return self.usage_vocabulary.terms(query)
        except Exception as exc:  # noqa: BLE001 - counting never breaks a search
            log.warning("usage terms not computed: %r", type(exc).__name__)
            return []

    def plan(self, query: str, *, correct: bool = False):
        """How ``query`` will be searched (see catalog.search.query); read as far as ``bounded`` reads."""
        from catalog.search.query import bounded, plan

        return plan(bounded(query)[0], self.synonyms, self.vocabulary, correct=correct)

    def suggest(self, prefix: str, limit: int = 8):
        """Completions for what has been typed so far: titles, questions, domains, terms."""
        from catalog.search.query import bounded
        from catalog.search.suggest import suggest

        return suggest(self.store, bounded(prefix)[0], limit)

    def related_questions(self, plan, limit: int = 3):
        """FAQ questions sharing the most query words, for when search finds little."""
        from catalog.model import RelatedQuestion

        if self._faq_texts is None:
            self._faq_texts = [(f.id, f.question, f.question + "\n" + "\n".join(f.variants))
                               for f in self.store.faqs()]
        scored = []
        for fid, question, text in self._faq_texts:
            n = sum(1 for g in plan.groups if any(a.text in text for a in g.alternatives))
            if n:
                scored.append((-n, len(question), fid, question))
        return [RelatedQuestion(fid, q) for _, _, fid, q in sorted(scored)[:limit]]

    def faq_matcher(self):
        """The FAQ base ready for questions (built on first use)."""
        if self._faq_matcher is None:
            from catalog.answers.qa import FaqMatcher

            self._faq_matcher = FaqMatcher(self)
        return self._faq_matcher

    def ask(self, question: str, limit: int = 3):
        """Answer a citizen's question from the FAQ base (see catalog.answers.qa); a question is read up
        to settings.MAX_QUERY_CHARS characters (catalog.search.query.bounded)."""
        from catalog.search.query import bounded

        question, cut = bounded(question)
        result = self.faq_matcher().ask(question, limit)
        result.cut_from = cut
        return result

    # passages and vectors ------------------------------------------------------------------
    @property
    def passage_engine(self):
        """The passage index of this generation (None for one built before passages existed)."""
        if self._passage_engine is None:
            path = self.data_dir.generation_path(self.generation) / "passages"
            if path.is_dir():
                self._passage_engine = _Guarded(self._engine_class(path))
        return self._passage_engine

    def dense(self):
        """The passage vectors this kiosk has for this catalogue (catalog.answers.vectors.DenseIndex), or
        None: no sentence model here, or no vector yet. Loaded on first use."""
        from catalog.answers import semantic

        if not self._dense_loaded:
            self._dense_loaded = True
            if semantic.available():
                from catalog.answers.vectors import cache_for, load_index

                try:
                    cache = cache_for(self.data_dir)
                    try:
                        self._dense = load_index(self.store, cache)
                    finally:
                        cache.close()
                except Exception as exc:  # noqa: BLE001 - lexical search still answers
                    log.warning("passage vectors not loaded: %r", type(exc).__name__)
                    self._dense = None
        return self._dense

    @property
    def region(self) -> str | None:
        """The kiosk's region, whose texts rank first when texts are otherwise close: the setting
        (``CATALOG_REGION``), else the catalogue's manifest ``region`` (the demo's is
        settings.DEMO_REGION)."""
        import os

        from catalog import settings

        region = os.environ.get("CATALOG_REGION") or self.store.meta().get("region")
        return settings.DEMO_REGION if region == "演示" else region

    def reload_vectors(self) -> None:
        """Read the vector cache again (after ``embed`` added vectors)."""
        self._dense_loaded = False
        self._dense = None

    def vector_status(self) -> dict:
        """{"model": the model id when every passage has its vector (else null), "done", "total"}."""
        from catalog.answers import semantic

        total = self.store.db.execute("select count(*) from passages").fetchone()[0]
        dense = self.dense()
        done = len(dense.keys) if dense is not None else 0
        return {"model": semantic.MODEL if dense is not None and done >= total and total else None,
                "done": done, "total": total}

    def is_current(self) -> bool:
        return self.data_dir.pointer().generation == self.generation

    def refreshed(self) -> "Catalog":
        """This catalogue if still live, else a newly opened view of the live one."""
        if self.is_current():
            return self
        return Catalog.open(self.data_dir)

    def close(self) -> None:
        self.engine.close()
        if self._passage_engine is not None:
            self._passage_engine.close()
        self.store.close()
        self._dense = self._faq_matcher = None  # their vectors are the largest part of a catalogue

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def search(self, query: str, **kwargs):
        """See catalog.search.documents; a query is read up to settings.MAX_QUERY_CHARS characters."""
        from catalog.search.query import bounded
        from catalog.search.documents import search

        query, cut = bounded(query)
        result = search(self, query, **kwargs)
        result.cut_from = cut
        return result


class _Guarded:
    """An index whose every failure is the index's: tantivy and whoosh raise their own kinds
    (ValueError "An IO error occurred", struct.error, ...) when a file is damaged after the seal
    was checked; they become IndexDamaged, which says so plainly and lets the kiosk repair it."""

    def __init__(self, engine):
        self._engine = engine

    def __getattr__(self, name):
        attr = getattr(self._engine, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            try:
                return attr(*args, **kwargs)
            except CatalogError:
                raise
            except BaseException as exc:  # a Rust panic in tantivy is a BaseException (pyo3)
                if not index_failure(exc):
                    raise
                from catalog.store import INDEX_DAMAGED

                raise IndexDamaged(INDEX_DAMAGED, f"{name} failed: {exc!r}") from exc

        return call


def status(data_dir: DataDir | Path | str) -> Status:
    """Which catalogue the kiosk serves (all zeros and nulls for an empty data folder)."""
    data_dir = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
    from catalog.packaging.trust import keys

    ptr = data_dir.pointer()
    trusted = [k.to_json() for k in keys(data_dir).values()]
    demo = any(k["demo"] for k in trusted)
    if ptr.generation is None:
        return Status(None, None, None, None, 0, 0, 0, 0, None, False, configured(),
                      trusted_keys=trusted, demo_key_trusted=demo)
    store = Store.open_readonly(data_dir.generation_path(ptr.generation) / "catalog.db", check_version=False)
    try:
        meta, counts = store.meta(), store.counts()
        vec = _vector_progress(data_dir, store)
    finally:
        store.close()
    previous = None
    if ptr.previous:
        prev_db = data_dir.generation_path(ptr.previous) / "catalog.db"
        if prev_db.exists():
            prev = Store.open_readonly(prev_db, check_version=False)
            try:
                previous = prev.meta().get("sequence")
            finally:
                prev.close()
    return Status(
        sequence=meta.get("sequence"), publisher=meta.get("publisher"), region=meta.get("region"),
        applied_at=meta.get("applied_at"), domains=counts["domains"], items=counts["items"],
        documents=counts["documents"], faqs=counts["faqs"], previous_sequence=previous,
        unsigned=bool(meta.get("unsigned")), engine=meta.get("engine") or "whoosh",
        created=meta.get("created"), signer=meta.get("signer"), trusted_keys=trusted,
        demo_key_trusted=demo, vectors=vec[0], vectors_done=vec[1], vectors_total=vec[2])


def _vector_progress(data_dir: DataDir, store: Store) -> tuple[str | None, int, int]:
    from catalog.answers import semantic
    from catalog.answers.vectors import cache_for, progress_of

    if "passages" not in store.db.table_names():
        return None, 0, 0
    total = store.db.execute("select count(*) from passages").fetchone()[0]
    if not semantic.available() or not total:
        return None, 0, total
    try:
        cache = cache_for(data_dir)
        try:
            done, total = progress_of(store, cache)
        finally:
            cache.close()
    except Exception as exc:  # noqa: BLE001 - status never fails on the cache
        log.warning("vector cache not read: %r", type(exc).__name__)
        return None, 0, total
    return (semantic.MODEL if done >= total else None), done, total
