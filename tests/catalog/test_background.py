"""The staff screen's apply: the public command line in a child process (catalog/packaging/background.py),
its progress and refusals read back, the child's death survived."""

import os

import pytest

from catalog.packaging.background import DIED, import_in_child
from catalog.catalogue import Catalog, status
from catalog.packaging.datadir import DataDir
from catalog.errors import CatalogError
from catalog.packaging.packages import STAGES, import_package
from pkgtools import build, records, snapshot


@pytest.fixture
def v1_dir(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", records(4), key=keys.key), trust=[keys.pub])
    return DataDir(dd)


def test_a_package_applies_in_a_child_with_progress_in_stage_order(tmp_path, keys, v1_dir):
    v2 = build(tmp_path, "v2", records(9), key=keys.key, sequence=2)
    seen, prio = [], []
    report = import_in_child(v1_dir, v2, progress=lambda s, d, t: seen.append((s, d, t)),
                             started=lambda p: prio.append(os.getpriority(os.PRIO_PROCESS, p.pid)))
    assert report.sequence == 2 and report.previous_sequence == 1
    assert len(report.changes["document"].added) == 5
    assert status(v1_dir.root).sequence == 2
    stages = list(dict.fromkeys(s for s, _d, _t in seen))
    assert stages == [s for s in STAGES if s in stages] and {"copy", "index", "switch"} <= set(stages)
    index = [(d, t) for s, d, t in seen if s == "index"]
    assert index[-1][0] == index[-1][1] == 9  # counted document by document to the end
    assert prio[0] >= min(19, os.getpriority(os.PRIO_PROCESS, 0) + 1)  # it yields the CPU to citizens
    with Catalog.open(v1_dir.root) as cat:
        assert cat.search("户口").total > 0


def test_a_refusal_in_the_child_gives_the_same_plain_reason(tmp_path, keys, v1_dir):
    stranger = build(tmp_path, "bad", records(5), key=keys.other_key, sequence=2)
    before = snapshot(v1_dir.root)
    with pytest.raises(CatalogError) as in_child:
        import_in_child(v1_dir, stranger)
    with pytest.raises(CatalogError) as in_process:
        import_package(v1_dir.root, stranger)
    assert in_child.value.message == in_process.value.message and "公钥" in in_child.value.message
    assert snapshot(v1_dir.root) == before


@pytest.mark.parametrize("point", ["staged", "index-9", "published"])
def test_the_child_dying_leaves_the_old_catalogue_and_no_leftovers(tmp_path, keys, v1_dir,
                                                                   monkeypatch, point):
    before = snapshot(v1_dir.current_generation())
    v2 = build(tmp_path, "v2", records(9), key=keys.key, sequence=2)
    monkeypatch.setenv("CATALOG_CRASH_AT", point)  # the child is killed there, as by SIGKILL
    with pytest.raises(CatalogError) as err:
        import_in_child(v1_dir, v2)
    assert err.value.message == DIED and "exited with 86" in err.value.detail
    assert status(v1_dir.root).sequence == 1
    assert snapshot(v1_dir.current_generation()) == before
    assert not v1_dir.interrupted()  # the parent removed what the child left
    monkeypatch.delenv("CATALOG_CRASH_AT")
    assert import_in_child(v1_dir, v2).sequence == 2


def test_a_child_dying_after_its_switch_is_an_applied_update(tmp_path, keys, v1_dir, monkeypatch):
    """Killed right after the pointer switch, before it could print its report: the new catalogue
    is live, so the kiosk must hear "applied" (and refresh), not "nothing changed"."""
    v2 = build(tmp_path, "v2", records(9), key=keys.key, sequence=2)
    monkeypatch.setenv("CATALOG_CRASH_AT", "switched")
    report = import_in_child(v1_dir, v2)
    assert report.sequence == 2 and report.previous_sequence == 1
    assert status(v1_dir.root).sequence == 2


def test_a_failing_progress_callback_does_not_stall_the_import(tmp_path, keys, v1_dir):
    v2 = build(tmp_path, "v2", records(9), key=keys.key, sequence=2)

    def broken(stage, done, total):
        raise RuntimeError("a screen that went away")

    assert import_in_child(v1_dir, v2, progress=broken).sequence == 2


def test_the_progress_channel_is_utf8_whatever_the_locale(tmp_path, keys, v1_dir):
    """A frozen Windows build writes its pipes in the locale's encoding (cp936) unless told: with
    --progress the command line speaks UTF-8, so the Chinese refusal survives the pipe."""
    import json
    import subprocess
    import sys

    from pkgtools import REPO

    stranger = build(tmp_path, "bad", records(5), key=keys.other_key, sequence=2)
    r = subprocess.run([sys.executable, "-m", "catalog", "--data-dir", str(v1_dir.root), "import",
                        str(stranger), "--json", "--progress"], cwd=REPO, capture_output=True,
                       env={**os.environ, "PYTHONIOENCODING": "gbk"}, timeout=120)
    assert r.returncode == 1
    lines = [json.loads(x) for x in r.stderr.decode("utf-8").splitlines() if x.startswith("{")]
    assert lines[0]["stage"] == "copy" and "公钥" in lines[-1]["error"]
