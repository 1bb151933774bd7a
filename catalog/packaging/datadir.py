"""The kiosk's data folder and the atomic switch between catalogue generations.

Layout (an improvement on DESIGN.md's flat ``catalog.db`` + ``index/``: the db and its index live
together in one immutable *generation* folder, so switching both at once is a single file rename)::

    data_dir/
      CURRENT                 {"generation": NAME, "previous": NAME|null}  replaced atomically
      generations/NAME/       catalog.db + index/, never modified once CURRENT names it
      packages/               the applied packages, kept for roll back and audit
      trusted_keys/FP.pub     publishers' public keys that staff installed
      logs/catalog.log        the command line's log; logs/kiosk.log(.1-.3) the kiosk's, both masked
      usage.db                anonymous usage counts (catalog.usage: no search text, masked misses)

A build happens in ``generations/tmp-*``; it is fsynced and renamed before CURRENT names it. A power
cut at any moment leaves CURRENT naming a complete generation (old or new); leftovers are removed
the next time an import takes the lock.
"""

from __future__ import annotations

import contextlib
import json
import re
import logging
import os
import shutil
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from catalog.errors import CatalogError
from catalog.settings import APP_NAME

log = logging.getLogger("catalog")


def default_data_dir() -> Path:
    """The platform's app-data folder for the kiosk."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def fsync_dir(path: Path) -> None:
    """Make a rename or create inside ``path`` durable (a no-op where directories can't be opened)."""
    if sys.platform.startswith("win"):
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


SEAL = "indexes.sha256.json"  # in a generation: the sha256 of every file of its search indexes
SEALED_DIRS = ("index", "passages")


def _sealed_files(gen: Path):
    for d in SEALED_DIRS:
        if (gen / d).is_dir():
            for f in sorted((gen / d).rglob("*")):
                # lock files come and go with readers and writers; they hold no index data
                if f.is_file() and not f.name.startswith(".") and "lock" not in f.name.lower():
                    yield f.relative_to(gen).as_posix(), f


def _sha256(path: Path) -> str:
    import hashlib

    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def seal(gen: Path) -> None:
    """Write down the hash of every index file of a finished build, so that damage at rest (a bad
    disk, a power cut outside any import) is found when the catalogue is opened, not mid-search."""
    sums = {rel: _sha256(f) for rel, f in _sealed_files(gen)}
    (gen / SEAL).write_text(json.dumps(sums, indent=0, sort_keys=True), encoding="utf-8")


def seal_problem(gen: Path) -> str | None:
    """Why the index files of ``gen`` differ from its seal, or None (also for a generation
    published before seals were written)."""
    try:
        raw = (gen / SEAL).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"seal unreadable: {exc!r}"
    try:
        sums = json.loads(raw)
        assert isinstance(sums, dict)
    except (ValueError, AssertionError, RecursionError):
        return "seal garbled"
    for rel, want in sums.items():
        path = gen / rel
        try:
            if _sha256(path) != want:
                return f"{rel} changed since it was built"
        except OSError as exc:
            return f"{rel} unreadable: {exc!r}"
    return None


def link_tree(old: Path, new: Path) -> None:
    """``new`` holds the same files as ``old``, hard-linked where the file system allows."""
    new.mkdir(parents=True)
    for entry in old.iterdir():
        if entry.is_file():
            try:
                os.link(entry, new / entry.name)
            except OSError:
                shutil.copy2(entry, new / entry.name)


def fsync_tree(path: Path) -> None:
    """fsync every file and folder below ``path`` (used before a generation is published)."""
    for root, dirs, files in os.walk(path):
        for name in files:
            with open(os.path.join(root, name), "rb") as fh:
                os.fsync(fh.fileno())
        fsync_dir(Path(root))


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a reader or a power cut sees the old or the new bytes."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


@dataclass(frozen=True)
class Pointer:
    generation: str | None
    previous: str | None


_GENERATION = re.compile(r"^g([0-9]{8,10})-[0-9a-f]{8}$")  # publish_build's names
_warned_pointer: list[bool] = []


class DataDir:
    """Paths and the CURRENT pointer of one kiosk data folder."""

    def __init__(self, root: Path | str | None = None):
        self.root = Path(root) if root is not None else default_data_dir()

    # paths -------------------------------------------------------------------------------
    @property
    def current_file(self) -> Path:
        return self.root / "CURRENT"

    @property
    def generations(self) -> Path:
        return self.root / "generations"

    @property
    def packages(self) -> Path:
        return self.root / "packages"

    @property
    def trusted_keys(self) -> Path:
        return self.root / "trusted_keys"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def usage_db(self) -> Path:
        return self.root / "usage.db"

    def generation_path(self, name: str) -> Path:
        return self.generations / name

    def ensure(self) -> None:
        for p in (self.root, self.generations, self.packages, self.trusted_keys, self.logs):
            p.mkdir(parents=True, exist_ok=True)

    # pointer -----------------------------------------------------------------------------
    def pointer(self) -> Pointer:
        """Read CURRENT; an absent file means no catalogue yet."""
        try:
            raw = self.current_file.read_bytes()
        except FileNotFoundError:
            return Pointer(None, None)
        try:
            data = json.loads(raw)
            ptr = Pointer(data.get("generation"), data.get("previous"))
            if all(isinstance(x, (str, type(None))) for x in (ptr.generation, ptr.previous)) and (
                    ptr.generation is None or _GENERATION.match(ptr.generation)):
                return ptr
            raise ValueError(f"not a pointer: {data!r}"[:200])
        except (ValueError, AttributeError, RecursionError) as exc:
            # Cannot happen through atomic_write; if it does, the disk itself is damaged. The
            # newest complete generation is what it last named (or, after a roll back, the one
            # rolled back from): serve that rather than nothing, until the next import rewrites it.
            found = self._newest_generation()
            if not _warned_pointer:
                _warned_pointer.append(True)
                import logging

                logging.getLogger("catalog").error("CURRENT is damaged (%r: %r); serving %s", exc, raw[:80], found)
            return Pointer(found, None)

    def _newest_generation(self) -> str | None:
        try:
            names = sorted((c.name for c in self.generations.iterdir()
                            if _GENERATION.match(c.name) and (c / "catalog.db").is_file()),
                           key=lambda n: int(_GENERATION.match(n).group(1)), reverse=True)
        except OSError:
            return None
        return names[0] if names else None

    def set_pointer(self, pointer: Pointer) -> None:
        data = json.dumps({"generation": pointer.generation, "previous": pointer.previous}).encode()
        atomic_write(self.current_file, data)

    def current_generation(self) -> Path | None:
        name = self.pointer().generation
        return self.generation_path(name) if name else None

    def new_build_dir(self) -> Path:
        self.ensure()
        path = self.generations / f"tmp-{uuid.uuid4().hex[:12]}"
        path.mkdir()
        return path

    def publish_build(self, build: Path, sequence: int) -> str:
        """Seal a finished build folder's indexes and rename it to its final generation name
        (durably)."""
        seal(build)
        fsync_tree(build)
        name = f"g{sequence:08d}-{uuid.uuid4().hex[:8]}"
        os.replace(build, self.generations / name)
        fsync_dir(self.generations)
        return name

    def collect_garbage(self, staging: bool = True) -> None:
        """Remove builds that never finished and generations no pointer names.

        Call only while holding the import lock. On Windows a generation still open in a running
        kiosk cannot be removed; it is left for a later call.
        """
        # Staging copies of packages left by a crash mid-import (not while an import uses one).
        if staging:
            for child in self.root.glob("staging-*"):
                shutil.rmtree(child, ignore_errors=True)
        if not self.generations.exists():
            return
        ptr = self.pointer()
        keep = {ptr.generation, ptr.previous}
        for child in self.generations.iterdir():
            if child.name in keep:
                continue
            shutil.rmtree(child, ignore_errors=True)

    def interrupted(self) -> bool:
        """Whether an import was cut short (power cut, killed): its staging copy or its
        half-built generation is still here. Recovery removes them; the kiosk says so."""
        if not self.root.exists():
            return False
        if any(self.root.glob("staging-*")):
            return True
        if not self.generations.exists():
            return False
        ptr = self.pointer()
        return any(c.name not in {ptr.generation, ptr.previous} for c in self.generations.iterdir())

    def recover(self) -> bool:
        """Clean what a crashed import left behind (the kiosk calls this at start). Skipped, and
        False returned, while another process is importing."""
        if not self.root.exists():
            return True
        try:
            with self.import_lock():
                self.collect_garbage()
        except CatalogError:
            return False
        return True

    # lock --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def import_lock(self):
        """One import or roll back at a time, across processes."""
        self.ensure()
        lock_path = self.root / ".import.lock"
        fh = open(lock_path, "a+b")
        try:
            try:
                _lock_file(fh)
            except OSError as exc:
                raise CatalogError(
                    "另一个目录更新正在进行，请等它完成后再试。", f"lock busy: {exc}"
                ) from exc
            yield
        finally:
            with contextlib.suppress(OSError):
                _unlock_file(fh)
            fh.close()


if sys.platform.startswith("win"):  # pragma: no cover - exercised on Windows kiosks
    import msvcrt

    def _lock_file(fh):
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock_file(fh):
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock_file(fh):
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock_file(fh):
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
