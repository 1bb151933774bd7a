"""What the staff tabs share: the tab itself, a column of its own widgets (the screen puts each
tab in a scroll area of its own), and where sticks may be."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget


class Tab(QWidget):
    """One tab of the staff screen: its widgets in ``self.lay``, the window in ``self.win``."""

    def __init__(self, window):
        super().__init__()
        self.win = window
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(32, 16, 32, 16)

    def shown(self) -> None:
        """Called when staff open this tab."""

    def stick_dirs(self) -> list[str]:
        """Where sticks may be besides the system's mount points (the settings' usb_dirs)."""
        return [d for d in self.win.settings.usb_dirs.split(";") if d.strip()]
