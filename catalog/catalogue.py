"""An open catalogue: the store and index of the generation CURRENT names, read together.

A ``Catalog`` keeps serving the generation it opened even while an import builds the next one;
``refreshed()`` returns a view of the newest one once it is live.
"""

from __future__ import annotations

import logging
from pathlib import Path

from catalog.analysis import add_user_words
from catalog.datadir import DataDir
from catalog.errors import NoCatalogue
from catalog.index import WhooshEngine
from catalog.model import Status
from catalog.store import Store

log = logging.getLogger("catalog")


class Catalog:
    """The live catalogue of one data folder."""

    def __init__(self, data_dir: DataDir, generation: str, store: Store, engine: WhooshEngine):
        self.data_dir = data_dir
        self.generation = generation
        self.store = store
        self.engine = engine

    @classmethod
    def open(cls, data_dir: DataDir | Path | str) -> "Catalog":
        """Open the catalogue CURRENT names; raises NoCatalogue on an empty data folder."""
        data_dir = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
        ptr = data_dir.pointer()
        if ptr.generation is None:
            raise NoCatalogue("本机还没有目录。请由工作人员导入目录更新包。", f"no CURRENT in {data_dir.root}")
        gen = data_dir.generation_path(ptr.generation)
        store = Store.open_readonly(gen / "catalog.db")
        engine = WhooshEngine(gen / "index")
        cat = cls(data_dir, ptr.generation, store, engine)
        # The catalogue's own terms go into the segmenter so queries split like the index did.
        add_user_words(w for group in store.terms() for w in group)
        return cat

    def is_current(self) -> bool:
        return self.data_dir.pointer().generation == self.generation

    def refreshed(self) -> "Catalog":
        """This catalogue if still live, else a newly opened view of the live one."""
        if self.is_current():
            return self
        return Catalog.open(self.data_dir)

    def close(self) -> None:
        self.engine.close()
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def search(self, query: str, **kwargs):
        from catalog.search import search

        return search(self, query, **kwargs)


def status(data_dir: DataDir | Path | str) -> Status:
    """Which catalogue the kiosk serves (all zeros and nulls for an empty data folder)."""
    data_dir = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
    ptr = data_dir.pointer()
    if ptr.generation is None:
        return Status(None, None, None, None, 0, 0, 0, 0, None, False, WhooshEngine.name)
    store = Store.open_readonly(data_dir.generation_path(ptr.generation) / "catalog.db")
    try:
        meta, counts = store.meta(), store.counts()
    finally:
        store.close()
    previous = None
    if ptr.previous:
        prev_db = data_dir.generation_path(ptr.previous) / "catalog.db"
        if prev_db.exists():
            prev = Store.open_readonly(prev_db)
            try:
                previous = prev.meta().get("sequence")
            finally:
                prev.close()
    return Status(
        sequence=meta.get("sequence"), publisher=meta.get("publisher"), region=meta.get("region"),
        applied_at=meta.get("applied_at"), domains=counts["domains"], items=counts["items"],
        documents=counts["documents"], faqs=counts["faqs"], previous_sequence=previous,
        unsigned=bool(meta.get("unsigned")), engine=WhooshEngine.name,
        created=meta.get("created"), signer=meta.get("signer"))
