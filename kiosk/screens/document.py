"""Document: the metadata header, the body with paragraph spacing, a text-size control, and
related 解读 and questions.

The whole document is one QTextBrowser (laid out lazily): a law of 400+ articles opens in
milliseconds, where a widget per paragraph blocked the GUI thread for half a second.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QUrl
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextBrowser, QTextEdit

from kiosk import tasks
from catalog.packaging.records import STATUS_BADGES
from kiosk.screens.base import Screen, button, label, row
from kiosk.widgets.speechbar import SpeechBar
from kiosk.widgets.touch import make_kinetic

SIZE_STEPS = (1.0, 1.25, 1.5)  # 字号: 标准 / 大 / 特大


class DocumentScreen(Screen):
    title = "文件"

    def __init__(self, window):
        super().__init__(window)
        self.doc = None
        self.size_step = 0
        self.requests = tasks.Latest(self)
        self.scroll.hide()  # this screen scrolls its text browser instead
        self.sizes = [button(t, lambda _c=False, s=s: self.set_size(s), "chip")
                      for s, t in enumerate(("标准字号", "大字号", "特大字号"))]
        for b in self.sizes:
            b.setCheckable(True)
        self.read_btn = button("朗读全文", lambda _c=False: self.read_aloud(), "primary")
        self.print_btn = button("打印", lambda _c=False: self.doc and self.win.show_print(
            self.doc.id, self._passage_paragraphs()), "primary")
        self.top.addLayout(row(label("字号：", "muted", wrap=False), *self.sizes, self.read_btn, self.print_btn))
        self.speech_bar = SpeechBar(window)
        self.top.addWidget(self.speech_bar)
        self.body = QTextBrowser()
        self.body.setOpenLinks(False)
        self.body.anchorClicked.connect(self._follow)
        self.body.setFrameShape(QTextBrowser.NoFrame)
        self.body.document().setDocumentMargin(32)
        make_kinetic(self.body)
        self.body.viewport().installEventFilter(self)
        self.layout().insertWidget(2, self.body, 1)
        self._mark_size()
        self.spans: list[tuple[int, int]] = []  # document positions of the sentences read aloud
        self.at = None  # (first paragraph, paragraphs) of the passage the document opened at
        self.passage_selection: list = []
        self.passage_text = ""
        self._press = None
        reader = window.reader
        reader.sentence_started.connect(self._highlight)
        reader.state_changed.connect(self._speech_state)

    # loading -------------------------------------------------------------------------------
    def open(self, doc_id: str, at: tuple[int, int] | None = None) -> None:
        """Show ``doc_id``; with ``at`` (first paragraph, paragraphs) scrolled there, marked."""
        self.at = at
        cat = self.catalog

        def fetch(_p):
            from catalog import views

            page = views.document(cat, doc_id)  # `python -m catalog show document ID`
            return None if page is None else (page.document, page.domain_names, page.interpretations, page.faqs)

        self.requests.run(fetch, self._fill)

    def _fill(self, data) -> None:
        if data is None:
            self.doc = None
            self.body.setHtml("<p>没有找到这份文件，目录可能已经更新。</p>")
            return
        doc, names, interpretations, faqs = data
        self.doc = doc
        self.body.setHtml(self._html(doc, names, interpretations, faqs))
        self._apply_size()
        self.body.verticalScrollBar().setValue(0)
        self.read_btn.setText("从这里朗读" if self.at is not None else "朗读全文")
        if self.at is not None:
            self.show_passage(*self.at)

    def _passage_paragraphs(self) -> list[int] | None:
        """The paragraphs (from 1, as the print screen counts) of the passage opened at."""
        if self.at is None:
            return None
        first, count = self.at
        return list(range(first + 1, first + 1 + max(1, count)))

    def _paragraph_blocks(self) -> list:
        """The text blocks of the title and each paragraph, in order."""
        blocks, k = [], 0
        # HTML collapses runs of spaces (第一章  总则): compare with them collapsed
        wanted = [" ".join(t.split()) for t in (self.doc.title, *self.doc.paragraphs)]
        block = self.body.document().begin()
        while block.isValid() and k < len(wanted):
            if " ".join(block.text().split()) == wanted[k]:
                blocks.append(block)
                k += 1
            block = block.next()
        return blocks

    def show_passage(self, first: int, count: int = 1) -> None:
        """Scroll to paragraphs ``first`` … ``first + count - 1`` (from 0) and mark them (a
        background and a bar at the side: not colour alone)."""
        blocks = self._paragraph_blocks()[1:]
        if not 0 <= first < len(blocks):
            return
        start = blocks[first].position()
        last = blocks[min(len(blocks) - 1, first + max(1, count) - 1)]
        cursor = QTextCursor(self.body.document())
        cursor.setPosition(start)
        cursor.setPosition(last.position() + last.length() - 1, QTextCursor.KeepAnchor)
        sel = QTextEdit.ExtraSelection()
        sel.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(self.theme.highlight))
        sel.format = fmt
        self.passage_selection = [sel]
        self.body.setExtraSelections(self.passage_selection)
        self.passage_text = cursor.selectedText()
        self.body.document().adjustSize()
        top = self.body.document().documentLayout().blockBoundingRect(blocks[first]).top()
        bar = self.body.verticalScrollBar()
        bar.setValue(int(max(0, top - self.body.viewport().height() // 6)))

    def _html(self, doc, names, interpretations, faqs) -> str:
        t = self.theme
        e = html.escape
        parts = [f"<h1 style='font-size:{t.heading_px}px'>{e(doc.title)}</h1>"]
        badge = STATUS_BADGES.get(doc.status)
        if badge:
            parts.append(f"<p><b style='color:{t.warn_text}; border:2px solid {t.warn_text}'>【{e(badge)}】</b>"
                         f"　本文件不是现行有效版本，请以现行文件为准。</p>")
        fields = [("文号", doc.doc_number), ("发文机关", doc.issuer), ("成文日期", doc.written),
                  ("发布日期", doc.published), ("有效性", doc.status), ("索引号", doc.index_number),
                  ("领域", "、".join(names.get(d, d) for d in doc.domains)), ("适用地区", doc.region),
                  ("类别", doc.kind)]
        rows = "".join(f"<tr><td style='color:{t.muted}; padding-right:24px'>{k}</td><td>{e(v)}</td></tr>"
                       for k, v in fields if v)
        parts.append(f"<table cellpadding='4' style='margin-bottom:16px'>{rows}</table><hr/>")
        spacing = int(t.line_height * 100)
        parts += [f"<p style='margin-bottom:0.6em; line-height:{spacing}%'>{e(p)}</p>" for p in doc.paragraphs]
        if doc.attachments:
            parts.append("<h2>附件</h2>" + "".join(f"<p>{e(a.title or a.path)}</p>" for a in doc.attachments))
        if interpretations:
            parts.append("<h2>政策解读</h2>" + "".join(
                f"<p><a href='doc:{e(m.id)}'>{e(m.title)}</a></p>" for m in interpretations))
        if faqs:
            parts.append("<h2>相关问题</h2>" + "".join(
                f"<p><a href='faq:{e(f.id)}'>{e(f.question)}</a></p>" for f in faqs[:8]))
        return "".join(parts)

    def _follow(self, url: QUrl) -> None:
        kind, _, ref = url.toString().partition(":")
        if kind == "doc":
            self.win.show_document(ref)
        elif kind == "faq":
            self.win.show_faq(ref)

    @property
    def text(self) -> str:
        return self.body.toPlainText()

    # read aloud ----------------------------------------------------------------------------
    def read_aloud(self, start_at: int = 0) -> None:
        """Read the title and the body, sentence by sentence, highlighting each."""
        from kiosk.speech.sentences import Sentence, split_sentences

        if self.doc is None:
            return
        sentences, self.spans = [], []
        # the blocks holding the title and each paragraph, in order (the metadata table between
        # them is not read)
        for block in self._paragraph_blocks():
            for s in split_sentences(block.text()):
                sentences.append(Sentence(s.start, s.end, s.text))
                self.spans.append((block.position() + s.start, s.end - s.start))
        if not start_at and self.at is not None and self.passage_selection:
            # opened at a passage: reading starts there (a tap on the text moves it, as always)
            begin = self.passage_selection[0].cursor.selectionStart()
            start_at = next((i for i, (pos, _) in enumerate(self.spans) if pos >= begin), 0)
        self.speech_owner = True
        self.win.reader.speak_sentences(sentences, start_at)

    def _highlight(self, index: int) -> None:
        if not getattr(self, "speech_owner", False) or not 0 <= index < len(self.spans):
            return
        start, length = self.spans[index]
        cursor = QTextCursor(self.body.document())
        cursor.setPosition(start)
        cursor.setPosition(start + length, QTextCursor.KeepAnchor)
        sel = QTextEdit.ExtraSelection()
        sel.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(self.theme.highlight))
        fmt.setFontUnderline(True)  # not colour alone
        sel.format = fmt
        self.body.setExtraSelections([sel])
        # keep the sentence in view, a little below the top
        rect = self.body.cursorRect(cursor)
        bar = self.body.verticalScrollBar()
        if rect.top() < 0 or rect.bottom() > self.body.viewport().height():
            bar.setValue(bar.value() + rect.top() - self.body.viewport().height() // 4)

    @property
    def highlighted(self) -> str:
        """The text highlighted now (empty when nothing is read)."""
        sels = self.body.extraSelections()
        return sels[0].cursor.selectedText() if sels else ""

    def _speech_state(self, state: str) -> None:
        if state == "stopped":
            self.body.setExtraSelections(self.passage_selection)
            self.speech_owner = False

    def eventFilter(self, obj, event):
        # while reading, a tap on the text goes on from the tapped sentence
        if obj is self.body.viewport() and getattr(self, "speech_owner", False):
            if event.type() == QEvent.MouseButtonPress:
                self._press = event.position().toPoint()
            elif event.type() == QEvent.MouseButtonRelease and self._press is not None:
                pos = event.position().toPoint()
                if (pos - self._press).manhattanLength() < 20 and not self.body.anchorAt(pos):
                    at = self.body.cursorForPosition(pos).position()
                    for i, (start, length) in enumerate(self.spans):
                        if start <= at < start + length or at < start:
                            self.win.reader.start_at(i)
                            break
                self._press = None
        return False

    # text size -----------------------------------------------------------------------------
    def set_size(self, step: int) -> None:
        self.size_step = step
        self._mark_size()
        self._apply_size()

    def _mark_size(self) -> None:
        for s, b in enumerate(self.sizes):
            b.setChecked(s == self.size_step)

    def _apply_size(self) -> None:
        f = QFont(self.body.font())
        f.setPixelSize(int(self.theme.body_px * SIZE_STEPS[self.size_step]))
        self.body.document().setDefaultFont(f)

    def apply_theme(self, theme) -> None:
        super().apply_theme(theme)
        self._apply_size()

    def reset(self) -> None:
        super().reset()
        self.spans = []
        self.at, self.passage_selection, self.passage_text = None, [], ""
        self.body.setExtraSelections([])
        self.requests.drop()
        self.doc, self.size_step = None, 0
        self._mark_size()
        self.body.clear()
        self.body.verticalScrollBar().setValue(0)
