"""Print: choose paragraphs of a document (or 全部), see the real PDF pages and their count, then
print them or save them to a USB stick. A citizen's pages are counted against the per-session
limit staff set; every failure is said in plain Chinese with the way on (save to a stick, staff).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import (QLabel, QListWidget, QListWidgetItem, QScrollArea, QStackedWidget,
                               QVBoxLayout, QWidget)

from kiosk import tasks
from kiosk.screens.base import Screen, button, clear_layout, label, row
from kiosk.widgets.touch import make_kinetic


class PrintScreen(Screen):
    title = "打印"

    def __init__(self, window):
        super().__init__(window)
        self.scroll.hide()
        self.doc = None
        self.pdf_path: Path | None = None
        self.pages = 0
        self.requests = tasks.Latest(self)
        self._tmp = tempfile.TemporaryDirectory(prefix="kiosk-print-")
        self.stack = QStackedWidget()
        self.layout().insertWidget(2, self.stack, 1)
        # 1. choose paragraphs
        choose = QWidget()
        lay = QVBoxLayout(choose)
        lay.setContentsMargins(32, 8, 32, 16)
        self.heading = label("", "heading")
        lay.addWidget(self.heading)
        lay.addWidget(label("点一下选中要打印的段落，再点一下取消；也可以选“全部”。"))
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QListWidget.SelectionMode.NoSelection)  # the tick box tells
        self.list.itemClicked.connect(self._toggle)
        make_kinetic(self.list)
        lay.addWidget(self.list, 1)
        self.chosen_label = label("", "muted")
        self.all_btn = button("全部", lambda _c=False: self.choose_all(True))
        self.none_btn = button("清除选择", lambda _c=False: self.choose_all(False))
        self.preview_btn = button("预览", lambda _c=False: self.preview(), "primary")
        lay.addLayout(row(self.all_btn, self.none_btn, self.chosen_label, self.preview_btn, stretch_last=False))
        self.attachments = QVBoxLayout()  # 附件 (forms, tables): printed as they are
        lay.addLayout(self.attachments)
        self.stack.addWidget(choose)
        # 2. the real pages
        see = QWidget()
        lay = QVBoxLayout(see)
        lay.setContentsMargins(32, 8, 32, 16)
        self.count_label = label("", "heading")
        lay.addWidget(self.count_label)
        # the pages as images rendered by QtPdf on the worker thread (QPdfView painted nothing
        # offscreen and gave no control over size); one image per page, in a kinetic scroll area
        self.view = QScrollArea()
        self.view.setWidgetResizable(True)
        make_kinetic(self.view)
        holder = QWidget()
        self.page_box = QVBoxLayout(holder)
        self.page_box.setSpacing(16)
        self.view.setWidget(holder)
        lay.addWidget(self.view, 1)
        self.page_images: list[QLabel] = []
        self.message = label("")
        lay.addWidget(self.message)
        self.print_btn = button("打印", lambda _c=False: self.print_now(), "primary")
        self.usb_btn = button("存到U盘", lambda _c=False: self.save_usb())
        self.back_btn = button("重新选择段落", lambda _c=False: self.stack.setCurrentIndex(0))
        lay.addLayout(row(self.back_btn, self.usb_btn, self.print_btn))
        self.stack.addWidget(see)

    # choosing ----------------------------------------------------------------------------
    def open(self, doc_id: str, paragraphs: list[int] | None = None) -> None:
        cat = self.catalog
        ticked = set(paragraphs or ())
        self.requests.run(lambda _p: cat.store.document(doc_id), lambda d: self._fill(d, ticked))

    def _fill(self, doc, ticked: set[int] = frozenset()) -> None:
        self.doc = doc
        self.list.clear()
        self.stack.setCurrentIndex(0)
        if doc is None:
            self.heading.setText("没有找到这份文件，目录可能已经更新。")
            return
        self.heading.setText(f"打印《{doc.title}》")
        clear_layout(self.attachments)
        gen = self.win.data_dir.generation_path(self.catalog.generation)
        for a in doc.attachments:
            path = gen / a.path
            title = a.title or Path(a.path).name
            if path.suffix.lower() == ".pdf":
                self.attachments.addWidget(button(f"打印附件：{title}", lambda _c=False, p=path, t=title:
                                                  self.preview_file(p, t)))
            else:
                self.attachments.addWidget(label(f"附件“{title}”不是 PDF，本机不能打印，可以请工作人员帮忙。"))
        for n, text in enumerate(doc.paragraphs, 1):
            item = QListWidgetItem(f"第{n}段　{text if len(text) <= 80 else text[:80] + '…'}")
            item.setData(Qt.UserRole, n)
            item.setCheckState(Qt.Checked if n in ticked else Qt.Unchecked)
            self.list.addItem(item)
        if ticked:
            self.list.scrollToItem(self.list.item(min(ticked) - 1))
        self._count()

    def _toggle(self, item: QListWidgetItem) -> None:
        item.setCheckState(Qt.Unchecked if item.checkState() == Qt.Checked else Qt.Checked)
        self._count()

    def choose_all(self, on: bool) -> None:
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(Qt.Checked if on else Qt.Unchecked)
        self._count()

    def chosen(self) -> list[int]:
        return [self.list.item(i).data(Qt.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.Checked]

    def _count(self) -> None:
        n = len(self.chosen())
        self.chosen_label.setText(f"已选 {n} 段" if n else "没有选段落时打印全文")

    def open_answer(self, faq_id: str) -> None:
        """An answer with its 政策依据, straight to its pages."""
        self._other("faq", faq_id)

    def open_item(self, item_id: str) -> None:
        """A 标准目录 item, straight to its pages."""
        self._other("item", item_id)

    def _other(self, kind: str, ref: str) -> None:
        from types import SimpleNamespace

        self.list.clear()
        clear_layout(self.attachments)
        self.doc = SimpleNamespace(id=None, title="摘录", domains=[], kind=kind, ref=ref)
        self.back_btn.hide()
        self.preview()

    # the pages ---------------------------------------------------------------------------
    def preview(self) -> None:
        """Make the real extract (large print in 长辈模式) and show its pages."""
        if self.doc is None:
            return
        from catalog.extract import extract

        cat, doc, chosen = self.catalog, self.doc, self.chosen() or None
        large, kiosk = self.win.elder, self.win.settings.kiosk_name
        out = Path(self._tmp.name) / f"extract-{self.requests.number + 1}.pdf"  # this request's
        self.message.setText("正在生成……")
        kind = getattr(doc, "kind", "document")
        what = ({"faq_id": doc.ref} if kind == "faq" else {"item_id": doc.ref} if kind == "item"
                else {"doc_id": doc.id, "paragraphs": chosen})

        def make(_p):
            result = extract(cat.store, out, large=large, kiosk_name=kiosk, **what)
            if kind == "faq":
                f = cat.store.faq(doc.ref)
                doc.title, doc.domains = (f.question[:30], f.domains) if f else (doc.title, [])
            elif kind == "item":
                it = cat.store.item(doc.ref)
                doc.title, doc.domains = ((it.level2 or it.level1 or "公开事项"), [it.domain]) if it else (doc.title, [])
            return result

        self.requests.run(make, self._show, self._failed)

    def preview_file(self, path: Path, title: str) -> None:
        """An attachment, as the publisher made it."""
        from types import SimpleNamespace

        self.requests.drop()  # a preview still being made would replace this one
        doc = QPdfDocument()
        doc.load(str(path))
        pages = doc.pageCount() if doc.status() == QPdfDocument.Status.Ready else 0
        if not pages:
            self.message.setText(f"附件“{title}”打不开，请联系工作人员。")
            return
        self._show(SimpleNamespace(path=str(path), pages=pages))

    def _show(self, result) -> None:
        self.pdf_path, self.pages = Path(result.path), result.pages
        # as wide as the screen allows, up to a sheet's width at about 110 dpi
        width = max(400, min(self.stack.width() - 100, 900))
        path = self.pdf_path
        self.requests.run(lambda _p: render_pages(path, width), self._pages)
        self.count_label.setText(f"共 {self.pages} 页")
        left = self.pages_left()
        if self.pages > left:
            self.message.setText(f"每人每次最多打印 {self.win.settings.page_limit} 页，您还可以打印 {left} 页。"
                                 "请少选几段，或者存到U盘带走。")
            self.print_btn.setEnabled(False)
            self.print_btn.setText(f"超过可打印页数（还可打印 {left} 页）")  # says why it cannot be tapped
        else:
            self.message.setText("请确认以上内容，然后点“打印”。")
            self.print_btn.setEnabled(True)
            self.print_btn.setText(f"打印 {self.pages} 页")
        self.stack.setCurrentIndex(1)

    def _pages(self, images) -> None:
        clear_layout(self.page_box)
        self.page_images = []
        for img in images:
            lab = QLabel()
            lab.setPixmap(QPixmap.fromImage(img))
            lab.setAlignment(Qt.AlignHCenter)
            self.page_box.addWidget(lab)
            self.page_images.append(lab)
        self.page_box.addStretch(1)

    def pages_left(self) -> int:
        return max(0, self.win.settings.page_limit - self.win.session_pages)

    def print_now(self) -> None:
        from kiosk.printing import print_pdf

        if self.pdf_path is None or self.pages > self.pages_left():
            return
        path, spec, domains = self.pdf_path, self.win.settings.printer, list(self.doc.domains)
        usage = self.win.usage
        self.print_btn.setEnabled(False)
        self.message.setText("正在打印，请稍候……")

        def job(progress):
            pages = print_pdf(path, spec, progress)
            usage.record_print(domains[0] if domains else "", pages)
            return pages

        tasks.run(job, self._printed, self._failed,
                  lambda _s, done, total: self.message.setText(f"正在打印第 {done} 页，共 {total} 页……"),
                  owner=self)

    def _printed(self, pages: int) -> None:
        self.win.session_pages += pages
        self.message.setText(f"已打印 {pages} 页，请在打印机出纸口取走。")
        self.print_btn.setEnabled(False)

    def _failed(self, exc: BaseException) -> None:
        from kiosk.printing import PrintError, PrinterUnavailable

        text = str(exc) if isinstance(exc, PrintError) else "出错了，请再试一次，或联系工作人员。"
        self.message.setText(text)
        if isinstance(exc, PrinterUnavailable):
            # the printer cannot print now: said large, with one way on, and the button says so
            self.print_btn.setEnabled(False)
            self.print_btn.setText("打印机暂不可用")
            self.win.notice.say("暂时不能打印", text)
        else:
            self.print_btn.setEnabled(self.pdf_path is not None and self.pages <= self.pages_left())

    def save_usb(self) -> None:
        from kiosk.printing import save_to_usb, usb_folders

        if self.pdf_path is None:
            return
        extra = [d for d in self.win.settings.usb_dirs.split(";") if d.strip()]
        path, name = self.pdf_path, self.doc.title

        tasks.run(lambda _p: save_to_usb(path, name, usb_folders(extra)),
                  lambda target: self.message.setText(f"已存到U盘：{target.name}。现在可以拔下U盘了。"),
                  self._failed, owner=self)

    def reset(self) -> None:
        super().reset()
        self.requests.drop()
        self.back_btn.show()
        self.doc, self.pdf_path, self.pages = None, None, 0
        self.list.clear()
        clear_layout(self.page_box)
        self.page_images = []
        self.message.clear()
        self.stack.setCurrentIndex(0)


def render_pages(path: Path, width: int) -> list[QImage]:
    """Every page of ``path`` as a white image ``width`` pixels wide (on the worker thread)."""
    doc = QPdfDocument()
    doc.load(str(path))
    out = []
    for n in range(doc.pageCount()):
        size = doc.pagePointSize(n)
        h = round(width * size.height() / size.width())
        img = doc.render(n, QSize(width, h))
        page = QImage(img.size(), QImage.Format.Format_RGB32)
        page.fill(0xFFFFFF)  # rendered pages are transparent: paper is white
        p = QPainter(page)
        p.drawImage(0, 0, img)
        p.setPen(0x888888)
        p.drawRect(0, 0, page.width() - 1, page.height() - 1)  # the sheet's edge
        p.end()
        out.append(page)
    doc.close()
    return out
