"""The print flow driven through its widgets: choose paragraphs, see the real pages and their
count, print — up to a QPrinter writing a PDF file, standing in for the printer — and read back
what was printed; the no-printer message and saving to a USB stick instead; the per-session page
limit; the print log; attachments."""

import subprocess
from datetime import date

import pytest
from PySide6.QtCore import Qt

from catalog.packaging.datadir import DataDir
from catalog.packaging.packages import import_package
from catalog.usage import UsageLog
from kiosk import tasks
from kiosk.settings import Settings
from pkgtools import build, records

FORM = None  # a real one-page PDF made by catalog.extract, used as an attachment


@pytest.fixture(scope="module")
def data(tmp_path_factory, keys):
    from catalog.catalogue import Catalog
    from catalog.extract import extract

    tmp = tmp_path_factory.mktemp("print")
    recs = records(25)
    # a first import makes a real PDF to attach to a document of the second version
    import_package(tmp / "seed", build(tmp, "seed", recs, key=keys.key), trust=[keys.pub])
    with Catalog.open(tmp / "seed") as cat:
        doc = next(d for d in cat.store.documents() if d.title == "户口登记条例")
        form = extract(cat.store, tmp / "form.pdf", doc_id=doc.id, paragraphs="1-2").path
    target = next(d for d in recs["document"] if d["title"] == "户口登记条例")
    target["attachments"] = [{"path": "files/申报表.pdf", "title": "户口申报表"}]
    pkg = build(tmp, "v", recs, key=keys.key, extra_files={"files/申报表.pdf": open(form, "rb").read()})
    import_package(tmp / "data", pkg, trust=[keys.pub])
    return DataDir(tmp / "data")


def make_window(qtbot, data, tmp_path, **settings):
    from kiosk.window import MainWindow

    w = MainWindow(data, demo=False, settings=Settings(**settings), kiosk_mode=True)
    w.usage = UsageLog(tmp_path / "usage.db")
    qtbot.addWidget(w)
    w.resize(1920, 1080)
    w.show()
    qtbot.waitUntil(lambda: bool(getattr(w.home, "tiles", None)), timeout=30000)
    w.idle_timer.stop()
    return w


def open_print(qtbot, win, title):
    doc_id = next(d["id"] for d in records(25)["document"] if d["title"] == title)
    win.show_document(doc_id)
    qtbot.waitUntil(lambda: win.document.doc is not None, timeout=5000)
    qtbot.mouseClick(win.document.print_btn, Qt.LeftButton)
    qtbot.waitUntil(lambda: win.print.doc is not None and win.print.list.count() > 0, timeout=5000)
    return win.print


def tap_item(qtbot, screen, n):
    item = screen.list.item(n - 1)
    rect = screen.list.visualItemRect(item)
    qtbot.mouseClick(screen.list.viewport(), Qt.LeftButton, pos=rect.center())


def preview(qtbot, screen):
    qtbot.mouseClick(screen.preview_btn, Qt.LeftButton)
    qtbot.waitUntil(lambda: screen.stack.currentIndex() == 1, timeout=20000)


def text_of(pdf) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout


