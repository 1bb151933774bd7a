"""A document's numbered paragraphs, the ranges people type to choose some ("3-7,9"), and the mark
printed where paragraphs were left out."""

from __future__ import annotations

import re
import unicodedata

from catalog.extract.result import ExtractError


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
