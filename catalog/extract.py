"""Printed extracts: a document (all of it or chosen paragraphs), a FAQ answer or a 标准目录 item as PDF.

What a printed extract carries (anchors E / feature 20): a header with the document's 标题, 文号,
发文机关, 成文日期/发布日期, 有效性, 索引号 and 领域; the chosen paragraphs with their numbers and a
visible mark wherever text was left out; on every page 第x页/共y页, the kiosk's name, the catalogue
version, the print time and "本摘录仅供参考，以正式文本为准"; a QR code of the official URL with the URL
printed under it; a warning band when the document is not 现行有效. ``large=True`` prints for
elderly readers (18 pt body text instead of 11 pt).

The text is set in WenQuanYi Micro Hei (resources/fonts), embedded as a TrueType subset, so the PDF
prints the same on any printer or viewer. Characters the font lacks print as a visible "□" and are
reported in ``ExtractResult.replaced``; nothing is dropped silently.

Chinese line breaking is done here, not by reportlab (see ``break_lines``): reportlab's
``wordWrap='CJK'`` lets "，；：？！》" start a line and "（《" end one.

This module is headless (no Qt): the CLI and the kiosk both call the ``extract_*`` functions.
"""

from __future__ import annotations

import io
import os
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterable, Sequence

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Table, TableStyle

from catalog import settings
from catalog.errors import CatalogError

__all__ = ["ExtractError", "ExtractResult", "paragraphs", "parse_ranges", "break_lines", "extract",
           "extract_document", "extract_faq", "extract_item", "omission_mark", "FONT_FILE",
           "font_covers", "DISCLAIMER", "CURRENT"]

FONT_FILE = settings.RESOURCES / "fonts" / "wqy-microhei.ttc"
FONT_NAME = "WQYMicroHei"
REPLACEMENT = "\u25a1"  # □: printed in place of a character the font lacks
DISCLAIMER = "本摘录仅供参考，以正式文本为准"
CURRENT = "现行有效"
MISSING = "—"  # printed for a header field the catalogue does not give


class ExtractError(CatalogError):
    """An extract cannot be made as asked (unknown id, bad paragraph range)."""


@dataclass
class ExtractResult:
    path: Path
    pages: int
    paragraphs: list[int] = field(default_factory=list)  # paragraph numbers printed (documents)
    replaced: list[str] = field(default_factory=list)  # characters the font lacks, printed as □

    def to_json(self) -> dict:
        """``extract --json`` (the contract's three fields)."""
        return {"path": str(self.path), "pages": self.pages, "paragraphs": self.paragraphs}


# ---------------------------------------------------------------------------------------------
# paragraphs and ranges

def paragraphs(body: str | None) -> list[str]:
    """The numbered paragraphs of a document body: every line (split on "\\n") that is not blank,
    with its surrounding whitespace (including the full-width indent "　　") removed. Paragraph 1 is
    the first of them. This is the same numbering as ``Document.paragraphs``; the kiosk shows these
    numbers and ``--paragraphs 3-7,9`` refers to them."""
    return [p.strip() for p in (body or "").split("\n") if p.strip()]


_RANGE_DASH = re.compile(r"\s*(?:-|–|—|~|～|至|到)\s*")


def parse_ranges(spec: str, total: int | None = None) -> list[int]:
    """``"3-7,9"`` -> ``[3, 4, 5, 6, 7, 9]`` (sorted, without repeats).

    Accepts full-width digits and punctuation, "、" or "；" between parts and "至"/"到"/"～" in ranges,
    as people type them. ``total`` is the number of paragraphs; numbers beyond it are refused.
    Raises ``ExtractError`` with a Chinese message."""
    text = unicodedata.normalize("NFKC", spec or "").strip()
    if not text:
        raise ExtractError("请填写要打印的段落，例如：3-7,9。", f"empty range {spec!r}")
    chosen: set[int] = set()
    for part in re.split(r"[,、;]", text):
        part = part.strip()
        if not part:
            continue
        bounds = _RANGE_DASH.split(part)
        if len(bounds) > 2 or not all(b.isdigit() for b in bounds):
            raise ExtractError(f"段落范围“{part}”看不懂，请写成 3-7,9 这样的段号。",
                               f"bad range part {part!r} in {spec!r}")
        lo, hi = int(bounds[0]), int(bounds[-1])
        if lo < 1:
            raise ExtractError("段号从 1 开始，请重新填写段落范围。", f"zero in {spec!r}")
        if lo > hi:
            raise ExtractError(f"段落范围“{part}”有误：开始的段号不能大于结束的段号。",
                               f"reversed range {part!r}")
        if total is not None and hi > total:
            raise ExtractError(f"这份文件只有 {total} 段，没有第 {hi} 段，请重新填写段落范围。",
                               f"{hi} > {total} in {spec!r}")
        chosen.update(range(lo, hi + 1))
    if not chosen:
        raise ExtractError("请填写要打印的段落，例如：3-7,9。", f"empty range {spec!r}")
    return sorted(chosen)


