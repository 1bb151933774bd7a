"""The ask screen on the demo catalogue, driven through its widgets: a question typed on the
on-screen keyboard gets a confident answer whose source opens; an unsure question offers
candidates; a question outside the catalogue gets no answer, a way to search and staff help;
feedback and misses are counted (masked) in usage.db."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from catalog.catalogue import Catalog
from catalog.packaging.datadir import DataDir
from catalog.usage import UsageLog
from kiosk import tasks
from kiosk.settings import Settings
from kiosk.window import MainWindow


@pytest.fixture
def data(tmp_path, demo_dir):
    """The demo catalogue with a usage log of this test's own."""
    dd = DataDir(demo_dir)
    dd.usage_db  # noqa: B018 - the real path; tests below point the window at their own log
    return dd


@pytest.fixture
def win(qtbot, data, tmp_path):
    w = MainWindow(data, demo=False, settings=Settings(help_contact="请到 3 号窗口找工作人员。"),
                   kiosk_mode=True)
    w.usage = UsageLog(tmp_path / "usage.db")
    qtbot.addWidget(w)
    w.resize(1920, 1080)
    w.show()
    qtbot.waitUntil(lambda: bool(getattr(w.home, "tiles", None)), timeout=30000)
    return w


def settle(qtbot):
    tasks.wait_idle()
    qtbot.wait(50)
    tasks.wait_idle()
    qtbot.wait(50)


def visible_buttons(screen, part=""):
    return [b for b in screen.findChildren(QPushButton) if part in b.text() and b.isVisible()]


def texts(screen):
    return " ".join(w.text() for w in screen.findChildren(QLabel) if w.isVisible())


def ask_by_keyboard(qtbot, win, letters: str, word: str):
    """Tap the home screen's 提问 entry, then type pinyin on the on-screen keyboard and pick."""
    qtbot.mouseClick(win.home.ask_btn, Qt.LeftButton)
    settle(qtbot)
    assert win.stack.currentWidget() is win.ask
    qtbot.waitUntil(lambda: bool(visible_buttons(win.ask, "")), timeout=5000)
    win.ask.search.open_keyboard()
    kb = win.ask.search.keyboard
    assert kb.isVisible()
    for ch in letters:
        qtbot.mouseClick(kb.key(ch), Qt.LeftButton)
    qtbot.waitUntil(lambda: any(b.text() == word for b in kb.candidate_buttons()), timeout=5000)
    qtbot.mouseClick(next(b for b in kb.candidate_buttons() if b.text() == word), Qt.LeftButton)


def test_popular_questions_are_tap_targets(qtbot, win):
    win.show_ask()
    qtbot.waitUntil(lambda: win.ask._popular is not None, timeout=10000)
    settle(qtbot)
    counts = {}
    for f in win.catalog.store.faqs():
        counts[f.domains[0]] = counts.get(f.domains[0], 0) + 1
    assert win.ask.domain == max(counts, key=counts.get)  # the domain with the most questions first
    questions = [b for b in visible_buttons(win.ask) if b.objectName() == "link"]
    assert len(questions) == 6
    chip = next(b for b in visible_buttons(win.ask, "户籍管理") if b.objectName() == "chip")
    qtbot.mouseClick(chip, Qt.LeftButton)
    settle(qtbot)
    assert win.ask.domain == "hjgl"
    first = next(b for b in visible_buttons(win.ask) if b.objectName() == "link")
    question = first.text()
    qtbot.mouseClick(first, Qt.LeftButton)
    settle(qtbot)
    assert win.ask.result.status == "answered" and win.ask.result.answers[0].question == question


def test_confident_answer_with_a_source_that_opens(qtbot, win):
    ask_by_keyboard(qtbot, win, "gaoling", "高龄")
    box = win.ask.search.box
    box.setText(box.text() + "津贴怎么申请")  # the rest as typed text (CJK key clicks abort QTest)
    qtbot.mouseClick(win.ask.search.go, Qt.LeftButton)
    qtbot.waitUntil(lambda: win.ask.result is not None, timeout=10000)
    settle(qtbot)
    r = win.ask.result
    assert r.status == "answered" and r.answers[0].faq_id == "faq-ylfw-03"
    shown = texts(win.ask)
    assert r.answers[0].answer[:20] in shown and "政策依据" in shown
    meta = Catalog.open(win.data_dir).store.document_meta(r.answers[0].documents)
    source = visible_buttons(win.ask, meta[r.answers[0].documents[0]].title)
    assert source, "the answer names its source document"
    qtbot.mouseClick(source[0], Qt.LeftButton)
    qtbot.waitUntil(lambda: win.document.doc is not None, timeout=5000)
    assert win.stack.currentWidget() is win.document and win.document.doc.id == r.answers[0].documents[0]
    win.go_back()
    settle(qtbot)
    assert win.stack.currentWidget() is win.ask


