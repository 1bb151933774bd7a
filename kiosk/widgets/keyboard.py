"""The on-screen pinyin keyboard: the only way to type on the kiosk (touch only, no keyboard).

A plain widget that a screen lays out below its content (it never floats over anything). It types
into a target ``QLineEdit`` (:meth:`PinyinKeyboard.set_target`) without ever taking the focus.

中 mode: letters gather in a pinyin buffer shown at the left of the candidate bar ("dibao"); the
bar offers candidates from ``candidate_source`` (the screen passes
``lambda s: ime.candidates(catalog.store, s)``); tapping one inserts it at the cursor and keeps the
letters it did not use (低 for "dibao" leaves "bao"). 空格 takes the first candidate; 确定/搜索
inserts the letters as typed (search understands pinyin) and emits ``submitted``; 退格 removes a
letter of the buffer first, then a character of the line edit; 清空 empties both.
英 mode: letters are inserted as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy,
                               QVBoxLayout, QWidget)

from kiosk import theme as th
from kiosk.settings import PINYIN_MAX_LETTERS
from kiosk.theme import NORMAL, Theme

log = logging.getLogger("kiosk")

LETTER_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
DIGITS = "1234567890"
# An extra row for forms (the staff settings: a help line with its punctuation, a printer's name,
# file:/path.pdf); the citizens' search has no use for it and keeps its size.
SYMBOLS = ("，", "。", "：", "（", "）", "-", "_", "/", ".", ":")
PINYIN_PADDING = 8
COLUMNS = 20  # half-key columns: a letter spans 2, the middle row is offset by 1

HINT_ZH = "请按拼音输入，再点选文字"
HINT_EN = "英文模式：直接输入字母"
HINT_NONE = "没有对应的文字，可直接点“{submit}”按拼音查找"


class Key(QPushButton):
    """A key: tap target that never takes the focus, with a ``kind`` for the style sheet."""

    def __init__(self, text: str, name: str, kind: str, parent=None):
        super().__init__(text, parent)
        self.name = name
        self.setProperty("kind", kind)
        self.setFocusPolicy(Qt.NoFocus)
        self.setAutoRepeat(False)
        self.setAutoDefault(False)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.hint_width = 0  # with a Fixed policy: the width to take (candidates, ‹ ›)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self.hint_width, hint.height()) if self.hint_width else hint


class ModeKey(Key):
    """中/英 with the active mode in bold and the other one dimmed (a QPushButton's own text
    cannot mix styles, so a mouse-transparent rich-text label draws it)."""

    def __init__(self, parent=None):
        super().__init__("", "mode", "fn", parent)
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignCenter)
        self.label.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.label.setObjectName("modeLabel")
        self._mode = "zh"
        self._colours = ("#000000", "#666666")

    def set_mode(self, mode: str, active: str, dim: str) -> None:
        self._mode, self._colours = mode, (active, dim)
        self._render()

    def _render(self) -> None:
        active, dim = self._colours
        on, off = f"<b style='color:{active}'>{{}}</b>", f"<span style='color:{dim}'>{{}}</span>"
        zh, en = ((on.format("中"), off.format("英")) if self._mode == "zh"
                  else (off.format("中"), on.format("英")))
        self.label.setText(f"{zh}<span style='color:{dim}'> / </span>{en}")
        self.setAccessibleName("中英切换，当前" + ("中文" if self._mode == "zh" else "英文"))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.label.setGeometry(self.rect())


class PinyinKeyboard(QWidget):
    """QWERTY letters, digits, 退格 清空 空格 中/英 确定, and a candidate bar above them."""

    textCommitted = Signal(str)   # text inserted into the target (also without a target)
    submitted = Signal()          # 确定/搜索 tapped (after the pinyin buffer was inserted)

    def __init__(self, candidate_source: Callable[[str], list[str]] | None = None,
                 theme: Theme = NORMAL, parent: QWidget | None = None, *, submit_label: str = "搜索",
                 symbols: bool = False):
        super().__init__(parent)
        self.setObjectName("pinyinKeyboard")
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.setFocusPolicy(Qt.NoFocus)
        self._source = candidate_source
        self._theme = theme
        self._target: QLineEdit | None = None
        self._buffer = ""
        self._mode = "zh"
        self._candidates: list[str] = []
        self._pages: list[tuple[int, int]] = [(0, 0)]
        self._page = 0
        self.keys: dict[str, Key] = {}

        outer = QHBoxLayout(self)
        self._outer = outer
        self.inner = QWidget()
        self.inner.setObjectName("keyboardInner")
        outer.addStretch(1)
        outer.addWidget(self.inner, 100)
        outer.addStretch(1)
        box = QVBoxLayout(self.inner)
        box.setContentsMargins(0, 0, 0, 0)
        self._box = box

        # candidate bar: pinyin typed so far, ‹, candidates, ›
        bar = QHBoxLayout()
        self._bar = bar
        self.pinyin = QLabel()
        self.pinyin.setTextFormat(Qt.PlainText)  # what the citizen typed
        self.pinyin.setObjectName("pinyin")
        self.pinyin.setAlignment(Qt.AlignVCenter | Qt.AlignLeft)
        self.prev = Key("‹", "prev", "page")
        self.next = Key("›", "next", "page")
        self.prev.setAccessibleName("上一页候选字")
        self.next.setAccessibleName("下一页候选字")
        for k in (self.prev, self.next):
            policy = QSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
            policy.setRetainSizeWhenHidden(True)  # the bar keeps its places with one page only
            k.setSizePolicy(policy)
        self.prev.clicked.connect(lambda: self._turn(-1))
        self.next.clicked.connect(lambda: self._turn(1))
        self.cand_area = QWidget()
        self.cand_area.setObjectName("candidateArea")
        self.cand_area.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self._cand_row = QHBoxLayout(self.cand_area)
        self._cand_row.setContentsMargins(0, 0, 0, 0)
        self.hint = QLabel()
        self.hint.setTextFormat(Qt.PlainText)
        self.hint.setObjectName("hint")
        self.hint.setAlignment(Qt.AlignCenter)
        self.hint.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self._cand_row.addWidget(self.hint, 1)  # centred in the bar while there is nothing to choose
        self._cand_buttons: list[Key] = []
        self._cand_row.addStretch(0)
        bar.addWidget(self.pinyin)
        bar.addWidget(self.prev)
        bar.addWidget(self.cand_area, 1)
        bar.addWidget(self.next)
        box.addLayout(bar)

        grid = QGridLayout()
        self._grid = grid
        for c, d in enumerate(DIGITS):
            self._add(grid, Key(d, d, "digit"), 0, 2 * c, 2, lambda _=False, d=d: self._digit(d))
        for r, (row, offset) in enumerate(zip(LETTER_ROWS, (0, 1, 3)), start=1):
            for c, letter in enumerate(row):
                self._add(grid, Key(letter, letter, "letter"), r, offset + 2 * c, 2,
                          lambda _=False, x=letter: self._letter(x))
        self._add(grid, Key("清空", "clear", "fn"), 3, 0, 3, self._clear)
        self._add(grid, Key("退格", "backspace", "fn"), 3, 17, 3, self._backspace)
        self.mode_key = ModeKey()
        self._add(grid, self.mode_key, 4, 0, 4, self._toggle_mode)
        self._add(grid, Key("空格", "space", "fn"), 4, 4, 10, self._space)
        self._add(grid, Key(submit_label, "submit", "submit"), 4, 14, 6, self._submit)
        if symbols:
            for c, sym in enumerate(SYMBOLS):
                self._add(grid, Key(sym, f"sym{c}", "digit"), 5, 2 * c, 2, lambda _=False, x=sym: self._digit(x))
        for c in range(COLUMNS):
            grid.setColumnStretch(c, 1)
        box.addLayout(grid)
        self.keys["clear"].setAccessibleName("清空输入框")
        self.keys["backspace"].setAccessibleName("退格，删除一个字")
        self.apply_theme(theme)
        self._refresh()

    # public ------------------------------------------------------------------------------------
    def set_target(self, line_edit: QLineEdit | None) -> None:
        """Type into ``line_edit`` from now on (None: only emit ``textCommitted``)."""
        if line_edit is self._target:
            return
        if self._target is not None:
            try:
                self._target.destroyed.disconnect(self._target_gone)
            except (RuntimeError, TypeError):
                pass
        self._target = line_edit
        if line_edit is not None:
            line_edit.destroyed.connect(self._target_gone)
        self._set_buffer("")

    def target(self) -> QLineEdit | None:
        return self._target

    def set_candidate_source(self, source: Callable[[str], list[str]] | None) -> None:
        self._source = source
        self._refresh()

    def set_submit_label(self, text: str) -> None:
        """确定 or 搜索, as the screen needs."""
        self.keys["submit"].setText(text)
        self._refresh()

    def buffer(self) -> str:
        """The pinyin letters typed and not yet turned into characters."""
        return self._buffer

    def mode(self) -> str:
        """"zh" (pinyin to characters) or "en" (letters as they are)."""
        return self._mode

    def set_mode(self, mode: str) -> None:
        if mode not in ("zh", "en"):
            raise ValueError(mode)
        if mode != self._mode:
            self._flush()
            self._mode = mode
            self._style_mode_key()
            self._refresh()

    def candidates(self) -> list[str]:
        """Every candidate for the buffer (all pages)."""
        return list(self._candidates)

    def visible_candidates(self) -> list[str]:
        return [b.text() for b in self.candidate_buttons()]

    def candidate_buttons(self) -> list[QPushButton]:
        """The candidate keys on the page shown."""
        start, end = self._pages[self._page]
        return self._cand_buttons[: end - start]

    def key(self, name: str) -> QPushButton:
        """A key by name: a letter, a digit, or clear / backspace / mode / space / submit / prev / next."""
        return {"prev": self.prev, "next": self.next}.get(name) or self.keys[name]

    def all_keys(self) -> list[QPushButton]:
        return list(self.keys.values()) + [self.prev, self.next]

    def type_letters(self, letters: str) -> None:
        """Type letters as if their keys were tapped (screenshots, demos)."""
        for ch in letters.lower():
            if ch in self.keys:
                self.keys[ch].click()

    def reset(self) -> None:
        """Back to the start state for the next visitor: empty buffer, 中 mode."""
        self._buffer = ""
        self._mode = "zh"
        self._style_mode_key()
        self._refresh()

    def apply_theme(self, theme: Theme) -> None:
        """Sizes, type and colours of ``theme`` (elder mode makes every key larger)."""
        self._theme = t = theme
        key_h, min_w, gap = t.key_px, t.target_px, t.spacing_px
        label_px = round(key_h * th.KEY_LABEL_SCALE)
        fn_px = max(t.body_px, round(key_h * th.KEY_FN_LABEL_SCALE))
        self._label_px, self._fn_px = label_px, fn_px
        self._outer.setContentsMargins(gap, gap, gap, gap)
        self._box.setSpacing(gap)
        self._bar.setSpacing(gap)
        self._cand_row.setSpacing(gap)
        self._grid.setHorizontalSpacing(gap)
        self._grid.setVerticalSpacing(gap)
        half = -(-(min_w - gap) // 2)  # a letter (2 columns + 1 gap) is never narrower than target_px
        for c in range(COLUMNS):
            self._grid.setColumnMinimumWidth(c, half)
        # wide screens: keys stop growing at KEY_MAX_WIDTH_SCALE x key height, centred
        max_key = round(key_h * th.KEY_MAX_WIDTH_SCALE)
        self.inner.setMaximumWidth(10 * max_key + 9 * gap)
        # key heights and minimum widths are in the style sheet (it would override setMinimum*)
        for k in (self.prev, self.next):
            k.hint_width = max(min_w, key_h)
        self.pinyin.setFixedWidth(round(key_h * th.PINYIN_WIDTH_SCALE))
        self.pinyin.setFixedHeight(key_h)
        self.cand_area.setFixedHeight(key_h)
        self.setStyleSheet(self._stylesheet(t, label_px, fn_px))
        self._style_mode_key()
        self._paginate(keep=True)

    # keys ----------------------------------------------------------------------------------------
    def _add(self, grid: QGridLayout, key: Key, row: int, col: int, span: int, slot) -> None:
        self.keys[key.name] = key
        key.clicked.connect(slot)
        grid.addWidget(key, row, col, 1, span)

    def _letter(self, letter: str) -> None:
        if self._mode == "en":
            self._commit(letter)
        elif len(self._buffer) < PINYIN_MAX_LETTERS:
            self._set_buffer(self._buffer + letter)

    def _digit(self, digit: str) -> None:
        self._flush()
        self._commit(digit)

    def _space(self) -> None:
        if self._buffer:
            if self._candidates:
                self._choose(self._candidates[0])
            else:
                self._flush()
        else:
            self._commit(" ")

    def _backspace(self) -> None:
        if self._buffer:
            self._set_buffer(self._buffer[:-1])
        elif self._target is not None:
            self._target.backspace()

    def _clear(self) -> None:
        self._set_buffer("")
        if self._target is not None:
            self._target.clear()

    def _submit(self) -> None:
        self._flush()
        self.submitted.emit()

    def _toggle_mode(self) -> None:
        self.set_mode("en" if self._mode == "zh" else "zh")

    def _choose(self, text: str) -> None:
        """A candidate was tapped: insert it, keep the letters it did not spell."""
        from catalog.search import ime

        rest = ime.remaining(self._buffer, text)
        self._commit(text)
        self._set_buffer(rest)

    def _flush(self) -> None:
        """Insert the pinyin buffer as typed."""
        if self._buffer:
            text, self._buffer = self._buffer, ""
            self._commit(text)
            self._refresh()

    def _commit(self, text: str) -> None:
        if self._target is not None:
            self._target.insert(text)
        self.textCommitted.emit(text)

    def _target_gone(self, *_args) -> None:
        self._target = None
        self._buffer = ""

    # candidate bar -------------------------------------------------------------------------------
    def _set_buffer(self, letters: str) -> None:
        self._buffer = letters
        self._refresh()

    def _refresh(self) -> None:
        cands: list[str] = []
        if self._buffer and self._source is not None and self._mode == "zh":
            try:
                cands = list(dict.fromkeys(c for c in self._source(self._buffer) if c))
            except Exception:  # a catalogue that went away mid-update must not stop typing
                # never what was typed: it may be a citizen's name (catalog.privacy)
                log.exception("pinyin candidates not found (%d letters typed)", len(self._buffer))
                cands = []
        self._candidates = cands
        self._page = 0
        self._show_pinyin()
        self._paginate(keep=False)

    def _show_pinyin(self) -> None:
        fm = QFontMetrics(self.pinyin.font())
        room = self.pinyin.width() - 2 * (PINYIN_PADDING + th.KEY_BORDER_PX) - 4
        self.pinyin.setText(fm.elidedText(self._buffer, Qt.ElideLeft, max(10, room)))
        if self.pinyin.property("empty") != (not self._buffer):
            self.pinyin.setProperty("empty", not self._buffer)
            self.pinyin.style().unpolish(self.pinyin)
            self.pinyin.style().polish(self.pinyin)

    def _button_width(self, text: str, fm: QFontMetrics) -> int:
        t = self._theme
        return max(t.target_px, t.key_px, fm.horizontalAdvance(text) + 2 * t.spacing_px + 8)

    def _paginate(self, keep: bool) -> None:
        """Split the candidates into pages that fit the bar's width and show the current one."""
        t = self._theme
        first = self._pages[self._page][0] if keep and self._page < len(self._pages) else 0
        font = QFont(self.font())
        font.setPixelSize(self._label_px)
        fm = QFontMetrics(font)
        avail = self.cand_area.width()
        if avail < t.target_px:  # not laid out yet: estimate from the keyboard's width
            avail = max(t.target_px, self.width() - self.pinyin.width() - 2 * self.prev.width()
                        - 6 * t.spacing_px)
        pages: list[tuple[int, int]] = []
        start, used = 0, 0
        for i, c in enumerate(self._candidates):
            w = self._button_width(c, fm) + (t.spacing_px if i > start else 0)
            if i > start and used + w > avail:
                pages.append((start, i))
                start, used = i, self._button_width(c, fm)
            else:
                used += w
        pages.append((start, len(self._candidates)))
        self._pages = pages
        self._page = next((n for n, (s, e) in enumerate(pages) if s <= first < e), 0) if keep else 0
        self._show_page()

    def _turn(self, step: int) -> None:
        self._page = max(0, min(len(self._pages) - 1, self._page + step))
        self._show_page()

    def _show_page(self) -> None:
        start, end = self._pages[self._page]
        shown = self._candidates[start:end]
        while len(self._cand_buttons) < len(shown):
            b = Key("", f"cand{len(self._cand_buttons)}", "cand")
            b.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
            b.clicked.connect(lambda _=False, b=b: self._choose(b.text()))
            self._cand_row.insertWidget(self._cand_row.count() - 1, b)
            self._cand_buttons.append(b)
        font = QFont(self.font())
        font.setPixelSize(self._label_px)
        fm = QFontMetrics(font)
        for i, b in enumerate(self._cand_buttons):
            if i < len(shown):
                b.setText(shown[i])
                b.hint_width = self._button_width(shown[i], fm)
                b.updateGeometry()
                b.setProperty("first", start + i == 0)
                b.style().unpolish(b)
                b.style().polish(b)
                b.show()
            else:
                b.hide()
        if self._candidates:
            self.hint.hide()
        else:
            if self._mode == "en":
                hint = HINT_EN
            elif self._buffer:
                hint = HINT_NONE.format(submit=self.keys["submit"].text())
            else:
                hint = HINT_ZH
            self.hint.setText(hint)
            self.hint.show()
        more = len(self._pages) > 1
        self.prev.setVisible(more)
        self.next.setVisible(more)
        self.prev.setEnabled(more and self._page > 0)
        self.next.setEnabled(more and self._page < len(self._pages) - 1)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._show_pinyin()
        self._paginate(keep=True)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._paginate(keep=True)

    # style -------------------------------------------------------------------------------------
    def _style_mode_key(self) -> None:
        dim = th.KEYBOARD_DISABLED_TEXT.get(self._theme.name, self._theme.muted)
        self.mode_key.set_mode(self._mode, self._theme.text, dim)

    def _stylesheet(self, t: Theme, label_px: int, fn_px: int) -> str:
        panel = th.KEYBOARD_PANEL_BG.get(t.name, t.bg)
        fn_bg = th.KEYBOARD_FN_BG.get(t.name, t.surface)
        border = th.KEYBOARD_KEY_BORDER.get(t.name, t.muted)
        disabled = th.KEYBOARD_DISABLED_TEXT.get(t.name, t.muted)
        r, b = th.KEY_RADIUS_PX, th.KEY_BORDER_PX
        return f"""
        QWidget#pinyinKeyboard {{ background: {panel}; border-top: {b}px solid {border}; }}
        QWidget#keyboardInner, QWidget#candidateArea {{ background: transparent; }}
        QLabel {{ background: transparent; color: {t.text}; }}
        QLabel#pinyin {{ font-size: {fn_px}px; font-weight: bold; color: {t.text};
                         background: {t.surface}; border: {b}px solid {border}; border-radius: {r}px;
                         padding: 0 {PINYIN_PADDING}px; }}
        QLabel#pinyin[empty="true"] {{ background: transparent; border-color: transparent; }}
        QLabel#hint {{ font-size: {t.body_px}px; color: {t.muted}; }}
        QLabel#modeLabel {{ font-size: {fn_px}px; }}
        QPushButton {{ background: {t.surface}; color: {t.text}; border: {b}px solid {border};
                       border-radius: {r}px; padding: 0; margin: 0; font-size: {label_px}px;
                       min-height: {t.key_px - 2 * b}px; max-height: {t.key_px - 2 * b}px;
                       min-width: {t.target_px - 2 * b}px; }}
        QPushButton[kind="fn"], QPushButton[kind="page"] {{ background: {fn_bg}; font-size: {fn_px}px; }}
        QPushButton[kind="page"] {{ font-size: {label_px}px; font-weight: bold; }}
        QPushButton[kind="submit"] {{ background: {t.accent}; color: {t.accent_text};
                                      border-color: {t.accent}; font-size: {fn_px}px; font-weight: bold; }}
        QPushButton[kind="cand"] {{ font-size: {label_px}px; }}
        QPushButton[kind="cand"][first="true"] {{ border-color: {t.focus}; font-weight: bold; }}
        QPushButton:pressed, QPushButton[kind="fn"]:pressed, QPushButton[kind="page"]:pressed,
        QPushButton[kind="cand"]:pressed {{ background: {t.accent}; color: {t.accent_text};
                                            border-color: {t.accent}; }}
        QPushButton[kind="submit"]:pressed {{ background: {t.text}; border-color: {t.text}; }}
        QPushButton:disabled {{ color: {disabled}; background: {panel}; border-color: {disabled}; }}
        """
