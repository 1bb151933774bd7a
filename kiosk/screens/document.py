"""Document: the metadata header, the body with paragraph spacing, a text-size control, and
related 解读 and questions."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel

from kiosk import tasks
from kiosk.screens.base import Screen, button, card, clear_layout, label, row, status_badge

SIZE_STEPS = (1.0, 1.25, 1.5)  # 字号: 标准 / 大 / 特大


class DocumentScreen(Screen):
    title = "文件"

    def __init__(self, window):
        super().__init__(window)
        self.doc = None
        self.size_step = 0
        self._extra = ([], [])
        self._request = 0

    def open(self, doc_id: str) -> None:
        cat = self.catalog
        self._request += 1
        request = self._request

        def fetch(_p):
            doc = cat.store.document(doc_id)
            if doc is None:
                return None
            names = {d.id: d.name for d in cat.store.domains()}
            return doc, names, cat.store.interpretations_of(doc_id), cat.store.faqs_citing(doc_id)

        tasks.run(fetch, lambda data: self._fill(data, request))

    def _fill(self, data, request: int) -> None:
        if request != self._request:
            return
        clear_layout(self.column)
        if data is None:
            self.column.addWidget(label("没有找到这份文件，目录可能已经更新。"))
            return
        doc, names, interpretations, faqs = data
        self.doc, self._names, self._extra = doc, names, (interpretations, faqs)
        self.column.addWidget(label(doc.title, "heading"))
        badge = status_badge(doc.status)
        if badge:
            self.column.addLayout(row(badge, label("本文件不是现行有效版本，请以现行文件为准。", "muted")))
        meta = QGridLayout()
        meta.setHorizontalSpacing(24)
        fields = [("文号", doc.doc_number), ("发文机关", doc.issuer), ("成文日期", doc.written),
                  ("发布日期", doc.published), ("有效性", doc.status), ("索引号", doc.index_number),
                  ("领域", "、".join(names.get(d, d) for d in doc.domains)), ("适用地区", doc.region),
                  ("类别", doc.kind)]
        shown = [(k, v) for k, v in fields if v]
        cols = 1 if self.portrait() else 2
        for n, (k, v) in enumerate(shown):
            meta.addWidget(label(k, "muted", wrap=False), n // cols, (n % cols) * 2)
            meta.addWidget(label(v), n // cols, (n % cols) * 2 + 1)
        frame, lay = card()
        lay.addLayout(meta)
        self.column.addWidget(frame)
        sizes = [button(t, lambda _c=False, s=s: self.set_size(s), "chip")
                 for s, t in enumerate(("标准字号", "大字号", "特大字号"))]
        for s, b in enumerate(sizes):
            b.setCheckable(True)
            b.setChecked(s == self.size_step)
        self.size_buttons = sizes
        self.column.addLayout(row(label("字号：", "muted", wrap=False), *sizes))
        px = int(self.theme.body_px * SIZE_STEPS[self.size_step])
        self.paragraphs: list[QLabel] = []
        for p in doc.paragraphs:
            w = label(p)
            w.setStyleSheet(f"font-size: {px}px; line-height: {self.theme.line_height};")
            w.setContentsMargins(0, 0, 0, int(px * 0.6))
            self.paragraphs.append(w)
            self.column.addWidget(w)
        if doc.attachments:
            self.column.addWidget(label("附件", "heading"))
            for a in doc.attachments:
                self.column.addWidget(label(a.title or a.path))
        if interpretations:
            self.column.addWidget(label("政策解读", "heading"))
            for m in interpretations:
                self.column.addWidget(button(m["title"], lambda _c=False, i=m["id"]: self.win.show_document(i), "link"))
        if faqs:
            self.column.addWidget(label("相关问题", "heading"))
            for f in faqs[:8]:
                self.column.addWidget(button(f.question, lambda _c=False, i=f.id: self.win.show_faq(i), "link"))
        self.column.addStretch(1)

    def set_size(self, step: int) -> None:
        self.size_step = step
        pos = self.scroll.verticalScrollBar().value()
        if self.doc is not None:
            self._fill((self.doc, self._names, *self._extra), self._request)
            self.scroll.verticalScrollBar().setValue(pos)

    def reset(self) -> None:
        super().reset()
        self._request += 1
        self.doc, self.size_step = None, 0
        clear_layout(self.column)
