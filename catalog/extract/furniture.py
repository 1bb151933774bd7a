"""Page furniture: the footer on every page (the disclaimer, 第x页/共y页, the kiosk, the catalogue
version and the print time) and the running header from page 2 on, stamped by a canvas that keeps
every page until it knows how many there are."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from catalog.extract.font import FONT_NAME
from catalog.extract.sizes import Sizes

DISCLAIMER = "本摘录仅供参考，以正式文本为准"


@dataclass
class Furniture:
    large: bool
    running_title: str
    status_mark: str
    kiosk_name: str | None
    catalogue_version: str | None
    printed: str
    pages: int = 0


def canvas_class(info: Furniture, sizes: Sizes):
    class ExtractCanvas(Canvas):
        """Keeps every page until save(), then stamps "第x页/共y页" (reportlab's canvasmaker recipe)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            info.pages = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self._furniture(number, info.pages)
                Canvas.showPage(self)
            Canvas.save(self)

        def _furniture(self, number: int, total: int) -> None:
            width, height = self._pagesize
            left, right = sizes.margin, width - sizes.margin
            grey = colors.Color(0.3, 0.3, 0.3)
            self.saveState()
            # footer: a rule, the disclaimer and the page number, then who printed it and when
            y = sizes.bottom - sizes.footer_size * 1.4
            self.setStrokeColor(colors.Color(0.6, 0.6, 0.6))
            self.setLineWidth(0.6)
            self.line(left, sizes.bottom - sizes.footer_size * 0.5, right, sizes.bottom - sizes.footer_size * 0.5)
            self.setFillColor(colors.black)
            self.setFont(FONT_NAME, sizes.footer_size)
            self.drawString(left, y, DISCLAIMER)
            self.drawRightString(right, y, f"第{number}页/共{total}页")
            parts = [p for p in (info.kiosk_name, info.catalogue_version and f"目录第{info.catalogue_version}版",
                                 f"打印时间：{info.printed}") if p]
            self.setFillColor(grey)
            self.setFont(FONT_NAME, sizes.footer_small)
            self.drawString(left, y - sizes.footer_size * 1.5, "　".join(parts))
            # running header from page 2 on, so a loose page still says what it belongs to
            if number > 1:
                head = info.running_title + (f"【{info.status_mark}】" if info.status_mark else "")
                limit = right - left - sizes.footer_small * 8
                while head and pdfmetrics.stringWidth(head, FONT_NAME, sizes.footer_small) > limit:
                    head = head[:-2] + "…"
                hy = height - sizes.top + sizes.footer_small * 1.2
                self.setFont(FONT_NAME, sizes.footer_small)
                self.drawString(left, hy, head)
                self.line(left, hy - sizes.footer_small * 0.5, right, hy - sizes.footer_small * 0.5)
            self.restoreState()

    return ExtractCanvas
