"""The one operation helper (kiosk/tasks.py): the newest request of a screen wins, a failure its
caller does not handle is said on the screen, quiet work fails only into the log."""

import threading

from PySide6.QtWidgets import QWidget

from catalog.errors import CatalogError
from kiosk import tasks
from test_window import make_window, settle


def test_the_newest_request_wins_and_drop_supersedes_all(qtbot):
    owner = QWidget()
    qtbot.addWidget(owner)
    latest = tasks.Latest(owner)
    got, errors = [], []
    gate = threading.Event()
    latest.run(lambda _p: (gate.wait(5), "old")[1], got.append, errors.append)
    n = latest.run(lambda _p: "new", got.append, errors.append)
    gate.set()
    tasks.wait_idle()
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    qtbot.wait(50)
    assert got == ["new"] and latest.live(n)
    latest.run(lambda _p: 1 / 0, got.append, errors.append)
    tasks.wait_idle()
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ZeroDivisionError)
    gate.clear()
    latest.run(lambda _p: (gate.wait(5), 1 / 0), got.append, errors.append)
    latest.drop()  # an idle reset: neither its result nor its error may show
    gate.set()
    tasks.wait_idle()
    qtbot.wait(100)
    assert got == ["new"] and len(errors) == 1


def test_an_unhandled_failure_is_said_on_the_screen_and_a_reset_clears_it(qtbot, data):
    win = make_window(qtbot, data)
    assert not win.alert.isVisible()
    assert "QLabel#alert" in win.alert.styleSheet(), "styled with the rest (it showed as small plain text)"
    tasks.run(lambda _p: 1 / 0, owner=win)
    settle(qtbot)
    qtbot.waitUntil(win.alert.isVisible, timeout=5000)
    assert "没有完成" in win.alert.text()
    tasks.run(lambda _p: (_ for _ in ()).throw(CatalogError("U盘已经拔出，请重新插入。")), owner=win)
    settle(qtbot)
    qtbot.waitUntil(lambda: win.alert.text() == "U盘已经拔出，请重新插入。", timeout=5000)
    win.reset_all()
    assert not win.alert.isVisible() and not win.alert.text()
    tasks.run(lambda _p: 1 / 0, owner=win, quiet=True)  # nobody waits on it: the log only
    settle(qtbot)
    qtbot.wait(100)
    assert not win.alert.isVisible()


def test_a_job_stopped_before_its_child_started_kills_it_when_it_starts():
    job = tasks.Job()
    job.stop()
    killed = []
    job.on_stop(lambda: killed.append("child"))  # the child registers after the stop
    assert killed == ["child"]
