"""Faults during an apply that a kiosk meets in the field, each leaving one complete catalogue and
a plain-Chinese reason: a package that passes every check but fails while its index is built, a
disk that fills up (a write failure injected at the storage layer, as ENOSPC), and failures
after the new generation is written but before the switch. Power cuts are test_crash.py's."""

import pytest

from catalog.catalogue import Catalog, status
from catalog.datadir import DataDir
from catalog.errors import CatalogError
from catalog.packages import import_package
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
    import shutil
    import zipfile

    import catalog.archive as archive

    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", records(6), key=keys.key), trust=[keys.pub])
    before = snapshot(dd)
    folder = tmp_path / "stick" / "v2"
    with zipfile.ZipFile(build(tmp_path, "v2", records(10), key=keys.key, sequence=2)) as z:
        z.extractall(folder)
    copied = []
    real_copy = shutil.copyfile

    def flaky_copy(src, dst, *a, **k):
        if copied:
            raise OSError(errno.EIO, "Input/output error")
        copied.append(src)
        return real_copy(src, dst, *a, **k)

    monkeypatch.setattr(archive.shutil, "copyfile", flaky_copy)
    with pytest.raises(CatalogError) as err:
        import_package(dd, folder)
    assert "U盘被拔出" in err.value.message and "没有任何改动" in err.value.message
    assert snapshot(dd) == before  # not even a staging folder is left
    monkeypatch.setattr(archive.shutil, "copyfile", real_copy)
    assert import_package(dd, folder).sequence == 2  # plugged in again: it applies
