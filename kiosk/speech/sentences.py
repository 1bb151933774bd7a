"""Sentence splitting for read-aloud: document text -> sentences with spans into the original text.

First step of the read-aloud pipeline (see :mod:`kiosk.speech.normalize`)::

    document text -> split_sentences() -> normalize() -> to_pinyin() -> espeak-ng -v cmn-latn-pinyin

* espeak-ng synthesizes a sentence to a WAV in ~15 ms, so synthesis per sentence is cheap and the
  UI can highlight the sentence being spoken using the spans from :func:`split_sentences`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences"]

_TERMINATORS = set("。！？；!?;…⋯\n\r")
_CLOSERS = set("”’」』）)】〕》〉］]｝}\"'")
_SOFT_BREAKS = set("，、：,:")
_SPEAKABLE = re.compile(r"\w")  # letters, digits, CJK


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text == original[start:end]``."""

    start: int
    end: int
    text: str

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _soft_cuts(text: str, start: int, end: int) -> list[int]:
    """Positions just after a soft break (plus closing quotes) inside [start, end)."""
    cuts = []
    i = start
    while i < end:
        ch = text[i]
        if ch in _SOFT_BREAKS:
            # ASCII "," and ":" between digits are a thousands separator / a clock time.
            if ch in ",:" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
                i += 1
                continue
            j = i + 1
            while j < end and text[j] in _CLOSERS:
                j += 1
            if j < end:
                cuts.append(j)
            i = j
            continue
        i += 1
    return cuts


def _split_long(text: str, start: int, end: int, max_len: int) -> list[tuple[int, int]]:
    if end - start <= max_len:
        return [(start, end)]
    cuts = _soft_cuts(text, start, end)
    pieces = []
    pos = start
    while end - pos > max_len:
        inside = [c for c in cuts if pos < c <= pos + max_len]
        if inside:
            cut = inside[-1]
        else:
            later = [c for c in cuts if c > pos + max_len]
            if not later:
                break
            cut = later[0]
        pieces.append((pos, cut))
        pos = cut
    pieces.append((pos, end))
    return pieces


def split_sentences(text: str, max_len: int = 80) -> list[Sentence]:
    """Split ``text`` into sentences with character spans into the original string.

    Sentences end at 。！？； (and ASCII !?;), at "…"/"……" and at line breaks; closing quotes and
    brackets right after the terminator stay with the sentence.  Leading/trailing whitespace is
    trimmed from each span and spans without any letter, digit or CJK character are dropped.
    Sentences longer than ``max_len`` characters are cut further after ，、： (the last such break
    that keeps a piece within ``max_len``, else the first one after it).
    """
    raw: list[tuple[int, int]] = []
    n = len(text)
    seg_start = 0
    i = 0
    while i < n:
        if text[i] in _TERMINATORS:
            # A run of terminators ends one sentence; line breaks only group with line breaks, so
            # "……" on the next line is not glued to this sentence.
            newline = text[i] in "\r\n"
            j = i + 1
            while j < n and text[j] in _TERMINATORS and (text[j] in "\r\n") == newline:
                j += 1
            while not newline and j < n and text[j] in _CLOSERS:
                j += 1
            raw.append((seg_start, j))
            seg_start = i = j
        else:
            i += 1
    if seg_start < n:
        raw.append((seg_start, n))

    out: list[Sentence] = []
    for s, e in raw:
        s, e = _trim(text, s, e)
        for ps, pe in _split_long(text, s, e, max_len):
            ps, pe = _trim(text, ps, pe)
            if pe > ps and _SPEAKABLE.search(text, ps, pe):
                out.append(Sentence(ps, pe, text[ps:pe]))
    return out
