"""Property-based fuzzing (hypothesis) of what comes from outside: the package boundary (zip
listings and bytes, manifests, records, synonym files, whole signed packages) and query reading.

Every input is either accepted or refused with a plain-Chinese CatalogError; nothing else may
come out (no traceback), a refused import leaves the data folder exactly as it was, nothing is
written outside the staging folder, and memory stays bounded. The default run tries a few hundred
inputs per target; ``-m slow`` runs the long campaign (FUZZ_SCALE multiplies it; the summary line
each target prints gives the count and the time).
"""

from __future__ import annotations

import io
import json
import os
import resource
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.packaging import archive
from catalog.catalogue import Catalog
from catalog.errors import CatalogError
from catalog.packaging.checks import read_manifest
from catalog.packaging.packages import import_package
from catalog.packaging.records import RECORD_TYPES, read_records, read_terms
from catalog.settings import MAX_QUERY_CHARS, PACKAGE_FORMAT, PACKAGE_FORMAT_VERSION
from pkgtools import FILE_OF, PUBLISHER, build, records, signed_zip, snapshot

# inputs per target: the default run, and the slow campaign (>= 100,000 in all)
QUICK = {"manifest": 300, "records": 300, "terms": 100, "zip": 200, "import": 40, "query": 200}
LONG = {"manifest": 30_000, "records": 30_000, "terms": 10_000, "zip": 20_000, "import": 2_000,
        "query": 10_000}
MEMORY_GROWTH_MB = 400  # what a whole campaign may add to the process's peak (a bomb would be GBs)


def _settings(target: str, long: bool):
    n = LONG[target] * int(os.environ.get("FUZZ_SCALE", "1")) if long else QUICK[target]
    return settings(max_examples=n, deadline=None, database=None, derandomize=not long,
                    suppress_health_check=list(HealthCheck))


class _Tally:
    """Counts what each target did, and prints it (pytest -s shows it; the closing notes quote it)."""

    def __init__(self, target: str):
        self.target, self.n, self.outcomes = target, 0, {}
        self.began = time.monotonic()
        self.peak0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def saw(self, outcome: str) -> None:
        self.n += 1
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def done(self) -> None:
        grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - self.peak0) / 1024
        print(f"\nfuzz {self.target}: {self.n} inputs in {time.monotonic() - self.began:.1f} s, "
              f"{json.dumps(self.outcomes, ensure_ascii=False)}, peak RSS +{grew:.0f} MB")
        assert self.n > 0
        assert grew < MEMORY_GROWTH_MB, f"peak memory grew {grew:.0f} MB"


def _refused_or(fn, tally: _Tally):
    """Run ``fn``: accepted, or refused with a message for people. Anything else fails the test."""
    try:
        fn()
    except CatalogError as exc:
        assert exc.message and "Traceback" not in exc.message
        assert any("\u4e00" <= c <= "\u9fff" for c in exc.message), exc.message  # said in Chinese
        tally.saw("refused")
        return False
    tally.saw("accepted")
    return True


# strategies ------------------------------------------------------------------------------
json_scalar = (st.none() | st.booleans() | st.integers() | st.integers(min_value=2**62, max_value=2**70)
               | st.floats(allow_nan=True) | st.text(max_size=30)
               | st.sampled_from(["2024-01-01", "9999-99-99", "２０２４-０１-０１", "0000-00-00", "2024-02-30",
                                  "../x", "a\u202eb", "", " ", "\x00", "有效", "已废止", "doc-1", "faq-1"]))
json_value = st.recursive(json_scalar, lambda c: st.lists(c, max_size=4)
                          | st.dictionaries(st.text(max_size=8), c, max_size=4), max_leaves=12)
names = st.one_of(
    st.text(min_size=1, max_size=40),
    st.sampled_from(["manifest.json", "manifest.sig", "documents.jsonl", "faqs.jsonl", "domains.jsonl",
                     "items.jsonl", "terms.txt", "files/a.pdf", "../evil", "/etc/passwd", "a/../../b",
                     "C:\\x", "dir/", "a\\b", "con", "a" * 300, "/".join(["d"] * 40), "文件/附件.docx",
                     "x\x00y", "..", "."]),
)


