"""A dimmed layer over the whole window with a dialog in the middle (the idle countdown, the
staff PIN pad)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class Overlay(QFrame):
    def __init__(self, parent: QWidget, heading: str):
        super().__init__(parent)
        self.setObjectName("overlay")
        outer = QVBoxLayout(self)
        outer.setAlignment(Qt.AlignCenter)
        self.dialog = QFrame()
        self.dialog.setObjectName("dialog")
        self.dialog.setMaximumWidth(900)  # a dialog, not a second screen
        self.box = QVBoxLayout(self.dialog)
        self.box.setContentsMargins(40, 32, 40, 32)
        self.box.setSpacing(20)
        outer.addWidget(self.dialog)
        self.heading = QLabel(heading)
        self.heading.setTextFormat(Qt.PlainText)
        self.heading.setObjectName("heading")
        self.box.addWidget(self.heading)
        self.hide()

    def open(self) -> None:
        win = self.parentWidget()
        if hasattr(win, "ensure_styled"):
            win.ensure_styled(self)
        self.setGeometry(win.rect())
        self.raise_()
        self.show()
