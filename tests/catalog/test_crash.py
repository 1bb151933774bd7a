"""Kill an importing process at many points; the data folder must always serve exactly the old or
the new catalogue (store and index agreeing), and the next import must succeed."""

import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from catalog.catalogue import Catalog, status
from catalog.packaging.datadir import DataDir
from catalog.packaging.packages import import_package
from pkgtools import REPO, build, records

# Named fault points (catalog.packaging.faults.checkpoint, CATALOG_CRASH_AT), in the order an import passes them.
NAMED_POINTS = ["copy-0", "staged", "verify-0", "verified", "build-dir", "store-0", "store-written",
                "index-20", "index-25", "index-built", "switch-0", "published", "switched", "switch-1"]


@pytest.fixture(scope="module")
def setup(tmp_path_factory, keys):
    tmp = tmp_path_factory.mktemp("crash")
    v1 = build(tmp, "v1", records(5), key=keys.key, sequence=1)
    recs2 = records(25)
    recs2["document"][0]["title"] = recs2["document"][0]["title"] + "（第二版标记）"
    v2 = build(tmp, "v2", recs2, key=keys.key, sequence=2)
    pristine = tmp / "pristine"
    import_package(pristine, v1, trust=[keys.pub])
    expected = {}
    for seq, pkg in ((1, None), (2, v2)):
        dd = tmp / f"ref{seq}"
        shutil.copytree(pristine, dd)
        if pkg:
            import_package(dd, pkg)
        expected[seq] = fingerprint(dd)
    # how long an uninterrupted import of v2 takes after it starts reporting progress
    dd = tmp / "timing"
    shutil.copytree(pristine, dd)
    proc = start_import(dd, v2)
    proc.stderr.readline()
    t0 = time.monotonic()
    assert proc.wait(120) == 0
    apply_s = time.monotonic() - t0
    return tmp, v2, pristine, expected, apply_s


def fingerprint(dd):
    """What a citizen could observe: version, counts, the ids in the store and in the index, a search."""
    st = status(dd)
    with Catalog.open(dd) as cat:
        assert cat.store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        store_ids = sorted(cat.store.ids("document"))
        index_ids = sorted(cat.engine.all_ids())
        assert store_ids == index_ids, "store and index disagree"
        hits = [h.id for h in cat.search("救助").hits]
        marker = cat.search("第二版标记").total
    return (st.sequence, st.documents, st.faqs, st.items, tuple(store_ids), tuple(hits), marker)


def start_import(dd, pkg, env=None):
    return subprocess.Popen([sys.executable, "-m", "catalog", "--data-dir", str(dd), "import", str(pkg)],
                            cwd=REPO, env=dict(os.environ, **(env or {})), stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)


def check_after_crash(dd, v2, expected):
    got = fingerprint(dd)
    assert got in (expected[1], expected[2]), f"mixed or broken catalogue: {got[:4]}"
    # The kiosk starts as it does after a power cut: it notices an interrupted update (and says so
    # on screen, kiosk/window.py), cleans the leftovers and serves one complete catalogue.
    from kiosk.bootstrap import open_catalog

    left_over = DataDir(dd).interrupted()
    cat = open_catalog(DataDir(dd), demo=False)
    try:
        assert cat.interrupted_update == left_over
    finally:
        cat.close()
    assert not DataDir(dd).interrupted()
    assert fingerprint(dd) == got
    if got == expected[1]:
        import_package(dd, v2)
    assert fingerprint(dd) == expected[2]
    gens = {p.name for p in DataDir(dd).generations.iterdir()}
    assert not [g for g in gens if g.startswith("tmp-")]
    assert not [p for p in dd.iterdir() if p.name.startswith("staging-")]
    return got[0]


@pytest.mark.parametrize("point", NAMED_POINTS)
def test_crash_at_named_point(setup, tmp_path, point):
    tmp, v2, pristine, expected, _ = setup
    dd = tmp_path / "dd"
    shutil.copytree(pristine, dd)
    proc = start_import(dd, v2, env={"CATALOG_CRASH_AT": point})
    proc.communicate(timeout=120)
    assert proc.returncode == 86, f"fault point {point} was never reached"
    seq = check_after_crash(dd, v2, expected)
    # before the pointer switch the old catalogue serves; after it the new one
    assert seq == (2 if point in ("switched", "switch-1") else 1)


def _timed_kills(setup, tmp_path, n, seed):
    tmp, v2, pristine, expected, apply_s = setup
    rng = random.Random(seed)
    seen = []
    for i in range(n):
        dd = tmp_path / f"dd{i}"
        shutil.copytree(pristine, dd)
        proc = start_import(dd, v2)
        proc.stderr.readline()  # the import has started working on the package
        time.sleep(rng.uniform(0, apply_s * 1.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        seen.append(check_after_crash(dd, v2, expected))
        shutil.rmtree(dd)
    return seen


def test_crash_at_random_moments(setup, tmp_path):
    seen = _timed_kills(setup, tmp_path, n=10, seed=20261122)
    assert set(seen) <= {1, 2}


@pytest.mark.slow
def test_crash_at_random_moments_long(setup, tmp_path):
    seen = _timed_kills(setup, tmp_path, n=60, seed=7)
    assert 1 in seen and 2 in seen
