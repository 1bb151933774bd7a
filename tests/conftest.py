import os
import sys
from pathlib import Path

# Qt aborts without a display; tests never need one.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")
# pack() computes passage vectors and keeps them in a publisher's cache: one per test run, never
# the user's own
import tempfile  # noqa: E402

os.environ.setdefault("CATALOG_VECTOR_CACHE", str(Path(tempfile.mkdtemp(prefix="vector-cache-")) / "v.db"))
sys.path.insert(0, str(Path(__file__).parent))

import pytest  # noqa: E402

from pkgtools import Keys, make_keys  # noqa: E402


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> Keys:
    """A publisher key pair and a stranger's, made once per run."""
    return make_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory):
    """The bundled demo catalogue imported for real, once per run (through the CLI)."""
    from pkgtools import REPO, run_cli

    dd = tmp_path_factory.mktemp("demo") / "data"
    r = run_cli("--data-dir", str(dd), "import", str(REPO / "resources/demo/demo.zip"),
                "--trust", str(REPO / "resources/demo/demo.pub"))
    assert r.returncode == 0, r.stderr
    return dd
