"""A domain tile: an icon (the domain's first character in a medallion) and its name."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QPushButton, QSizePolicy

from catalog.model import Domain
from kiosk.theme import Theme

# An icon character per pilot domain: a pictograph-like first glyph reads faster than text alone.
GLYPHS = {"cxgh": "规", "zdjsxm": "建", "ggzyjy": "易", "czyjs": "财", "aqsc": "安", "ssgl": "税",
          "zdbc": "地", "gytdfwzs": "房", "hjbh": "环", "ggwhfw": "文", "fp": "扶", "jz": "灾",
          "shjz": "助", "ylfw": "老", "hjgl": "户", "snbt": "农", "jy": "业", "shbx": "保",
          "ywjy": "学", "ylws": "医", "szfw": "市", "ncwfgz": "危", "bzxzf": "住", "spypjg": "食",
          "cszhzf": "执", "ggflfw": "法"}


def glyph_icon(ch: str, size: int, theme: Theme) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(Qt.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.Antialiasing)
    p.setBrush(QColor(theme.accent))
    p.setPen(Qt.NoPen)
    p.drawEllipse(QRectF(0, 0, size, size))
    f = QFont()
    f.setPixelSize(int(size * 0.55))
    f.setBold(True)
    p.setFont(f)
    p.setPen(QColor(theme.accent_text))
    p.drawText(QRectF(0, 0, size, size), Qt.AlignCenter, ch)
    p.end()
    return QIcon(pm)


def tile_text(name: str, per_line: int = 6) -> str:
    """Long names on two balanced lines (国有土地上房屋 / 征收与补偿): a tile never clips its name."""
    if len(name) <= per_line:
        return name
    half = (len(name) + 1) // 2
    return name[:half] + "\n" + name[half:]


class DomainTile(QPushButton):
    def __init__(self, domain: Domain, count: int, theme: Theme, on_tap):
        super().__init__(tile_text(domain.name).replace("&", "&&"))
        self.domain = domain
        self.setObjectName("tile")
        self.setFocusPolicy(Qt.NoFocus)
        self.apply_theme(theme)
        # equal columns whatever the name's length; the text wraps instead (tile_text)
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        from kiosk.screens.base import rich_plain

        self.setToolTip(rich_plain(f"{domain.name}（{count} 份文件）"))
        self.clicked.connect(on_tap)

    def apply_theme(self, theme: Theme) -> None:
        size = theme.target_px
        self.setIcon(glyph_icon(GLYPHS.get(self.domain.id, self.domain.name[0]), size, theme))
        self.setIconSize(QSize(size, size))
        self.setMinimumHeight(int(size * 1.6))
