"""The one way screens run catalog calls off the GUI thread (after Anki's QueryOp).

``run(fn, on_done, on_error, on_progress)`` runs ``fn(progress)`` on the thread pool and delivers
the result, an error or progress reports on the GUI thread. Screens never start threads themselves.

``Latest(owner)`` is "the newest request wins" for one screen or widget: each request supersedes
the one before, whose result or error is dropped when it arrives, and ``drop()`` supersedes them
all (a reset: nothing of the last visit may appear after the wipe).

A failure the caller does not handle goes to the window (``on_failure``), which says so on the
screen in plain Chinese; ``quiet=True`` is for work nobody waits on (a warm-up, a count), whose
failure is only logged. A failure inside a damaged index also goes to ``on_damage`` (the window
repairs the index then).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger("kiosk")


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(str, int, int)


class _Task(QRunnable):
    def __init__(self, fn: Callable[..., Any]):
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:  # on a pool thread
        try:
            result = self.fn(lambda stage, done, total: self.signals.progress.emit(stage, done, total))
        except BaseException as exc:  # delivered to the GUI thread, never swallowed
            # the exception's message may hold what a citizen typed: every log record is masked
            # (catalog.privacy.install_log_masking, installed by kiosk.logs)
            log.error("background task failed", exc_info=True)
            self._emit(self.signals.failed, exc)
        else:
            self._emit(self.signals.done, result)

    @staticmethod
    def _emit(signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the window that asked was closed meanwhile: nobody to tell
            pass


_alive: set[_Task] = set()
_pool: QThreadPool | None = None
_on_damage: list[Callable[[BaseException], None]] = []


_on_failure: list[Callable[[BaseException], None]] = []


def on_failure(handler: Callable[[BaseException], None]) -> None:
    """``handler(exc)`` runs (on the GUI thread) for every failure a task's caller does not handle."""
    _on_failure[:] = [handler]


def _report(exc: BaseException) -> None:
    for handler in _on_failure:
        handler(exc)


def on_damage(handler: Callable[[BaseException], None]) -> None:
    """``handler(exc)`` runs (on the GUI thread) whenever a task fails because the catalogue's
    index is damaged (catalog.errors.IndexDamaged), besides the task's own error handler: the
    window repairs the index then, whichever screen asked."""
    _on_damage[:] = [handler]


def pool() -> QThreadPool:
    """One worker thread for catalogue calls: they are short, and one thread keeps the SQLite
    connection and the index reader to one caller at a time."""
    return _lane("catalog")


_lanes: dict[str, QThreadPool] = {}


def _lane(name: str) -> QThreadPool:
    """A pool of one thread per lane. "catalog": calls on the live Catalog (searches, pages, the
    warm-up); "io": staff reads that need no Catalog (a stick, the key folder, status), which must
    not wait behind a model loading; "long": a job of minutes (the child import)."""
    if name not in _lanes:
        _lanes[name] = QThreadPool()
        _lanes[name].setMaxThreadCount(1)
    return _lanes[name]


def wait_idle(msecs: int = 30000) -> bool:
    """Wait for queued calls of the catalog and io lanes (tests, screenshots, shutdown); a long
    job is waited for by its own report."""
    done = pool().waitForDone(msecs)
    return _lane("io").waitForDone(msecs) and done


class Job:
    """A long job's handle: ``stop()`` runs what the job registered with ``on_stop`` (killing its
    child process), at once if the job registers after the stop."""

    def __init__(self):
        self.stopped = False
        self.pid: int | None = None  # the child process's, for a job that runs one
        self._hooks: list[Callable[[], None]] = []

    def on_stop(self, hook: Callable[[], None]) -> None:
        self._hooks.append(hook)
        if self.stopped:
            hook()

    def stop(self) -> None:
        self.stopped = True
        for hook in self._hooks:
            hook()


def run_long(fn: Callable[[Callable[[str, int, int], None], Job], Any],
             on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None,
             on_progress: Callable[[str, int, int], None] | None = None,
             owner: QObject | None = None) -> Job:
    """``fn(progress, job)`` on a thread of its own (an import that takes minutes must not hold
    the catalogue worker citizens' searches run on); otherwise as ``run``. Returns its Job."""
    job = Job()
    run(lambda progress: fn(progress, job), on_done, on_error, on_progress, owner, lane="long")
    return job


def run(fn: Callable[..., Any], on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[str, int, int], None] | None = None,
        owner: QObject | None = None, quiet: bool = False, lane: str = "catalog") -> None:
    """Run ``fn(progress)`` in the background; callbacks run on the GUI thread.

    With ``owner`` (the widget the callbacks update), the result is dropped if the owner was
    deleted meanwhile (a window closed while a query ran). Without ``on_error`` a failure is
    reported to the window (``on_failure``), unless ``quiet``."""
    if on_error is None and not quiet:
        on_error = _report
    task = _Task(fn)
    _alive.add(task)  # keep the signal object alive until the task reports

    def finish(handler, value):
        _alive.discard(task)
        if handler is not None and (owner is None or shiboken6.isValid(owner)):
            handler(value)

    def failed(exc):
        finish(on_error, exc)
        from catalog.errors import IndexDamaged

        if isinstance(exc, IndexDamaged):
            for handler in _on_damage:
                handler(exc)

    task.signals.done.connect(lambda r: finish(on_done, r))
    task.signals.failed.connect(failed)
    if on_progress is not None:
        task.signals.progress.connect(
            lambda *a: on_progress(*a) if owner is None or shiboken6.isValid(owner) else None)
    task.setAutoDelete(True)
    _lane(lane).start(task)


class Latest:
    """The newest request of one screen or widget wins (see the module docstring)."""

    def __init__(self, owner: QObject, lane: str = "catalog"):
        self.owner = owner
        self.lane = lane
        self.number = 0  # of the newest request

    def run(self, fn: Callable[..., Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None,
            on_progress: Callable[[str, int, int], None] | None = None, quiet: bool = False) -> int:
        """``run`` for the newest request; returns its number (``live(number)`` tells later
        whether it still is the newest)."""
        self.number += 1
        n = self.number
        failed = on_error if on_error is not None else (None if quiet else _report)

        def done(value):
            if n == self.number and on_done is not None:
                on_done(value)

        def error(exc):
            if n == self.number and failed is not None:
                failed(exc)

        run(fn, done, error, on_progress, owner=self.owner, quiet=True, lane=self.lane)
        return n

    def live(self, number: int) -> bool:
        return number == self.number

    def drop(self) -> None:
        """Supersede every pending request: their results and errors are dropped."""
        self.number += 1
