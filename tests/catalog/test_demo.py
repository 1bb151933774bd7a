"""The bundled demo catalogue: real content, signed with the demo key, imported for real."""

import json
import os
import shutil
from pathlib import Path
import subprocess

import pytest

from catalog.catalogue import Catalog
from catalog.packaging.signing import fingerprint_file
from pkgtools import REPO, run_cli

DEMO = REPO / "resources" / "demo" / "demo.zip"
DEMO_PUB = REPO / "resources" / "demo" / "demo.pub"
SHARED = REPO.parent / "shared"


def test_demo_key_fingerprint_is_the_documented_one():
    fp = fingerprint_file(DEMO_PUB)
    assert fp in (REPO / "README.md").read_text(encoding="utf-8")


def test_demo_needs_its_key(tmp_path):
    r = run_cli("--data-dir", str(tmp_path / "d"), "import", str(DEMO))
    assert r.returncode == 1 and "公钥" in r.stderr


def test_demo_status_counts(demo_dir):
    out = json.loads(run_cli("--data-dir", str(demo_dir), "status", "--json").stdout)
    assert out["unsigned"] is False and out["sequence"] >= 1
    assert out["items"] == 85
    assert out["documents"] >= 185 and out["faqs"] >= 60
    with Catalog.open(demo_dir) as cat:
        pilots = [d for d in cat.store.domains() if d.pilot]
        assert len(pilots) == 26
        assert out["domains"] == len(cat.store.domains())


def test_seed_documents_carry_their_real_metadata(demo_dir):
    with Catalog.open(demo_dir) as cat:
        docs = list(cat.store.documents())
        by_number = {d.doc_number: d for d in docs if d.doc_number}
        for number in ("景府办字〔2024〕28号", "彭府办字〔2023〕68号", "乐府办字〔2021〕98号"):
            assert number in by_number, number
            d = by_number[number]
            # the number is in the document's own text
            assert number.replace("〔", "").replace("〕", "")[:3] in d.body.replace(" ", "") or number in d.body
            assert d.issuer and d.issuer.endswith("人民政府办公室")
        assert by_number["景府办字〔2024〕28号"].issuer == "景德镇市人民政府办公室"
        seeds = [d for d in docs if d.id.startswith("seed-")]
        assert len(seeds) == 5
        assert all("zwgk" in d.domains and "政务公开" in d.title for d in seeds)
        assert all(d.index_number is None for d in seeds)


def test_laws_filed_under_pilot_domains(demo_dir):
    with Catalog.open(demo_dir) as cat:
        pilot_ids = {d.id for d in cat.store.domains() if d.pilot}
        laws = [d for d in cat.store.documents() if d.id.startswith("law-")]
        in_pilot = [d for d in laws if set(d.domains) & pilot_ids]
        assert len(in_pilot) >= 150
        assert {d.status for d in laws} <= {"现行有效", "已修改", "失效", "废止"}
        titles = {d.title for d in laws}
        # official full titles, as each law's own heading gives them
        assert {"中华人民共和国政府信息公开条例", "社会救助暂行办法", "中华人民共和国户口登记条例"} <= titles


def test_faq_answers_quote_their_sources(demo_dir):
    with Catalog.open(demo_dir) as cat:
        faqs = cat.store.faqs()
        assert len(faqs) >= 60
        for f in faqs:
            assert f.documents, f.id
            assert len(f.variants) >= 3, f.id
            assert "依据" in f.answer, f.id
            cites = f.extra.get("cites") or []
            assert cites, f.id
            for c in cites:
                body = cat.store.body(c["doc"])
                assert c["quote"] in body, (f.id, c["quote"])


def test_demo_search_finds_everyday_terms(demo_dir):
    with Catalog.open(demo_dir) as cat:
        for q in ("低保", "户口", "义务教育", "政务公开", "养老"):
            res = cat.search(q)
            assert res.hits, q
        assert cat.search("政府信息公开条例").hits[0].title == "中华人民共和国政府信息公开条例"


PUBLISHER_CACHE = Path.home() / ".cache" / "gov-disclosure-kiosk" / "vectors.db"


@pytest.mark.skipif(not (SHARED / "data" / "laws.jsonl.gz").exists(), reason="needs ../shared")
@pytest.mark.skipif(not PUBLISHER_CACHE.exists(), reason="needs the publisher's vector cache (filled by "
                    "one run of tools/build_demo_package.sh, about 45 minutes)")
def test_demo_package_is_reproducible(tmp_path):
    """Rebuilding from ../shared gives the committed package byte for byte (its passage vectors
    from the publisher's cache, as a county office's second package would)."""
    work = tmp_path / "repo"
    for rel in ("tools", "catalog", "resources/demo"):
        shutil.copytree(REPO / rel, work / rel)
    env = dict(os.environ, PYTHONPATH=str(REPO), CATALOG_VECTOR_CACHE=str(PUBLISHER_CACHE))
    import sys

    r = subprocess.run(["bash", "tools/build_demo_package.sh", str(SHARED)], cwd=work, env=dict(env, PYTHON=sys.executable),
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert (work / "resources/demo/demo.zip").read_bytes() == DEMO.read_bytes()
