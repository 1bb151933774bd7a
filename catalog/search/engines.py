"""Which full-text engine builds and serves an index.

Each generation records the engine that built its index (store meta ``engine``) and is always read
with that engine; new imports use the configured one (``CATALOG_ENGINE`` overrides the default).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from catalog import settings
from catalog.packaging.datadir import seal_problem
from catalog.errors import CatalogError

if TYPE_CHECKING:
    from catalog.store import Store


def engine_class(name: str | None = None):
    name = name or configured()
    if name == "whoosh":
        from catalog.search.index import WhooshEngine

        return WhooshEngine
    if name == "tantivy":
        from catalog.search.tantivy_engine import TantivyEngine

        return TantivyEngine
    raise CatalogError(f"未知的检索引擎“{name}”。", f"unknown engine {name!r}")


def configured() -> str:
    return os.environ.get("CATALOG_ENGINE") or settings.DEFAULT_ENGINE


ENGINES = ("tantivy", "whoosh")


def index_failure(exc: BaseException) -> bool:
    """Whether an exception out of an index library is the index's failure: any Exception, and a
    Rust panic (pyo3's PanicException derives from BaseException); not an interrupt or an exit."""
    return not isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit))


def open_index(store: "Store", gen: Path):
    """The search index of generation ``gen`` opened, and why it cannot serve ``store`` (None when
    it can): missing, unreadable (tantivy and whoosh raise their own kinds), or holding another
    number of documents or passages than the db (an index from elsewhere, a half-copied folder).
    Opened here, so damage is found at start and not in the middle of a citizen's search."""
    Engine = engine_class(store.meta().get("engine") or "whoosh")
    opened = []

    def check() -> str | None:
        if not (gen / "index").is_dir():
            return "index folder missing"
        problem = seal_problem(gen)
        if problem is not None:
            return problem
        opened.append(Engine(gen / "index"))
        n, want = opened[0].doc_count(), store.counts()["documents"]
        if n != want:
            return f"index holds {n} documents, the db {want}"
        want = store.db["passages"].count if "passages" in store.db.table_names() else 0
        if want or (gen / "passages").exists():
            if not (gen / "passages").is_dir():
                return "passage index missing"
            opened.append(Engine(gen / "passages"))
            n = opened[-1].doc_count()
            if n != want:
                return f"passage index holds {n} passages, the db {want}"
        return None

    try:
        problem = check()
    except BaseException as exc:  # tantivy/whoosh raise their own kinds on a damaged index
        if not index_failure(exc):
            raise
        problem = f"index unreadable: {exc!r}"
    for e in opened[1:] if problem is None else opened:
        e.close()
    return (opened[0] if problem is None else None), problem