def page_pixels(pdf, page: int = 1) -> tuple[int, int, bytes]:
    """A page rendered grey at 30 dpi (PGM): width, height, pixels."""
    pgm = subprocess.run(["pdftoppm", "-gray", "-r", "30", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True).stdout
    head, rest = pgm.split(b"\n", 1)
    dims, rest = rest.split(b"\n", 1)
    _maxval, pixels = rest.split(b"\n", 1)
    w, h = map(int, dims.split())
    return w, h, pixels


def blocks(w: int, h: int, pixels: bytes, n: int = 8) -> list[float]:
    """Mean grey of n x n pixel blocks (a pixel of rounding between two renderings is no change)."""
    out = []
    for by in range(0, h - n + 1, n):
        for bx in range(0, w - n + 1, n):
            out.append(sum(pixels[(by + y) * w + bx + x] for y in range(n) for x in range(n)) / (n * n))
    return out


def same_page(a, b, page: int = 1) -> bool:
    """The printer got this page: the same size (to a pixel), not blank, the same ink in place."""
    wa, ha, pa = page_pixels(a, page)
    wb, hb, pb = page_pixels(b, page)
    if abs(wa - wb) > 1 or abs(ha - hb) > 1 or min(pb) > 128:
        return False
    w, h = min(wa, wb), min(ha, hb)
    crop = lambda px, width: b"".join(px[y * width:y * width + w] for y in range(h))  # noqa: E731
    ba, bb = blocks(w, h, crop(pa, wa)), blocks(w, h, crop(pb, wb))
    return sum(abs(x - y) for x, y in zip(ba, bb)) / len(ba) < 4


def pages_of(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_choose_paragraphs_preview_and_print_to_the_printer(qtbot, data, tmp_path):
    out = tmp_path / "printer-output.pdf"
    win = make_window(qtbot, data, tmp_path, printer=f"file:{out}")
    screen = open_print(qtbot, win, "户口登记条例")
    doc = screen.doc
    tap_item(qtbot, screen, 2)
    tap_item(qtbot, screen, 3)
    assert screen.chosen() == [2, 3] and "已选 2 段" in screen.chosen_label.text()
    preview(qtbot, screen)
    # the real pages, rendered by QtPdf and shown: one image per page, not blank
    qtbot.waitUntil(lambda: len(screen.page_images) == screen.pages >= 1, timeout=10000)
    img = screen.page_images[0].pixmap().toImage()
    dark = sum(1 for y in range(0, img.height(), 4) for x in range(0, img.width(), 4)
               if img.pixelColor(x, y).lightness() < 128)
    assert dark > 200
    assert f"共 {screen.pages} 页" in screen.count_label.text()
    extract_text = text_of(screen.pdf_path).replace(" ", "")
    assert doc.paragraphs[1][:12].replace(" ", "") in extract_text
    assert doc.paragraphs[2][:12].replace(" ", "") in extract_text
    assert doc.paragraphs[3][:12].replace(" ", "") not in extract_text  # only what was chosen
    assert "以正式文本为准" in extract_text
    qtbot.mouseClick(screen.print_btn, Qt.LeftButton)
    qtbot.waitUntil(lambda: "已打印" in screen.message.text(), timeout=30000)
    # what reached the printer: the pages of that extract, as images
    assert pages_of(out) == screen.pages
    assert same_page(screen.pdf_path, out)
    assert win.session_pages == screen.pages
    assert win.usage.rows("prints") == [(date.today().isoformat(), doc.domains[0], screen.pages, 1)]


def test_no_printer_says_so_and_saves_to_a_usb_stick(qtbot, data, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    win = make_window(qtbot, data, tmp_path, printer="", usb_dirs=str(stick))
    screen = open_print(qtbot, win, "户口登记条例")
    preview(qtbot, screen)  # nothing chosen: the whole document
    qtbot.mouseClick(screen.print_btn, Qt.LeftButton)
    qtbot.waitUntil(lambda: "打印机" in screen.message.text(), timeout=20000)
    assert "没有连接打印机" in screen.message.text() and "U盘" in screen.message.text()
    assert win.session_pages == 0
    # said large, with one way on; the button no longer looks as if it would print
    assert win.notice.isVisible() and "没有连接打印机" in win.notice.text.text()
    assert not screen.print_btn.isEnabled() and screen.print_btn.text() == "打印机暂不可用"
    qtbot.mouseClick(win.notice.ok, Qt.LeftButton)
    assert not win.notice.isVisible()
    qtbot.mouseClick(screen.usb_btn, Qt.LeftButton)
    qtbot.waitUntil(lambda: "已存到U盘" in screen.message.text(), timeout=10000)
    saved = list(stick.glob("*.pdf"))
    assert [p.name for p in saved] == ["户口登记条例.pdf"]
    assert "户口登记条例" in text_of(saved[0])


def test_no_stick_is_said_plainly(qtbot, data, tmp_path):
    win = make_window(qtbot, data, tmp_path, usb_dirs=str(tmp_path / "not-mounted"))
    screen = open_print(qtbot, win, "户口登记条例")
    preview(qtbot, screen)
    qtbot.mouseClick(screen.usb_btn, Qt.LeftButton)
    tasks.wait_idle()
    qtbot.waitUntil(lambda: "没有找到U盘" in screen.message.text(), timeout=10000)


def test_the_page_limit_holds_per_session(qtbot, data, tmp_path):
    out = tmp_path / "out.pdf"
    win = make_window(qtbot, data, tmp_path, printer=f"file:{out}", page_limit=1)
    screen = open_print(qtbot, win, "社会保险法")
    screen.choose_all(True)
    preview(qtbot, screen)
    assert screen.pages > 1
    assert not screen.print_btn.isEnabled() and "最多打印 1 页" in screen.message.text()
    assert screen.print_btn.text() == "超过可打印页数（还可打印 1 页）"  # it says why it is off
    qtbot.mouseClick(screen.print_btn, Qt.LeftButton)
    qtbot.wait(300)
    assert not out.exists()
    # the next person starts with the full allowance
    win.session_pages = 1
    win.reset_all()
    assert win.session_pages == 0 and screen.doc is None and screen.list.count() == 0


def test_an_attachment_prints_as_published(qtbot, data, tmp_path):
    out = tmp_path / "form-printed.pdf"
    win = make_window(qtbot, data, tmp_path, printer=f"file:{out}")
    screen = open_print(qtbot, win, "户口登记条例")
    attach = [b for b in screen.findChildren(type(screen.print_btn)) if b.text() == "打印附件：户口申报表"]
    qtbot.mouseClick(attach[0], Qt.LeftButton)
    qtbot.waitUntil(lambda: screen.stack.currentIndex() == 1, timeout=5000)
    qtbot.mouseClick(screen.print_btn, Qt.LeftButton)
    qtbot.waitUntil(lambda: "已打印" in screen.message.text(), timeout=30000)
    form = win.data_dir.generation_path(win.catalog.generation) / "files/申报表.pdf"
    assert pages_of(out) == pages_of(form) and same_page(form, out)


def test_elder_mode_prints_large(qtbot, data, tmp_path):
    win = make_window(qtbot, data, tmp_path)
    screen = open_print(qtbot, win, "社会保险法")
    preview(qtbot, screen)
    normal = screen.pages
    win.set_elder(True)
    qtbot.mouseClick(screen.back_btn, Qt.LeftButton)  # 重新选择段落
    preview(qtbot, screen)
    assert screen.pages > normal


def test_an_answer_and_a_catalogue_item_print_too(qtbot, data, tmp_path):
    out = tmp_path / "answer.pdf"
    win = make_window(qtbot, data, tmp_path, printer=f"file:{out}")
    win.show_faq("faq-hukou-newborn")
    qtbot.waitUntil(lambda: win.ask.result is not None, timeout=10000)
    button = next(b for b in win.ask.findChildren(type(win.home_btn)) if b.text() == "打印这个回答")
    qtbot.mouseClick(button, Qt.LeftButton)
    screen = win.print
    qtbot.waitUntil(lambda: screen.stack.currentIndex() == 1 and screen.pdf_path is not None, timeout=20000)
    assert "新生儿出生后多久要申报户口" in text_of(screen.pdf_path).replace(" ", "")
    qtbot.mouseClick(screen.print_btn, Qt.LeftButton)
    qtbot.waitUntil(lambda: "已打印" in screen.message.text(), timeout=30000)
    assert same_page(screen.pdf_path, out)
    # a 标准目录 item
    item = records(25)["item"][0]
    win.show_domain(item["domain"])
    qtbot.waitUntil(lambda: win.domain.domain is not None, timeout=10000)
    qtbot.wait(100)
    button = next(b for b in win.domain.findChildren(type(win.home_btn)) if b.text() == "打印这一项")
    qtbot.mouseClick(button, Qt.LeftButton)
    qtbot.waitUntil(lambda: screen.stack.currentIndex() == 1 and screen.pdf_path is not None
                    and "公开" in text_of(screen.pdf_path), timeout=20000)
    assert "基层政务公开标准目录" in text_of(screen.pdf_path).replace(" ", "")
