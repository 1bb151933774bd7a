"""A damaged data folder (issue 15): every command answers in plain Chinese, never a traceback,
and re-importing a package repairs it; usage.db is set aside when damaged; CSV cells that Excel
would run as formulas are written as text."""

import csv
import json

import pytest

from catalog.packaging.packages import import_package
from catalog.usage import UsageLog, export
from tests.pkgtools import build, records, run_cli


@pytest.fixture
def kiosk(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", records(5), key=keys.key), trust=[keys.pub])
    v2 = build(tmp_path, "v2", records(6), key=keys.key, sequence=2)
    return dd, v2


def generation(dd):
    return dd / "generations" / json.loads((dd / "CURRENT").read_text())["generation"]


def plain(r, *words):
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout, r.stderr
    for w in words:
        assert w in r.stderr + r.stdout, r.stderr
    return r


def test_a_garbled_current_serves_the_last_catalogue_and_imports(kiosk):
    dd, v2 = kiosk
    (dd / "CURRENT").write_bytes(b"\x00\x17garbage{")
    st = json.loads(plain(run_cli("--data-dir", str(dd), "status", "--json")).stdout)
    assert st["sequence"] == 1  # the newest complete generation
    assert json.loads(run_cli("--data-dir", str(dd), "search", "救助", "--json").stdout)["total"] > 0
    r = plain(run_cli("--data-dir", str(dd), "import", str(v2), "--json"))
    assert r.returncode == 0, r.stderr
    assert json.loads((dd / "CURRENT").read_text())["generation"]  # written afresh


@pytest.mark.parametrize("damage", ["truncated catalog.db", "overwritten catalog.db", "garbage index"])
def test_a_damaged_catalogue_says_so_and_an_import_repairs_it(kiosk, damage):
    dd, v2 = kiosk
    gen = generation(dd)
    if damage == "truncated catalog.db":
        db = gen / "catalog.db"
        db.write_bytes(db.read_bytes()[:4096])
    elif damage == "overwritten catalog.db":
        (gen / "catalog.db").write_bytes(b"this is not a database" * 500)
    else:
        for f in (gen / "index").rglob("*"):
            if f.is_file():
                f.write_bytes(b"\xff" * 64)
    for args in (["search", "救助", "--json"], ["ask", "低保怎么申请", "--json"], ["status", "--json"]):
        r = plain(run_cli("--data-dir", str(dd), *args))
        if r.returncode:  # refused: the reason says what to do
            assert "重新导入" in r.stderr, (args, r.stderr)
    # staff re-import the package they have: the kiosk works again
    r = plain(run_cli("--data-dir", str(dd), "import", str(v2), "--json"))
    assert r.returncode == 0, r.stderr
    assert json.loads(run_cli("--data-dir", str(dd), "search", "救助", "--json").stdout)["total"] > 0


def test_a_damaged_usage_db_is_set_aside_and_counting_goes_on(tmp_path):
    path = tmp_path / "usage.db"
    path.write_bytes(b"not sqlite at all" * 200)
    log = UsageLog(path)
    log.record_question("低保怎么申请", "answered")
    files = export(log, tmp_path / "out")
    assert files
    assert [p.name for p in tmp_path.glob("usage.db.damaged-*")], "the damaged file is kept aside"
    with open(tmp_path / "out" / "提问统计.csv", encoding="utf-8-sig") as fh:
        assert list(csv.reader(fh))[1][1:] == ["已回答", "1"]


def test_exported_cells_are_never_formulas(tmp_path):
    log = UsageLog(tmp_path / "usage.db")
    for q in ('=HYPERLINK("http://example.invalid","点我")', "+1+1", "-2+3", "@SUM(A1)", "低保怎么申请"):
        log.record_question(q, "out_of_scope")
    export(log, tmp_path / "out")
    with open(tmp_path / "out" / "未能回答的问题.csv", encoding="utf-8-sig") as fh:
        cells = [row[1] for row in list(csv.reader(fh))[1:]]
    assert cells, "the misses were exported"
    assert all(not c[:1] in "=+-@" for c in cells), cells
    assert "低保怎么申请" in cells


def _garble_middle(path):
    """Overwrite a file's bytes but its last 64 (the footer a reader checks when it opens): the
    damage a bad disk sector does, found only when the data is read."""
    b = bytearray(path.read_bytes())
    b[:max(0, len(b) - 64)] = b"\x5a" * max(0, len(b) - 64)
    with open(path, "r+b") as fh:  # in place, as a disk would: a reader's mapping sees it too
        fh.write(b)


def _other_index(tmp_path, keys):
    other = tmp_path / "other"
    import_package(other, build(tmp_path, "o", records(2), key=keys.key), trust=[keys.pub])
    return generation(other) / "index"


INDEX_DAMAGE = ["index folder removed", "passage index removed", "segment changed after sealing",
                "unsealed index of another catalogue"]


@pytest.mark.parametrize("damage", INDEX_DAMAGE)
def test_a_damaged_index_is_rebuilt_from_the_data(kiosk, tmp_path, keys, damage):
    import shutil

    dd, _ = kiosk
    before = json.loads((dd / "CURRENT").read_text())
    gen = generation(dd)
    if damage == "index folder removed":
        shutil.rmtree(gen / "index")
    elif damage == "passage index removed":
        shutil.rmtree(gen / "passages")
    elif damage == "segment changed after sealing":
        _garble_middle(next((gen / "index").glob("*.store")))
    else:
        (gen / "indexes.sha256.json").unlink()
        shutil.rmtree(gen / "index")
        shutil.copytree(_other_index(tmp_path, keys), gen / "index")
    r = plain(run_cli("--data-dir", str(dd), "search", "救助", "--json"), "检索索引已损坏", "repair")
    assert r.returncode == 1
    rep = json.loads(plain(run_cli("--data-dir", str(dd), "repair", "--json")).stdout)
    assert rep["repaired"] and rep["sequence"] == 1 and rep["problem"], rep
    after = json.loads((dd / "CURRENT").read_text())
    assert after["generation"] != before["generation"] and after["previous"] == before["previous"]
    assert not gen.exists(), "the damaged generation is gone"
    assert json.loads(run_cli("--data-dir", str(dd), "search", "救助", "--json").stdout)["total"] > 0
    assert json.loads(run_cli("--data-dir", str(dd), "repair", "--json").stdout)["repaired"] is False


def test_an_index_damaged_after_opening_says_so_plainly(kiosk):
    """Damage the seal did not see (it came after the catalogue opened, or the generation has no
    seal): the index library's own failure, here a Rust panic, becomes IndexDamaged."""
    from catalog.catalogue import Catalog
    from catalog.errors import IndexDamaged

    dd, _ = kiosk
    with Catalog.open(dd) as cat:
        assert cat.search("救助").total > 0
        _garble_middle(next((generation(dd) / "index").glob("*.store")))
        with pytest.raises(IndexDamaged) as err:
            cat.search("救助")
    assert "检索索引已损坏" in err.value.message
    (generation(dd) / "indexes.sha256.json").unlink()  # and then unsealed: the command says so too
    r = plain(run_cli("--data-dir", str(dd), "search", "救助", "--json"), "检索索引已损坏")
    assert r.returncode == 1
    rep = json.loads(run_cli("--data-dir", str(dd), "repair", "--json").stdout)
    assert rep["repaired"], "an unsealed generation cannot be checked, so repair rebuilds it"
    assert json.loads(run_cli("--data-dir", str(dd), "search", "救助", "--json").stdout)["total"] > 0


def test_a_delta_imports_onto_a_damaged_index(tmp_path, keys):
    import shutil

    dd = tmp_path / "data"
    v1 = build(tmp_path, "v1", records(5), key=keys.key)
    import_package(dd, v1, trust=[keys.pub])
    shutil.rmtree(generation(dd) / "passages")
    v2 = build(tmp_path, "v2", records(6), key=keys.key, sequence=2, base=v1)
    report = import_package(dd, v2)
    assert report.kind == "delta" and report.sequence == 2
    r = json.loads(run_cli("--data-dir", str(dd), "ask", "救助怎么申请", "--json").stdout)
    assert r["status"], r
    assert json.loads(run_cli("--data-dir", str(dd), "repair", "--json").stdout)["repaired"] is False


def test_a_locked_usage_db_is_said_plainly_and_nothing_is_half_written(tmp_path, monkeypatch):
    import sqlite3

    from catalog import usage
    from catalog.errors import CatalogError

    log = UsageLog(tmp_path / "usage.db")
    log.record_question("低保怎么申请", "answered")
    monkeypatch.setattr(usage, "BUSY_TIMEOUT_S", 0.1)
    holder = sqlite3.connect(tmp_path / "usage.db", isolation_level=None)
    holder.execute("begin exclusive")
    try:
        with pytest.raises(CatalogError) as err:
            export(log, tmp_path / "out")
    finally:
        holder.rollback()
        holder.close()
    assert "暂时无法读取" in err.value.message
    assert not list((tmp_path / "out").glob("*.csv")), "no file of a half export"
    assert export(log, tmp_path / "out"), "once the lock goes, the export works"


@pytest.mark.parametrize("point", ["index-built", "passages-built"])
def test_a_repair_that_fails_half_way_leaves_the_catalogue_it_had(kiosk, monkeypatch, point):
    """A repair (and an upgrade) builds through the same build_indexes as an import, so it passes
    the same fault points; failing at any of them keeps the live generation and leaves nothing."""
    from catalog.packaging.packages import repair

    dd, _v2 = kiosk
    before = (dd / "CURRENT").read_text()
    monkeypatch.setenv("CATALOG_FAIL_AT", point)
    with pytest.raises(RuntimeError, match=point):
        repair(dd, force=True)
    monkeypatch.delenv("CATALOG_FAIL_AT")
    assert (dd / "CURRENT").read_text() == before
    assert sorted(p.name for p in (dd / "generations").iterdir()) == [json.loads(before)["generation"]]
    assert json.loads(run_cli("--data-dir", str(dd), "search", "救助", "--json").stdout)["total"] > 0
    assert repair(dd, force=True).repaired  # and the next one goes through
