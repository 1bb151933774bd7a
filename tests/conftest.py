import os
import sys
from pathlib import Path

# Qt aborts without a display; tests never need one.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")
sys.path.insert(0, str(Path(__file__).parent))

import pytest  # noqa: E402

from pkgtools import Keys, make_keys  # noqa: E402


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> Keys:
    """A publisher key pair and a stranger's, made once per run."""
    return make_keys(tmp_path_factory.mktemp("keys"))
