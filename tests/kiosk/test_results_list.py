"""The result list on the demo catalogue: touch, as the kiosk's screen sends it (real
QTouchEvents through the window), and results built a page at a time.

A drag scrolls the list and opens nothing; a tap (even with a little finger jitter) opens the
result under the finger; a touch on a list still gliding stops it instead of opening something."""

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QScroller

from catalog.packaging.datadir import DataDir
from kiosk import tasks
from kiosk.settings import Settings
from kiosk.window import MainWindow

GLIDE_MS = 20_000  # a glide that outlasts any wait of the test


@pytest.fixture(scope="module")
def device():
    return QTest.createTouchDevice()


@pytest.fixture
def win(qtbot, demo_dir):
    w = MainWindow(DataDir(demo_dir), demo=False, settings=Settings(), kiosk_mode=True)
    qtbot.addWidget(w)
    w.resize(1920, 1080)
    w.show()
    qtbot.waitUntil(lambda: bool(getattr(w.home, "tiles", None)), timeout=30000)
    w.show_results("救助")
    qtbot.waitUntil(lambda: w.results.result is not None, timeout=10000)
    tasks.wait_idle()
    qtbot.wait(100)
    return w


def touch(win, device, points: list[QPoint], step_ms: int = 16) -> None:
    """One finger: press at the first point, move through the others, release at the last."""
    seq = QTest.touchEvent(win, device)
    seq.press(0, points[0])
    seq.commit()
    for p in points[1:]:
        QTest.qWait(step_ms)
        seq = QTest.touchEvent(win, device)
        seq.move(0, p)
        seq.commit()
    QTest.qWait(step_ms)
    seq = QTest.touchEvent(win, device)
    seq.release(0, points[-1])
    seq.commit()


def titles(win) -> list[QPushButton]:
    return [b for b in win.results.findChildren(QPushButton)
            if b.objectName() == "resulttitle" and b.isVisible() and b.text() and not b.visibleRegion().isEmpty()]


def in_list(win) -> QPoint:
    """A point well inside the list's viewport (a title's centre may lie under the chips above it)."""
    viewport = win.results.scroll.viewport()
    return viewport.mapTo(win, viewport.rect().center())


def inside_list(win, button) -> bool:
    viewport = win.results.scroll.viewport()
    return viewport.rect().contains(button.mapTo(viewport, button.rect().center()))


def wait_still(qtbot, win) -> None:
    scroller = QScroller.scroller(win.results.scroll.viewport())
    qtbot.waitUntil(lambda: scroller.state() == QScroller.State.Inactive, timeout=5000)


def test_drag_scrolls_and_opens_nothing(qtbot, win, device):
    bar = win.results.scroll.verticalScrollBar()
    assert bar.maximum() > 300, "the result list must be long enough to scroll"
    start = titles(win)[0].mapTo(win, titles(win)[0].rect().center())  # the drag starts on a title
    touch(win, device, [start - QPoint(0, 30 * i) for i in range(16)])
    wait_still(qtbot, win)
    assert bar.value() >= 300
    assert win.current == "results"


def test_tap_opens_the_result_under_the_finger(qtbot, win, device):
    button = titles(win)[0]
    p = button.mapTo(win, button.rect().center())
    touch(win, device, [p, p + QPoint(2, 3), p + QPoint(3, 2)], step_ms=20)  # finger jitter
    qtbot.waitUntil(lambda: win.current == "document", timeout=5000)
    qtbot.waitUntil(lambda: win.document.doc is not None, timeout=5000)
    assert win.document.doc.title == button.text()


def test_touch_on_a_gliding_list_stops_it(qtbot, win, device):
    """The glide is the scroller's own (scrollTo over 20 s), not a flick's: a flick's glide could
    be near its end by the time the finger landed on a busy machine (one full run failed so), and
    20 s leave it under way however slow the machine; what the finger does is the same real touch."""
    bar = win.results.scroll.verticalScrollBar()
    scroller = QScroller.scroller(win.results.scroll.viewport())
    wait_still(qtbot, win)
    assert bar.maximum() > 600, "the result list must be long enough to glide"
    scroller.scrollTo(QPointF(0, bar.maximum()), GLIDE_MS)
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=5000)
    assert scroller.state() == QScroller.State.Scrolling
    touch(win, device, [in_list(win)] * 2)
    qtbot.waitUntil(lambda: scroller.state() != QScroller.State.Scrolling, timeout=5000)
    stopped_at = bar.value()  # short of where the glide was going: stopped, not finished
    assert stopped_at < bar.maximum(), "the glide ran on: the touch did not stop it"
    qtbot.wait(300)
    assert bar.value() == stopped_at
    assert win.current == "results"
    # once still, a tap opens a result straight away: within the double-click interval of the
    # touch that stopped the list (Qt made it a double click, which the scroll area swallowed)
    wait_still(qtbot, win)
    button = next(b for b in titles(win) if inside_list(win, b))
    p = button.mapTo(win, button.rect().center())
    touch(win, device, [p, p])
    qtbot.waitUntil(lambda: win.current == "document", timeout=5000)


def test_results_come_a_page_at_a_time(qtbot, win):
    from kiosk.screens.results import ELDER_PAGE, PAGE

    total = len(win.results.result.hits)
    assert total > PAGE
    assert len(titles_all(win)) == PAGE
    more = [b for b in win.results.findChildren(QPushButton) if b.text().startswith("显示更多")]
    assert len(more) == 1 and f"还有 {total - PAGE} 份" in more[0].text()
    qtbot.mouseClick(more[0], Qt.LeftButton)
    qtbot.waitUntil(lambda: len(titles_all(win)) == min(total, 2 * PAGE), timeout=5000)
    # the order is the ranking's, across pages
    assert [b.text() for b in titles_all(win)] == [h.title for h in win.results.result.hits[:2 * PAGE]]
    # elder mode: fewer, larger cards per page
    win.set_elder(True)
    win.show_results("救助")
    qtbot.waitUntil(lambda: len(titles_all(win)) == ELDER_PAGE, timeout=10000)


def titles_all(win) -> list[QPushButton]:
    """Result titles built so far (scrolled out of view or not)."""
    return [b for b in win.results.list.parentWidget().findChildren(QPushButton)
            if b.objectName() == "resulttitle" and not b.text().startswith("显示更多") and b.isVisibleTo(win)
            and b.parentWidget().objectName() == "card"]
