"""Errors that carry a plain-Chinese message for people and a technical detail for logs."""

import errno
import re
import sys

_OS_DISK_FULL = r"\(os error (28|112|39)\)" if sys.platform.startswith("win") else r"\(os error 28\)"


class CatalogError(Exception):
    """Something a person must be told about, in plain Chinese.

    ``message`` is the sentence shown to people (what happened, what to do);
    ``detail`` is the technical detail that goes to the log.
    """

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class PackageRefused(CatalogError):
    """A catalogue package was refused; nothing on the kiosk changed.

    ``needs`` names the staff confirmation that would let it apply ("change_publisher",
    "sequence_jump"), when a confirmation can; None when nothing can."""

    def __init__(self, message: str, detail: str = "", needs: str | None = None):
        super().__init__(message, detail)
        self.needs = needs


class DamagedCatalogue(CatalogError):
    """The kiosk's catalogue files cannot be read (a damaged disk, a power cut outside any
    import). An import treats it as no catalogue, so re-importing a package always repairs it."""


class IndexDamaged(DamagedCatalogue):
    """The catalogue's data (catalog.db) reads, but a search index built from it is missing,
    unreadable or does not match it. ``catalog.packaging.packages.repair`` rebuilds it from the data; the
    kiosk does so by itself when it starts."""


class NoCatalogue(CatalogError):
    """The data folder holds no catalogue yet."""


def disk_full(exc: BaseException) -> bool:
    """Whether a failure, or one it was raised from, is the disk filling up. Each layer says it its
    own way: the OS with ENOSPC (or a quota's EDQUOT), SQLite with SQLITE_FULL ("database or disk
    is full"), and libraries that wrap either in an exception of their own."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            return True
        if getattr(exc, "sqlite_errorcode", None) == 13:  # SQLITE_FULL
            return True
        text = str(exc).lower()
        if "disk is full" in text or "no space left on device" in text:
            return True
        # Rust's io::Error text, as tantivy passes it on: "... (os error 28)" is ENOSPC; Windows says
        # it in the system's language, with ERROR_DISK_FULL (112) or ERROR_HANDLE_DISK_FULL (39).
        if re.search(_OS_DISK_FULL, text):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
