"""Shared by the kiosk tests."""

import pytest

from catalog.packaging.datadir import DataDir
from catalog.packaging.packages import import_package
from pkgtools import build, records


@pytest.fixture(scope="module")
def data(tmp_path_factory, keys):
    """A real catalogue of the fixture's 25 documents, imported once per test module (a module
    that needs more, such as test_print, defines its own)."""
    tmp = tmp_path_factory.mktemp("kiosk")
    import_package(tmp / "data", build(tmp, "v", records(25), key=keys.key), trust=[keys.pub])
    return DataDir(tmp / "data")