def _mutate(data: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    b = bytearray(data)
    for pos, val in edits:
        if b:
            b[pos % len(b)] = val
    if cut is not None and b:
        b = b[:cut % len(b)]
    return bytes(b)


edits = st.lists(st.tuples(st.integers(0, 2**31), st.integers(0, 255)), max_size=8)
cuts = st.none() | st.integers(0, 2**31)


# the manifest ------------------------------------------------------------------------------
def _manifest_target(long: bool):
    tally = _Tally("manifest")
    base = {"format": PACKAGE_FORMAT, "format_version": PACKAGE_FORMAT_VERSION, "publisher": PUBLISHER, "region": "测试县",
            "sequence": 2, "kind": "full", "files": {"documents.jsonl": "0" * 64}}

    @_settings("manifest", long)
    @given(st.one_of(
        st.binary(max_size=300),
        st.dictionaries(st.sampled_from([*base, "base_sequence", "created", "extra"]), json_value,
                        max_size=6).map(lambda over: json.dumps({**base, **over}, ensure_ascii=False).encode()),
        st.builds(_mutate, st.just(json.dumps(base).encode()), edits, cuts),
    ))
    def check(raw):
        _refused_or(lambda: read_manifest(raw), tally)

    check()
    tally.done()


# records and terms ---------------------------------------------------------------------------
def _records_target(tmp: Path, long: bool):
    tally = _Tally("records")
    good = records(3)

    def lines(rtype, overrides, raw_lines):
        out = []
        for i, rec in enumerate(good[rtype]):
            rec = dict(rec)
            if i < len(overrides):
                rec.update(overrides[i])
            out.append(json.dumps(rec, ensure_ascii=False).encode())
        return b"\n".join(out + raw_lines) + b"\n"

    @_settings("records", long)
    @given(st.sampled_from(RECORD_TYPES),
           st.lists(st.dictionaries(st.sampled_from(["id", "title", "name", "published", "written", "status",
                                                     "domains", "items", "documents", "order", "body",
                                                     "attachments", "question", "answer", "variants",
                                                     "interprets", "url", "kind"]), json_value, max_size=4),
                    max_size=3),
           st.lists(st.binary(max_size=60) | st.just(b"[" * 5000) | st.just(b"9" * 5000), max_size=2))
    def check(rtype, overrides, raw_lines):
        path = tmp / FILE_OF[rtype]
        path.write_bytes(lines(rtype, overrides, raw_lines))
        _refused_or(lambda: list(read_records(path, rtype)), tally)

    check()
    tally.done()

    tally = _Tally("terms")

    @_settings("terms", long)
    @given(st.binary(max_size=400) | st.lists(st.lists(st.text(max_size=35), max_size=50), max_size=20).map(
        lambda groups: "\n".join(" ".join(g) for g in groups).encode("utf-8", "surrogatepass")))
    def check_terms(raw):
        path = tmp / "terms.txt"
        path.write_bytes(raw)
        _refused_or(lambda: read_terms(path), tally)

    check_terms()
    tally.done()


# zips at the boundary ----------------------------------------------------------------------
def _zip_bytes(entries, method_of) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for (name, data), method in zip(entries, method_of):
            if isinstance(data, int):  # zeros: a length stands for them (a short repr when it fails)
                data = bytes(data)
            info = zipfile.ZipInfo(name)
            info.compress_type = method
            try:
                zf.writestr(info, data)
            except (ValueError, UnicodeEncodeError):
                pass  # a name zipfile itself will not write
    return buf.getvalue()


def _zip_target(tmp: Path, long: bool):
    tally = _Tally("zip")
    methods = st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])

    @_settings("zip", long)
    @given(st.lists(st.tuples(names, st.binary(max_size=200) | st.sampled_from([1 << 17, 3 << 20])), max_size=6),
           st.lists(methods, min_size=6, max_size=6), edits, cuts, st.booleans())
    def check(entries, method_of, byte_edits, cut, gated):
        root = tmp / "zip-case"
        shutil.rmtree(root, ignore_errors=True)
        dest = root / "dest"
        dest.mkdir(parents=True)
        src = root / "package.zip"
        src.write_bytes(_mutate(_zip_bytes(entries, method_of), byte_edits, cut))
        gate = (lambda d, present: set(present)) if gated else None
        _refused_or(lambda: archive.stage(src, dest, gate), tally)
        outside = {p.relative_to(root).as_posix() for p in root.rglob("*")} - {"package.zip", "dest"}
        assert all(p.startswith("dest/") for p in outside), outside  # nothing lands outside dest

    check()
    tally.done()


