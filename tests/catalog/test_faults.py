"""Faults during an apply that a kiosk meets in the field, each leaving one complete catalogue and
a plain-Chinese reason: a package that passes every check but fails while its index is built, a
disk that fills up (a write failure injected at the storage layer, as ENOSPC), and failures
after the new generation is written but before the switch. Power cuts are test_crash.py's."""

from pathlib import Path

import pytest

from catalog.catalogue import Catalog, status
from catalog.packaging.datadir import DataDir
from catalog.errors import CatalogError
from catalog.packaging.packages import import_package
from pkgtools import build, records, snapshot

FAULTS = [
    ("index-10", "建立新目录时出错"),             # the indexer fails on a package that passed its checks
    ("store-written", "建立新目录时出错"),
    ("vectors-built", "建立新目录时出错"),
    ("published", "建立新目录时出错"),           # written, not yet switched to
    ("enospc:store-written", "磁盘空间不足"),   # the disk fills while the store is written
    ("enospc:index-built", "磁盘空间不足"),
    ("enospc:index-10", "磁盘空间不足"),
]


@pytest.mark.parametrize("point,message", FAULTS)
def test_a_failed_apply_keeps_the_old_catalogue(tmp_path, keys, monkeypatch, point, message):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", records(6), key=keys.key), trust=[keys.pub])
    current = DataDir(dd).current_generation()
    before = snapshot(current)
    v2 = build(tmp_path, "v2", records(10), key=keys.key, sequence=2)
    monkeypatch.setenv("CATALOG_FAIL_AT", point)
    with pytest.raises(CatalogError) as err:
        import_package(dd, v2)
    assert message in err.value.message and "原来的目录照常使用" in err.value.message
    # one complete catalogue, the old one, untouched; nothing half-built left behind
    assert status(dd).sequence == 1
    assert snapshot(current) == before
    assert [p.name for p in DataDir(dd).generations.iterdir()] == [current.name]
    assert not list(DataDir(dd).root.glob("staging-*"))
    with Catalog.open(dd) as cat:
        assert cat.search("户口").total > 0
    # and once the fault is gone, the same package applies
    monkeypatch.delenv("CATALOG_FAIL_AT")
    assert import_package(dd, v2).sequence == 2


def test_the_stick_pulled_out_mid_copy(tmp_path, keys, monkeypatch):
    """The package folder on the stick stops answering after the first file is copied (what a
    pulled stick does to reads: EIO) — a stand-in for hardware; everything after it is real."""
    import errno
    import zipfile

    import catalog.packaging.archive as archive

    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", records(6), key=keys.key), trust=[keys.pub])
    before = snapshot(dd)
    folder = tmp_path / "stick" / "v2"
    with zipfile.ZipFile(build(tmp_path, "v2", records(10), key=keys.key, sequence=2)) as z:
        z.extractall(folder)
    copied = []
    real_copy = archive._copy

    def flaky_copy(entry, *a, **k):  # the first file copies, the next read fails as a pulled stick's does
        if copied:
            raise OSError(errno.EIO, "Input/output error")
        copied.append(entry.rel)
        return real_copy(entry, *a, **k)

    monkeypatch.setattr(archive, "_copy", flaky_copy)
    with pytest.raises(CatalogError) as err:
        import_package(dd, folder)
    assert "U盘被拔出" in err.value.message and "没有任何改动" in err.value.message
    assert snapshot(dd) == before  # not even a staging folder is left
    monkeypatch.setattr(archive, "_copy", real_copy)
    assert import_package(dd, folder).sequence == 2  # plugged in again: it applies


FULL_DISK = """
set -u
mount -t tmpfs -o size={size}k tmpfs "$DISK" || exit 97
"$PY" -m catalog --data-dir "$DISK/data" import "$V1" --trust "$PUB" --json > "$OUT/v1.json" 2> "$OUT/v1.err"
echo $? > "$OUT/v1.rc"
"$PY" -m catalog --data-dir "$DISK/data" import "$V2" --json > "$OUT/v2.json" 2> "$OUT/v2.err"
echo $? > "$OUT/v2.rc"
"$PY" -m catalog --data-dir "$DISK/data" status --json > "$OUT/status.json"
"$PY" -m catalog --data-dir "$DISK/data" search 户口 --json > "$OUT/search.json"
(cd "$DISK/data" && find . -path ./logs -prune -o -print | sort) > "$OUT/files.txt"
df -k "$DISK" | tail -1 > "$OUT/df.txt"
cp -r "$DISK/data/logs" "$OUT/logs" 2>/dev/null
"""


# Disk sizes (KB) at which, on these machines, the second package's copy, SQLite store, tantivy
# index and vocabulary table are the write that fails. The test needs three distinct points; the
# outcome must be the same at all of them.
DISK_KB = [1200, 2000, 2400, 2800]


def _failed_at(log: str) -> str:
    """Where the import met the full disk, from its log: the staging copy, or the innermost frame
    of our code in the logged traceback."""
    if "disk full while staging" in log:
        return "copy"
    frames = [ln.split(" in ")[-1] for ln in log.splitlines() if 'File "' in ln and "/catalog/" in ln]
    return frames[-1] if frames else "?"


def test_a_really_full_disk_keeps_the_old_catalogue(tmp_path, keys):
    """A real small disk (a tmpfs in a private mount namespace) that the first catalogue fits on
    and the second does not, at several sizes. Whatever write the disk refuses first (the copy,
    SQLite, the index), the import stops, says the disk is full, removes what it wrote and serves
    the old catalogue. Skipped where mounts are not allowed; the injected ENOSPC cases above
    still run."""
    import json
    import shutil
    import subprocess
    import sys

    if shutil.which("unshare") is None:
        pytest.skip("unshare is not available")
    v1 = build(tmp_path, "v1", records(3), key=keys.key)            # ~0.7 MB once applied
    v2 = build(tmp_path, "v2", records(25), key=keys.key, sequence=2)  # ~2.5 MB: cannot fit
    points = {}
    for size in DISK_KB:
        disk, out = tmp_path / f"disk{size}", tmp_path / f"out{size}"
        disk.mkdir()
        out.mkdir()
        env = {"DISK": str(disk), "OUT": str(out), "PY": sys.executable, "V1": str(v1), "V2": str(v2),
               "PUB": str(keys.pub), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
               "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        run = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "bash", "-c",
                              FULL_DISK.format(size=size)], env=env, capture_output=True, text=True,
                             timeout=600)
        if run.returncode == 97 or not (out / "v1.rc").exists():
            pytest.skip(f"cannot mount a small disk here: {run.stderr.strip()[:200]}")
        assert (out / "v1.rc").read_text().strip() == "0", (out / "v1.err").read_text()
        assert (out / "v2.rc").read_text().strip() == "1", f"v2 fit on {size} KB"
        message = (out / "v2.err").read_text().strip().splitlines()[-1]
        assert "磁盘空间不足" in message, message
        assert "原来的目录照常使用" in message or "目录没有任何改动" in message, message
        assert json.loads((out / "status.json").read_text())["sequence"] == 1
        assert json.loads((out / "search.json").read_text())["total"] > 0
        files = (out / "files.txt").read_text().split()
        assert not [f for f in files if "staging-" in f], files
        gens = {f.split("/")[2] for f in files if f.startswith("./generations/") and f.count("/") >= 2}
        assert len(gens) == 1, gens  # only the live generation; the partial one is gone
        points[size] = _failed_at((out / "logs" / "catalog.log").read_text(encoding="utf-8"))
    assert len(set(points.values())) >= 3, points  # the copy, the store, the index...