def test_feedback_is_counted_once(qtbot, win):
    win.show_faq("faq-shjz-02")
    qtbot.waitUntil(lambda: win.ask.result is not None, timeout=10000)
    settle(qtbot)
    qtbot.mouseClick(visible_buttons(win.ask, "没用")[0], Qt.LeftButton)
    settle(qtbot)
    assert "谢谢" in texts(win.ask) and not visible_buttons(win.ask, "有用")[0].isEnabled()
    assert [r[1:] for r in win.usage.rows("feedback")] == [("faq-shjz-02", 0, 1)]


def first_with_status(win, status, candidates):
    cat = win.catalog
    return next(q for q in candidates if cat.ask(q).status == status)


def test_unsure_question_offers_candidates(qtbot, win):
    q = first_with_status(win, "unsure", ["补贴", "怎么申请", "要交钱吗", "去哪里办", "多久", "老人", "孩子"])
    win.show_ask(q)
    qtbot.waitUntil(lambda: win.ask.result is not None, timeout=10000)
    settle(qtbot)
    assert "您是不是想问" in texts(win.ask)
    offered = [b.text() for b in visible_buttons(win.ask) if b.objectName() == "link"]
    assert offered == [a.question for a in win.ask.result.answers] and 1 <= len(offered) <= 3
    assert all(a.answer[:15] not in texts(win.ask) for a in win.ask.result.answers)  # no answer shown
    qtbot.mouseClick(visible_buttons(win.ask, offered[1] if len(offered) > 1 else offered[0])[0], Qt.LeftButton)
    settle(qtbot)
    assert win.ask.result.status == "answered"
    assert [m[1:3] for m in win.usage.rows("misses")] == [(q, "unsure")]


def test_out_of_scope_question_gets_no_answer_and_a_way_on(qtbot, win):
    win.show_ask("明天天气怎么样")
    qtbot.waitUntil(lambda: win.ask.result is not None, timeout=10000)
    settle(qtbot)
    r = win.ask.result
    assert r.status == "out_of_scope"
    shown = texts(win.ask)
    assert all(a.answer[:15] not in shown for a in r.answers)
    assert "请到 3 号窗口找工作人员" in shown  # the contact staff set
    search = visible_buttons(win.ask, "搜索与")
    qtbot.mouseClick(search[0], Qt.LeftButton)
    settle(qtbot)
    assert win.stack.currentWidget() is win.results and win.results.query == "明天天气怎么样"
    assert [m[1:3] for m in win.usage.rows("misses")] == [("明天天气怎么样", "out_of_scope")]


def test_idle_reset_clears_the_question(qtbot, win):
    win.show_ask("低保怎么申请")
    qtbot.waitUntil(lambda: win.ask.result is not None, timeout=10000)
    win.reset_all()
    settle(qtbot)
    assert win.ask.result is None and win.ask.search.box.text() == "" and win.stack.currentWidget() is win.home


def test_a_question_the_faqs_lack_is_answered_from_the_texts(qtbot, win):
    """邻居装修噪音太大怎么办 has no FAQ; the 相关规定 card names the law and its article, opens the
    document scrolled to that article with it marked, and its 打印 ticks that article."""
    win.show_ask("邻居装修噪音太大怎么办")
    qtbot.waitUntil(lambda: win.ask.result is not None, timeout=20000)
    settle(qtbot)
    assert win.ask.result.passages and win.ask.result.related_documents
    assert "相关规定" in texts(win.ask) and "抱歉" not in texts(win.ask)
    first = win.ask.result.passages[0]
    title = next(b for b in visible_buttons(win.ask, "《") if b.objectName() == "resulttitle")
    assert "噪声" in title.text() and first.label in title.text()
    qtbot.mouseClick(title, Qt.LeftButton)
    settle(qtbot)
    doc = win.document
    qtbot.waitUntil(lambda: doc.doc is not None and doc.passage_text != "", timeout=10000)
    assert doc.passage_text.startswith(first.label)
    assert doc.body.verticalScrollBar().value() > 0  # opened at the article, not at the top
    assert doc.read_btn.text() == "从这里朗读"
    qtbot.mouseClick(doc.print_btn, Qt.LeftButton)
    settle(qtbot)
    qtbot.waitUntil(lambda: win.print.list.count() > 0, timeout=10000)
    assert win.print.chosen() == [first.paragraph + 1 + i for i in range(len(win.print.chosen()))]
    assert win.print.chosen()


def test_a_tapped_faq_suggestion_opens_its_answer(qtbot, win):
    faq = next(f for f in win.catalog.store.faqs() if "低保" in f.question)
    win.show_ask()
    settle(qtbot)
    win.ask.search.box.setText(faq.question[:4])
    qtbot.waitUntil(lambda: any(faq.question[:10] in b.text() for b in visible_buttons(win.ask.search)),
                    timeout=10000)
    chip = next(b for b in visible_buttons(win.ask.search) if faq.question[:10] in b.text())
    qtbot.mouseClick(chip, Qt.LeftButton)
    settle(qtbot)
    qtbot.waitUntil(lambda: win.ask.result is not None, timeout=10000)
    assert win.ask.result.status == "answered" and win.ask.result.answers[0].faq_id == faq.id
