"""One answer from the 政策问答库 with its sources (the ask screen comes with the Q&A issue)."""

from __future__ import annotations

from kiosk import tasks
from kiosk.screens.base import Screen, button, card, clear_layout, label


class FaqScreen(Screen):
    title = "问答"

    def __init__(self, window):
        super().__init__(window)
        self._request = 0

    def open(self, faq_id: str) -> None:
        cat = self.catalog
        self._request += 1
        request = self._request

        def fetch(_p):
            f = cat.store.faq(faq_id)
            return f, (cat.store.document_meta(f.documents) if f else {})

        tasks.run(fetch, lambda data: self._fill(data, request), owner=self)

    def _fill(self, data, request: int) -> None:
        if request != self._request:
            return
        f, meta = data
        clear_layout(self.column)
        if f is None:
            self.column.addWidget(label("没有找到这个问题，目录可能已经更新。"))
            return
        self.column.addWidget(label(f.question, "heading"))
        frame, lay = card()
        lay.addWidget(label(f.answer))
        self.column.addWidget(frame)
        self.column.addWidget(label("答案出处（点击查看原文）", "heading"))
        for doc_id in f.documents:
            m = meta.get(doc_id)
            if m:
                self.column.addWidget(button(m["title"], lambda _c=False, i=doc_id: self.win.show_document(i), "link"))
        self.column.addStretch(1)

    def reset(self) -> None:
        super().reset()
        self._request += 1
        clear_layout(self.column)