def _span(a: int, b: int) -> str:
    return f"第{a}段" if a == b else f"第{a}–{b}段"


def omission_mark(first: int, last: int) -> str:
    """The line printed where paragraphs first..last were left out."""
    return f"……（此处略去{_span(first, last)}）……"


# ---------------------------------------------------------------------------------------------
# the font

_font_lock = threading.Lock()
_font: TTFont | None = None


def _get_font() -> TTFont:
    """WenQuanYi Micro Hei, face 0 of the collection, registered with reportlab once per process."""
    global _font
    with _font_lock:
        if _font is None:
            if not FONT_FILE.exists():
                raise CatalogError("打印用的中文字体文件缺失，请重新安装查询机软件。", f"missing {FONT_FILE}")
            font = TTFont(FONT_NAME, str(FONT_FILE), subfontIndex=0)
            pdfmetrics.registerFont(font)
            _font = font
        return _font


def font_covers(ch: str) -> bool:
    """Whether the bundled font has a glyph for the character."""
    return ord(ch) in _get_font().face.charToGlyph


_DROP_CATEGORIES = {"Cc", "Cf"}  # controls and invisible format characters (ZWSP, BOM, soft hyphen)


def _printable(text: str | None, replaced: set[str]) -> str:
    """``text`` with what cannot be printed made visible or harmless: tabs and no-break spaces become
    spaces, invisible controls and variation selectors are dropped, and a character the font lacks
    becomes □ (collected in ``replaced``) rather than vanishing or printing as an empty box the
    reader cannot see."""
    if not text:
        return ""
    cmap = _get_font().face.charToGlyph
    out = []
    for ch in text:
        o = ord(ch)
        if ch in "\t\xa0":
            out.append(" ")
        elif o in cmap:
            out.append(ch)
        elif 0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF or unicodedata.category(ch) in _DROP_CATEGORIES:
            continue
        else:
            replaced.add(ch)
            out.append(REPLACEMENT)
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Chinese line breaking
#
# reportlab's wordWrap='CJK' (platypus.paragraph.cjkFragSplit / lib.textsplit.dumbSplit) is not
# enough for Chinese: its "cannot start a line" list (textsplit.ALL_CANNOT_START) lacks the
# full-width "，；：？！" and "》", its CANNOT_END_LINE list is defined but never used (so "（《" end
# lines), and it only ever hangs one character into the margin (so "）。" breaks badly). We break
# lines ourselves (W3C clreq rules, "push-in" to the next line, no hanging) and draw them with our
# own flowable, ``TextBlock``.

NO_LINE_START = frozenset(
    "。，、；：？！）》」』】〕〉］｝’”．％‰℃°′″·"  # Chinese closing punctuation
    ".,;:?!)]}%"  # and their ASCII forms
)
NO_LINE_END = frozenset("（《「『【〔〈［｛‘“([{")
NO_SPLIT_PAIRS = frozenset("…—")  # "……" and "——" are one mark each and are never split
_WORD_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "._-/:?=&#@+~%")
_FUZZ = 1e-6


def _break_ok(text: str, b: int) -> bool:
    """May a line end between text[b-1] and text[b]? (the punctuation rules)"""
    a, c = text[b - 1], text[b]
    return c not in NO_LINE_START and a not in NO_LINE_END and not (a == c and a in NO_SPLIT_PAIRS)


def _break_nice(text: str, b: int) -> bool:
    """...and without cutting a number or a Latin word (2024, GB/T)?"""
    return not (text[b - 1] in _WORD_CHARS and text[b] in _WORD_CHARS)


