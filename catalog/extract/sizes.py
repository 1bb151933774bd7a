"""The two sizes an extract prints in: ``NORMAL`` (11.5 pt body text) and ``LARGE`` for elderly
readers (18 pt), each with its leading, heading and footer sizes, page margins and QR code side."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm


@dataclass
class Sizes:
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


NORMAL = Sizes(body=11.5, leading=19, title=17, heading=13, field=10.5, label=8.5, footer_size=8.5,
               footer_small=7.5, margin=20 * mm, top=20 * mm, bottom=24 * mm, qr=28 * mm)
LARGE = Sizes(body=18, leading=30, title=26, heading=21, field=16, label=13, footer_size=13,
              footer_small=12, margin=16 * mm, top=22 * mm, bottom=32 * mm, qr=34 * mm)
