"""Which full-text engine builds and serves an index.

Each generation records the engine that built its index (store meta ``engine``) and is always read
with that engine; new imports use the configured one (``CATALOG_ENGINE`` overrides the default).
"""

from __future__ import annotations

import os

from catalog import settings
from catalog.errors import CatalogError


def engine_class(name: str | None = None):
    name = name or configured()
    if name == "whoosh":
        from catalog.index import WhooshEngine

        return WhooshEngine
    if name == "tantivy":
        from catalog.tantivy_engine import TantivyEngine

        return TantivyEngine
    raise CatalogError(f"未知的检索引擎“{name}”。", f"unknown engine {name!r}")


def configured() -> str:
    return os.environ.get("CATALOG_ENGINE") or settings.DEFAULT_ENGINE


ENGINES = ("tantivy", "whoosh")
