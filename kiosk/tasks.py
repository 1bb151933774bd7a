"""The one way screens run catalog calls off the GUI thread (after Anki's QueryOp).

``run(fn, on_done, on_error, on_progress)`` runs ``fn(progress)`` on the thread pool and delivers
the result, an error or progress reports on the GUI thread. Screens never start threads themselves.
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


def on_damage(handler: Callable[[BaseException], None]) -> None:
    """``handler(exc)`` runs (on the GUI thread) whenever a task fails because the catalogue's
    index is damaged (catalog.errors.IndexDamaged), besides the task's own error handler: the
    window repairs the index then, whichever screen asked."""
    _on_damage[:] = [handler]


def pool() -> QThreadPool:
    """One worker thread for catalogue calls: they are short, and one thread keeps the SQLite
    connection and the index reader to one caller at a time."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
    return _pool


def wait_idle(msecs: int = 30000) -> bool:
    """Wait for queued catalogue calls (tests, screenshots, shutdown)."""
    return pool().waitForDone(msecs)


def run(fn: Callable[..., Any], on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[str, int, int], None] | None = None,
        owner: QObject | None = None) -> None:
    """Run ``fn(progress)`` in the background; callbacks run on the GUI thread.

    With ``owner`` (the widget the callbacks update), the result is dropped if the owner was
    deleted meanwhile (a window closed while a query ran)."""
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
    pool().start(task)