def break_lines(text: str, widths: Sequence[float], size: float) -> list[str]:
    """Split ``text`` into lines no wider than ``widths[k]`` points (the last width repeats) at
    ``size`` points, greedily, following the Chinese rules: no NO_LINE_START character begins a line,
    no NO_LINE_END character ends one, "……"/"——" stay whole, and numbers and Latin words are kept
    whole when they fit on a line. A line that would break badly gives its last characters to the
    next line (never more than 8, or half a line for a Latin word); only when no legal break exists
    at all (a line of nothing but punctuation) is a line cut where it is full."""
    face = _get_font().face
    cw, default = face.charWidths, face.defaultWidth
    scale = size / 1000.0
    w = [cw.get(ord(ch), default) * scale for ch in text]
    lines: list[str] = []
    n = len(text)
    start = 0
    while start < n:
        if lines:
            while start < n and text[start] == " ":
                start += 1
            if start >= n:
                break
        width = widths[min(len(lines), len(widths) - 1)]
        used, i = 0.0, start
        while i < n and used + w[i] <= width + _FUZZ:
            used += w[i]
            i += 1
        if i >= n:
            lines.append(text[start:])
            break
        if i == start:  # a single character wider than the line
            i = start + 1
        b = _choose_break(text, start, i)
        lines.append(text[start:b].rstrip(" "))
        start = b
    return lines


