"""Building a generation: every index beside its catalogue db, checked before it can go live.

A generation folder holds ``catalog.db`` and what is built from it: the document index
(``index/``), the passage index (``passages/``, catalog.answers.passages), the vocabulary and typing
suggestions, the FAQ sentence vectors, all checked by a self-test. ``build_indexes`` builds them
for an import (afresh, or on a copy of the previous generation's indexes for a delta) and for
``rebuild`` (an upgrade, or a repair of damaged indexes from the db alone). Moving the pointer is
the caller's (catalog.packaging.packages).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from catalog.errors import CatalogError, DamagedCatalogue
from catalog.model import Progress
from catalog.packaging.datadir import DataDir
from catalog.packaging.faults import checkpoint
from catalog.search.analysis import add_user_words
from catalog.search.engines import configured, engine_class
from catalog.store import Store

if TYPE_CHECKING:
    from catalog.model import Document
    from catalog.packaging.checks import Package


@dataclass
class DeltaBuild:
    """What a delta changes, for building on a copy of the previous generation's indexes."""

    old_gen: Path
    reindex_ids: set[str]  # documents indexed again: the package's, and those whose FAQ questions changed
    deleted_ids: list[str]  # documents the package deletes
    recut_ids: set[str]  # documents whose passages are cut again


def build_indexes(store: Store, build: Path, Engine, progress: Progress, *, delta: DeltaBuild | None = None,
                  previous_db: Path | None = None, vectors_of_package=None) -> None:
    """Every index of the generation in ``build`` from its db (``store``): whole, or for a delta
    only what it changes; FAQ vectors the previous catalogue's db (``previous_db``) or the package
    already has are not computed again (``vectors_of_package``: called once the document index is
    built, returns package_vector_lookup's lookup). Ends with the self-test; raises CatalogError
    when the new indexes do not answer. Its fault points (index-built, passages-built,
    vectors-built) are passed by an import, an upgrade and a repair alike."""
    # The catalogue's own terms join the segmenter's dictionary before indexing, as they do
    # when the catalogue is opened for queries, so both sides split them alike.
    add_user_words(store.user_words())
    index_progress = lambda done, total: progress("index", done, total)  # noqa: E731
    faq_text = store.faq_text()
    if delta is not None:
        upserts = list(store.documents(sorted(delta.reindex_ids)))
        Engine.copy_and_update(delta.old_gen / "index", build / "index", upserts, delta.deleted_ids,
                               index_progress, len(upserts), faq_text=faq_text)
    else:
        Engine.build(build / "index", store.documents(), store.counts()["documents"], index_progress,
                     faq_text=faq_text)
    checkpoint("index-built")
    lookup = vectors_of_package() if vectors_of_package is not None else None
    _build_passages(store, Engine, build, delta.old_gen if delta else None,
                    delta.recut_ids if delta else None, progress)
    checkpoint("passages-built")
    _build_search_aids(store, Engine(build / "index"))
    _build_faq_vectors(store, previous_db, lambda done, total: progress("qa", done, total), lookup)
    _self_test(store, Engine(build / "index"))


def rebuild(data_dir: DataDir, old_gen: Path, sequence: int, progress: Progress | None) -> str:
    """A new generation from ``old_gen``'s db alone: the db copied (and migrated), every index
    built afresh with the configured engine, checked by the self-test; returns its name. The
    pointer is the caller's to move."""
    report = progress or (lambda stage, done, total: None)
    build = data_dir.new_build_dir()
    try:
        Store.copy(old_gen / "catalog.db", build / "catalog.db")
        if (old_gen / "files").exists():
            shutil.copytree(old_gen / "files", build / "files")
        store = Store.open_for_update(build / "catalog.db")
        try:
            engine_name = configured()
            with store.db.conn:
                store.set_meta(engine=engine_name)
            build_indexes(store, build, engine_class(engine_name), report, previous_db=old_gen / "catalog.db")
        finally:
            store.close()
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)  # nothing half-built stays behind
        raise
    return data_dir.publish_build(build, sequence)


def _build_search_aids(store: Store, engine) -> None:
    """The vocabulary (pinyin, corrections) and the typing suggestions of the new generation."""
    from catalog.search import suggest, vocab
    from catalog.search.synonyms import Synonyms

    syn = Synonyms.for_catalogue(store.terms())
    try:
        freq = vocab.word_freqs(store, engine.lexicon(), syn.words())
    finally:
        engine.close()
    with store.db.conn:
        store.replace_vocab(vocab.rows(freq))
        # terms worth suggesting: words of the catalogue's own groups and synonyms found in it
        terms = {w: 0.8 + min(freq.get(w, 0), 50) / 100 for g in store.terms() for w in g}
        for w in syn.words():
            if freq.get(w, 0) > 0:
                terms.setdefault(w, 0.6 + min(freq[w], 50) / 100)
        store.replace_suggestions(suggest.build_rows(store, sorted(terms.items())))


def _passage_doc(doc, passage) -> "Document":
    """A passage as the engines index it: its document's filters, the title and passage as body."""
    from catalog.model import Document
    from catalog.answers.passages import indexed_text

    return Document(id=passage.key, title="", kind=doc.kind, doc_number=None, index_number=None,
                    issuer=None, region=doc.region, written=doc.written, published=doc.published,
                    status=doc.status, domains=list(doc.domains), items=[], interprets=None, url=None,
                    body=indexed_text(doc.title, passage.text), attachments=[])


