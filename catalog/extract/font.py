"""The font extracts are set in: WenQuanYi Micro Hei (resources/fonts), registered with reportlab
once per process, which characters it covers, and text made printable with it (a character the
font lacks prints as a visible □ and is reported, never dropped silently)."""

from __future__ import annotations

import threading
import unicodedata

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from catalog import settings
from catalog.errors import CatalogError

FONT_FILE = settings.RESOURCES / "fonts" / "wqy-microhei.ttc"
FONT_NAME = "WQYMicroHei"
REPLACEMENT = "\u25a1"  # □: printed in place of a character the font lacks

_font_lock = threading.Lock()
_font: TTFont | None = None


def get_font() -> TTFont:
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
    return ord(ch) in get_font().face.charToGlyph


_DROP_CATEGORIES = {"Cc", "Cf"}  # controls and invisible format characters (ZWSP, BOM, soft hyphen)


def printable(text: str | None, replaced: set[str]) -> str:
    """``text`` with what cannot be printed made visible or harmless: tabs and no-break spaces become
    spaces, invisible controls and variation selectors are dropped, and a character the font lacks
    becomes □ (collected in ``replaced``) rather than vanishing or printing as an empty box the
    reader cannot see."""
    if not text:
        return ""
    cmap = get_font().face.charToGlyph
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
