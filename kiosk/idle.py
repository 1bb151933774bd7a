"""What ends a visit: any input anywhere restarts the window's idle timer (kiosk.window:
``touched``, ``start_countdown``, ``reset_all``)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject

INPUT_EVENTS = {QEvent.MouseButtonPress, QEvent.MouseButtonRelease, QEvent.TouchBegin,
                QEvent.TouchUpdate, QEvent.KeyPress, QEvent.Wheel}


class IdleWatcher(QObject):
    """Any touch anywhere restarts the idle timer (presses count, not only moves)."""

    def __init__(self, on_input, parent: QObject):
        # owned by its window: when the window goes, Qt removes the filter from the application
        super().__init__(parent)
        self.on_input = on_input

    def eventFilter(self, obj, event):
        if event.type() in INPUT_EVENTS:
            self.on_input()
        return False
