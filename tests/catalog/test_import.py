"""Import real packages into a real data folder, then query the real store and index."""

import json

import pytest

from catalog.catalogue import Catalog, status
from catalog.packaging.datadir import DataDir
from catalog.search.engines import configured
from catalog.errors import CatalogError
from catalog.packaging.packages import import_package, rollback
from catalog.store import SCHEMA_VERSION, Store
from pkgtools import DOC_BY_TITLE, build, records, run_cli


@pytest.fixture
def v1(tmp_path, keys):
    return build(tmp_path, "v1", records(5), key=keys.key, sequence=1)


def test_import_then_status_counts(tmp_path, keys, v1):
    dd = tmp_path / "data"
    report = import_package(dd, v1, trust=[keys.pub])
    assert report.sequence == 1 and not report.unsigned
    assert len(report.changes["document"].added) == 5
    st = status(dd)
    assert (st.domains, st.items, st.documents, st.faqs) == (27, 39, 5, 2)
    assert st.sequence == 1 and st.previous_sequence is None and st.engine == configured()


def test_status_json_contract(tmp_path, keys, v1):
    dd = tmp_path / "data"
    empty = run_cli("--data-dir", str(dd), "status", "--json")
    assert empty.returncode == 0
    assert json.loads(empty.stdout)["sequence"] is None
    r = run_cli("--data-dir", str(dd), "import", str(v1), "--trust", str(keys.pub))
    assert r.returncode == 0, r.stderr
    out = json.loads(run_cli("--data-dir", str(dd), "status", "--json").stdout)
    for key in ("sequence", "publisher", "region", "applied_at", "domains", "items", "documents",
                "faqs", "previous_sequence", "unsigned", "engine"):
        assert key in out
    for key in ("domains", "items", "documents", "faqs"):
        assert isinstance(out[key], int)
    assert out["domains"] == 27 and out["unsigned"] is False


