"""A stack of pages sized by the page on show.

QStackedWidget asks for the largest minimum of all its pages, shown or not: one tall hidden page
(the staff settings with their keyboard, in 长辈模式) made every screen 1,166 px tall on a 1,080 px
screen, cutting off the bottom of each (the keyboard's 搜索 row among it). Here only the current
page counts; a page that is taller than the screen scrolls inside itself.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QStackedWidget


class PageStack(QStackedWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.currentChanged.connect(lambda _i: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else QSize(0, 0)

    def sizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.sizeHint() if page is not None else QSize(0, 0)
