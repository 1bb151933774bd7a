"""Results: the query, facet chips (a filter is removed with one tap), result cards with
highlighted snippets and status badges, and the recovery notices."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QWidget

from kiosk import tasks
from kiosk.screens.base import Screen, button, card, clear_layout, label, row, spaced, status_badge
from kiosk.widgets.searchbar import SearchBar
from kiosk.widgets.touch import make_kinetic

FACET_LABELS = {"domain": "领域", "kind": "类别", "status": "有效性", "year": "年份"}
MAX_CHIPS = 8
PAGE, ELDER_PAGE = 10, 5  # result cards per page
CARDS_PER_TURN = 4  # cards built per event-loop turn


class ResultsScreen(Screen):
    title = "搜索结果"

    def __init__(self, window):
        super().__init__(window)
        self.search = SearchBar(window)
        self.search.searched.connect(self.run)
        self.top.addWidget(self.search)
        self.notice = label("", "muted")
        self.top.addWidget(self.notice)
        chips_area = QScrollArea()
        # the row keeps its natural width and scrolls sideways (a resizable widget would be
        # squeezed to the viewport's width)
        chips_area.setWidgetResizable(False)
        chips_area.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        chips_area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        make_kinetic(chips_area)
        holder = QWidget()
        self.chips_holder = holder
        self.chips = QHBoxLayout(holder)
        self.chips.setContentsMargins(0, 4, 0, 4)
        chips_area.setWidget(holder)
        self.chips_area = chips_area
        self.top.addWidget(chips_area)
        self.list = self.column
        self.query = ""
        self.filters: dict[str, str] = {}
        self.listing: tuple[str, list[str]] | None = None
        self.result = None
        self.requests = tasks.Latest(self)
        self._pending: list[tuple] = []
        self._more = None

    # loading -------------------------------------------------------------------------------
    def run(self, query: str, keep_filters: bool = False) -> None:
        self.query = query
        self.listing = None
        if not keep_filters:
            self.filters = {}
        self.search.set_query(query)
        self._load()

    def show_listing(self, title: str, doc_ids: list[str]) -> None:
        """A fixed list of documents (an item's or a domain's), without a query."""
        self.listing = (title, doc_ids)
        self.query, self.filters = "", {}
        self.search.box.clear()
        cat = self.catalog
        self.requests.run(lambda _p: cat.store.document_meta(doc_ids), self._fill_listing)

    def _load(self) -> None:
        cat, q, f = self.catalog, self.query, dict(self.filters)
        kwargs = {"domains": [f["domain"]] if "domain" in f else [], "kind": f.get("kind"),
                  "status": f.get("status"), "year": f.get("year"), "limit": 30}

        usage = self.win.usage

        def fetch(_p):
            result = cat.search(q, **kwargs)
            # counted per day, domain and whether it found anything, with the catalogue's own words
            # it used, never its text; neither call raises (catalog.usage, Catalog.usage_terms)
            usage.record_search(domain=f.get("domain") or (result.hits[0].domains[:1] or [""])[0]
                                if result.hits else f.get("domain", ""),
                                found=bool(result.hits), terms=cat.usage_terms(q))
            return result

        self.requests.run(fetch, self._fill, self._failed)

    def _failed(self, exc: BaseException) -> None:
        from catalog.errors import IndexDamaged

        # the window starts the repair (kiosk.tasks.on_damage) and runs this search again after it,
        # unless this catalogue is that repair already (then staff must look at the kiosk)
        if isinstance(exc, IndexDamaged) and not getattr(self.catalog, "repaired_index", False):
            self.notice.setText("查询机正在自动修复检索索引，请稍等片刻，完成后会自动显示结果。")
        elif isinstance(exc, IndexDamaged):
            self.notice.setText("这次搜索没有完成。请联系工作人员检查查询机（可以重新导入目录）。")
        else:
            self.notice.setText("这次搜索没有完成，请再点一次“搜索”。")

    # showing -------------------------------------------------------------------------------
    def _fill(self, result) -> None:
        self.result = result
        clear_layout(self.list)
        clear_layout(self.chips)
        notes = []
        if result.corrected and result.suggestion:
            notes.append(f"已按“{result.suggestion}”为您查找。")
        elif result.suggestion:
            notes.append(f"已按“{result.suggestion}”查找。")
        if result.filters_dropped:
            notes.append("所选条件下没有结果，已为您去掉筛选条件。")
        if result.relaxed:
            notes.append("没有完全符合的文件，以下是部分相关的文件。")
        head = f"找到 {result.total} 份文件" if result.total else "没有找到相关文件"
        self.notice.setText(head + ("　" + " ".join(notes) if notes else ""))
        self._fill_chips(result.facets)
        self._pending = [(h.id, h.title, h.kind, h.status, h.published, h.snippet, passage_at(h.passage))
                         for h in result.hits]
        self._more = None
        self._show_more()
        if result.related_questions:
            self.list.addWidget(label("您是不是想问：", "heading"))
            for q in result.related_questions:
                self.list.addWidget(button(q.question, lambda _c=False, i=q.faq_id: self.win.show_faq(i), "link"))
        if not result.hits:
            self.list.addWidget(label("请换个说法试试，例如少输入几个字，或者点击上方的领域。"
                                      + self.win.settings.help_contact))
        self.list.addStretch(1)
        self.scroll.verticalScrollBar().setValue(0)

    def _fill_listing(self, meta: dict) -> None:
        title, ids = self.listing
        clear_layout(self.list)
        clear_layout(self.chips)
        self.notice.setText(f"{title}：共 {len(ids)} 份文件")
        self._pending = [(i, m.title, m.kind, m.status, m.date, "")
                         for i in ids if (m := meta.get(i))]
        self._more = None
        self._show_more()
        self.list.addStretch(1)
        self.scroll.verticalScrollBar().setValue(0)

    def page_size(self) -> int:
        """Cards built per tap: few enough that building them never stalls the screen, and
        fewer still in elder mode, where each card is larger."""
        return ELDER_PAGE if self.theme.name == "elder" else PAGE

    def _show_more(self) -> None:
        """The next page of result cards, placed before the 显示更多 button. The first few are
        built at once, the rest of the page one small group per event-loop turn, so the screen
        paints in between and never stalls."""
        batch, self._pending = self._pending[:self.page_size()], self._pending[self.page_size():]
        at = self.list.indexOf(self._more) if self._more is not None else self.list.count()
        if self._pending and self._more is None:
            self._more = button("", lambda _c=False: self._show_more())
            self.list.insertWidget(at, self._more)
        if self._more is not None:
            if self._pending:
                self._more.setText(f"显示更多结果（还有 {len(self._pending)} 份）")
            else:
                self.list.removeWidget(self._more)
                self._more.deleteLater()
                self._more = None
        self._build_cards(batch, at, self.requests.number)

    def _build_cards(self, batch: list[tuple], at: int, request: int) -> None:
        if not self.requests.live(request):
            return  # a newer query replaced the list
        for n, args in enumerate(batch[:CARDS_PER_TURN]):
            self.list.insertWidget(at + n, self._hit_card(*args))
        rest = batch[CARDS_PER_TURN:]
        if rest:
            QTimer.singleShot(0, self, lambda: self._build_cards(rest, at + CARDS_PER_TURN, request))

    def _fill_chips(self, facets: dict) -> None:
        for name, value in self.filters.items():
            shown = self._facet_text(name, value)
            self.chips.addWidget(button(f"✕ {FACET_LABELS[name]}：{shown}",
                                        lambda _c=False, n=name: self.remove_filter(n), "chip"))
        for name in ("domain", "kind", "status", "year"):
            if name in self.filters:
                continue
            for value, count in list(facets.get(name, {}).items())[:MAX_CHIPS]:
                self.chips.addWidget(button(f"{self._facet_text(name, value)} {count}",
                                            lambda _c=False, n=name, v=value: self.add_filter(n, v), "chip"))
        self.chips.addStretch(1)
        # chips keep their natural width; the row scrolls sideways by touch instead of squeezing them
        font = QFont(self.font())
        font.setPixelSize(self.theme.small_px)
        metrics = QFontMetrics(font)
        for i in range(self.chips.count()):
            w = self.chips.itemAt(i).widget()
            if w is not None:
                # measured with the themed font: the size hint is taken before the style sheet applies
                w.setFixedWidth(metrics.horizontalAdvance(w.text()) + 48)
                w.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
                w.show()  # before measuring the row: hidden widgets count as nothing
        self.chips_area.setFixedHeight(self.theme.target_px + 24)
        self.chips_holder.adjustSize()

    def _facet_text(self, name: str, value: str) -> str:
        if name == "domain" and self.win.domain_names:
            return self.win.domain_names.get(value, value)
        return value

    def _hit_card(self, doc_id, title, kind, status, published, snippet, at=None) -> QWidget:
        frame, lay = card()
        # a rule of the screen's sheet: a sheet of its own per title cost ~14 ms each to polish
        t = button(title, lambda _c=False: self.win.show_document(doc_id, at), "resulttitle")
        lay.addWidget(t)
        meta = [label(f"{kind}　{published or '日期不详'}", "muted", wrap=False)]
        badge = status_badge(status)
        if badge:
            meta.append(badge)
        lay.addLayout(row(*meta))
        if snippet:
            s = QLabel(spaced(_highlight(snippet, self.theme.accent), self.theme))
            s.setTextFormat(Qt.RichText)
            s.setWordWrap(True)
            lay.addWidget(s)
        frame.mousePressEvent = lambda _e: None  # the title is the tap target; the card scrolls
        return frame

    # filters -------------------------------------------------------------------------------
    def add_filter(self, name: str, value: str) -> None:
        self.filters[name] = value
        self._load()

    def remove_filter(self, name: str) -> None:
        self.filters.pop(name, None)
        self._load()

    def reset(self) -> None:
        super().reset()
        self.requests.drop()
        self.query, self.filters, self.listing, self.result = "", {}, None, None
        self._pending, self._more = [], None
        self.search.reset()
        clear_layout(self.list)
        clear_layout(self.chips)
        self.notice.clear()


def passage_at(passage: dict | None) -> tuple[int, int] | None:
    """(first paragraph, paragraphs) of a hit's passage, where its document opens."""
    if not passage:
        return None
    return passage["paragraph"], passage["text"].count("\n") + 1


def _highlight(snippet: str, colour: str) -> str:
    """【match】 -> bold, underlined, coloured (underline: the mark is not colour alone)."""
    text = html.escape(snippet)
    return text.replace("【", f'<b style="color:{colour}; text-decoration: underline;">').replace("】", "</b>")
