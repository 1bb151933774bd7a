"""Search as citizens type: synonyms, pinyin, initials, typos, 文号 forms, recovery, suggestions."""

import json

import pytest

from catalog.catalogue import Catalog
from catalog.packaging.packages import import_package
from pkgtools import build, records, run_cli


@pytest.fixture(scope="module")
def demo(demo_dir):
    cat = Catalog.open(demo_dir)
    yield cat
    cat.close()


def titles(result, n=5):
    return [h.title for h in result.hits[:n]]


def test_everyday_name_finds_the_official_term(demo):
    r = demo.search("低保")
    assert "城市居民最低生活保障条例" in titles(r, 3)
    # the official term is highlighted where the text never says 低保
    assert any("【最低生活保障】" in h.snippet for h in r.hits[:3])


@pytest.mark.parametrize("typed", ["shehuibaoxian", "shbx", "社会报险"])
def test_pinyin_initials_and_homophone_typos(demo, typed):
    r = demo.search(typed)
    assert "中华人民共和国社会保险法" in titles(r, 3), titles(r)
    assert r.suggestion == "社会保险"


def test_typo_is_corrected_and_said(demo):
    r = demo.search("危房改照")
    assert r.corrected and r.suggestion == "危房改造"
    assert r.hits and all("危房" in h.snippet or "危房" in h.title for h in r.hits[:3])


def test_existing_words_are_never_corrected(demo):
    r = demo.search("社会保险")
    assert not r.corrected and r.suggestion is None


@pytest.mark.parametrize("typed", ["景府办字〔2024〕28号", "景府办字[2024]28号", "景府办字（2024）28号",
                                   "景府办字2024年28号", "2024 28号"])
def test_doc_number_in_any_common_form(demo, typed):
    r = demo.search(typed)
    assert r.hits[0].id == "seed-2024-jdz", titles(r)
    assert not r.corrected


def test_in_force_ranks_above_amended_versions(demo):
    r = demo.search("上海市实施义务教育法办法")
    statuses = [h.status for h in r.hits if "上海市实施" in h.title and "义务教育法" in h.title]
    assert statuses and statuses[0] == "现行有效"


def test_filter_that_empties_the_list_is_dropped_and_said(demo):
    r = demo.search("户口", domains=["czyjs"])  # 财政预决算 has nothing about 户口
    assert r.filters_dropped == ["domain"] and r.hits
    assert "hjgl" in r.hits[0].domains
    kept = demo.search("户口", domains=["hjgl"])
    assert kept.filters_dropped == [] and all("hjgl" in h.domains for h in kept.hits)


def test_facets_count_the_matches(demo):
    r = demo.search("救助", limit=3)
    assert sum(r.facets["status"].values()) == r.total
    assert r.facets["domain"].get("shjz", 0) >= 3
    assert set(r.facets) == {"domain", "kind", "status", "year", "issuer"}


def test_no_match_offers_questions_never_a_bare_empty_list(demo):
    r = demo.search("低保 高铁")  # nothing holds both
    assert r.relaxed and r.hits
    assert r.related_questions and any("低保" in q.question for q in r.related_questions)


def test_snippet_cost_is_bounded_on_a_huge_body():
    from catalog.search.documents import snippet

    body = "无关的文字。" * 400_000 + "最低生活保障"
    import time

    t = time.perf_counter()
    s = snippet(body, ["最低生活保障", "补贴"])
    assert time.perf_counter() - t < 0.2
    assert "【" not in s  # the match lies beyond the scanned part: a plain opening, no hang


@pytest.mark.parametrize("prefix, expected", [("社会", "社会保险"), ("shb", "社会保险"),
                                              ("ywjy", "义务教育"), ("户口", "中华人民共和国户口登记条例")])
def test_suggestions_by_prefix_and_pinyin_prefix(demo, prefix, expected):
    texts = [s.text for s in demo.suggest(prefix)]
    assert expected in texts, texts