def _build_passages(store: Store, Engine, build: Path, old_gen: Path | None,
                    doc_ids: set[str] | None, progress) -> None:
    """Cut documents into passages (catalog.answers.passages), store them with their vector keys, and
    index them in ``build/passages``: every document, or (a delta, with ``old_gen``) only
    ``doc_ids``, on a copy of the previous generation's passage index."""
    from catalog.answers.passages import indexed_text, split
    from catalog.answers.vectors import passage_key

    incremental = doc_ids is not None and old_gen is not None and (old_gen / "passages").is_dir()
    if doc_ids is not None and not incremental:
        doc_ids = None  # the previous generation has no passage index: build it whole
    removed = store.passage_keys(sorted(doc_ids)) if incremental else []
    docs = store.documents(sorted(doc_ids)) if incremental else store.documents()
    pseudo: list = []
    rows: list = []
    seen: list[str] = []
    with store.db.conn:
        for doc in docs:
            seen.append(doc.id)
            for p in split(doc):
                rows.append((p, passage_key(indexed_text(doc.title, p.text)).hex()))
                pseudo.append(_passage_doc(doc, p))
            if len(rows) >= 5000:
                store.replace_passages(seen, rows)
                seen, rows = [], []
        store.replace_passages(sorted(doc_ids) if incremental else seen, rows)
    if incremental:
        Engine.copy_and_update(old_gen / "passages", build / "passages", pseudo, removed,
                               lambda d, t: progress("passages", d, t), len(pseudo))
    else:
        Engine.build(build / "passages", pseudo, len(pseudo), lambda d, t: progress("passages", d, t))


def package_vector_lookup(data_dir: DataDir, pkg: Package):
    """The vectors a package brings (vectors.bin, checked by the manifest's hash) go into the
    kiosk's vector cache at once; returns a lookup key -> float32 vector (or None) for
    ``build_indexes``. Nothing when the package has none or they are for another model (then
    the kiosk embeds what it needs itself)."""
    from catalog.answers import semantic, vectors

    if vectors.FILE not in pkg.manifest["files"]:
        return None
    got = vectors.read_file(pkg.root / vectors.FILE)
    if got is None:
        return None
    keys, q, scales = got
    cache = vectors.cache_for(data_dir)
    try:
        cache.add(keys, q, scales)
    finally:
        cache.close()
    if not semantic.available():
        return None
    row = {k: i for i, k in enumerate(keys)}

    def lookup(key: bytes):
        i = row.get(key)
        return None if i is None else vectors.dequantize(q[i:i + 1], scales[i:i + 1])[0]

    return lookup


def _build_faq_vectors(store: Store, previous_db: Path | None, progress, package_vectors=None) -> None:
    """Sentence vectors of every FAQ question and variant (catalog.answers.semantic), when the model is
    installed; texts the previous catalogue already had are not embedded again."""
    from catalog.answers import semantic
    from catalog.answers.qa import faq_texts

    if not semantic.available():
        return
    texts = sorted({t for f in store.faqs() for t in faq_texts(f)})
    keys = {t: semantic.key(t) for t in texts}
    have = store.vectors(list(keys.values()))
    if previous_db is not None and previous_db.exists() and len(have) < len(keys):
        try:
            old = Store.open_readonly(previous_db, check_version=False)
        except DamagedCatalogue:  # the package replaces a damaged catalogue: nothing to reuse
            old = None
        if old is not None:
            try:
                if "text_vectors" in old.db.table_names():
                    have.update(old.vectors([k for k in keys.values() if k not in have]))
            finally:
                old.close()
    for t in texts:
        v = package_vectors(bytes.fromhex(keys[t])) if package_vectors and keys[t] not in have else None
        if v is not None:
            have[keys[t]] = v.tobytes()
    missing = [t for t in texts if keys[t] not in have]
    if missing:
        vectors = semantic.embed(missing, progress)
        for t, v in zip(missing, vectors):
            have[keys[t]] = v.tobytes()
    wanted = set(keys.values())
    with store.db.conn:
        store.replace_vectors({k: v for k, v in have.items() if k in wanted})
    checkpoint("vectors-built")


def _self_test(store: Store, engine) -> None:
    """Before the switch, the new generation must answer: the index holds exactly the store's
    documents and a search for a document's own title finds it."""
    try:
        ids = store.ids("document")
        indexed = engine.all_ids()
        if indexed != ids:
            raise CatalogError("新目录自检失败（检索索引与目录数据不一致），已保留原目录。请重新导入。",
                               f"self-test: {len(indexed)} indexed vs {len(ids)} stored")
        if ids:
            from catalog.search.analysis import query_words
            from catalog.search.query import Alternative, Group

            probe = next(store.documents([min(ids)]))
            groups = [Group(w, [Alternative(w)]) for w in query_words(probe.title)[:4]]
            raw = engine.search(groups, require_all=True, filters={}, limit=1000)
            if groups and probe.id not in {doc_id for doc_id, _ in raw.hits}:
                raise CatalogError("新目录自检失败（检索不到已导入的文件），已保留原目录。请重新导入。",
                                   f"self-test: {probe.id} not found by its title")
    finally:
        engine.close()
