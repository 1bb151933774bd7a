"""Colours and sizes of the kiosk in one place (normal and elder mode).

Sizes are in device-independent pixels on a 1080p screen; elder mode (长辈模式) scales type and
targets up. Every text/background pair is chosen for contrast (see tests for the computed ratios).
Only looks live here: behaviour defaults (timeouts, delays, counts) are in :mod:`kiosk.settings`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    name: str
    body_px: int          # body text
    heading_px: int       # screen headings
    small_px: int         # secondary text (metadata, badges)
    target_px: int        # minimum tap target side
    spacing_px: int       # minimum gap between targets
    key_px: int           # on-screen keyboard key height
    line_height: float
    bg: str
    surface: str
    text: str
    muted: str
    accent: str           # buttons, links
    accent_text: str      # text on accent
    warn_bg: str          # 已废止/失效 badges
    warn_text: str
    focus: str
    highlight: str = "#FFE27A"  # behind the sentence being read aloud (it is underlined as well)


NORMAL = Theme(
    name="normal", body_px=22, heading_px=34, small_px=18, target_px=56, spacing_px=8, key_px=64,
    line_height=1.4, bg="#F4F6F8", surface="#FFFFFF", text="#1A1A1A", muted="#4A4F55",
    accent="#B3261E", accent_text="#FFFFFF", warn_bg="#FFF1E6", warn_text="#7A2E00", focus="#0B57D0")

ELDER = Theme(
    name="elder", body_px=32, heading_px=46, small_px=30, target_px=72, spacing_px=14, key_px=84,
    line_height=1.6, bg="#FFFFFF", surface="#FFFFFF", text="#000000", muted="#2B2B2B",
    accent="#8E1B14", accent_text="#FFFFFF", warn_bg="#FFFFFF", warn_text="#6B1F00", focus="#002E8A")


# ---- on-screen keyboard (kiosk/widgets/keyboard.py) -------------------------------------------
# Keys are Theme.text on Theme.surface (letters, digits, candidates) or on KEYBOARD_FN_BG (退格,
# 清空, 中/英, 空格), inside a KEYBOARD_PANEL_BG panel; 确定/搜索 and every key while pressed are
# Theme.accent_text on Theme.accent. Heights are Theme.key_px, widths at least Theme.target_px,
# gaps Theme.spacing_px. Keyed by Theme.name.
KEYBOARD_PANEL_BG = {"normal": "#D5DAE1", "elder": "#D0D0D0"}
KEYBOARD_FN_BG = {"normal": "#E6E9EE", "elder": "#EBEBEB"}
KEYBOARD_KEY_BORDER = {"normal": "#7D848E", "elder": "#3A3A3A"}
KEYBOARD_DISABLED_TEXT = {"normal": "#8A9099", "elder": "#3A3A3A"}  # ‹ › with nothing to page to (a key without its face)
KEY_LABEL_SCALE = 0.45        # letter, digit and candidate label px = key_px * this
KEY_FN_LABEL_SCALE = 0.36     # 退格 清空 … label px = max(body_px, key_px * this)
KEY_MAX_WIDTH_SCALE = 1.6     # a letter key grows no wider than key_px * this on wide screens
KEY_RADIUS_PX = 8
KEY_BORDER_PX = 2
PINYIN_WIDTH_SCALE = 2.5      # the pinyin typed so far: key_px * this wide, longer runs elided at left
