"""Chinese line breaking (W3C clreq rules), done here rather than by reportlab.

reportlab's wordWrap='CJK' (platypus.paragraph.cjkFragSplit / lib.textsplit.dumbSplit) is not
enough for Chinese: its "cannot start a line" list (textsplit.ALL_CANNOT_START) lacks the
full-width "，；：？！" and "》", its CANNOT_END_LINE list is defined but never used (so "（《" end
lines), and it only ever hangs one character into the margin (so "）。" breaks badly). We break
lines ourselves (W3C clreq rules, "push-in" to the next line, no hanging) and draw them with our
own flowable, ``flowables.TextBlock``.
"""

from __future__ import annotations

from typing import Sequence

from catalog.extract.font import get_font

NO_LINE_START = frozenset(
    "。，、；：？！）》」』】〕〉］｝’”．％‰℃°′″·"  # Chinese closing punctuation
    ".,;:?!)]}%"  # and their ASCII forms
)
NO_LINE_END = frozenset("（《「『【〔〈［｛‘“([{")
NO_SPLIT_PAIRS = frozenset("…—")  # "……" and "——" are one mark each and are never split
_WORD_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "._-/:?=&#@+~%")
FUZZ = 1e-6


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
    face = get_font().face
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
        while i < n and used + w[i] <= width + FUZZ:
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
