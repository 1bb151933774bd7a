"""Ask: a citizen's question in their own words, the answer with its sources, or honestly none.

Popular questions per domain are tap targets; an answer shows where it comes from (tap to open
the document) and its 政策依据 (the cited passages); 有用/没用 on every answer; when the kiosk is not
sure it offers 您是不是想问 choices, and for a question outside the catalogue it answers nothing
and points to search and to staff help. Questions without a confident answer are counted,
masked, in the miss log (catalog.usage) for staff.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kiosk import tasks
from kiosk.screens.base import Screen, button, card, clear_layout, grid, label, row, spaced, text_label
from kiosk.widgets.searchbar import SearchBar

POPULAR_PER_DOMAIN = 6


class AskScreen(Screen):
    title = "政策问答"

    def __init__(self, window):
        super().__init__(window)
        self.search = SearchBar(window, "请用自己的话提问，如：八十岁老人有什么补贴？", "提问")
        self.search.searched.connect(self.ask)
        self.top.addWidget(self.search)
        from kiosk.widgets.speechbar import SpeechBar

        self.speech_bar = SpeechBar(window)
        self.top.addWidget(self.speech_bar)
        self.answer_label = None
        self._spoken: list = []  # sentences of the answer being read
        window.reader.sentence_started.connect(self._highlight)
        window.reader.state_changed.connect(lambda st: st == "stopped" and self._highlight(-1))
        self.result = None
        self.question = ""
        self.domain: str | None = None
        self.requests = tasks.Latest(self)
        self._popular = None  # catalog.views.PopularQuestions of the live catalogue, once read
        self.feedback_given = False

    # popular questions --------------------------------------------------------------------
    def show_popular(self, domain: str | None = None) -> None:
        """The start of the screen: domains with questions, and the chosen domain's questions."""
        self.result, self.question = None, ""
        cat = self.catalog

        def fetch(_p):
            from catalog import views

            # `python -m catalog show questions`; read once per catalogue
            return self._popular if self._popular is not None else views.popular_questions(cat)

        def done(page):
            self._popular = page
            by_domain, order = page.by_domain, page.order
            # first shown: the domain with the most questions (社会救助 in the demo), then as chosen
            self.domain = domain if domain in by_domain else page.busiest
            clear_layout(self.column)
            self.column.addWidget(label("常见问题：先点一个领域，再点您想问的问题", "heading"))
            chips = [button(self.win.domain_names.get(d, d), lambda _c=False, d=d: self.show_popular(d), "chip")
                     for d in order]
            for c, d in zip(chips, order):
                c.setCheckable(True)
                c.setChecked(d == self.domain)
            self.column.addLayout(grid(chips, 4 if self.portrait() else 6, self.theme.spacing_px))
            for f in by_domain.get(self.domain, [])[:POPULAR_PER_DOMAIN]:
                self.column.addWidget(button(f.question, lambda _c=False, f=f: self.show_answer_of(f.id, f.question), "link"))
            self.column.addStretch(1)

        self.requests.run(fetch, done)

    # asking -------------------------------------------------------------------------------
    def ask(self, question: str) -> None:
        self.question, self.result = question, None
        self.search.set_query(question)
        cat, usage = self.catalog, self.win.usage

        def fetch(_p):
            from catalog import views

            page = views.answer(cat, question)  # `python -m catalog ask` plus what the card shows
            usage.record_question(question, page.result.status)  # never raises (catalog.usage)
            return page.result, page.documents, page.cites

        self.requests.run(fetch, self._fill)

    def show_answer_of(self, faq_id: str, question: str | None = None) -> None:
        """A question tapped from a list: its answer, as certain as a confident match."""
        self.question, self.result = "", None
        cat = self.catalog

        def fetch(_p):
            from catalog import views

            page = views.answer_of(cat, faq_id, question)  # `python -m catalog show faq ID`
            return (None, {}, []) if page is None else (page.result, page.documents, page.cites)

        self.requests.run(fetch, self._fill)

    def _fill(self, data) -> None:
        result, meta, cites = data
        self.result = result
        self.feedback_given = False
        self.answer_label, self._spoken, self.highlighted = None, [], ""
        clear_layout(self.column)
        if result is None:
            self.column.addWidget(label("没有找到这个问题，目录可能已经更新。"))
        elif result.status == "answered":
            self._answer_card(result.answers[0], meta, cites)
        elif result.status == "unsure":
            self.column.addWidget(label("没能确定您问的是哪一个。您是不是想问：", "heading"))
            for a in result.answers:
                self.column.addWidget(button(a.question, lambda _c=False, a=a: self.show_answer_of(a.faq_id, a.question), "link"))
        elif not result.passages:
            self.column.addWidget(label("抱歉，这个问题本机的政策问答里没有。", "heading"))
            self.column.addWidget(label("本机只能回答政务公开和惠民政策方面的问题。"))
        if result is not None and result.status != "answered" and result.passages:
            self._passages(result.passages)
        if result is not None:
            self._not_found()
        self.column.addStretch(1)
        self.scroll.verticalScrollBar().setValue(0)

    def _passages(self, passages) -> None:
        """相关规定: the passages of the catalogue's texts that answer the question, each with its
        document, article or paragraph and status; tap to open the document there, 朗读, 打印."""
        from kiosk.screens.base import status_badge
        from kiosk.screens.results import _highlight, passage_at

        heading = "本机的问答里没有这个问题，下面是文件里的相关规定：" if self.result.status == "out_of_scope" \
            else "文件里的相关规定："
        self.column.addWidget(label(heading, "heading"))
        for p in passages:
            frame, lay = card()
            at = passage_at({"paragraph": p.paragraph, "text": p.text})
            lay.addWidget(button(f"《{p.title}》{p.label}", lambda _c=False, i=p.doc_id, at=at:
                                 self.win.show_document(i, at), "resulttitle"))
            badge = status_badge(p.status)
            if badge:
                lay.addWidget(badge)
            text = QLabel(spaced(_highlight(p.text, self.theme.accent), self.theme))
            text.setTextFormat(Qt.RichText)
            text.setWordWrap(True)
            lay.addWidget(text)
            plain = p.text.replace("【", "").replace("】", "")
            paragraphs = list(range(at[0] + 1, at[0] + 1 + at[1]))
            lay.addLayout(row(button("朗读这一条", lambda _c=False, t=plain: self.read_answer(t, mark=False)),
                              button("打印这一条", lambda _c=False, i=p.doc_id, ps=paragraphs:
                                     self.win.show_print(i, ps))))
            self.column.addWidget(frame)

    def _answer_card(self, a, meta: dict, cites: list[dict]) -> None:
        self.column.addWidget(label(a.question, "heading"))
        frame, lay = card()
        self.answer_label = text_label(a.answer, self.theme)
        lay.addWidget(self.answer_label)
        lay.addLayout(row(button("朗读这个回答", lambda _c=False: self.read_answer(a.answer), "primary"),
                          button("打印这个回答", lambda _c=False, i=a.faq_id: self.win.show_print_answer(i))))
        self.column.addWidget(frame)
        self.column.addWidget(label("政策依据（点击文件名查看原文）", "heading"))
        for doc_id in a.documents:
            m = meta.get(doc_id)
            if not m:
                continue
            self.column.addWidget(button(f"《{m.title}》", lambda _c=False, i=doc_id: self.win.show_document(i), "link"))
            for c in cites:
                if c.get("doc") == doc_id and c.get("quote"):
                    self.column.addWidget(label(f"“{c['quote']}”", "muted"))
        self.useful = button("有用", lambda: self._feedback(a.faq_id, True))
        self.useless = button("没用", lambda: self._feedback(a.faq_id, False))
        self.thanks = label("", "muted")
        self.column.addLayout(row(label("这个回答对您有用吗？"), self.useful, self.useless, self.thanks))

    def read_answer(self, answer: str, mark: bool = True) -> None:
        """Read ``answer`` aloud; with ``mark`` the answer card marks each sentence (a 相关规定
        card is read, not marked)."""
        from kiosk.speech.sentences import split_sentences

        if not mark:
            self.answer_label = None
        self._spoken = split_sentences(answer)
        self._answer_text = answer
        self.win.reader.speak_sentences(self._spoken)

    def _highlight(self, index: int) -> None:
        """The sentence being read, marked in the answer (background and underline)."""
        if self.answer_label is None or not self._spoken:
            return
        try:
            text = self._answer_text
            self.answer_label.text()
        except RuntimeError:  # the label went with a new answer
            return
        if not 0 <= index < len(self._spoken):
            self.answer_label.setText(spaced(html.escape(text), self.theme))
            self.highlighted = ""
            return
        s = self._spoken[index]
        self.highlighted = s.text
        self.answer_label.setText(spaced(
            html.escape(text[:s.start])
            + f'<span style="background:{self.theme.highlight}; text-decoration: underline;">'
            + html.escape(text[s.start:s.end]) + "</span>" + html.escape(text[s.end:]), self.theme))

    def _feedback(self, faq_id: str, useful: bool) -> None:
        if self.feedback_given:
            return
        self.feedback_given = True
        self.useful.setEnabled(False)
        self.useless.setEnabled(False)
        self.thanks.setText("谢谢您的反馈！")
        usage = self.win.usage
        tasks.run(lambda _p: usage.record_feedback(faq_id, useful), owner=self, quiet=True)

    def _not_found(self) -> None:
        self.column.addWidget(label("没有找到？", "heading"))
        q = self.question
        if q:
            self.column.addWidget(button(f"搜索与“{q if len(q) <= 12 else q[:12] + '…'}”有关的文件",
                                         lambda _c=False: self.win.show_results(q), "primary"))
        self.column.addWidget(label(self.win.settings.help_contact))

    def catalogue_changed(self) -> None:
        self._popular = None  # the new catalogue's questions, next time they are shown
        if self.win.current == "ask" and self.result is None:
            self.show_popular(self.domain)

    def reset(self) -> None:
        super().reset()
        self.requests.drop()
        self.result, self.question, self.domain = None, "", None
        self.search.reset()
        clear_layout(self.column)
