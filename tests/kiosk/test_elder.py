"""长辈模式 beyond the MIIT numbers: every text/background pair of the elder theme computed at
>= 7:1 (WCAG AAA), and sizes measured from the rendered widgets on a 1080p screen — body text
>= 30 px, headings >= 44 px, line spacing >= 1.5, tap targets >= 64x64 px with >= 12 px between
them; the keyboard grows; meaning is never colour alone; the mode lasts until the idle reset."""

import pytest
from PySide6.QtGui import QTextBlockFormat
from PySide6.QtWidgets import QLabel, QPushButton

from kiosk import theme as th
from kiosk.settings import Settings
from kiosk.theme import ELDER
from pkgtools import records


def luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))
    f = lambda c: c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4  # noqa: E731
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def elder_text_pairs():
    t = ELDER
    panel, fn_bg = th.KEYBOARD_PANEL_BG["elder"], th.KEYBOARD_FN_BG["elder"]
    return {
        "text on background": (t.text, t.bg), "text on cards": (t.text, t.surface),
        "secondary text": (t.muted, t.bg), "secondary text on cards": (t.muted, t.surface),
        "buttons (text on accent)": (t.accent_text, t.accent), "links": (t.focus, t.bg),
        "links on cards": (t.focus, t.surface), "已废止 badges": (t.warn_text, t.warn_bg),
        "sentence read aloud": (t.text, t.highlight),
        "keys": (t.text, t.surface), "function keys": (t.text, fn_bg), "keyboard labels": (t.text, panel),
        "keyboard hint": (t.muted, panel), "pressed key": (t.accent_text, t.accent),
        "‹ › with nothing to page": (th.KEYBOARD_DISABLED_TEXT["elder"], panel),
    }


@pytest.mark.parametrize("name", list(elder_text_pairs()))
def test_every_elder_text_pair_reaches_7_to_1(name):
    fg, bg = elder_text_pairs()[name]
    assert contrast(fg, bg) >= 7.0, (name, round(contrast(fg, bg), 2))


@pytest.fixture
def win(qtbot, data):
    from kiosk.window import MainWindow

    w = MainWindow(data, demo=False, settings=Settings(), kiosk_mode=True)
    qtbot.addWidget(w)
    w.resize(1920, 1080)
    w.show()
    qtbot.waitUntil(lambda: bool(getattr(w.home, "tiles", None)), timeout=30000)
    w.set_elder(True)
    qtbot.waitUntil(lambda: all(p.styleSheet() for p in w._parts()), timeout=5000)
    qtbot.wait(200)
    return w


def visible(widget, cls):
    return [w for w in widget.findChildren(cls) if w.isVisible()]


def test_rendered_type_sizes(qtbot, win):
    home = win.home
    assert home.tiles_title.fontInfo().pixelSize() >= 44  # a heading, as rendered
    # every piece of text on the screen, secondary text and button labels included
    for w in visible(win, QLabel) + visible(win, QPushButton):
        if w.text():
            assert w.fontInfo().pixelSize() >= 30, (w.text(), w.fontInfo().pixelSize())
    win.show_results("户口")
    qtbot.waitUntil(lambda: win.results.result is not None, timeout=10000)
    qtbot.wait(200)
    titles = [b for b in visible(win.results, QPushButton) if b.objectName() == "resulttitle"]
    assert titles and all(t.fontInfo().pixelSize() >= 30 for t in titles)


def test_document_body_size_and_line_spacing(qtbot, win):
    doc_id = next(d["id"] for d in records(25)["document"] if d["title"] == "户口登记条例")
    win.show_document(doc_id)
    qtbot.waitUntil(lambda: win.document.doc is not None, timeout=5000)
    body = win.document.body.document()
    assert body.defaultFont().pixelSize() >= 30
    para = body.findBlock(body.toPlainText().index(win.document.doc.paragraphs[0]))
    fmt = para.blockFormat()
    assert fmt.lineHeightType() == QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
    assert fmt.lineHeight() >= 150
    sizes = []
    for step in range(3):  # the text-size control has three steps, each larger
        win.document.set_size(step)
        sizes.append(body.defaultFont().pixelSize())
    assert sizes == sorted(sizes) and len(set(sizes)) == 3