def test_two_character_terms_match(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v", records(25), key=keys.key), trust=[keys.pub])
    with Catalog.open(dd) as cat:
        # 户口 inside 户口登记; 低保 only occurs inside longer words; 医保 is not in the texts.
        hukou = cat.search("户口")
        assert hukou.hits[0].title == "户口登记条例"
        assert "【户口】" in hukou.hits[0].snippet
        dibao = cat.search("救助")
        assert {h.title for h in dibao.hits} >= {"社会救助暂行办法", "自然灾害救助条例"}
        assert all("【" in h.snippet for h in dibao.hits)
        # a two-character sequence that jieba keeps inside a longer word still matches
        assert cat.search("征缴").hits[0].title == "社会保险费征缴暂行条例"
        assert cat.search("股票期货彩票").total == 0


def test_search_json_contract_and_filters(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v", records(25), key=keys.key), trust=[keys.pub])
    r = run_cli("--data-dir", str(dd), "search", "救助", "--json", "--limit", "3")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) >= {"query", "total", "took_ms", "relaxed", "suggestion", "hits", "facets"}
    assert len(out["hits"]) == 3 and out["total"] >= 3
    assert set(out["hits"][0]) >= {"id", "title", "kind", "domains", "status", "published", "score", "snippet"}
    assert set(out["facets"]) == {"domain", "kind", "status", "year", "issuer"}
    assert out["facets"]["domain"]["shjz"] >= 2
    f = json.loads(run_cli("--data-dir", str(dd), "search", "救助", "--domain", "jz", "--json").stdout)
    assert [h["title"] for h in f["hits"]] == ["自然灾害救助条例"]


def test_batch_search_in_order(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v", records(25), key=keys.key), trust=[keys.pub])
    queries = ["户口", "食品安全", "股票期货彩票", "招标 投标"]
    qfile = tmp_path / "q.txt"
    qfile.write_text("\n".join(queries) + "\n", encoding="utf-8")
    r = run_cli("--data-dir", str(dd), "search", "--batch", str(qfile), "--json")
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["query"] for x in lines] == queries
    assert lines[0]["hits"][0]["title"] == "户口登记条例"
    assert lines[2]["total"] == 0


def test_relaxed_when_no_exact_match(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v", records(25), key=keys.key), trust=[keys.pub])
    with Catalog.open(dd) as cat:
        strict = cat.search("户口登记")
        assert not strict.relaxed and strict.hits
        loose = cat.search("户口 招标")  # no document holds both words
        assert loose.relaxed and {h.title for h in loose.hits} >= {"户口登记条例", "招标投标法"}


def test_validity_ranks_in_force_first(tmp_path, keys):
    from catalog.settings import STATUS_WEIGHT

    def scores(status):
        recs = records(25)
        for d in recs["document"]:
            if d["title"] == "社会救助暂行办法":
                d["status"] = status
        dd = tmp_path / status
        import_package(dd, build(tmp_path, status, recs, key=keys.key), trust=[keys.pub])
        with Catalog.open(dd) as cat:
            return {h.title: h.score for h in cat.search("救助", limit=25).hits}

    in_force, repealed = scores("现行有效"), scores("废止")
    title = "社会救助暂行办法"
    assert repealed[title] == pytest.approx(in_force[title] * STATUS_WEIGHT["废止"], rel=1e-3)
    # a comparable document in force now ranks above the repealed one
    assert repealed["自然灾害救助条例"] > repealed[title]


def test_delta_changes_only_named_records(tmp_path, keys):
    dd = tmp_path / "data"
    v1 = build(tmp_path, "v1", records(5), key=keys.key, sequence=1)
    import_package(dd, v1, trust=[keys.pub])
    recs = records(6)  # adds one document
    removed = recs["document"].pop(0)  # and removes the first
    recs["document"][0]["status"] = "已修改"  # and changes another
    recs["faq"] = [f for f in recs["faq"] if removed["id"] not in f["documents"]]
    v2 = build(tmp_path, "v2", recs, key=keys.key, sequence=2, base=v1)
    manifest = json.loads(__import__("zipfile").ZipFile(v2).read("manifest.json"))
    assert manifest["kind"] == "delta" and manifest["base_sequence"] == 1
    report = import_package(dd, v2)
    ch = report.changes["document"]
    assert ch.added == [records(6)["document"][5]["id"]]
    assert ch.removed == [removed["id"]]
    assert ch.changed == [recs["document"][0]["id"]]
    assert report.changes["domain"].added == report.changes["domain"].changed == []
    st = status(dd)
    assert (st.sequence, st.previous_sequence, st.documents) == (2, 1, 5)
    with Catalog.open(dd) as cat:
        assert cat.engine.doc_count() == 5
        assert all(h.id != removed["id"] for h in cat.search(removed["title"]).hits)
        assert cat.store.document(recs["document"][0]["id"]).status == "已修改"


def test_rollback_returns_to_previous_and_reimport_works(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", records(3), key=keys.key, sequence=1), trust=[keys.pub])
    v2 = build(tmp_path, "v2", records(8), key=keys.key, sequence=2)
    import_package(dd, v2)
    assert status(dd).documents == 8
    r = rollback(dd)
    assert (r.from_sequence, r.to_sequence) == (2, 1)
    st = status(dd)
    assert (st.sequence, st.documents, st.previous_sequence) == (1, 3, None)
    with Catalog.open(dd) as cat:
        assert cat.engine.doc_count() == 3
    with pytest.raises(CatalogError):
        rollback(dd)
    import_package(dd, v2)  # the newer package applies again after a roll back
    assert status(dd).sequence == 2


def test_rollback_cli_without_previous_refuses(tmp_path):
    r = run_cli("--data-dir", str(tmp_path / "d"), "rollback")
    assert r.returncode == 1 and "无法回退" in r.stderr


def test_open_catalog_keeps_its_generation_during_import(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", records(3), key=keys.key, sequence=1), trust=[keys.pub])
    cat = Catalog.open(dd)
    before = cat.search("户口").total
    import_package(dd, build(tmp_path, "v2", records(25), key=keys.key, sequence=2))
    # the old view still answers from the old generation, consistently
    assert cat.search("户口").total == before
    assert not cat.is_current()
    new = cat.refreshed()
    assert new.store.counts()["documents"] == 25
    cat.close()
    new.close()


def test_unsigned_needs_flag_and_is_reported(tmp_path):
    dd = tmp_path / "data"
    pkg = build(tmp_path, "u", records(2), key=None)
    r = run_cli("--data-dir", str(dd), "import", str(pkg))
    assert r.returncode == 1 and "没有签名" in r.stderr
    r = run_cli("--data-dir", str(dd), "import", str(pkg), "--allow-unsigned")
    assert r.returncode == 0, r.stderr
    assert json.loads(run_cli("--data-dir", str(dd), "status", "--json").stdout)["unsigned"] is True


def test_store_schema_is_versioned(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", records(1), key=keys.key), trust=[keys.pub])
    store = Store.open_readonly(DataDir(dd).current_generation() / "catalog.db")
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    doc = store.document(DOC_BY_TITLE["社会救助暂行办法"]["id"])
    assert doc.title == "社会救助暂行办法" and doc.paragraphs[0].startswith("第一章")
    store.close()


def test_usage_error_exit_2():
    assert run_cli("no-such-command").returncode == 2
    assert run_cli("search", "--limit", "x").returncode == 2


def test_self_test_refuses_an_index_that_disagrees_with_its_store(tmp_path):
    """The check a new generation passes before it is switched live, on a real mismatch."""
    from catalog.search.index import WhooshEngine
    from catalog.packaging.generation import _self_test

    recs = records(5)
    store = Store.create(tmp_path / "catalog.db")
    store.upsert("domain", recs["domain"])
    store.upsert("item", recs["item"])
    store.upsert("document", recs["document"])
    WhooshEngine.build(tmp_path / "short", store.documents(list(store.ids("document"))[:3]))
    with pytest.raises(CatalogError, match="自检失败"):
        _self_test(store, WhooshEngine(tmp_path / "short"))
    WhooshEngine.build(tmp_path / "full", store.documents())
    _self_test(store, WhooshEngine(tmp_path / "full"))  # the matching index passes
    store.close()
