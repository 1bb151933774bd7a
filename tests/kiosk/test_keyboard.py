"""The on-screen pinyin keyboard, driven by tapping its real key buttons (never keyClicks: Qt's
test key events abort on CJK text), with candidates from the real demo catalogue."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from catalog.search import ime
from catalog.catalogue import Catalog
from kiosk.theme import ELDER, NORMAL
from kiosk.widgets.keyboard import PinyinKeyboard


@pytest.fixture(scope="module")
def catalog(demo_dir):
    cat = Catalog.open(demo_dir)
    ime.warm_up()
    yield cat
    cat.close()


def make(qtbot, source, theme=NORMAL, width=1080):
    """A screen-like host: the line edit above, the keyboard laid out below it."""
    host = QWidget()
    lay = QVBoxLayout(host)
    edit = QLineEdit()
    kb = PinyinKeyboard(source, theme)
    lay.addWidget(edit)
    lay.addWidget(kb)
    kb.set_target(edit)
    qtbot.addWidget(host)
    host.resize(width, host.sizeHint().height())
    host.show()
    qtbot.waitExposed(host)
    return host, edit, kb


@pytest.fixture
def board(qtbot, catalog):
    return make(qtbot, lambda s: ime.candidates(catalog.store, s))


def tap(qtbot, button):
    assert button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.LeftButton)


def type_keys(qtbot, kb, letters):
    for ch in letters:
        tap(qtbot, kb.key(ch))


def candidate(kb, text):
    return next(b for b in kb.candidate_buttons() if b.text() == text)


def test_tapping_dibao_offers_dibao_and_commits_it(qtbot, board):
    _, edit, kb = board
    type_keys(qtbot, kb, "dibao")
    assert kb.buffer() == "dibao" and kb.pinyin.text() == "dibao"
    assert edit.text() == ""  # nothing inserted while choosing
    assert kb.visible_candidates()[0] == "低保"
    with qtbot.waitSignal(kb.textCommitted) as sig:
        tap(qtbot, candidate(kb, "低保"))
    assert sig.args == ["低保"]
    assert edit.text() == "低保" and kb.buffer() == "" and kb.candidates() == []


def test_a_character_keeps_the_letters_it_did_not_use(qtbot, board):
    _, edit, kb = board
    type_keys(qtbot, kb, "dibao")
    tap(qtbot, candidate(kb, "低"))
    assert edit.text() == "低" and kb.buffer() == "bao"
    assert "保" in kb.visible_candidates()
    tap(qtbot, candidate(kb, "保"))
    assert edit.text() == "低保" and kb.buffer() == ""


def test_committed_text_goes_in_at_the_cursor(qtbot, board):
    _, edit, kb = board
    edit.setText("申请")
    edit.setCursorPosition(0)
    type_keys(qtbot, kb, "dibao")
    tap(qtbot, candidate(kb, "低保"))
    assert edit.text() == "低保申请"


def test_backspace_takes_from_the_letters_then_from_the_box(qtbot, board):
    _, edit, kb = board
    edit.setText("户口")
    type_keys(qtbot, kb, "dib")
    tap(qtbot, kb.key("backspace"))
    assert kb.buffer() == "di" and edit.text() == "户口"
    tap(qtbot, kb.key("backspace"))
    tap(qtbot, kb.key("backspace"))
    assert kb.buffer() == "" and kb.candidates() == [] and edit.text() == "户口"
    tap(qtbot, kb.key("backspace"))
    assert edit.text() == "户"


def test_clear_empties_letters_and_box(qtbot, board):
    _, edit, kb = board
    edit.setText("低保")
    type_keys(qtbot, kb, "hu")
    tap(qtbot, kb.key("clear"))
    assert kb.buffer() == "" and edit.text() == ""


def test_english_mode_types_letters(qtbot, board):
    _, edit, kb = board
    type_keys(qtbot, kb, "hu")
    tap(qtbot, kb.key("mode"))  # switching inserts the letters typed so far as they are
    assert kb.mode() == "en" and edit.text() == "hu" and kb.buffer() == ""
    type_keys(qtbot, kb, "kou")
    assert edit.text() == "hukou" and kb.buffer() == "" and kb.candidates() == []
    assert "英文" in kb.hint.text()
    tap(qtbot, kb.key("mode"))
    assert kb.mode() == "zh"


def test_submit_inserts_the_letters_and_emits(qtbot, board):
    _, edit, kb = board
    type_keys(qtbot, kb, "dibao")
    with qtbot.waitSignal(kb.submitted):
        tap(qtbot, kb.key("submit"))
    assert edit.text() == "dibao" and kb.buffer() == ""  # search understands pinyin


def test_space_takes_the_first_candidate(qtbot, board):
    _, edit, kb = board
    type_keys(qtbot, kb, "shbx")
    tap(qtbot, kb.key("space"))
    assert edit.text() == "社会保险"
    tap(qtbot, kb.key("space"))
    assert edit.text() == "社会保险 "


def test_digits_type_and_finish_the_letters(qtbot, board):
    _, edit, kb = board
    tap(qtbot, kb.key("2"))
    type_keys(qtbot, kb, "di")
    tap(qtbot, kb.key("0"))
    assert edit.text() == "2di0" and kb.buffer() == ""


def test_paging_through_candidates(qtbot, catalog):
    host, _, kb = make(qtbot, lambda s: ime.candidates(catalog.store, s), ELDER, width=900)
    type_keys(qtbot, kb, "shehui")
    first_page = kb.visible_candidates()
    assert len(first_page) < len(kb.candidates())
    assert not kb.key("prev").isEnabled()
    tap(qtbot, kb.key("next"))
    second = kb.visible_candidates()
    assert second and not set(second) & set(first_page)
    assert kb.candidates().index(second[0]) == len(first_page)
    tap(qtbot, kb.key("prev"))
    assert kb.visible_candidates() == first_page


def test_without_a_candidate_source_it_still_types(qtbot):
    host, edit, kb = make(qtbot, None)
    type_keys(qtbot, kb, "dibao")
    assert kb.buffer() == "dibao" and kb.candidates() == [] and kb.candidate_buttons() == []
    assert "搜索" in kb.hint.text()
    assert not kb.key("prev").isVisible() and not kb.key("next").isVisible()  # nothing to page
    tap(qtbot, kb.key("space"))  # nothing to choose: the letters as typed
    assert edit.text() == "dibao"


def test_keys_never_take_the_focus(qtbot, board):
    host, edit, kb = board
    host.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    type_keys(qtbot, kb, "dibao")
    tap(qtbot, candidate(kb, "低保"))
    tap(qtbot, kb.key("mode"))
    assert edit.hasFocus()
    buttons = kb.all_keys() + kb.candidate_buttons()
    assert all(b.focusPolicy() == Qt.NoFocus for b in buttons)


def test_reset_and_a_target_that_goes_away(qtbot, board):
    _, edit, kb = board
    tap(qtbot, kb.key("mode"))
    kb.reset()
    assert kb.mode() == "zh" and kb.buffer() == ""
    other = QLineEdit()
    kb.set_target(other)
    other.deleteLater()
    qtbot.waitUntil(lambda: kb.target() is None)
    tap(qtbot, kb.key("a"))
    tap(qtbot, kb.key("submit"))  # no target: nothing to insert into, and no crash


def _rows(buttons):
    rows = {}
    for b in buttons:
        rows.setdefault(b.mapTo(b.window(), b.rect().topLeft()).y(), []).append(b)
    return rows


@pytest.mark.parametrize("theme", [NORMAL, ELDER], ids=["normal", "elder"])
@pytest.mark.parametrize("width", [None, 1080, 1920], ids=["narrowest", "portrait", "landscape"])
def test_key_sizes_follow_the_theme(qtbot, catalog, theme, width):
    host, _, kb = make(qtbot, lambda s: ime.candidates(catalog.store, s), theme,
                       width=width or 1)
    if width is None:  # as narrow as the keyboard lets itself be
        host.resize(host.minimumSizeHint().width(), host.height())
        qtbot.wait(10)
    type_keys(qtbot, kb, "shehui")
    buttons = [b for b in kb.all_keys() + kb.candidate_buttons() if b.isVisible()]
    assert len(buttons) >= 26 + 10 + 5 + 2 + 1
    for b in buttons:
        assert b.height() >= theme.key_px, (b.text(), b.size())
        assert b.width() >= theme.target_px, (b.text(), b.size())
    for row in _rows(buttons).values():  # gaps between neighbours in a row
        xs = sorted((b.mapTo(host, b.rect().topLeft()).x(), b.width()) for b in row)
        for (x1, w1), (x2, _) in zip(xs, xs[1:]):
            assert x2 - (x1 + w1) >= theme.spacing_px
    assert host.width() <= max(width or 0, 1080)  # fits a portrait screen even in elder mode


def test_elder_mode_grows_the_keyboard(qtbot, catalog):
    host, _, kb = make(qtbot, lambda s: ime.candidates(catalog.store, s))
    normal = kb.sizeHint().height(), kb.key("a").height(), kb.key("a").font().pixelSize()
    kb.apply_theme(ELDER)
    qtbot.waitUntil(lambda: kb.key("a").height() >= ELDER.key_px)
    assert kb.sizeHint().height() > normal[0]
    assert kb.key("a").height() > normal[1]
    kb.apply_theme(NORMAL)
    qtbot.waitUntil(lambda: kb.key("a").height() == NORMAL.key_px)


def test_a_pressed_key_looks_pressed(qtbot, board):
    _, _, kb = board
    key = kb.key("g")
    centre = key.rect().center()
    up = key.grab().toImage().pixelColor(centre.x() // 3, centre.y())
    key.setDown(True)
    down = key.grab().toImage().pixelColor(centre.x() // 3, centre.y())
    key.setDown(False)
    assert up != down
