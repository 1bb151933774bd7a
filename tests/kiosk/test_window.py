"""The placeholder window, driven through real widgets: it opens a real catalogue in the background
and searches it when a query is typed."""

from PySide6.QtCore import Qt

from catalog.datadir import DataDir
from catalog.packages import import_package
from kiosk.window import MainWindow
from pkgtools import build, records


def test_window_searches_real_catalogue(qtbot, tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v", records(25), key=keys.key), trust=[keys.pub])
    win = MainWindow(DataDir(dd), demo=False)
    qtbot.addWidget(win)
    assert not win.box.isEnabled()  # usable only once the catalogue is ready
    qtbot.waitUntil(lambda: win.catalog is not None, timeout=30000)
    assert win.box.isEnabled() and "第 1 版" in win.info.text()
    win.box.setText("户口")  # QTest.keyClicks aborts on CJK characters; the on-screen keyboard comes later
    qtbot.keyClick(win.box, Qt.Key_Return)
    qtbot.waitUntil(lambda: win.results.count() > 0, timeout=10000)
    assert win.results.item(0).text().startswith("户口登记条例")


def test_window_on_empty_data_dir_says_so(qtbot, tmp_path):
    win = MainWindow(DataDir(tmp_path / "empty"), demo=False)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: not win.progress.isVisible() or "目录" in win.info.text(), timeout=10000)
    qtbot.waitUntil(lambda: "还没有目录" in win.info.text(), timeout=10000)
    assert win.catalog is None and not win.box.isEnabled()
