"""The staff screen: the tab bar over one page a tab (each in a scroll area of its own: a stick
with many packages, or 长辈模式 with the keyboard open), the keyboard the settings are typed on,
and what passes between the tabs. The PIN gate in front of it belongs to the window."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea

from kiosk.screens.base import Screen, button
from kiosk.screens.staff.tab import Tab
from kiosk.screens.staff.export import ExportTab
from kiosk.screens.staff.keys import KeysTab
from kiosk.screens.staff.quit import QuitTab
from kiosk.screens.staff.settings_tab import SettingsTab
from kiosk.screens.staff.update import UpdateTab
from kiosk.widgets.stack import PageStack
from kiosk.widgets.touch import make_kinetic


class StaffScreen(Screen):
    title = "工作人员"

    def __init__(self, window):
        super().__init__(window)
        self.scroll.hide()
        bar = QHBoxLayout()
        bar.setSpacing(12)
        self.pages = PageStack()
        self.tab_buttons = {}
        for name, text in (("sync", "目录更新"), ("keys", "信任的公钥"), ("export", "使用统计"),
                           ("settings", "设置"), ("quit", "退出")):
            b = button(text, lambda _c=False, n=name: self.show_tab(n), "chip")
            b.setCheckable(True)
            self.tab_buttons[name] = b
            bar.addWidget(b)
        bar.addStretch(1)
        self.top.addLayout(bar)
        self.layout().insertWidget(2, self.pages, 1)
        self.update_tab = UpdateTab(window)
        self.keys_tab = KeysTab(window)
        self.export_tab = ExportTab(window)
        self.settings_tab = SettingsTab(window)
        self.quit_tab = QuitTab(window, apply_running=lambda: self.update_tab.applying)
        self.tabs: dict[str, Tab] = {"sync": self.update_tab, "keys": self.keys_tab, "export": self.export_tab,
                                     "settings": self.settings_tab, "quit": self.quit_tab}
        self.areas: dict[str, QScrollArea] = {}
        for name, tab in self.tabs.items():
            area = QScrollArea()
            area.setWidgetResizable(True)
            area.setFrameShape(QFrame.NoFrame)
            area.setWidget(tab)
            make_kinetic(area)
            self.pages.addWidget(area)
            self.areas[name] = area
        # typing on the screen's own keyboard (a kiosk has no physical one): tap a settings field
        from kiosk.widgets.keyboard import PinyinKeyboard

        self.keyboard = PinyinKeyboard(submit_label="完成", symbols=True)
        self.bottom.addWidget(self.keyboard)
        self.keyboard.hide()
        self.keyboard.submitted.connect(self.keyboard.hide)
        self.settings_tab.field_tapped.connect(self._type_into)
        # the stick's key files are listed on 信任的公钥; a key installed or removed there changes
        # what 目录更新 says of the stick's packages and of the catalogue (the demo-key warning)
        self.update_tab.stick_keys_read.connect(self._stick_keys_read)
        self.keys_tab.key_installed.connect(lambda: self.update_tab.scan_usb(force=True))
        self.keys_tab.key_removed.connect(lambda: self.update_tab.show_current())
        self.show_tab("sync")

    # navigation ----------------------------------------------------------------------------
    def show_tab(self, name: str) -> None:
        self.keyboard.hide()
        for n, b in self.tab_buttons.items():
            b.setChecked(n == name)
        self.pages.setCurrentWidget(self.areas[name])
        self.tabs[name].shown()

    def _showing(self, name: str) -> bool:
        return self.pages.currentWidget() is self.areas[name]

    def entered(self) -> None:
        """Called when staff come in: 目录更新, looking at the sticks now and then every two seconds."""
        self.show_tab("sync")
        self.update_tab.entered()

    def left(self) -> None:
        self.update_tab.left()

    def reset(self) -> None:
        super().reset()
        self.update_tab.reset()

    def apply_theme(self, theme) -> None:
        super().apply_theme(theme)
        self.keyboard.apply_theme(theme)

    # between the tabs ----------------------------------------------------------------------
    def _stick_keys_read(self, stick_keys: list) -> None:
        self.keys_tab.stick_keys = stick_keys
        if self._showing("keys"):
            self.keys_tab.refresh_keys()

    def _type_into(self, box) -> None:
        self.keyboard.set_target(box)
        self.keyboard.show()
        box.setFocus()
        # the keyboard takes most of the screen (长辈模式 above all): keep the field in view
        area = self.areas["settings"]
        QTimer.singleShot(0, area, lambda: area.ensureWidgetVisible(box, 0, 60))