def test_tap_targets_and_gaps(qtbot, win):
    for b in visible(win, QPushButton):
        if b.isVisibleTo(win) and not b.visibleRegion().isEmpty():
            assert b.width() >= 64 and b.height() >= 64, (b.text(), b.width(), b.height())
    tiles = sorted(win.home.tiles, key=lambda t: (t.y(), t.x()))
    row = [t for t in tiles if t.y() == tiles[0].y()]
    gaps = [b.x() - (a.x() + a.width()) for a, b in zip(row, row[1:])]
    assert gaps and min(gaps) >= 12
    rows = sorted({t.y() for t in tiles})
    assert rows[1] - (rows[0] + tiles[0].height()) >= 12
    # the keyboard grows with the mode
    win.home.search.open_keyboard()
    qtbot.wait(200)
    kb = win.home.search.keyboard
    key = kb.key("a")
    assert key.height() >= th.ELDER.key_px - 4 and key.width() >= 64


def test_meaning_is_never_colour_alone(qtbot, win):
    from kiosk.screens.base import status_badge

    assert status_badge("废止").text() == "已废止"  # the badge says it in words
    doc_id = next(d["id"] for d in records(25)["document"] if d["title"] == "户口登记条例")
    win.show_document(doc_id)
    qtbot.waitUntil(lambda: win.document.doc is not None, timeout=5000)
    win.document.spans = [(0, 4)]
    win.document.speech_owner = True
    win.document._highlight(0)
    sel = win.document.body.extraSelections()[0]
    assert sel.format.fontUnderline()  # the sentence read aloud is underlined, not only tinted


def test_elder_mode_lasts_until_the_idle_reset(qtbot, win):
    win.show_results("户口")
    win.go_back()
    win.show_ask()
    assert win.elder and win.elder_btn.isChecked()
    win.reset_all()
    assert not win.elder and not win.elder_btn.isChecked()


def test_portrait_elder_screens_fit_1080_wide(qtbot, win):
    """Nothing forces the window wider than a portrait screen (the read-aloud bar included)."""
    win.resize(1080, 1920)
    doc_id = next(d["id"] for d in records(25)["document"] if d["title"] == "户口登记条例")
    win.show_document(doc_id)
    qtbot.waitUntil(lambda: win.document.doc is not None, timeout=5000)
    win.document.speech_bar.show()  # as while reading
    qtbot.wait(100)
    for name in ("home", "results", "document", "domain", "ask"):
        screen = win.screens[name]
        assert screen.minimumSizeHint().width() <= 1080, (name, screen.minimumSizeHint().width())
    assert win.minimumSizeHint().width() <= 1080


def test_landscape_elder_screens_fit_1080_high(qtbot, win):
    """Nothing forces the window taller than a landscape screen: not the keyboard on the home
    screen, not a hidden page (the stack sizes by the page on show), not the staff settings with
    their keyboard open (the staff tabs scroll)."""
    win.home.search.open_keyboard()
    win.home.search.keyboard.type_letters("dibao")
    qtbot.wait(300)
    assert win.minimumSizeHint().height() <= 1080, win.minimumSizeHint()
    win.home.search.reset()
    win.enter_staff()
    staff = win.staff_screen
    staff.show_tab("settings")
    staff.keyboard.show()
    qtbot.wait(300)
    assert win.minimumSizeHint().height() <= 1080, ("staff settings", win.minimumSizeHint())
    win.leave_staff()
    qtbot.wait(300)  # the staff page, still the tallest, is hidden again: it no longer counts
    assert win.minimumSizeHint().height() <= 1080
    assert win.height() <= 1080


def test_long_text_has_one_and_a_half_line_spacing(qtbot, win):
    """Measured: a wrapped answer is at least 1.5 lines of its font per line."""
    win.show_faq("faq-hukou-newborn")
    qtbot.waitUntil(lambda: win.ask.answer_label is not None, timeout=10000)
    lab = win.ask.answer_label
    lab.setFixedWidth(300)  # force several lines
    qtbot.wait(50)
    px = lab.fontInfo().pixelSize()
    chars_per_line = max(1, 300 // px)
    lines = -(-len(lab.plain) // chars_per_line)
    assert lines >= 3
    assert lab.heightForWidth(300) >= lines * px * 1.5 * 0.95
