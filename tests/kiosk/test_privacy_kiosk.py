"""Privacy end to end, on a real kiosk window over the demo catalogue: names, ID-card and phone
numbers typed every way people type them go through the kiosk's own search and ask paths (the
search bar, the results screen's bar, the ask screen; the on-screen keyboard; a search and a
question that fail in the background), and afterwards none of them is anywhere the kiosk writes:
not in usage.db (raw bytes or any text column), not in its log, not in the temporary folder, not
in the exported CSV files."""

import sqlite3
import tempfile
import time

import pytest
from PySide6.QtCore import Qt

from catalog.search.analysis import jieba_module
from catalog.packaging.datadir import DataDir
from catalog.privacy import mask, uninstall_log_masking
from catalog.usage import UsageLog, export
from kiosk import tasks
from kiosk.logs import remove_logging, setup_logging
from kiosk.settings import Settings
from kiosk.window import MainWindow

# what is typed, and the parts of it that identify someone
TYPED = [
    ("王秀英的低保什么时候发", ["王秀英"]),
    ("欧阳娜娜", ["欧阳娜娜"]),
    ("我叫zhangsan", ["zhangsan"]),
    ("我叫 zhang san", ["zhang san"]),
    ("ID36020319500101123X", ["36020319500101123X", "36020319500101123"]),
    ("tel13912345678", ["13912345678"]),
    ("139.1234.5678", ["139.1234.5678"]),
    ("139/1234/5678", ["139/1234/5678"]),
    ("139，1234，5678", ["139，1234，5678"]),
    ("一三九一二三四五六七八", ["一三九一二三四五六七八"]),
    ("１３９１２３４５６７８", ["１３９１２３４５６７８"]),
    ("我叫王秀英，身份证360102195003041234，低保什么时候到账", ["王秀英", "360102195003041234"]),
    ("我妈叫李桂兰 今年八十二", ["李桂兰"]),
    ("户主是张建国，电话 138 0013 8000", ["张建国", "138 0013 8000"]),
    ("我的邮箱是wang.xiuying@qq.com", ["wang.xiuying"]),
]
SEPARATORS = " .，/-"


def secrets() -> set[str]:
    out = set()
    for _typed, parts in TYPED:
        for p in parts:
            out.add(p)
            out.add("".join(c for c in p if c not in SEPARATORS))  # the digits with separators removed
    out |= {"13912345678", "zhangsan", "13800138000"}
    return out


@pytest.fixture
def kiosk(qtbot, demo_dir, tmp_path, monkeypatch):
    """A kiosk window whose usage log, log file and temporary folder are this test's own."""
    jieba_module()  # the segmenter's cache is written once per machine, not by this test
    mask("王秀英")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    data = DataDir(tmp_path / "data")
    handler = setup_logging(data, hook_exceptions=False)
    assert handler is not None
    started = time.time()
    w = MainWindow(DataDir(demo_dir), demo=False, settings=Settings(), kiosk_mode=True)
    w.usage = UsageLog(data.usage_db)
    qtbot.addWidget(w)
    w.resize(1920, 1080)
    w.show()
    qtbot.waitUntil(lambda: bool(getattr(w.home, "tiles", None)), timeout=30000)
    try:
        yield w, data, tmp, started
    finally:
        remove_logging(handler)
        uninstall_log_masking()


def settle(qtbot):
    for _ in range(2):
        tasks.wait_idle()
        qtbot.wait(50)


def submit(qtbot, bar, text):
    bar.box.setText(text)
    qtbot.mouseClick(bar.go, Qt.LeftButton)
    settle(qtbot)


def scan(path) -> str:
    data = path.read_bytes()
    return data.decode("utf-8", errors="ignore") + "\n" + data.decode("utf-16-le", errors="ignore")


def test_nothing_typed_that_identifies_someone_is_kept(qtbot, kiosk, tmp_path, demo_dir):
    win, data, tmp, started = kiosk
    # the search path: the home screen's bar, then the results screen's own
    submit(qtbot, win.home.search, TYPED[0][0])
    assert win.stack.currentWidget() is win.results
    for typed, _parts in TYPED[1:]:
        submit(qtbot, win.results.search, typed)
        assert win.results.query == typed
    # the ask path
    win.show_ask()
    settle(qtbot)
    for typed, _parts in TYPED:
        submit(qtbot, win.ask.search, typed)
        assert win.ask.question == typed and win.ask.result is not None
    # a search and a question that fail in the background: their tracebacks are logged
    cat = win.catalog

    def broken(query, *args, **kwargs):
        raise ValueError(f"索引读不了：{query}")

    cat.search, cat.ask = broken, broken
    try:
        win.go_home()
        submit(qtbot, win.home.search, "我叫王秀英 电话139.1234.5678")
        win.show_ask()
        submit(qtbot, win.ask.search, "欧阳娜娜 ID36020319500101123X")
    finally:
        del cat.search, cat.ask
    # the on-screen keyboard while its candidates fail: it logs, but never what was typed
    win.go_home()
    bar = win.home.search
    bar.open_keyboard()
    kb = bar.keyboard

    def no_candidates(_letters):
        raise RuntimeError("catalogue gone")

    kb.set_candidate_source(no_candidates)
    for ch in "zhangsan":
        qtbot.mouseClick(kb.key(ch), Qt.LeftButton)
    settle(qtbot)
    files = export(win.usage, tmp_path / "export", win.domain_names)

    # what was counted: every search and every question, by day
    assert sum(r[-1] for r in win.usage.rows("searches")) == len(TYPED)
    assert sum(r[-1] for r in win.usage.rows("questions")) == len(TYPED)
    log_text = (data.logs / "kiosk.log").read_text(encoding="utf-8")
    assert "background task failed" in log_text and "ValueError: 索引读不了" in log_text
    assert "pinyin candidates not found" in log_text

    # and nothing of what identifies someone, anywhere
    texts = {}
    for root in (data.root, tmp, tmp_path / "export"):
        for p in root.rglob("*"):
            if p.is_file():
                texts[p] = scan(p)
    for p in DataDir(demo_dir).root.rglob("*"):  # whatever the window wrote in the catalogue's folder
        if p.is_file() and p.stat().st_mtime >= started - 1:
            texts[p] = scan(p)
    db = sqlite3.connect(data.usage_db)
    try:
        for (table,) in db.execute("select name from sqlite_master where type = 'table'"):
            for row in db.execute(f"select * from {table}"):
                texts[f"usage.db {table}"] = texts.get(f"usage.db {table}", "") + "\n".join(
                    str(v) for v in row if isinstance(v, str)) + "\n"
    finally:
        db.close()
    assert data.usage_db in texts and data.logs / "kiosk.log" in texts and files[0] in texts
    for where, text in texts.items():
        for s in secrets():
            assert s not in text, (where, s)
