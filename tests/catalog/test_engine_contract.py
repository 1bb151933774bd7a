"""The engine interface, run against every engine on real documents: whatever engine serves a
kiosk, it finds, filters, counts, updates and shares the same way."""

import pytest

from catalog.catalogue import Catalog, status
from catalog.search.engines import ENGINES, engine_class
from catalog.model import Attachment, Document
from catalog.packaging.packages import import_package, rollback
from catalog.search.query import Alternative, Group
from pkgtools import DOCUMENTS, build, records, snapshot


def docs(n=25):
    out = []
    for d in DOCUMENTS[:n]:
        out.append(Document(d["id"], d["title"], d["kind"], d["doc_number"], d["index_number"],
                            d["issuer"], d["region"], d["written"], d["published"], d["status"],
                            d["domains"], d["items"], d["interprets"], d["url"], d["body"],
                            [Attachment(**a) for a in d["attachments"]]))
    return out


def g(*words, required=True):
    return Group(words[0], [Alternative(w) for w in words], required)


@pytest.fixture(params=ENGINES)
def engine(request, tmp_path):
    cls = engine_class(request.param)
    corpus = docs()
    corpus[1].doc_number = "国务院令第271号"
    e = cls.build(tmp_path / "ix", corpus, len(corpus), faq_text={corpus[2].id: "新生儿多久要上户口"})
    yield e
    e.close()


def ids(raw):
    return [d for d, _ in raw.hits]


def test_finds_counts_and_ranks_title_first(engine):
    raw = engine.search([g("户口")], require_all=True, filters={}, limit=10)
    assert raw.total >= 1
    assert ids(raw)[0] == next(d.id for d in docs() if d.title == "户口登记条例")
    assert [s for _, s in raw.hits] == sorted((s for _, s in raw.hits), reverse=True)


def test_two_character_term_inside_a_longer_word(engine):
    raw = engine.search([g("征缴")], require_all=True, filters={}, limit=10)
    assert next(d.id for d in docs() if d.title == "社会保险费征缴暂行条例") in ids(raw)


def test_and_or_and_optional_groups(engine):
    both = engine.search([g("户口"), g("招标")], require_all=True, filters={}, limit=10)
    either = engine.search([g("户口"), g("招标")], require_all=False, filters={}, limit=10)
    assert both.total == 0 and either.total >= 2
    optional = engine.search([g("户口"), g("招标", required=False)], require_all=True, filters={}, limit=10)
    assert optional.total == engine.search([g("户口")], require_all=True, filters={}, limit=10).total


def test_alternatives_are_synonyms(engine):
    raw = engine.search([g("低保", "最低生活保障")], require_all=True, filters={}, limit=10)
    assert next(d.id for d in docs() if d.title == "城市居民最低生活保障条例") in ids(raw)[:3]


def test_filters_and_facets(engine):
    raw = engine.search([g("救助")], require_all=True, filters={"domain": ["jz"]}, limit=10)
    titles = {d.id: d.title for d in docs()}
    assert [titles[i] for i in ids(raw)] == ["自然灾害救助条例"]
    unfiltered = engine.search([g("救助")], require_all=True, filters={}, limit=2)
    assert len(unfiltered.hits) == 2 and unfiltered.total > 2
    assert sum(unfiltered.facets["status"].values()) == unfiltered.total
    assert unfiltered.facets["domain"]["shjz"] >= 2 and unfiltered.facets["kind"] == {"政策文件": unfiltered.total}


def test_doc_number_keys_and_faq_field(engine):
    raw = engine.search([], require_all=True, filters={}, limit=5, docnum_keys=["令271"])
    assert ids(raw) == [docs()[1].id]
    faq = engine.search([g("新生儿")], require_all=True, filters={}, limit=5)
    assert ids(faq)[0] == docs()[2].id


def test_lexicon_and_ids(engine):
    lex = dict(engine.lexicon())
    assert lex["户口"] >= 1 and lex["救助"] >= 2
    assert engine.all_ids() == {d.id for d in docs()} and engine.doc_count() == 25


def test_update_leaves_the_old_index_untouched(engine, tmp_path):
    before = snapshot(engine.path)
    changed = docs()[:2]
    changed[0].title = "改过标题的文件"
    gone = docs()[5].id
    new = type(engine).copy_and_update(engine.path, tmp_path / "ix2", changed, [gone])
    assert snapshot(engine.path) == before  # shared files were not modified
    assert new.doc_count() == 24 and gone not in new.all_ids()
    assert ids(new.search([g("改过标题的文件")], require_all=True, filters={}, limit=3))[0] == changed[0].id
    assert engine.doc_count() == 25
    new.close()


@pytest.mark.parametrize("name", ENGINES)
def test_end_to_end_with_each_engine(name, tmp_path, keys, monkeypatch):
    monkeypatch.setenv("CATALOG_ENGINE", name)
    dd = tmp_path / "data"
    v1 = build(tmp_path, "v1", records(10), key=keys.key, sequence=1)
    import_package(dd, v1, trust=[keys.pub])
    assert status(dd).engine == name
    v2 = build(tmp_path, "v2", records(12), key=keys.key, sequence=2, base=v1)
    old_gen = snapshot(dd / "generations")
    import_package(dd, v2)
    # the previous generation's files are byte-identical after the delta shared them
    assert {k: v for k, v in snapshot(dd / "generations").items() if k in old_gen} == old_gen
    with Catalog.open(dd) as cat:
        assert cat.engine.name == name and cat.engine.doc_count() == 12
        assert cat.search("shbx").hits[0].title == "社会保险法"
        assert cat.search("户口").hits[0].title == "户口登记条例"
    rollback(dd)
    with Catalog.open(dd) as cat:
        assert cat.engine.doc_count() == 10
