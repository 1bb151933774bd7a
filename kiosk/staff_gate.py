"""The hidden way in for staff: STAFF_TAPS taps on the header's title within
STAFF_TAP_WINDOW_S, then a PIN pad. The first use sets the PIN (twice, and not an obvious one);
PIN_TRIES wrong PINs lock the pad for PIN_LOCK_S. Nothing typed here is logged or kept."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QPushButton

from kiosk import settings as kiosk_settings
from kiosk.widgets.overlay import Overlay

log = logging.getLogger("kiosk")

PAD_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "清除", "0", "确定"]


class StaffGate(QObject):
    def __init__(self, win):
        super().__init__(win)
        self.win = win
        self._taps: list[float] = []
        self._failures = 0
        self.locked_until = 0.0
        self._new_pin: str | None = None
        self.overlay = Overlay(win, "工作人员验证")
        self.box = QLineEdit()
        self.box.setEchoMode(QLineEdit.Password)
        self.box.setReadOnly(True)
        self.overlay.box.addWidget(self.box)
        self.msg = QLabel("请输入工作人员密码")
        self.msg.setTextFormat(Qt.PlainText)
        self.overlay.box.addWidget(self.msg)
        pad = QGridLayout()
        self.keys = {}
        for n, k in enumerate(PAD_KEYS):
            b = QPushButton(k)
            b.setFocusPolicy(Qt.NoFocus)
            b.clicked.connect(lambda _c=False, k=k: self.key(k))
            self.keys[k] = b
            pad.addWidget(b, n // 3, n % 3)
        self.overlay.box.addLayout(pad)
        cancel = QPushButton("取消")
        cancel.clicked.connect(self.close)
        self.overlay.box.addWidget(cancel)

    def close(self) -> None:
        self.overlay.hide()
        self.box.clear()

    def open(self) -> None:
        """The PIN pad, as the STAFF_TAPS-th tap opens it."""
        self._taps.clear()
        self._new_pin = None
        self.box.clear()
        if not self.win.settings.pin_hash:
            self.msg.setText(f"首次使用：请设置 {kiosk_settings.PIN_MIN} 到 {kiosk_settings.PIN_MAX} "
                             "位数字的工作人员密码。")
        else:
            self.msg.setText("请输入工作人员密码")
        self.overlay.open()

    def tap(self) -> None:
        """A tap on the header's title: the PIN pad opens on the STAFF_TAPS-th within the window."""
        now = time.monotonic()
        window = kiosk_settings.STAFF_TAP_WINDOW_S
        self._taps = [t for t in self._taps if now - t < window] + [now]
        if len(self._taps) >= kiosk_settings.STAFF_TAPS:
            self.open()

    def key(self, key: str) -> None:
        if key == "清除":
            self.box.clear()
        elif key == "确定":
            self.entered(self.box.text())
            self.box.clear()
        elif len(self.box.text()) < kiosk_settings.PIN_MAX:
            self.box.setText(self.box.text() + key)

    def entered(self, pin: str) -> None:
        settings = self.win.settings
        if not settings.pin_hash:  # first run: set a PIN, twice
            self._set_pin(pin)
            return
        now = time.monotonic()
        if now < self.locked_until:
            left = int(self.locked_until - now) // 60 + 1
            self.msg.setText(f"密码错误次数过多，请 {left} 分钟后再试。")
            return
        if settings.check_pin(pin):
            self._failures = 0
            self.overlay.hide()
            self.win.enter_staff()
            return
        self._failures += 1
        tries, lock_s = kiosk_settings.PIN_TRIES, kiosk_settings.PIN_LOCK_S
        if self._failures >= tries:
            self._failures = 0
            self.locked_until = now + lock_s
            self.msg.setText(f"密码错误次数过多，请 {-(-lock_s // 60)} 分钟后再试。")
            log.warning("staff PIN locked after %d wrong tries", tries)
        else:
            self.msg.setText(f"密码不正确，请重新输入（还可以试 {tries - self._failures} 次）。")

    def _set_pin(self, pin: str) -> None:
        problem = kiosk_settings.pin_problem(pin)
        if problem:
            self._new_pin = None
            self.msg.setText(problem + "请重新设置。")
        elif self._new_pin is None:
            self._new_pin = pin
            self.msg.setText("请再输入一次，确认新密码。")
        elif pin != self._new_pin:
            self._new_pin = None
            self.msg.setText("两次输入不一样，请重新设置。")
        else:
            self.win.settings.set_pin(pin)
            kiosk_settings.save(self.win.data_dir, self.win.settings)
            self.overlay.hide()
            self.win.enter_staff()
