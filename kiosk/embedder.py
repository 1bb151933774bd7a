"""Passage vectors the kiosk computes itself, in the background (a package that came without
them, or with another model's): one child process at the lowest priority, started after the
catalogue is live and after each update, stopped when the kiosk quits; what it saved stays saved,
so the next start goes on from there. Search is lexical for the passages it has not reached."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

log = logging.getLogger("kiosk")


class BackgroundEmbedder(QObject):
    finished = Signal(int)  # passages embedded (emitted on the GUI thread through the queue)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._proc = None
        self._thread: threading.Thread | None = None
        self._stopped = False

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start_if_needed(self, catalog) -> bool:
        """Embed, on a thread of its own, when the live catalogue has passages without vectors
        and the model is here (the check reads the stores too, so it runs there, not here)."""
        from catalog.answers import semantic

        if self.running or self._stopped or not semantic.available():
            return False
        self._thread = threading.Thread(target=self._run, args=(catalog.data_dir,), name="embedder",
                                        daemon=True)
        self._thread.start()
        return True

    def _run(self, data_dir) -> None:
        from catalog.packaging.background import embed_in_child
        from catalog.catalogue import status

        try:
            st = status(data_dir)  # its own connections: the catalogue's belong to its worker
            if st.vectors_done >= st.vectors_total:
                return
            n = embed_in_child(data_dir, started=lambda p: setattr(self, "_proc", p))
        except Exception as exc:  # noqa: BLE001
            log.warning("background embedding failed: %r", type(exc).__name__)
            n = 0
        self._proc = None
        if not self._stopped:
            self.finished.emit(n)

    def stop(self) -> None:
        self._stopped = True
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
