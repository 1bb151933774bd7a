"""The app's Chinese font: the shipped one when present, else the system's CJK fonts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

CANDIDATES = [Path(__file__).resolve().parents[1] / "resources" / "fonts" / "wqy-microhei.ttc",
              Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")]


def install_fonts() -> str | None:
    """Load the first available CJK font and make it the application font; returns its family."""
    for path in CANDIDATES:
        if path.exists():
            fid = QFontDatabase.addApplicationFont(str(path))
            families = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
            if families:
                QApplication.instance().setFont(QFont(families[0]))
                return families[0]
    return None
