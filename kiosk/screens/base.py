"""What every screen shares: a scrolling column, theme, reset, and helpers to build cards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QSizePolicy, QVBoxLayout, QWidget)

from catalog.packaging.records import STATUS_BADGES
from kiosk.theme import NORMAL, Theme
from kiosk.widgets.touch import make_kinetic

if TYPE_CHECKING:
    from kiosk.window import MainWindow

def clear_layout(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())


def label(text: str, name: str | None = None, wrap: bool = True) -> QLabel:
    """A label of plain text. Catalogue, package, settings and typed text is never markup: in Qt's
    default AutoText mode a title holding a tag would be rendered as HTML (a fake 已签名 on the
    staff screen, a red banner on a citizen's). Where a screen wants formatting it sets RichText
    itself on text it escaped (``text_label``, ``spaced``, ``rich_plain``)."""
    w = QLabel()
    w.setTextFormat(Qt.PlainText)
    w.setText(text)
    w.setWordWrap(wrap)
    w.setTextInteractionFlags(Qt.NoTextInteraction)
    if name:
        w.setObjectName(name)
    return w


def rich_plain(text: str) -> str:
    """Plain ``text`` for a place that always reads rich text (a tool tip): escaped and wrapped,
    so Qt neither interprets tags nor shows the escapes."""
    import html

    return f"<p>{html.escape(text)}</p>"


def button_text(text: str) -> str:
    """A button's text shown as it is: a single & would be taken for a shortcut mark and vanish."""
    return text.replace("&", "&&")


def spaced(html_text: str, theme: Theme) -> str:
    """Rich text with the theme's line spacing (a style sheet cannot set it on a QLabel)."""
    return f"<p style='line-height:{int(theme.line_height * 100)}%; margin:0'>{html_text}</p>"


def text_label(text: str, theme: Theme, name: str | None = None) -> QLabel:
    """A wrapping label of plain ``text`` with the theme's line spacing."""
    import html

    w = label("", name)
    w.setTextFormat(Qt.RichText)
    w.setText(spaced(html.escape(text), theme))
    w.plain = text
    return w


def button(text: str, on_tap, name: str | None = None) -> QPushButton:
    b = QPushButton(button_text(text))
    b.setFocusPolicy(Qt.NoFocus)
    b.setCursor(Qt.PointingHandCursor)
    if name:
        b.setObjectName(name)
    b.clicked.connect(on_tap)
    return b


def card() -> tuple[QFrame, QVBoxLayout]:
    f = QFrame()
    f.setObjectName("card")
    lay = QVBoxLayout(f)
    lay.setContentsMargins(20, 16, 20, 16)
    lay.setSpacing(8)
    return f, lay


def status_badge(status: str) -> QLabel | None:
    """A worded badge (meaning never carried by colour alone); None for documents in force."""
    text = STATUS_BADGES.get(status)
    return label(text, "badge", wrap=False) if text else None


class Screen(QWidget):
    """A screen: a kinetic scroll area holding a vertical column (``self.column``)."""

    title = ""

    def __init__(self, window: "MainWindow"):
        super().__init__()
        self.win = window
        self.theme: Theme = NORMAL
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.top = QVBoxLayout()  # fixed part above the scrolling content (search box …)
        self.top.setContentsMargins(32, 16, 32, 0)
        outer.addLayout(self.top)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        make_kinetic(self.scroll)
        body = QWidget()
        self.column = QVBoxLayout(body)
        self.column.setContentsMargins(32, 16, 32, 32)
        self.column.setSpacing(16)
        self.scroll.setWidget(body)
        outer.addWidget(self.scroll, 1)
        self.bottom = QVBoxLayout()  # fixed part below (the keyboard)
        outer.addLayout(self.bottom)

    @property
    def catalog(self):
        return self.win.catalog

    def catalogue_changed(self) -> None:
        """The live catalogue was replaced (an import, a roll back, a repair): drop what was read
        from the old one. The window calls it on every screen."""

    def reset(self) -> None:
        """Forget everything the last person did on this screen."""
        self.scroll.verticalScrollBar().setValue(0)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme

    def portrait(self) -> bool:
        return self.win.height() > self.win.width()


def grid(widgets: list[QWidget], columns: int, spacing: int = 12) -> QGridLayout:
    g = QGridLayout()
    g.setSpacing(spacing)
    for n, w in enumerate(widgets):
        if w.sizePolicy().horizontalPolicy() != QSizePolicy.Ignored:
            w.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        g.addWidget(w, n // columns, n % columns)
    for c in range(columns):
        g.setColumnStretch(c, 1)
    return g


def row(*widgets, stretch_last: bool = True) -> QHBoxLayout:
    h = QHBoxLayout()
    h.setSpacing(12)
    for w in widgets:
        h.addWidget(w)
    if stretch_last:
        h.addStretch(1)
    return h
