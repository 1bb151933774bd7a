"""``python -m kiosk``: start the kiosk (or render its screens to PNG with --screenshot)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["catalog"]:  # the catalogue's command line, for a frozen build's apply child
        import traceback

        from catalog.cli import main as catalog_main

        try:
            return catalog_main(argv[1:])
        except Exception:  # noqa: BLE001 - never a windowed build's modal error box: the parent reads it
            traceback.print_exc()
            return 1
    if argv[:1] == ["speak"]:
        from kiosk.speech.cli import speak_main

        return speak_main(argv[1:])
    p = argparse.ArgumentParser(prog="python -m kiosk", description="政务公开专区查询机")
    p.add_argument("--data-dir")
    p.add_argument("--windowed", action="store_true", help="在窗口中运行（开发用），可以关闭")
    p.add_argument("--portrait", action="store_true", help="竖屏 1080x1920")
    p.add_argument("--elder", action="store_true", help="以长辈模式启动")
    p.add_argument("--demo", action="store_true", help="数据目录为空时导入演示目录（空目录时默认如此）")
    p.add_argument("--screenshot", metavar="OUT_DIR", help="把每个主要界面渲染成 PNG 后退出")
    args = p.parse_args(argv)
    if args.screenshot:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from PySide6.QtWidgets import QApplication

    from catalog.packaging.datadir import DataDir
    from kiosk import settings as kiosk_settings
    from kiosk.fonts import install_fonts
    from kiosk.window import MainWindow

    data_dir = DataDir(args.data_dir) if args.data_dir else DataDir()
    # nothing identifying reaches a log: every record is masked (catalog.privacy); the kiosk's own
    # log file is DATA_DIR/logs/kiosk.log (none when only rendering screenshots)
    from catalog.privacy import install_log_masking

    install_log_masking()
    if not args.screenshot:
        from kiosk.logs import setup_logging

        setup_logging(data_dir)
    conf = kiosk_settings.load(data_dir)
    portrait = args.portrait or conf.orientation == "portrait"
    demo = args.demo or data_dir.pointer().generation is None
    app = QApplication(sys.argv[:1])
    install_fonts()
    kiosk_mode = not (args.windowed or args.screenshot)
    win = MainWindow(data_dir, demo, conf, kiosk_mode=kiosk_mode,
                     embed_in_background=not args.screenshot)
    app.aboutToQuit.connect(win.embedder.stop)
    if args.elder:
        win.set_elder(True)
    size = (1080, 1920) if portrait else (1920, 1080)
    if args.screenshot:
        from kiosk.screenshots import render_all

        return render_all(app, win, Path(args.screenshot), size)
    if args.windowed:
        win.resize(size[0] // 2, size[1] // 2)
        win.show()
    else:
        # Without a window manager (a bare X session on a kiosk) a full-screen request alone is not
        # honoured: take the screen's geometry explicitly as well.
        win.setGeometry(app.primaryScreen().geometry())
        win.showFullScreen()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
