"""Bounded queries: an absurd query is cut to settings.MAX_QUERY_CHARS and says so; ``--batch``
answers every line, with an error object in place of a line it cannot read; an argument that is
not valid UTF-8 is read, not a traceback. (Time and memory of a 1 MB line: bench/hostile.py.)"""

import json
import os
import subprocess
import sys

from catalog import settings
from catalog.catalogue import Catalog
from catalog.packaging.datadir import DataDir
from tests.pkgtools import REPO, run_cli


def test_a_long_query_is_cut_and_says_so(demo_dir):
    with Catalog.open(DataDir(demo_dir)) as cat:
        q = "低保怎么申请" * 20_000                           # 120,000 Chinese characters
        r = cat.search(q)
        assert r.cut_from == len(q) and len(r.query) == settings.MAX_QUERY_CHARS
        assert r.hits, "the first characters are still searched"
        a = cat.ask(q)
        assert a.cut_from == len(q) and len(a.question) == settings.MAX_QUERY_CHARS
        # letters only: the pinyin reading was quadratic (30,000 letters took 24 s and 3.6 GB)
        p = cat.search("shipinanquan" * 2_500)
        assert p.cut_from == 30_000
        # a short query is not marked
        assert cat.search("低保").cut_from is None and cat.ask("低保怎么申请").cut_from is None


def test_the_query_reader_itself_reads_no_further(demo_dir):
    """Found by tests/catalog/test_fuzz.py: Catalog.plan, which search and ask call, read the
    whole text (a 300,000-character plan took the fuzzing process past 24 GB)."""
    with Catalog.open(DataDir(demo_dir)) as cat:
        plan = cat.plan("低保" * 100 + "医疗保险" * 50)  # the first 200 characters are 低保 alone
        words = {g.label for g in plan.groups}
        assert "低保" in words and not words & {"医疗", "医疗保险", "保险"}, words


def test_lone_surrogates_and_control_characters_are_read_not_raised(demo_dir):
    with Catalog.open(DataDir(demo_dir)) as cat:
        q = "低保\udcff\udcfe怎么\x00申请\x07"
        r = cat.search(q)
        a = cat.ask(q)
        for text in (r.query, a.question):
            assert "\x00" not in text and not any(0xD800 <= ord(c) <= 0xDFFF for c in text)
            text.encode("utf-8")  # what goes into the JSON can be written
        assert r.hits


def test_batch_answers_every_line_and_marks_the_unreadable_one(demo_dir, tmp_path):
    batch = tmp_path / "q.txt"
    batch.write_bytes("低保\n".encode() + b"\xff\xfe\xb5\xcd\xb1\xa3\n" + "医保\n".encode()
                      + ("救助" * 600_000).encode() + b"\n")  # a 3.6 MB line last
    for cmd in ("search", "ask"):
        r = run_cli("--data-dir", str(demo_dir), cmd, "--batch", str(batch), "--json")
        assert r.returncode == 0, r.stderr
        assert "Traceback" not in r.stderr
        out = [json.loads(line) for line in r.stdout.splitlines()]
        assert len(out) == 4
        field = "query" if cmd == "search" else "question"
        assert out[0][field] == "低保" and out[2][field] == "医保"
        assert set(out[1]) == {"line", "error"} and out[1]["line"] == 2 and "UTF-8" in out[1]["error"]
        assert out[3]["cut_from"] == 1_200_000 and len(out[3][field]) == settings.MAX_QUERY_CHARS


def test_an_argument_that_is_not_utf8_is_answered(demo_dir):
    for cmd in ("search", "ask"):
        r = subprocess.run([sys.executable, "-m", "catalog", "--data-dir", str(demo_dir), cmd,
                            b"\xb5\xcd\xb1\xa3 \xe4\xbd\x8e\xe4\xbf\x9d", "--json"],
                           cwd=REPO, env=dict(os.environ), capture_output=True, timeout=300)
        assert r.returncode == 0, r.stderr.decode(errors="replace")
        assert b"Traceback" not in r.stderr
        got = json.loads(r.stdout)
        assert "低保" in got["query" if cmd == "search" else "question"]
