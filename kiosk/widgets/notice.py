"""A message that stops what the citizen tried, as a large dialog with one clear way on (a line of
small text under a red button that stayed active was missed)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kiosk.widgets.overlay import Overlay


class Notice(Overlay):
    def __init__(self, parent: QWidget):
        super().__init__(parent, "")
        self.text = QLabel()
        self.text.setObjectName("helptext")  # the large text of the help dialog
        self.text.setTextFormat(Qt.PlainText)
        self.text.setWordWrap(True)
        self.box.addWidget(self.text)
        self.ok = QPushButton("知道了")
        self.ok.setObjectName("primary")
        self.ok.clicked.connect(self.hide)
        self.box.addWidget(self.ok)

    def say(self, title: str, text: str, button: str = "知道了") -> None:
        self.heading.setText(title)
        self.text.setText(text)
        self.ok.setText(button)
        self.open()