def test_search_json_keeps_the_contract_and_adds_fields(demo_dir):
    out = json.loads(run_cli("--data-dir", str(demo_dir), "search", "shbx", "--json").stdout)
    assert list(out)[:7] == ["query", "total", "took_ms", "relaxed", "suggestion", "hits", "facets"]
    assert out["suggestion"] == "社会保险" and out["related_questions"] == []


def test_batch_of_1000_queries_is_fast(demo_dir, tmp_path):
    import time

    queries = [json.loads(x)["query"] for x in
               (run_cli.__globals__["REPO"] / "bench/relevance/queries.jsonl").read_text().splitlines()]
    qfile = tmp_path / "q.txt"
    qfile.write_text("\n".join((queries * 4)[:1000]) + "\n", encoding="utf-8")
    t = time.perf_counter()
    r = run_cli("--data-dir", str(demo_dir), "search", "--batch", str(qfile), "--json")
    elapsed = time.perf_counter() - t
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 1000
    assert elapsed < 60, elapsed


def test_synonym_update_needs_no_reindex(tmp_path, keys):
    dd = tmp_path / "data"
    v1 = build(tmp_path, "v1", records(25), key=keys.key, sequence=1)
    import_package(dd, v1, trust=[keys.pub])
    with Catalog.open(dd) as cat:
        assert "中华人民共和国户口登记条例" not in titles(cat.search("落户手续"))
    stages = []
    v2 = build(tmp_path, "v2", records(25), key=keys.key, sequence=2, base=v1,
               terms="户口登记 落户手续\n")
    import_package(dd, v2, progress=lambda stage, done, total: stages.append((stage, total)))
    # no document was re-indexed: only terms.txt changed
    assert not [t for s, t in stages if s == "index" and t > 0]
    assert ("switch", 1) in stages
    with Catalog.open(dd) as cat:
        assert "户口登记条例" in titles(cat.search("落户手续"))[0]


def test_delta_reindexes_only_what_it_changes(tmp_path, keys):
    dd = tmp_path / "data"
    v1 = build(tmp_path, "v1", records(20), key=keys.key, sequence=1)
    import_package(dd, v1, trust=[keys.pub])
    recs = records(21)
    recs["document"][3]["title"] += "（修订）"
    v2 = build(tmp_path, "v2", recs, key=keys.key, sequence=2, base=v1)
    totals = []
    report = import_package(dd, v2, progress=lambda s, d, t: totals.append(t) if s == "index" else None)
    assert max(totals) == 2  # one added, one changed: not all 21
    assert len(report.changes["document"].added) == 1 and len(report.changes["document"].changed) == 1
    with Catalog.open(dd) as cat:
        assert cat.engine.doc_count() == 21
        assert "（修订）" in cat.search(recs["document"][3]["title"]).hits[0].title


def test_year_is_a_filter_of_the_search_not_of_its_first_page(demo_dir):
    """The kiosk used to keep, of the first 30 hits, those of the chosen year, while the chip
    counted every hit of that year: a chip could say 找到 N 份文件 and show none."""
    from catalog.catalogue import Catalog
    from catalog.packaging.datadir import DataDir

    with Catalog.open(DataDir(demo_dir)) as cat:
        everything = cat.search("补贴", limit=5)
        rarest, count = min(everything.facets["year"].items(), key=lambda kv: (kv[1], kv[0]))
        assert rarest not in {(h.published or "")[:4] for h in everything.hits}, "not on the first page"
        chosen = cat.search("补贴", year=rarest, limit=5)
        assert chosen.total == count and len(chosen.hits) == min(count, 5)
        assert all(((h.published or h.written or "")[:4]) == rarest for h in chosen.hits)
        asked = cat.search("低保怎么申请", year="2021", limit=10)  # a question: passages, same filter
        assert asked.hits and all((h.published or h.written or "")[:4] == "2021" for h in asked.hits)