def _choose_break(text: str, start: int, full: int) -> int:
    """Where to end a line that runs from ``start`` and is full before ``full``."""
    if full >= len(text):
        return full
    soft_limit = max(start + 1, full - max(8, (full - start) // 2))
    for b in range(full, soft_limit - 1, -1):
        if _break_ok(text, b) and _break_nice(text, b):
            return b
    for b in range(full, max(start + 1, full - 8) - 1, -1):
        if _break_ok(text, b):
            return b
    return full


# ---------------------------------------------------------------------------------------------
# flowables

class TextBlock(Flowable):
    """A run of Chinese text laid out with ``break_lines``, optionally with a label in a left gutter
    (a paragraph number, a field name). Justified (except its last line), left-aligned or centred.
    It splits across pages, keeping at least two lines on each side when it has four or more."""

    def __init__(self, text: str, size: float, leading: float, *, align: str = "justify",
                 color=colors.black, bold: bool = False, indent: float = 0.0,
                 label: str | None = None, label_size: float | None = None, label_color=None,
                 gutter: float = 0.0, gap: float = 0.0, space_before: float = 0.0,
                 space_after: float = 0.0, balance: bool = False,
                 _lines: list[tuple[str, bool]] | None = None):
        super().__init__()
        self.balance = balance
        self.text = text
        self.size = size
        self.leading = leading
        self.align = align
        self.color = color
        self.bold = bold
        self.indent = indent
        self.label = label
        self.label_size = label_size or size
        self.label_color = label_color if label_color is not None else colors.Color(0.35, 0.35, 0.35)
        self.gutter = gutter
        self.gap = gap
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self._lines = _lines  # (text, justify) pairs, once broken
        self._broken_for: float | None = None if _lines is None else -1.0

    def _break(self, avail: float) -> None:
        if self._broken_for == avail or self._broken_for == -1.0:
            return
        tw = avail - self.gutter - self.gap
        raw = break_lines(self.text, [tw - self.indent, tw], self.size) or [""]
        if self.balance and len(raw) > 1:
            # a centred title of two or more lines: narrow the measure while the line count holds,
            # so the last line is not a stray two or three characters
            narrower = tw
            while narrower > tw / 2:
                trial = break_lines(self.text, [narrower - self.size], self.size)
                if len(trial) > len(raw):
                    break
                raw, narrower = trial, narrower - self.size
        self._lines = [(line, self.align == "justify" and k < len(raw) - 1) for k, line in enumerate(raw)]
        self._broken_for = avail

    def wrap(self, availWidth, availHeight):
        self._avail = availWidth
        self._break(availWidth)
        self.width = availWidth
        self.height = len(self._lines) * self.leading
        return self.width, self.height

    def split(self, availWidth, availHeight):
        self.wrap(availWidth, availHeight)
        total = len(self._lines)
        fit = int((availHeight + _FUZZ) // self.leading)
        if fit >= total:
            return [self]
        if total >= 4:
            fit = min(fit, total - 2)
            if fit < 2:
                return []
        elif fit < 1:
            return []
        kw = dict(align=self.align, color=self.color, bold=self.bold, label_size=self.label_size,
                  label_color=self.label_color, gutter=self.gutter, gap=self.gap)
        head = TextBlock(self.text, self.size, self.leading, indent=self.indent, label=self.label,
                         space_before=self.spaceBefore, _lines=self._lines[:fit], **kw)
        # the continuation repeats the label, so a paragraph's number is on every page it reaches
        tail = TextBlock(self.text, self.size, self.leading, label=self.label,
                         space_after=self.spaceAfter, _lines=self._lines[fit:], **kw)
        return [head, tail]

    def draw(self):
        canv = self.canv
        face = _get_font()
        x0 = self.gutter + self.gap
        tw = self.width - x0
        ascent = 0.88 * self.size
        top_pad = (self.leading - self.size) / 2
        for k, (line, justify) in enumerate(self._lines):
            y = self.height - k * self.leading - top_pad - ascent
            lw = face.stringWidth(line, self.size)
            x = x0 + (self.indent if k == 0 else 0)  # a continuation block has no indent
            avail = tw - (x - x0)
            char_space = 0.0
            if self.align == "center":
                x += max(0.0, (avail - lw) / 2)
            elif justify and len(line) > 1:
                extra = avail - lw
                # stretch only a nearly full line (a line ended early by a long URL stays ragged)
                if 0 < extra <= 4 * self.size:
                    char_space = extra / (len(line) - 1)
            t = canv.beginText(x, y)
            t.setFont(FONT_NAME, self.size)
            t.setCharSpace(char_space)
            canv.setFillColor(self.color)
            if self.bold:  # the font has no bold face: fill and stroke the outlines
                t.setTextRenderMode(2)
                canv.setStrokeColor(self.color)
                canv.setLineWidth(self.size * 0.035)
            t.textOut(line)
            canv.drawText(t)
        if self.label:
            canv.setFillColor(self.label_color)
            y = self.height - top_pad - ascent
            canv.setFont(FONT_NAME, self.label_size)
            canv.drawRightString(self.gutter, y, self.label)


def _qr(url: str, side: float) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M", barWidth=side, barHeight=side, barBorder=4)
    d = Drawing(side, side)
    d.add(widget)
    return d


# ---------------------------------------------------------------------------------------------
# page furniture: running header, footer with 第x页/共y页 (two passes: pages are kept until save)

@dataclass
class _Furniture:
    large: bool
    running_title: str
    status_mark: str
    kiosk_name: str | None
    catalogue_version: str | None
    printed: str
    pages: int = 0


def _canvas_class(info: _Furniture, sizes: "_Sizes"):
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


# ---------------------------------------------------------------------------------------------
# building an extract

@dataclass
class _Sizes:
    body: float
    leading: float
    title: float
    heading: float
    field: float
    label: float
    footer_size: float
    footer_small: float
    margin: float
    top: float
    bottom: float
    qr: float


NORMAL = _Sizes(body=11.5, leading=19, title=17, heading=13, field=10.5, label=8.5, footer_size=8.5,
                footer_small=7.5, margin=20 * mm, top=20 * mm, bottom=24 * mm, qr=28 * mm)
LARGE = _Sizes(body=18, leading=30, title=26, heading=21, field=16, label=13, footer_size=13,
               footer_small=12, margin=16 * mm, top=22 * mm, bottom=32 * mm, qr=34 * mm)


class _Builder:
    """Collects flowables for one extract, with the text made printable on the way in."""

    def __init__(self, large: bool):
        self.s = LARGE if large else NORMAL
        self.story: list[Flowable] = []
        self.replaced: set[str] = set()
        _get_font()

    def p(self, text: str | None) -> str:
        return _printable(text, self.replaced)

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
            qr_cell = [_qr(url, s.qr),
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
        self.story.append(_Rule(self.s.body * 0.6, self.s.body * 0.9))

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
        info = _Furniture(large=s is LARGE, running_title=self.p(running_title), status_mark=status_mark,
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
        doc.build(self.story, canvasmaker=_canvas_class(info, s))
        out = Path(out_path)
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(buf.getvalue())
        os.replace(tmp, out)
        return out, info.pages


class _Rule(Flowable):
    def __init__(self, before: float, after: float):
        super().__init__()
        self.spaceBefore, self.spaceAfter = before, after

    def wrap(self, availWidth, availHeight):
        self.width, self.height = availWidth, 1
        return self.width, self.height

    def draw(self):
        self.canv.setStrokeColor(colors.Color(0.55, 0.55, 0.55))
        self.canv.setLineWidth(0.8)
        self.canv.line(0, 0.5, self.width, 0.5)


# ---------------------------------------------------------------------------------------------
# the three kinds of extract

def _status_warning(status: str | None) -> str | None:
    """The warning band's text, or None for a document in force."""
    status = (status or "").strip()
    if not status or status == CURRENT:
        return None
    if "废止" in status or "失效" in status:
        return "注意：本文件已废止，仅供查阅"
    if "修改" in status or "修订" in status or "修正" in status:
        return "注意：本文件已被修改，请以修改后的现行文本为准"
    if "未生效" in status:
        return "注意：本文件尚未生效"
    return f"注意：本文件的有效性为“{status}”，请向工作人员核实"


def _status_mark(status: str | None) -> str:
    return "" if not status or status == CURRENT else status


def _domain_names(store, ids: Iterable[str]) -> str | None:
    names = {d.id: d.name for d in store.domains()}
    out = [names.get(i, i) for i in ids]
    return "、".join(out) or None


def _date(value: str | None) -> str | None:
    """ISO dates print as 2024年3月5日; anything else prints as it is."""
    if not value:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", value.strip())
    if m:
        return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日"
    return value


def _version(store, catalogue_version):
    if catalogue_version is not None:
        return catalogue_version
    try:
        return store.meta().get("sequence")
    except Exception:  # a store without meta still prints
        return None


def _choose(total: int, chosen) -> list[int]:
    if chosen is None:
        return list(range(1, total + 1))
    if isinstance(chosen, str):
        return parse_ranges(chosen, total)
    numbers = sorted({int(x) for x in chosen})
    if not numbers:
        raise ExtractError("请至少选择一段。", "no paragraphs chosen")
    if numbers[0] < 1 or numbers[-1] > total:
        bad = numbers[-1] if numbers[-1] > total else numbers[0]
        raise ExtractError(f"这份文件只有 {total} 段，没有第 {bad} 段，请重新选择段落。",
                           f"paragraph {bad} outside 1..{total}")
    return numbers


def extract_document(store, doc_id: str, out_path: Path | str, *,
                     paragraphs: str | Iterable[int] | None = None, large: bool = False,
                     kiosk_name: str | None = None, catalogue_version=None,
                     now: datetime | None = None) -> ExtractResult:
    """Print document ``doc_id`` (all of it, or the paragraphs chosen: a range string such as
    "3-7,9" or paragraph numbers, counted as ``paragraphs()`` counts them) to ``out_path``.

    ``catalogue_version`` defaults to the store's package sequence; ``now`` is the print time shown
    (fix it for reproducible output)."""
    doc = store.document(doc_id)
    if doc is None:
        raise ExtractError("找不到这份文件，可能已随目录更新被删除。", f"no document {doc_id}")
    paras = _split(doc.body)
    numbers = _choose(len(paras), paragraphs) if paras else []

    b = _Builder(large)
    b.kind_line(f"文件摘录 · {doc.kind}" if doc.kind else "文件摘录")
    b.title(doc.title)
    warning = _status_warning(doc.status)
    if warning:
        b.band(warning)
    # The 目录系统 metadata fields print even when empty ("—"), so every extract reads alike.
    dates = []
    if doc.written:
        dates.append(("成文日期", _date(doc.written)))
    if doc.published or not doc.written:
        dates.append(("发布日期", _date(doc.published) or MISSING))
    b.header([("文号", doc.doc_number or MISSING), ("发文机关", doc.issuer or MISSING), *dates,
              ("有效性", doc.status or MISSING), ("索引号", doc.index_number or MISSING),
              ("领域", _domain_names(store, doc.domains) or MISSING)], doc.url)

    if not paras:
        b.note("（本文件没有正文。）")
    else:
        if len(numbers) < len(paras):
            b.note(f"本摘录只含第{_ranges_text(numbers)}段，共{len(paras)}段。")
        gutter = pdfmetrics.stringWidth(f"第{len(paras)}段", FONT_NAME, b.s.label)
        prev = 0
        for n in numbers:
            if n > prev + 1:
                b.note(omission_mark(prev + 1, n - 1))
            b.body(paras[n - 1], label=f"第{n}段", gutter=gutter)
            prev = n
        if prev < len(paras):
            b.note(omission_mark(prev + 1, len(paras)))
    path, pages = b.write(out_path, title=doc.title, running_title=doc.title,
                          status_mark=_status_mark(doc.status), kiosk_name=kiosk_name,
                          catalogue_version=_version(store, catalogue_version), now=now)
    return ExtractResult(path, pages, numbers, sorted(b.replaced))


_split = paragraphs  # extract_document's parameter hides the function's name


def _ranges_text(numbers: list[int]) -> str:
    """[3,4,5,9] -> "3–5、9"."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return "、".join(str(a) if a == z else f"{a}–{z}" for a, z in spans)


def extract(store, out_path: Path | str, *, doc_id: str | None = None, faq_id: str | None = None,
            item_id: str | None = None, paragraphs: str | Iterable[int] | None = None,
            large: bool = False, kiosk_name: str | None = None, catalogue_version=None,
            now: datetime | None = None) -> ExtractResult:
    """One entry point for the CLI (``extract (DOC_ID | --faq ID | --item ID) [--paragraphs ..]``):
    exactly one of ``doc_id``, ``faq_id``, ``item_id``; ``paragraphs`` only with a document."""
    if sum(x is not None for x in (doc_id, faq_id, item_id)) != 1:
        raise ExtractError("请指定一份文件、一条问答或一个公开事项（只选一个）。",
                           f"doc={doc_id} faq={faq_id} item={item_id}")
    common = dict(large=large, kiosk_name=kiosk_name, catalogue_version=catalogue_version, now=now)
    if doc_id is not None:
        return extract_document(store, doc_id, out_path, paragraphs=paragraphs, **common)
    if paragraphs is not None:
        raise ExtractError("只有文件可以按段落打印；问答和公开事项会整篇打印。", "paragraphs without a document")
    if faq_id is not None:
        return extract_faq(store, faq_id, out_path, **common)
    return extract_item(store, item_id, out_path, **common)


def _cited(store, doc_ids: list[str]) -> list[str]:
    out = []
    for d in store.documents(doc_ids):
        text = f"《{d.title}》" if not d.title.startswith("《") else d.title
        if d.doc_number:
            text += f"（{d.doc_number}）"
        if d.issuer:
            text += f"，{d.issuer}"
        if d.status and d.status != CURRENT:
            text += f"〔{d.status}〕"
        out.append(text)
    return out


def extract_faq(store, faq_id: str, out_path: Path | str, *, large: bool = False,
                kiosk_name: str | None = None, catalogue_version=None,
                now: datetime | None = None) -> ExtractResult:
    """Print a FAQ: its question, its answer and the documents it cites (政策依据)."""
    faq = store.faq(faq_id)
    if faq is None:
        raise ExtractError("找不到这条问答，可能已随目录更新被删除。", f"no faq {faq_id}")
    b = _Builder(large)
    b.kind_line("常见问题解答")
    b.title(faq.question)
    b.header([("领域", _domain_names(store, faq.domains))], None)
    b.heading("解答")
    for para in _split(faq.answer):
        b.body(para)
    cited = _cited(store, faq.documents)
    if cited:
        b.heading("政策依据")
        b.listing(cited)
    path, pages = b.write(out_path, title=faq.question, running_title=faq.question, status_mark="",
                          kiosk_name=kiosk_name, catalogue_version=_version(store, catalogue_version), now=now)
    return ExtractResult(path, pages, [], sorted(b.replaced))


def extract_item(store, item_id: str, out_path: Path | str, *, large: bool = False,
                 kiosk_name: str | None = None, catalogue_version=None,
                 now: datetime | None = None) -> ExtractResult:
    """Print a 基层政务公开标准目录 item: its fields and the documents filed under it."""
    item = store.item(item_id)
    if item is None:
        raise ExtractError("找不到这个公开事项，可能已随目录更新被删除。", f"no item {item_id}")
    name = " — ".join(x for x in (item.level1, item.level2) if x) or item.id
    b = _Builder(large)
    b.kind_line("基层政务公开标准目录 · 公开事项")
    b.title(name)
    rows = [("领域", _domain_names(store, [item.domain])),
            ("一级事项", item.level1), ("二级事项", item.level2),
            ("公开内容", item.content), ("公开依据", item.basis), ("公开时限", item.time_limit),
            ("公开主体", item.subject), ("公开渠道", "、".join(item.channels) or None),
            ("公开对象", item.audience), ("公开方式", item.method),
            ("公开层级", "、".join(item.level) or None)]
    source = (item.extra or {}).get("source_url")
    b.header(rows, source if isinstance(source, str) and source else None, url_label="来源网址")
    docs = _cited(store, store.documents_for_item(item_id))
    b.heading("相关文件")
    if docs:
        b.listing(docs)
    else:
        b.note("（本事项下暂无文件。）")
    path, pages = b.write(out_path, title=name, running_title=name, status_mark="",
                          kiosk_name=kiosk_name, catalogue_version=_version(store, catalogue_version), now=now)
    return ExtractResult(path, pages, [], sorted(b.replaced))
