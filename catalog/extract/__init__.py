"""Printed extracts: a document (all of it or chosen paragraphs), a FAQ answer or a 标准目录 item as PDF.

What a printed extract carries (anchors E / feature 20): a header with the document's 标题, 文号,
发文机关, 成文日期/发布日期, 有效性, 索引号 and 领域; the chosen paragraphs with their numbers and a
visible mark wherever text was left out; on every page 第x页/共y页, the kiosk's name, the catalogue
version, the print time and "本摘录仅供参考，以正式文本为准"; a QR code of the official URL with the URL
printed under it; a warning band when the document is not 现行有效. ``large=True`` prints for
elderly readers (18 pt body text instead of 11.5 pt).

The text is set in WenQuanYi Micro Hei (resources/fonts), embedded as a TrueType subset, so the PDF
prints the same on any printer or viewer. Characters the font lacks print as a visible "□" and are
reported in ``ExtractResult.replaced``; nothing is dropped silently.

Chinese line breaking is done here, not by reportlab (see ``linebreak``): reportlab's
``wordWrap='CJK'`` lets "，；：？！》" start a line and "（《" end one.

Where each part lives (each module imports only those above it):

- ``result``: ``ExtractError`` and ``ExtractResult``, what an extract call raises or returns
- ``ranges``: a body's numbered ``paragraphs``, ``parse_ranges`` ("3-7,9") and ``omission_mark``
- ``font``: the bundled font (``FONT_FILE``), loaded once, ``font_covers`` and the □ replacement
- ``linebreak``: ``break_lines``, the Chinese line-breaking rules
- ``flowables``: ``TextBlock`` (text laid out by ``break_lines``), the rule and the QR code
- ``sizes``: the normal and large-print type sizes and margins
- ``furniture``: the footer and running header stamped on every page (``DISCLAIMER``)
- ``builder``: ``Builder``, which collects one extract's flowables and writes the PDF
- ``kinds``: ``extract_document``, ``extract_faq``, ``extract_item`` and ``extract``, which picks one

This package is headless (no Qt): the CLI and the kiosk both call the ``extract_*`` functions. What
they use is imported here; the modules' other names are the package's own.
"""

from catalog.extract.font import FONT_FILE, font_covers
from catalog.extract.furniture import DISCLAIMER
from catalog.extract.kinds import extract, extract_document, extract_faq, extract_item
from catalog.extract.linebreak import break_lines
from catalog.extract.ranges import omission_mark, paragraphs, parse_ranges
from catalog.extract.result import ExtractError, ExtractResult

__all__ = ["ExtractError", "ExtractResult", "paragraphs", "parse_ranges", "break_lines", "extract",
           "extract_document", "extract_faq", "extract_item", "omission_mark", "FONT_FILE",
           "font_covers", "DISCLAIMER"]
