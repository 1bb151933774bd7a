"""Domain: its 标准目录 items as readable cards, each leading to its documents."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kiosk import tasks
from kiosk.screens.base import Screen, button, card, clear_layout, label, row, spaced, text_label

ITEM_FIELDS = (("公开内容", "content"), ("公开依据", "basis"), ("公开时限", "time_limit"),
               ("公开主体", "subject"), ("公开渠道", "channels"), ("公开对象", "audience"),
               ("公开方式", "method"), ("公开层级", "level"))


class DomainScreen(Screen):
    title = "领域"

    def __init__(self, window):
        super().__init__(window)
        self.requests = tasks.Latest(self)
        self.domain = None
        from kiosk.widgets.speechbar import SpeechBar

        self.speech_bar = SpeechBar(window)
        self.top.addWidget(self.speech_bar)
        self._reading: list[QLabel] = []  # the labels of the item being read, one per sentence
        self.highlighted = ""
        window.reader.sentence_started.connect(self._highlight)
        window.reader.state_changed.connect(lambda st: st == "stopped" and self._highlight(-1))

    def open(self, domain_id: str) -> None:
        cat = self.catalog

        def fetch(_p):
            from catalog import views

            page = views.domain(cat, domain_id)  # `python -m catalog show domain ID`
            return (page.domain, page.items, page.item_documents, page.documents) if page else (None, [], {}, [])

        self.requests.run(fetch, self._fill)

    def _fill(self, data) -> None:
        d, items, item_docs, docs = data
        self.domain = d
        clear_layout(self.column)
        if d is None:
            self.column.addWidget(label("没有找到这个领域，目录可能已经更新。"))
            return
        self.column.addWidget(label(d.name, "heading"))
        if d.description:
            self.column.addWidget(label(d.description, "muted"))
        if docs:
            self.column.addWidget(button(f"查看本领域全部文件（{len(docs)} 份）",
                                         lambda _c=False: self.win.show_listing(d.name, docs), "primary"))
        self.column.addWidget(label("基层政务公开标准目录", "heading"))
        if not items:
            self.column.addWidget(label("本领域的标准目录尚未发布。"))
        for it in items:
            frame, lay = card()
            head = label(" › ".join(x for x in (it.level1, it.level2) if x) or "公开事项", "heading")
            lay.addWidget(head)
            lines = [head]
            for name, attr in ITEM_FIELDS:
                value = getattr(it, attr)
                if isinstance(value, list):
                    value = "、".join(value)
                if value:
                    line = text_label(f"{name}：{value}", self.theme)
                    lay.addWidget(line)
                    lines.append(line)
            head.plain = head.text()
            head.setTextFormat(Qt.RichText)
            head.setText(html.escape(head.plain))
            lay.addLayout(row(button("朗读这一项", lambda _c=False, ls=lines: self.read_item(ls)),
                              button("打印这一项", lambda _c=False, i=it.id: self.win.show_print_item(i))))
            ids = item_docs.get(it.id, [])
            if ids:
                title = it.level2 or it.level1 or d.name
                lay.addWidget(button(f"相关文件（{len(ids)} 份）",
                                     lambda _c=False, t=title, i=ids: self.win.show_listing(t, i), "primary"))
            self.column.addWidget(frame)
        self.column.addStretch(1)

    # read aloud: one field of the card per sentence, the field being read highlighted
    def read_item(self, lines: list) -> None:
        from kiosk.speech.sentences import Sentence

        self._reading = lines
        self.win.reader.speak_sentences([Sentence(0, len(x.plain), x.plain) for x in lines])

    def _highlight(self, index: int) -> None:
        if not self._reading:
            return
        try:
            for i, line in enumerate(self._reading):
                text = html.escape(line.plain)
                if i == index:
                    text = (f'<span style="background:{self.theme.highlight}; '
                            f'text-decoration: underline;">{text}</span>')
                line.setText(spaced(text, self.theme) if line.objectName() != "heading" else text)
        except RuntimeError:  # the card went with another domain
            self._reading = []
            return
        self.highlighted = self._reading[index].plain if 0 <= index < len(self._reading) else ""
        if index < 0:
            self._reading = []

    def reset(self) -> None:
        super().reset()
        self.requests.drop()
        self.domain = None
        self._reading, self.highlighted = [], ""
        clear_layout(self.column)
