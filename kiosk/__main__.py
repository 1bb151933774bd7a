"""``python -m kiosk``: start the kiosk (or render its screens to PNG with --screenshot)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m kiosk", description="政务公开专区查询机")
    p.add_argument("--data-dir")
    p.add_argument("--windowed", action="store_true", help="在窗口中运行（开发用）")
    p.add_argument("--portrait", action="store_true")
    p.add_argument("--elder", action="store_true")
    p.add_argument("--demo", action="store_true", help="数据目录为空时导入演示目录（空目录时默认如此）")
    p.add_argument("--screenshot", metavar="OUT_DIR")
    args = p.parse_args(argv)
    if args.screenshot:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from PySide6.QtWidgets import QApplication

    from catalog.datadir import DataDir
    from kiosk.window import MainWindow

    data_dir = DataDir(args.data_dir) if args.data_dir else DataDir()
    demo = args.demo or data_dir.pointer().generation is None
    app = QApplication(sys.argv[:1])
    win = MainWindow(data_dir, demo)
    size = (1080, 1920) if args.portrait else (1920, 1080)
    if args.screenshot:
        return _screenshots(app, win, Path(args.screenshot), size)
    if args.windowed:
        win.resize(size[0] // 2, size[1] // 2)
        win.show()
    else:
        win.showFullScreen()
    return app.exec()


def _screenshots(app, win, out: Path, size) -> int:
    from PySide6.QtCore import QDeadlineTimer, QThreadPool

    out.mkdir(parents=True, exist_ok=True)
    win.resize(*size)
    win.show()

    def settle(cond, seconds=600):
        deadline = QDeadlineTimer(int(seconds * 1000))
        while not cond() and not deadline.hasExpired():
            app.processEvents()
            QThreadPool.globalInstance().waitForDone(20)
        app.processEvents()

    settle(lambda: win.catalog is not None or not win.progress.isVisible())
    if win.catalog is None:
        print(win.info.text(), file=sys.stderr)
        return 1
    win.grab().save(str(out / "01-home.png"))
    win.box.setText("低保")
    shown = []
    win.results.model().rowsInserted.connect(lambda *a: shown.append(1))
    win.search()
    settle(lambda: bool(shown), 60)
    win.grab().save(str(out / "02-results.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
