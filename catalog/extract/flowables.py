"""The flowables an extract is made of: ``TextBlock`` (Chinese text broken by ``linebreak``, with
an optional label in a left gutter), ``Rule`` (the thin line under the header) and the QR code of
the official address."""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.platypus import Flowable

from catalog.extract.font import FONT_NAME, get_font
from catalog.extract.linebreak import FUZZ, break_lines


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
        fit = int((availHeight + FUZZ) // self.leading)
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
        face = get_font()
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


def qr_code(url: str, side: float) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M", barWidth=side, barHeight=side, barBorder=4)
    d = Drawing(side, side)
    d.add(widget)
    return d


class Rule(Flowable):
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
