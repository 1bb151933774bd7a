"""The search box with its button, the suggestions under it and the on-screen keyboard below.

Typing happens only through the on-screen keyboard (a kiosk has no physical one): tapping the box
opens it in the screen's own layout, so it never covers the suggestions it feeds.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from catalog import settings
from kiosk import tasks
from kiosk.settings import SEARCH_DEBOUNCE_MS


class SearchBar(QWidget):
    searched = Signal(str)

    def __init__(self, window, placeholder: str = "输入要查的内容，如：低保、户口、义务教育",
                 button_text: str = "搜索"):
        super().__init__()
        self.win = window
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(8)
        row = QHBoxLayout()
        self.box = QLineEdit()
        self.box.setPlaceholderText(placeholder)
        self.box.setMaxLength(settings.MAX_QUERY_CHARS)  # what catalog reads of a query, no more
        self.box.setReadOnly(False)
        self.box.installEventFilter(self)
        self.go = QPushButton(button_text)
        self.go.setObjectName("primary")
        self.go.setFocusPolicy(Qt.NoFocus)
        self.go.clicked.connect(self.submit)
        row.addWidget(self.box, 1)
        row.addWidget(self.go)
        lay.addLayout(row)
        self.suggestions = QWidget()
        self.suggestions_row = QHBoxLayout(self.suggestions)
        self.suggestions_row.setContentsMargins(0, 0, 0, 0)
        self.suggestions.hide()
        lay.addWidget(self.suggestions)
        self.keyboard = None
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._suggest)
        self.box.textChanged.connect(lambda _t: self._debounce.start())
        self.box.returnPressed.connect(self.submit)
        self.requests = tasks.Latest(self)

    # keyboard ------------------------------------------------------------------------------
    def eventFilter(self, obj, event):
        if obj is self.box and event.type() in (QEvent.MouseButtonPress, QEvent.TouchBegin):
            self.open_keyboard()
        return False

    def attach_keyboard(self, keyboard) -> None:
        self.keyboard = keyboard

    def open_keyboard(self) -> None:
        if self.keyboard is not None:
            self.keyboard.set_target(self.box)
            self.keyboard.show()
        self.box.setFocus()

    def close_keyboard(self) -> None:
        if self.keyboard is not None:
            self.keyboard.hide()

    # suggestions ---------------------------------------------------------------------------
    def _suggest(self) -> None:
        text = self.box.text().strip()
        cat = self.win.catalog
        if not text or cat is None:
            self.requests.drop()  # a newer keystroke: what the older ones asked is stale
            self._show_suggestions([])
            return
        # quiet: a keystroke's suggestions failing is no news for a citizen (the search still works)
        self.requests.run(lambda _p: [(s.text, s.ref if s.kind == "faq" else None)
                                      for s in cat.suggest(text, limit=6)],
                          self._show_suggestions, quiet=True)

    def _show_suggestions(self, items: list) -> None:
        """Suggestion chips: (text, FAQ id or None); an FAQ question opens its answer."""
        from kiosk.screens.base import button_text, clear_layout

        clear_layout(self.suggestions_row)
        for item in items:
            text, faq = item if isinstance(item, tuple) else (item, None)
            b = QPushButton(button_text(text if len(text) <= 18 else text[:17] + "…"))
            b.setObjectName("chip")
            b.setFocusPolicy(Qt.NoFocus)
            b.clicked.connect(lambda _c=False, t=text, f=faq: self._pick(t, f))
            self.suggestions_row.addWidget(b)
        self.suggestions_row.addStretch(1)
        self.suggestions.setVisible(bool(items))

    def set_query(self, text: str) -> None:
        """Show ``text`` in the box without offering suggestions for it (it was just searched)."""
        self.box.blockSignals(True)
        self.box.setText(text)
        self.box.blockSignals(False)
        self.requests.drop()
        self.suggestions.hide()

    def _pick(self, text: str, faq: str | None = None) -> None:
        if faq:  # a question of the FAQ base: its answer, not a document search for its words
            self.set_query(text)
            self.close_keyboard()
            self.win.show_faq(faq)
            return
        self.box.setText(text)
        self.submit()

    def submit(self) -> None:
        text = self.box.text().strip()
        if text:
            self.close_keyboard()
            self.suggestions.hide()
            self.searched.emit(text)

    def reset(self) -> None:
        self.requests.drop()
        self.box.clear()
        self.suggestions.hide()
        self.close_keyboard()