# whole signed packages into a live kiosk ----------------------------------------------------
def _import_target(tmp: Path, keys, long: bool):
    tally = _Tally("import")
    pristine = tmp / "pristine"
    import_package(pristine, build(tmp, "v1", records(4), key=keys.key), trust=[keys.pub])
    good = records(5)
    good_files = {FILE_OF[t]: "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in good[t])
                  for t in RECORD_TYPES}
    plain_zip = build(tmp, "v2", good, key=keys.key, sequence=2).read_bytes()
    dd = tmp / "kiosk"
    shutil.copytree(pristine, dd)
    before = snapshot(dd)

    @_settings("import", long)
    @given(st.one_of(
        st.tuples(st.just("bytes"), st.builds(_mutate, st.just(plain_zip), edits, cuts)),
        st.tuples(st.just("signed"), st.tuples(
            st.sampled_from(sorted(good_files)), st.integers(0, 4),
            st.dictionaries(st.sampled_from(["id", "title", "published", "status", "domains", "items",
                                             "documents", "order", "body", "attachments", "question"]),
                            json_value, max_size=3),
            st.dictionaries(st.sampled_from(["kind", "base_sequence", "region", "extra"]), json_value, max_size=2))),
    ))
    def check(case):
        nonlocal before
        how, what = case
        pkg = tmp / "case.zip"
        if how == "bytes":
            pkg.write_bytes(what)
        else:
            fname, line, override, manifest_extra = what
            files = dict(good_files)
            rows = files[fname].splitlines()
            if rows:
                rec = json.loads(rows[line % len(rows)])
                rec.update(override)
                rows[line % len(rows)] = json.dumps(rec, ensure_ascii=False)
            files[fname] = "\n".join(rows) + "\n"
            signed_zip(pkg, files, keys.key, 2, **manifest_extra)
        if _refused_or(lambda: import_package(dd, pkg), tally):
            # accepted: it must serve; then back to the pristine kiosk for the next input
            with Catalog.open(dd) as cat:
                cat.search("救助")
            shutil.rmtree(dd)
            shutil.copytree(pristine, dd)
            before = snapshot(dd)
        else:
            assert snapshot(dd) == before, "a refused package changed the data folder"

    check()
    tally.done()


# query reading ------------------------------------------------------------------------------
def _query_target(cat, long: bool):
    tally = _Tally("query")
    text = st.one_of(
        st.text(max_size=300),
        st.text(st.characters(exclude_categories=()), max_size=80),  # lone surrogates, controls
        st.tuples(st.text(min_size=1, max_size=6), st.integers(1, 60_000)).map(lambda t: (t[0] * t[1])[:300_000]),
        st.sampled_from(["zenme", "dibaozenmeshenqing", "低保" * 5000, "a" * 100_000, "\ud800" * 50, "",
                         " " * 1000, "的的的的的", "OR AND NOT ( ) * ? : \" ~ ^ [ ]", "第三十七条"]),
    )

    @_settings("query", long)
    @given(text, st.sampled_from(["plan", "search", "ask", "suggest"]))
    def check(q, how):
        if how == "plan":
            cat.plan(q)
        elif how == "search":
            r = cat.search(q, limit=5)
            assert (r.cut_from is not None) == (len(q) > MAX_QUERY_CHARS)
        elif how == "ask":
            cat.ask(q)
        else:
            cat.suggest(q[:40])
        tally.saw(how)

    check()
    tally.done()


# the tests ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fuzz_kiosk(tmp_path_factory, keys):
    tmp = tmp_path_factory.mktemp("fuzzcat")
    import_package(tmp / "data", build(tmp, "v", records(25), key=keys.key), trust=[keys.pub])
    cat = Catalog.open(tmp / "data")
    yield cat
    cat.close()


def test_fuzz_manifest():
    _manifest_target(long=False)


def test_fuzz_records_and_terms(tmp_path):
    _records_target(tmp_path, long=False)


def test_fuzz_zip_boundary(tmp_path):
    _zip_target(tmp_path, long=False)


def test_fuzz_signed_packages_into_a_live_kiosk(tmp_path, keys):
    _import_target(tmp_path, keys, long=False)


def test_fuzz_queries(fuzz_kiosk):
    _query_target(fuzz_kiosk, long=False)


@pytest.mark.slow
@pytest.mark.timeout(6 * 3600)
def test_fuzz_campaign(tmp_path, keys, fuzz_kiosk):
    """The long run: >= 100,000 inputs over all targets (see LONG)."""
    began = time.monotonic()
    _zip_target(tmp_path, long=True)
    _import_target(tmp_path, keys, long=True)
    _query_target(fuzz_kiosk, long=True)
    _manifest_target(long=True)
    _records_target(tmp_path, long=True)
    print(f"\nfuzz campaign: {sum(LONG.values())} inputs planned, {time.monotonic() - began:.0f} s")
