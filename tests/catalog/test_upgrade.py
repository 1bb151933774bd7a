"""A kiosk updated to a newer version of this software keeps its catalogue: a generation written
with an older store schema is rebuilt, atomically, the first time it is opened."""

import sqlite3

from catalog.catalogue import Catalog, status
from catalog.packaging.datadir import DataDir
from catalog.search.engines import configured
from catalog.packaging.packages import import_package, rollback
from catalog.store import SCHEMA_VERSION
from pkgtools import build, records, snapshot


def make_schema_v1(db_path):
    """Turn a generation's store into exactly what schema 1 was (no vocabulary, no suggestions,
    no sentence vectors)."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("drop table vocab")
        conn.execute("drop table suggest")
        conn.execute("drop table text_vectors")
        conn.execute("delete from meta where key = 'engine'")
        conn.execute("pragma user_version = 1")
    conn.close()


def test_old_generation_is_rebuilt_on_open(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", records(8), key=keys.key, sequence=3), trust=[keys.pub])
    old_gen = DataDir(dd).current_generation()
    make_schema_v1(old_gen / "catalog.db")
    assert status(dd).sequence == 3  # status still reads an old generation
    frozen = snapshot(old_gen)
    with Catalog.open(dd) as cat:
        assert cat.store.db.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
        assert cat.engine.name == configured()
        assert cat.search("shbx").hits[0].title == "社会保险法"  # needs the new vocabulary
        from catalog.answers import semantic

        if semantic.available():  # the FAQ vectors were made during the upgrade
            assert cat.faq_matcher().method == "semantic"
        assert cat.generation != old_gen.name
    st = status(dd)
    assert (st.sequence, st.documents, st.previous_sequence) == (3, 8, 3)
    assert snapshot(old_gen) == frozen  # the old generation was not touched
    rollback(dd)  # back to the old generation; opening it upgrades it again
    with Catalog.open(dd) as cat:
        assert cat.search("户口").hits[0].title == "户口登记条例"


def test_import_on_top_of_an_old_generation(tmp_path, keys):
    dd = tmp_path / "data"
    v1 = build(tmp_path, "v1", records(5), key=keys.key, sequence=1)
    import_package(dd, v1, trust=[keys.pub])
    make_schema_v1(DataDir(dd).current_generation() / "catalog.db")
    v2 = build(tmp_path, "v2", records(7), key=keys.key, sequence=2, base=v1)
    import_package(dd, v2)  # a delta needs the base in the current schema: upgraded first
    with Catalog.open(dd) as cat:
        assert cat.store.counts()["documents"] == 7
        assert cat.store.meta()["sequence"] == 2
