"""请工作人员帮忙: a button in the header of every screen, in both modes, that shows the hall's help
contact (kiosk.toml's ``help_contact``, set by staff) in large type and can read it aloud."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton

from kiosk.widgets.overlay import Overlay

TITLE = "请工作人员帮忙"


class HelpDialog(QObject):
    def __init__(self, win):
        super().__init__(win)
        self.win = win
        self.overlay = Overlay(win, TITLE)
        self.text = QLabel()
        self.text.setObjectName("helptext")
        self.text.setTextFormat(Qt.PlainText)  # the contact is whatever staff typed
        self.text.setWordWrap(True)
        self.overlay.box.addWidget(self.text)
        row = QHBoxLayout()
        self.read_btn = QPushButton("朗读")
        self.read_btn.clicked.connect(self.read)
        self.close_btn = QPushButton("知道了")
        self.close_btn.setObjectName("primary")
        self.close_btn.clicked.connect(self.close)
        row.addWidget(self.read_btn)
        row.addWidget(self.close_btn)
        self.overlay.box.addLayout(row)

    def message(self) -> str:
        s = self.win.settings
        contact = s.help_contact.strip() or "请到服务大厅的窗口找工作人员。"
        if not contact.endswith(("。", "！", "？", ".", "!", "?")):
            contact += "。"
        place = s.location.strip().rstrip("。")
        where = f"您在：{place}。" if place else ""
        return contact + where

    def open(self) -> None:
        self.text.setText(self.message())
        self.read_btn.setVisible(self.win.reader.available)
        self.overlay.open()

    def read(self) -> None:
        self.win.reader.speak(self.text.text())

    def close(self) -> None:
        if self.overlay.isVisible():
            self.win.reader.stop()
        self.overlay.hide()
