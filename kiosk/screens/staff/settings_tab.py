"""设置: the kiosk's name, place, help line and printer (typed on the screen's keyboard), the idle
time and the page limit (steppers held to kiosk.settings' ranges), the screen's orientation;
saved to kiosk.toml."""

from __future__ import annotations

import copy

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QLineEdit

from kiosk import settings as kiosk_settings
from kiosk.screens.base import button, label, row
from kiosk.screens.staff.tab import Tab
from kiosk.settings import IDLE_TIMEOUT_RANGE, IDLE_TIMEOUT_STEP, PAGE_LIMIT_RANGE, PAGE_LIMIT_STEP


class SettingsTab(Tab):
    field_tapped = Signal(object)  # a text field: the screen opens its keyboard on it

    def __init__(self, window):
        super().__init__(window)
        lay = self.lay
        self.fields: dict[str, QLineEdit] = {}
        for key, text in (("kiosk_name", "查询机名称"), ("location", "所在地点"), ("help_contact", "求助联系方式"),
                          ("printer", "打印机（留空为默认打印机）")):
            box = QLineEdit()
            self.fields[key] = box
            lay.addWidget(label(text))
            lay.addWidget(box)
        self.steppers: dict[str, tuple] = {}
        for key, text, step, (low, high) in (
                ("idle_timeout_s", "无人操作多少秒后提示", IDLE_TIMEOUT_STEP, IDLE_TIMEOUT_RANGE),
                ("page_limit", "每人每次最多打印页数", PAGE_LIMIT_STEP, PAGE_LIMIT_RANGE)):
            value = label("", "heading")
            self.steppers[key] = (value, step, low, high)
            lay.addLayout(row(label(text), button("－", lambda _c=False, k=key: self.step(k, -1)), value,
                              button("＋", lambda _c=False, k=key: self.step(k, +1))))
        self.orientation_btn = button("", lambda _c=False: self.flip_orientation())
        lay.addLayout(row(label("屏幕方向"), self.orientation_btn))
        self.settings_msg = label("")
        lay.addLayout(row(button("保存设置", lambda _c=False: self.save_settings(), "primary"), self.settings_msg))
        lay.addStretch(1)
        self._draft = None
        # a kiosk has no physical keyboard: a tap on a field opens the screen's own
        for box in self.fields.values():
            box.installEventFilter(self)

    def eventFilter(self, obj, event):
        if obj in self.fields.values() and event.type() in (QEvent.MouseButtonPress, QEvent.TouchBegin):
            self.field_tapped.emit(obj)
        return False

    def shown(self) -> None:
        self.load_settings()

    def load_settings(self) -> None:
        self._draft = copy.deepcopy(self.win.settings)
        for key, box in self.fields.items():
            box.setText(str(getattr(self._draft, key)))
        for key, (value, *_r) in self.steppers.items():
            value.setText(str(getattr(self._draft, key)))
        self.orientation_btn.setText("竖屏" if self._draft.orientation == "portrait" else "横屏")
        self.settings_msg.setText("")

    def step(self, key: str, direction: int) -> None:
        value, step, low, high = self.steppers[key]
        new = max(low, min(high, getattr(self._draft, key) + direction * step))
        setattr(self._draft, key, new)
        value.setText(str(new))

    def flip_orientation(self) -> None:
        self._draft.orientation = "landscape" if self._draft.orientation == "portrait" else "portrait"
        self.orientation_btn.setText("竖屏" if self._draft.orientation == "portrait" else "横屏")

    def save_settings(self) -> None:
        for key, box in self.fields.items():
            setattr(self._draft, key, box.text().strip())
        kiosk_settings.save(self.win.data_dir, self._draft)
        self.win.settings = kiosk_settings.load(self.win.data_dir)
        self.settings_msg.setText("已保存。屏幕方向在下次启动时生效。")
