"""Render every main screen with demo content to PNG (``python -m kiosk --screenshot OUT_DIR``)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer

from kiosk import tasks


def settle(app, cond=lambda: True, seconds: float = 600) -> bool:
    deadline = QDeadlineTimer(int(seconds * 1000))
    while not deadline.hasExpired():
        app.processEvents()
        tasks.wait_idle(20)
        app.processEvents()
        if cond():
            return True
    return cond()


def render_all(app, win, out: Path, size) -> int:
    out.mkdir(parents=True, exist_ok=True)
    win.resize(*size)
    win.show()
    settle(app, lambda: win.catalog is not None or not win.progress.isVisible())
    if win.catalog is None:
        print(win.info.text(), file=sys.stderr)
        return 1
    settle(app, lambda: bool(getattr(win.home, "tiles", None)), 60)
    shots = []

    def shot(name: str) -> None:
        settle(app, seconds=0.3)
        path = out / f"{len(shots) + 1:02d}-{name}.png"
        win.grab().save(str(path))
        shots.append(path)

    shot("home")
    win.home.search.open_keyboard()
    kb = win.home.search.keyboard
    if kb is not None and hasattr(kb, "type_letters"):
        kb.type_letters("dibao")
    else:
        win.home.search.box.setText("低保")
    settle(app, seconds=1)
    shot("keyboard")
    win.home.search.reset()
    win.show_results("低保")
    settle(app, lambda: win.results.result is not None, 30)
    settle(app, seconds=2.0)  # the cards' heights settle after their text is laid out
    shot("results")
    first = win.results.result.hits[0].id if win.results.result and win.results.result.hits else None
    if first:
        win.show_document(first)
        settle(app, lambda: win.document.doc is not None, 30)
        shot("document")
        win.document.read_aloud()
        settle(app, lambda: win.document.highlighted != "", 30)
        shot("document-reading")
        win.reader.stop()
        win.show_print(first)
        settle(app, lambda: win.print.list.count() > 0, 30)
        for n in range(min(3, win.print.list.count())):
            win.print._toggle(win.print.list.item(n))
        shot("print-choose")
        win.print.preview()
        settle(app, lambda: win.print.stack.currentIndex() == 1, 30)
        settle(app, seconds=2.0)  # QtPdf renders the pages in the background
        shot("print-preview")
    win.show_domain("shjz")
    settle(app, lambda: win.domain.domain is not None, 30)
    shot("domain")
    win.show_ask()
    settle(app, lambda: win.ask._popular is not None, 30)
    shot("ask")
    for question in ("我妈八十岁了有什么补贴", "补贴", "明天天气怎么样"):
        win.show_ask(question)
        settle(app, lambda: win.ask.result is not None and win.ask.question == question, 30)
        settle(app, seconds=0.3)
        shot("ask-" + win.ask.result.status.replace("_", "-"))
    win.show_results("weifanggaizhao")
    settle(app, lambda: win.results.result is not None and win.results.query == "weifanggaizhao", 30)
    shot("results-pinyin")
    win.start_countdown()
    shot("countdown")
    win.keep_going()
    win.gate.open()
    shot("staff-pin")
    win.gate.close()
    win.enter_staff()
    staff = win.staff_screen
    settle(app, lambda: bool(staff.update_tab.current_label.text()), 30)  # read off the GUI thread
    shot("staff-update")
    staff.show_tab("settings")
    shot("staff-settings")
    staff.show_tab("keys")
    settle(app, lambda: staff.keys_tab.keys_box.count() > 0, 30)
    shot("staff-keys")
    win.leave_staff()
    # a question no FAQ answers: 相关规定 from the texts, and the document opened at its article
    question = "邻居装修噪音太大怎么办"
    win.show_ask(question)
    settle(app, lambda: win.ask.result is not None and win.ask.question == question, 30)
    shot("ask-passages")
    passages = win.ask.result.passages if win.ask.result else []
    if passages:
        from kiosk.screens.results import passage_at

        p = passages[0]
        win.show_document(p.doc_id, passage_at({"paragraph": p.paragraph, "text": p.text}))
        settle(app, lambda: win.document.passage_text != "", 30)
        shot("document-passage")
    win.help.open()  # 请工作人员帮忙, with the contact staff set
    shot("help")
    win.help.close()
    print("\n".join(str(p) for p in shots))
    return 0
