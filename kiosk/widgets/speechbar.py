"""The read-aloud controls, shown while something is read: 暂停/继续, 上一句, 下一句, 停止, 语速 and
音量 — large buttons with words, one tap each (no hover, no double tap)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.speech.reader import RATES

SPEEDS = ((0.5, "很慢"), (0.75, "慢"), (1.0, "正常"), (1.5, "快"), (2.0, "很快"))
VOLUMES = ((0.4, "小声"), (0.7, "中等"), (1.0, "大声"))


class SpeechBar(QWidget):
    def __init__(self, window):
        super().__init__()
        self.reader = window.reader
        # two rows, so the bar fits a portrait screen in 长辈模式 too: what to do, then how fast
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 4, 0, 4)
        lay, speed_row = QHBoxLayout(), QHBoxLayout()
        outer.addLayout(lay)
        outer.addLayout(speed_row)
        self.pause_btn = self._button("暂停", self._toggle_pause, "primary")
        self.prev_btn = self._button("上一句", self.reader.previous)
        self.next_btn = self._button("下一句", self.reader.next)
        self.stop_btn = self._button("停止朗读", self.reader.stop)
        for b in (self.pause_btn, self.prev_btn, self.next_btn, self.stop_btn):
            lay.addWidget(b)
        speed_row.addWidget(QLabel("语速"))
        self.speed_btns = []
        for rate, text in SPEEDS:
            assert rate in RATES
            b = self._button(text, lambda r=rate: self.set_rate(r), "chip")
            b.setCheckable(True)
            self.speed_btns.append((rate, b))
            speed_row.addWidget(b)
        speed_row.addStretch(1)
        lay.addSpacing(16)
        lay.addWidget(QLabel("音量"))
        self.volume_btns = []
        for vol, text in VOLUMES:
            b = self._button(text, lambda v=vol: self.set_volume(v), "chip")
            b.setCheckable(True)
            self.volume_btns.append((vol, b))
            lay.addWidget(b)
        lay.addStretch(1)
        self.reader.state_changed.connect(self._state)
        self._mark()
        self.hide()

    def _button(self, text, slot, name=None) -> QPushButton:
        b = QPushButton(text)
        b.setFocusPolicy(Qt.NoFocus)
        if name:
            b.setObjectName(name)
        b.clicked.connect(lambda _c=False: slot())
        return b

    def _toggle_pause(self) -> None:
        if self.reader.state == "playing":
            self.reader.pause()
        else:
            self.reader.resume()

    def set_rate(self, rate: float) -> None:
        self.reader.set_rate(rate)
        self._mark()

    def set_volume(self, volume: float) -> None:
        self.reader.set_volume(volume)
        self._mark()

    def _mark(self) -> None:
        for rate, b in self.speed_btns:
            b.setChecked(rate == self.reader.rate)
        for vol, b in self.volume_btns:
            b.setChecked(vol == self.reader.volume)

    def _state(self, state: str) -> None:
        self.pause_btn.setText("继续" if state == "paused" else "暂停")
        self.setVisible(state != "stopped" and self.parentWidget() is not None
                        and self.parentWidget().isVisible())
