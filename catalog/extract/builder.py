"""``Builder``: collects the flowables of one extract (kind line, title, warning band, header fields
with the QR code, headings, body paragraphs, notes, listings), with the text made printable on the
way in, and writes the PDF (A4, the page furniture on every page) atomically."""

from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Table, TableStyle

from catalog.extract.flowables import Rule, TextBlock, qr_code
from catalog.extract.font import FONT_NAME, get_font, printable
from catalog.extract.furniture import Furniture, canvas_class
from catalog.extract.sizes import LARGE, NORMAL



class Builder:
    """Collects flowables for one extract, with the text made printable on the way in."""

    def __init__(self, large: bool):
        self.s = LARGE if large else NORMAL
        self.story: list[Flowable] = []
        self.replaced: set[str] = set()
        get_font()

    def p(self, text: str | None) -> str:
        return printable(text, self.replaced)

    def kind_line(self, text: str) -> None:
        s = self.s
        self.story.append(TextBlock(self.p(text), s.label + 1, (s.label + 1) * 1.6, align="center",
                                    color=colors.Color(0.35, 0.35, 0.35)))

    def title(self, text: str) -> None:
        s = self.s
        self.story.append(TextBlock(self.p(text), s.title, s.title * 1.45, align="center", bold=True,
                                    balance=True, space_before=s.title * 0.2, space_after=s.title * 0.6))

    def heading(self, text: str) -> None:
        s = self.s
        block = TextBlock(self.p(text), s.heading, s.heading * 1.5, align="left", bold=True,
                          space_before=s.heading * 0.9, space_after=s.heading * 0.35)
        block.keepWithNext = True  # never alone at the foot of a page
        self.story.append(block)

    def fields(self, rows: list[tuple[str, str | None]]) -> list[Flowable]:
        s = self.s
        rows = [(k, v) for k, v in rows if v]
        gutter = max((pdfmetrics.stringWidth(k + "：", FONT_NAME, s.field) for k, _ in rows), default=0)
        return [TextBlock(self.p(v), s.field, s.field * 1.55, align="left", label=k + "：",
                          label_size=s.field, label_color=colors.Color(0.3, 0.3, 0.3), gutter=gutter,
                          gap=0) for k, v in rows]

    def header(self, rows: list[tuple[str, str | None]], url: str | None, url_label: str = "原文网址") -> None:
        """The field block; with a URL, a QR code beside it and the URL printed under it."""
        s = self.s
        blocks = self.fields(rows)
        if url:
            qr_cell = [qr_code(url, s.qr),
                       TextBlock("扫码查看原文", s.footer_small, s.footer_small * 1.4, align="center")]
            table = Table([[blocks, qr_cell]], colWidths=["*", s.qr + 4 * mm])
            table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                       ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                       ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                       ("TOPPADDING", (0, 0), (-1, -1), 0),
                                       ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                                       ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
            self.story.append(table)
            label = url_label + "："
            self.story.append(TextBlock(self.p(url), s.footer_size, s.footer_size * 1.45, align="left",
                                        label=label, label_size=s.footer_size,
                                        gutter=pdfmetrics.stringWidth(label, FONT_NAME, s.footer_size),
                                        space_before=s.field * 0.3))
        else:
            self.story.extend(blocks)
        self.rule()

    def rule(self) -> None:
        self.story.append(Rule(self.s.body * 0.6, self.s.body * 0.9))

    def band(self, text: str) -> None:
        """A grey box with a thick border and bold text: colour is never the only cue."""
        s = self.s
        inner = TextBlock(self.p(text), s.heading, s.heading * 1.5, align="center", bold=True)
        table = Table([[inner]], colWidths=["*"])
        table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.Color(0.85, 0.85, 0.85)),
                                   ("BOX", (0, 0), (-1, -1), 2, colors.black),
                                   ("TOPPADDING", (0, 0), (-1, -1), s.heading * 0.5),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), s.heading * 0.5),
                                   ("LEFTPADDING", (0, 0), (-1, -1), s.heading * 0.6),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), s.heading * 0.6)]))
        table.spaceBefore = s.body * 0.3
        table.spaceAfter = s.body * 0.8
        self.story.append(table)

    def body(self, text: str, *, label: str | None = None, gutter: float = 0.0) -> None:
        s = self.s
        self.story.append(TextBlock(self.p(text), s.body, s.leading, indent=2 * s.body, label=label,
                                    label_size=s.label, gutter=gutter, gap=s.body * 0.6 if gutter else 0,
                                    space_after=s.body * 0.35))

    def note(self, text: str) -> None:
        s = self.s
        self.story.append(TextBlock(self.p(text), s.body * 0.95, s.leading, align="center",
                                    color=colors.Color(0.3, 0.3, 0.3), space_before=s.body * 0.2,
                                    space_after=s.body * 0.55))

    def listing(self, entries: list[str]) -> None:
        s = self.s
        labels = [f"{k}." for k in range(1, len(entries) + 1)]
        gutter = max((pdfmetrics.stringWidth(x, FONT_NAME, s.body) for x in labels), default=0)
        for label, text in zip(labels, entries):
            self.story.append(TextBlock(self.p(text), s.body, s.leading, align="left", label=label,
                                        label_size=s.body, label_color=colors.black, gutter=gutter,
                                        gap=s.body * 0.4, space_after=s.body * 0.3))

    def write(self, out_path: Path | str, *, title: str, running_title: str, status_mark: str,
              kiosk_name: str | None, catalogue_version, now: datetime | None) -> tuple[Path, int]:
        s = self.s
        now = now or datetime.now()
        info = Furniture(large=s is LARGE, running_title=self.p(running_title), status_mark=status_mark,
                         kiosk_name=self.p(kiosk_name) or None,
                         catalogue_version=None if catalogue_version is None else str(catalogue_version),
                         printed=now.strftime("%Y-%m-%d %H:%M"))
        buf = io.BytesIO()
        doc = BaseDocTemplate(buf, pagesize=A4, leftMargin=s.margin, rightMargin=s.margin,
                              topMargin=s.top, bottomMargin=s.bottom, invariant=1,
                              title=title, author=kiosk_name or "", subject="政务公开文件摘录",
                              creator="catalog.extract", initialFontName=FONT_NAME)
        frame = Frame(s.margin, s.bottom, A4[0] - 2 * s.margin, A4[1] - s.top - s.bottom,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        doc.build(self.story, canvasmaker=canvas_class(info, s))
        out = Path(out_path)
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(buf.getvalue())
        os.replace(tmp, out)
        return out, info.pages
