"""Home: the search box, the 26 domain tiles, 常见问题 and 最新公开."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk import tasks
from kiosk.screens.base import Screen, button, clear_layout, grid, label
from kiosk.widgets.searchbar import SearchBar
from kiosk.widgets.tile import DomainTile


class HomeScreen(Screen):
    title = "首页"

    def __init__(self, window):
        super().__init__(window)
        self.search = SearchBar(window)
        self.search.searched.connect(lambda q: self.win.show_results(q))
        self.top.addWidget(self.search)
        self.ask_btn = button("有问题？点这里，用自己的话提问", lambda _c=False: self.win.show_ask(), "primary")
        self.top.addWidget(self.ask_btn)
        self.tiles_title = label("按领域查找", "heading")
        self.column.addWidget(self.tiles_title)
        self.tiles_box = QVBoxLayout()
        self.column.addLayout(self.tiles_box)
        self.others_box = QHBoxLayout()
        self.column.addLayout(self.others_box)
        self.lists = QHBoxLayout()
        self.lists.setSpacing(32)
        self.faq_col, self.latest_col = QVBoxLayout(), QVBoxLayout()
        for col, title in ((self.faq_col, "常见问题"), (self.latest_col, "最新公开")):
            holder = QWidget()
            holder.setLayout(col)
            col.addWidget(label(title, "heading"))
            self.lists.addWidget(holder, 1)
        self.column.addLayout(self.lists)
        self.column.addStretch(1)
        self._data = None
        self._grid = None
        self.tiles: list = []

    def load(self) -> None:
        cat = self.catalog

        def fetch(_p):
            from catalog import views

            page = views.home(cat)  # what `python -m catalog show home` prints
            return page.domains, page.documents_per_domain, page.questions, page.latest

        tasks.run(fetch, self._fill, owner=self)

    def _fill(self, data) -> None:
        self._data = data
        domains, counts, faqs, latest = data
        clear_layout(self.tiles_box)
        self._grid = None
        clear_layout(self.others_box)
        pilots = [d for d in domains if d.pilot]
        tiles = [DomainTile(d, counts.get(d.id, 0), self.theme,
                            lambda _c=False, d=d: self.win.show_domain(d.id)) for d in pilots]
        self.tiles = tiles
        self._grid_tiles()
        others = [d for d in domains if not d.pilot]
        if others:
            self.others_box.addWidget(label("其他：", "muted", wrap=False))
            for d in others:
                self.others_box.addWidget(button(d.name, lambda _c=False, d=d: self.win.show_domain(d.id), "chip"))
            self.others_box.addStretch(1)
        for col, rows, handler in ((self.faq_col, faqs, None), (self.latest_col, latest, None)):
            while col.count() > 1:
                item = col.takeAt(1)
                if item.widget():
                    item.widget().deleteLater()
        for f in faqs:
            self.faq_col.addWidget(button(f.question, lambda _c=False, f=f: self.win.show_faq(f.id), "link"))
        self.faq_col.addWidget(button("更多问题 ›", lambda _c=False: self.win.show_ask(), "link"))
        for m in latest:
            self.latest_col.addWidget(button(f"{m.title}　{m.date or ''}", lambda _c=False, i=m.id: self.win.show_document(i), "link"))
        for col in (self.faq_col, self.latest_col):
            col.addStretch(1)  # both lists start at the top, side by side
        self.lists.setDirection(QHBoxLayout.TopToBottom if self.portrait() else QHBoxLayout.LeftToRight)

    def _grid_tiles(self) -> None:
        """(Re)place the existing tiles in a grid of as many columns as fit."""
        old = self._grid
        if old is not None:
            for t in self.tiles:
                old.removeWidget(t)  # a no-op for a new tile
            self.tiles_box.removeItem(old)
            old.deleteLater()
        self._columns = self._tile_columns()
        self._grid = grid(self.tiles, self._columns, self.theme.spacing_px)
        self.tiles_box.addLayout(self._grid)

    def _tile_columns(self) -> int:
        # as many columns as tiles of a readable width fit (7 across 1920 px, 4 across 1080 px)
        width = max(self.win.width(), 400)
        return max(2, min(7, width // (self.theme.target_px * 4)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._data is not None and self._tile_columns() != getattr(self, "_columns", None):
            self._grid_tiles()

    def reset(self) -> None:
        super().reset()
        self.search.reset()

    def apply_theme(self, theme) -> None:
        """Tiles are restyled in place (rebuilding them doubled the cost of the 长辈模式 tap)."""
        super().apply_theme(theme)
        if self._data is not None:
            for t in self.tiles:
                t.apply_theme(theme)
            if self._tile_columns() != self._columns:
                self._grid_tiles()
