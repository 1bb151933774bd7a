"""The pages the kiosk shows are composed in catalog.views, and `python -m catalog show` prints
exactly them; `inspect` says of a package what the staff screen says."""

import json

import pytest

from catalog import views
from catalog.catalogue import Catalog
from catalog.packaging.packages import import_package
from pkgtools import build, records, run_cli


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory, keys):
    tmp = tmp_path_factory.mktemp("views")
    import_package(tmp / "data", build(tmp, "v1", records(8), key=keys.key), trust=[keys.pub])
    return tmp, tmp / "data"


def cli(dd, *args):
    r = run_cli("--data-dir", str(dd), *args)
    assert "Traceback" not in r.stderr, r.stderr
    return r


def test_show_prints_the_pages_the_views_compose(kiosk):
    _, dd = kiosk
    with Catalog.open(dd) as cat:
        home = views.home(cat)
        doc_id = home.latest[0].id
        faq = home.questions[0]
        wanted = {("home",): home, ("questions",): views.popular_questions(cat),
                  ("document", doc_id): views.document(cat, doc_id),
                  ("domain", faq.domains[0]): views.domain(cat, faq.domains[0]),
                  ("faq", faq.id): views.answer_of(cat, faq.id)}
    for args, page in wanted.items():
        r = cli(dd, "show", *args, "--json")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout) == json.loads(json.dumps(page.to_json(), ensure_ascii=False)), args
        assert cli(dd, "show", *args).stdout.strip()  # and in words for people
    assert home.questions and all(f.domains for f in home.questions)
    assert len({f.domains[0] for f in home.questions}) == len(home.questions), "one question per domain first"


def test_show_of_an_unknown_id_says_so(kiosk):
    _, dd = kiosk
    for args, words in ((("document", "nosuch"), "没有编号为 nosuch 的文件"), (("faq", "x"), "没有编号为 x 的问答"),
                        (("domain",), "请给出编号")):
        r = cli(dd, "show", *args, "--json")
        assert r.returncode == 1 and words in r.stderr, r.stderr


def test_inspect_says_what_the_staff_screen_says(kiosk, keys):
    tmp, dd = kiosk
    newer = build(tmp, "v2", records(9), key=keys.key, sequence=2)
    info = json.loads(cli(dd, "inspect", str(newer), "--json").stdout)
    assert info["applies"] and info["sequence"] == 2 and info["counts"]["document"] == 9
    older = json.loads(cli(dd, "inspect", str(tmp / "v1.zip"), "--json").stdout)
    assert not older["applies"] and "不比本机目录" in older["reason"]
    assert "不能导入" in cli(dd, "inspect", str(tmp / "v1.zip")).stdout


def test_pack_rollback_and_extract_print_their_reports_json(tmp_path, keys):
    """Their JSON was built by hand in cli.py beside the reports; each report now has to_json, which
    the CLI prints: this holds those fields to the contract (none of the three had a test)."""
    from pkgtools import write_source

    src = write_source(tmp_path / "src", records(6))
    out = tmp_path / "v1.zip"
    r = cli(tmp_path / "unused", "pack", "--no-vectors", str(src), str(out), "--key", str(keys.key),
            "--sequence", "1", "--json")
    assert r.returncode == 0, r.stderr
    packed = json.loads(r.stdout)
    assert set(packed) == {"path", "sequence", "kind", "base_sequence", "files", "fingerprint", "vectors"}
    assert (packed["sequence"], packed["kind"], packed["vectors"], packed["path"]) == (1, "full", False, str(out))
    dd = tmp_path / "data"
    import_package(dd, out, trust=[keys.pub])
    import_package(dd, build(tmp_path, "v2", records(7), key=keys.key, sequence=2))
    r = cli(dd, "rollback", "--json")
    assert r.returncode == 0 and json.loads(r.stdout) == {"from_sequence": 2, "to_sequence": 1}, r.stderr
    doc = records(6)["document"][0]["id"]
    pdf = tmp_path / "x.pdf"
    r = cli(dd, "extract", doc, "--paragraphs", "1", "-o", str(pdf), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"path": str(pdf), "pages": 1, "paragraphs": [1]} and pdf.stat().st_size > 0
