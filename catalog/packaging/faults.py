"""Fault-injection points, for the tests that cut the power or fill the disk in the middle of an
import (tests/catalog/test_crash.py, test_faults.py, and the staff screen's)."""

from __future__ import annotations

import errno
import os
import time


def checkpoint(name: str) -> None:
    """``CATALOG_CRASH_AT=name`` kills the process here, exactly as a power cut would (no cleanup,
    no flush); ``CATALOG_FAIL_AT=name`` raises the error a failing indexer would, and
    ``CATALOG_FAIL_AT=enospc:name`` the one a full disk gives. ``CATALOG_PAUSE_AT=name`` waits
    there a minute, so a test can kill the process at that point."""
    if os.environ.get("CATALOG_CRASH_AT") == name:
        os._exit(86)
    if os.environ.get("CATALOG_PAUSE_AT") == name:
        time.sleep(60)
    fail = os.environ.get("CATALOG_FAIL_AT")
    if fail == name:
        raise RuntimeError(f"injected failure at {name}")
    if fail == f"enospc:{name}":
        raise OSError(errno.ENOSPC, "No space left on device (injected)")
