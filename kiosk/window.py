"""The kiosk window: a header (home, back, 长辈模式), the screens, and the kiosk behaviour —
full screen, no way out for citizens, an idle countdown that resets everything. Where a citizen
is and can go back to is a route (kiosk.routes); the hidden way in for staff is
kiosk.staff_gate."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QApplication, QFrame, QHBoxLayout, QLabel, QMainWindow, QProgressBar,
                               QPushButton, QSizePolicy, QVBoxLayout, QWidget)

from catalog.catalogue import Catalog
from catalog.packaging.datadir import DataDir
from catalog.usage import UsageLog
from catalog.packaging.packages import STAGES
from kiosk import routes, tasks
from kiosk.bootstrap import open_catalog, open_or_repair
from kiosk.help import HelpDialog
from kiosk.idle import IdleWatcher
from kiosk.screens.document import DocumentScreen
from kiosk.screens.domain import DomainScreen
from kiosk.screens.ask import AskScreen
from kiosk.screens.printing import PrintScreen
from kiosk.screens.staff import StaffScreen
from kiosk.screens.home import HomeScreen
from kiosk.screens.results import ResultsScreen
from kiosk.settings import ALERT_MS, SPEECH_HOLD_MAX_S, STAFF_IDLE_S, Settings
from kiosk.staff_gate import StaffGate
from kiosk.style import stylesheet
from kiosk.theme import ELDER, NORMAL
from kiosk.widgets.notice import Notice
from kiosk.widgets.overlay import Overlay
from kiosk.widgets.stack import PageStack

log = logging.getLogger("kiosk")

INFO_MIN_PX = 420  # the catalogue line's least width beside the header's buttons
HIDDEN_STYLE_GAP_MS = 40  # hidden screens are restyled one at a time, after the visible one painted


class MainWindow(QMainWindow):
    def __init__(self, data_dir: DataDir, demo: bool, settings: Settings | None = None,
                 kiosk_mode: bool = False, embed_in_background: bool = False):
        super().__init__()
        self.data_dir = data_dir
        from kiosk.embedder import BackgroundEmbedder

        # passage vectors a package did not bring, computed in a child at the lowest priority
        self.embed_in_background = embed_in_background
        self.embedder = BackgroundEmbedder(self)
        self.embedder.finished.connect(self._vectors_added)
        self.settings = settings or Settings()
        self.kiosk_mode = kiosk_mode
        self.catalog: Catalog | None = None
        self._repairing = False
        tasks.on_damage(self._index_damaged)
        tasks.on_failure(self.operation_failed)
        self.usage = UsageLog(data_dir.usage_db)
        self.session_pages = 0  # pages printed since the last idle reset
        from kiosk.speech.reader import Reader

        self.reader = Reader(self)  # one voice for the whole kiosk
        self.reader.warm_up()
        self.reader.failed.connect(self.show_alert)  # e.g. 本机声音暂不可用，请看屏幕文字
        self._visit_active = False  # someone touched the screen since the last reset
        self._held_since: float | None = None  # when reading aloud began to hold the countdown
        self.domain_names: dict[str, str] = {}
        self.elder = False
        self.theme = NORMAL
        self.history: list[routes.Route] = []  # the pages 返回 goes back to, newest last
        self.route: routes.Route = routes.Home()
        self._styled: dict[QWidget, object] = {}  # part -> the theme its style sheet was made for
        self._screen_keyboards: dict[QWidget, list] = {}
        self._allow_close = False
        self.setWindowTitle("政务公开专区查询机")
        if kiosk_mode:
            self.setWindowFlags(Qt.FramelessWindowHint | Qt.WindowStaysOnTopHint)

        root = QWidget()
        lay = QVBoxLayout(root)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self._header())
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        lay.addWidget(self.progress)
        # what went wrong with the last tap, in plain Chinese (kiosk.tasks.on_failure)
        self.alert = QLabel("")
        self.alert.setObjectName("alert")
        self.alert.setWordWrap(True)
        self.alert.setTextFormat(Qt.PlainText)
        self.alert.hide()
        self._alert_timer = QTimer(self, singleShot=True, interval=ALERT_MS)
        self._alert_timer.timeout.connect(self.alert.hide)
        lay.addWidget(self.alert)
        self.stack = PageStack()
        lay.addWidget(self.stack, 1)
        self.setCentralWidget(root)

        self.home = HomeScreen(self)
        self.results = ResultsScreen(self)
        self.document = DocumentScreen(self)
        self.domain = DomainScreen(self)
        self.ask = AskScreen(self)
        self.print = PrintScreen(self)
        self.staff_screen = StaffScreen(self)
        self.screens = {"home": self.home, "results": self.results, "document": self.document,
                        "domain": self.domain, "ask": self.ask, "print": self.print,
                        "staff": self.staff_screen}
        for s in self.screens.values():
            self.stack.addWidget(s)
        self._attach_keyboards()
        self.home.search.setEnabled(False)
        self.current = "home"
        self._build_overlays()
        self.apply_theme()
        self._style_visible()  # the first frame is styled

        self.staff_timer = QTimer(self, singleShot=True)
        self.staff_timer.timeout.connect(self.leave_staff)
        self.idle_timer = QTimer(self, singleShot=True)
        self.idle_timer.timeout.connect(self.start_countdown)
        self.countdown_timer = QTimer(self, interval=1000)
        self.countdown_timer.timeout.connect(self._tick)
        self.watcher = IdleWatcher(self.touched, self)
        QApplication.instance().installEventFilter(self.watcher)
        self.idle_timer.start(self.settings.idle_timeout_s * 1000)

        self.info.setText("正在准备目录…")
        tasks.run(lambda progress: open_catalog(data_dir, demo, progress), self._ready,
                  self._failed, self._progress, owner=self)

    # header --------------------------------------------------------------------------------
    def _header(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("header")
        self.header_bar = bar
        outer = QVBoxLayout(bar)
        outer.setContentsMargins(24, 8, 24, 8)
        outer.setSpacing(4)
        h = QHBoxLayout()
        outer.addLayout(h)
        self._header_rows = (h, outer)
        self.home_btn = self._nav_button("⌂ 首页", self.home_tapped)
        self.back_btn = self._nav_button("← 返回", self.go_back)
        self.back_btn.setEnabled(False)  # nothing to go back to yet (it looked tappable at start)
        self.title = QLabel("政务公开专区")
        self.title.setObjectName("heading")
        self.title.mousePressEvent = lambda _e: self.gate.tap()
        self.info = QLabel("")
        self.info.setTextFormat(Qt.PlainText)  # 目录：{publisher} comes from a package
        self.info.setObjectName("muted")
        self.info.setWordWrap(True)
        # the catalogue line gives way (wraps) before the buttons ever shrink
        self.info.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.help_btn = self._nav_button("请工作人员帮忙", lambda: self.help.open())
        self.help_btn.setObjectName("help")
        self.elder_btn = self._nav_button("长辈模式", self.toggle_elder)
        self.elder_btn.setCheckable(True)
        h.addWidget(self.home_btn)
        h.addWidget(self.back_btn)
        h.addSpacing(16)
        h.addWidget(self.title)
        h.addSpacing(16)
        h.addWidget(self.info, 1)
        h.addWidget(self.help_btn)
        h.addWidget(self.elder_btn)
        return bar

    def _fit_header(self) -> None:
        """The catalogue line beside the buttons where it has room (INFO_MIN_PX), else on a row of
        its own below them: squeezed, it was one character wide and taller than the screen."""
        row, outer = self._header_rows
        buttons = sum(w.sizeHint().width() for w in (self.home_btn, self.back_btn, self.title,
                                                      self.help_btn, self.elder_btn))
        beside = self.width() - 48 - buttons - 32 - 4 * row.spacing() >= INFO_MIN_PX
        if beside and outer.indexOf(self.info) >= 0:
            outer.removeWidget(self.info)
            row.insertWidget(row.indexOf(self.help_btn), self.info, 1)
            row.setStretchFactor(self.title, 0)
        elif not beside and row.indexOf(self.info) >= 0:
            row.removeWidget(self.info)
            outer.addWidget(self.info)
            row.setStretchFactor(self.title, 1)  # the buttons keep their size

    def _nav_button(self, text, slot) -> QPushButton:
        b = QPushButton(text)
        b.setFocusPolicy(Qt.NoFocus)
        b.setSizePolicy(QSizePolicy.Minimum, QSizePolicy.Fixed)
        b.clicked.connect(slot)
        return b

    def _attach_keyboards(self) -> None:
        try:
            from kiosk.widgets.keyboard import PinyinKeyboard
        except ImportError:  # pragma: no cover - the keyboard module ships with the app
            return
        for screen in (self.home, self.results, self.ask):
            kb = PinyinKeyboard()
            screen.bottom.addWidget(kb)
            kb.hide()
            kb.submitted.connect(screen.search.submit)
            screen.search.attach_keyboard(kb)
            self._screen_keyboards[screen] = [kb]
        self.keyboards = [s.search.keyboard for s in (self.home, self.results, self.ask)]

    # start-up ------------------------------------------------------------------------------
    def _progress(self, stage: str, done: int, total: int) -> None:
        self.info.setText(STAGES.get(stage, stage) + "…")
        if total > 1:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _ready(self, cat: Catalog) -> None:
        old, self.catalog = self.catalog, cat
        self._repairing = False
        if old is not None and old is not cat:
            # closed on the worker thread after every task queued before now, which may hold it
            tasks.run(lambda _p: old.close(), quiet=True)
            for screen in self.screens.values():
                screen.catalogue_changed()
        self.domain_names = {d.id: d.name for d in cat.store.domains()}
        self._catalogue_line()
        if getattr(cat, "interrupted_update", False):
            log.warning("an interrupted catalogue update was cleaned up at start")
            self.info.setText(self.info.text() + "　（上次目录更新没有完成，已继续使用原来的目录）")
        if getattr(cat, "repaired_index", False):
            self.info.setText(self.info.text() + "　（检索索引曾经损坏，已自动重建）")
            if self.current == "results" and self.results.query:  # the search that found it
                self.results.run(self.results.query, keep_filters=True)
        self.progress.hide()
        self.home.search.setEnabled(True)
        for kb in [*getattr(self, "keyboards", []), self.staff_screen.keyboard]:
            if hasattr(kb, "set_candidate_source"):
                from catalog.search import ime

                kb.set_candidate_source(lambda s, c=cat: ime.candidates(c.store, s))
        self.home.load()
        # the Q&A matcher (FAQ texts, sentence vectors, the model) after the home screen's data
        tasks.run(lambda _p: cat.ask("预热"), owner=self, quiet=True)
        # passages the package brought no vectors for are embedded in the background
        if self.embed_in_background:
            self.embedder.start_if_needed(cat)

    def _vectors_added(self, n: int) -> None:
        if n and self.catalog is not None:
            self.catalog.reload_vectors()
        log.info("background embedding added %d passage vectors", n)

    def _catalogue_line(self) -> None:
        meta = self.catalog.store.meta()
        date = (meta.get("created") or "")[:10]
        self.info.setText(f"目录：{meta.get('publisher')}　第 {meta.get('sequence')} 版"
                          + (f"　{date}" if date else ""))

    def _failed(self, exc: BaseException) -> None:
        self._repairing = False
        self.progress.hide()
        self.info.setText(getattr(exc, "message", None) or "目录暂时无法使用，请联系工作人员。")

    # navigation (kiosk.routes) ---------------------------------------------------------------
    def go(self, route: routes.Route, push: bool = True) -> None:
        """Show ``route``'s screen, the page before it kept for 返回 (unless ``push`` is false).
        The caller puts the page on the screen: ``route.open(self)``."""
        if push and route != self.route:
            self.history.append(self.route)
        self.route = route
        self.current = route.screen
        self.reader.stop()  # speech ends with the screen it belonged to
        screen = self.screens[route.screen]
        self.ensure_styled(screen)
        self.stack.setCurrentWidget(screen)
        self.back_btn.setEnabled(bool(self.history))

    def open(self, route: routes.Route) -> None:
        self.go(route)
        route.open(self)

    def show_results(self, query: str) -> None:
        self.open(routes.Results(query))

    def show_listing(self, title: str, ids: list[str]) -> None:
        self.open(routes.Listing(title, tuple(ids)))

    def show_document(self, doc_id: str, at: tuple[int, int] | None = None) -> None:
        """A document; with ``at`` (first paragraph, paragraphs) opened there, the passage marked."""
        self.open(routes.Document(doc_id, at))

    def show_domain(self, domain_id: str) -> None:
        self.open(routes.Domain(domain_id))

    def show_faq(self, faq_id: str) -> None:
        """One FAQ's answer, on the ask screen (with its sources and 有用/没用)."""
        self.open(routes.Answer(faq_id))

    def show_print(self, doc_id: str, paragraphs: list[int] | None = None) -> None:
        """Choose paragraphs of a document (``paragraphs``, from 1, ticked already), preview the
        extract, print or save it."""
        self.open(routes.PrintDocument(doc_id, tuple(paragraphs or ())))

    def show_print_answer(self, faq_id: str) -> None:
        self.open(routes.PrintAnswer(faq_id))

    def show_print_item(self, item_id: str) -> None:
        self.open(routes.PrintItem(item_id))

    def show_ask(self, question: str | None = None) -> None:
        """The ask screen: popular questions, or the answer to ``question``."""
        self.open(routes.Question(question) if question else routes.Popular())

    def go_back(self) -> None:
        """The page before, as it was: reopened only when its screen shows something else now."""
        if not self.history:
            return
        route = self.history.pop()
        self.go(route, push=False)
        if not route.showing(self):
            route.reopen(self)

    def go_home(self) -> None:
        self.history.clear()
        self.go(routes.Home(), push=False)

    def home_tapped(self) -> None:
        """首页: the home screen with nothing typed anywhere (new typing was appended to the
        last query, after which suggestions stopped)."""
        for screen in (self.home, self.results, self.ask):
            screen.search.reset()
        for kb in getattr(self, "keyboards", []):
            kb.reset()
        self.go_home()

    # 长辈模式 -------------------------------------------------------------------------------
    def toggle_elder(self) -> None:
        self.set_elder(not self.elder)

    def set_elder(self, on: bool) -> None:
        self.elder = on
        self.elder_btn.setChecked(on)
        self.theme = ELDER if on else NORMAL
        self.apply_theme()

    def apply_theme(self) -> None:
        """Style what is on screen now; the hidden parts follow one per event-loop turn.

        One application-wide style sheet re-polished all ~400 widgets at once (about 500 ms on
        this machine); each part carries the sheet itself instead, so a toggle costs only what
        is visible. The header (with the button just tapped) changes at once, the screen below
        it one event-loop turn later, so the tap shows before the bigger repaint; a hidden
        screen is styled before it is shown if the idle pass has not reached it yet."""
        self._sheet = stylesheet(self.theme)
        self.ensure_styled(self.header_bar)
        self._fit_header()  # 长辈模式's larger buttons may leave the catalogue line no room
        self.ensure_styled(self.progress)
        self.ensure_styled(self.alert)
        QTimer.singleShot(0, self._style_visible)
        QTimer.singleShot(HIDDEN_STYLE_GAP_MS, self._style_next_hidden)

    def _style_visible(self) -> None:
        for w in self._visible_parts():
            self.ensure_styled(w)

    def _parts(self) -> list[QWidget]:
        return [self.header_bar, self.progress, self.alert, *self.screens.values(),
                self.countdown, self.gate.overlay, self.help.overlay, self.notice]

    def _visible_parts(self) -> list[QWidget]:
        return [self.header_bar, self.progress, self.alert, self.stack.currentWidget(),
                *(o for o in (self.countdown, self.gate.overlay, self.help.overlay, self.notice) if o.isVisible())]

    def ensure_styled(self, part: QWidget) -> None:
        if self._styled.get(part) is self.theme:
            return
        self._styled[part] = self.theme
        part.setStyleSheet(self._sheet)
        if part in self.screens.values():
            part.apply_theme(self.theme)
            for kb in self._screen_keyboards.get(part, ()):
                # The keyboard's own sizes (11-19 ms): a turn later, a separate block and repaint.
                # kb as the context: the call is dropped if the keyboard (its window) is gone by then
                QTimer.singleShot(0, kb, lambda kb=kb, t=self.theme: self._theme_keyboard(kb, t))

    def _theme_keyboard(self, kb, theme) -> None:
        if theme is self.theme:
            kb.apply_theme(theme)

    def _style_next_hidden(self) -> None:
        for part in self._parts():
            if self._styled.get(part) is not self.theme:
                self.ensure_styled(part)
                QTimer.singleShot(HIDDEN_STYLE_GAP_MS, self._style_next_hidden)
                return

    # idle reset ----------------------------------------------------------------------------
    def touched(self) -> None:
        """Any input anywhere (kiosk.idle.IdleWatcher)."""
        if self.current == "staff":
            self.staff_timer.start(STAFF_IDLE_S * 1000)  # staff mode leaves by itself when idle
            return
        self._visit_active = True
        self._held_since = None
        if self.countdown_timer.isActive():
            self.keep_going()  # any tap on the countdown means 还要用
            return
        self.idle_timer.start(self.settings.idle_timeout_s * 1000)

    def start_countdown(self) -> None:
        if self.current == "staff":
            return  # staff mode has its own, longer timer
        if not self._visit_active and self.current == "home":
            # nobody touched the kiosk since the last reset: nothing to clear, no countdown
            self.idle_timer.start(self.settings.idle_timeout_s * 1000)
            return
        if self.reader.is_speaking():
            # a person listening is not touching: wait while the reading plays (the reader stops
            # a reading that makes no sound), but not longer than SPEECH_HOLD_MAX_S
            now = time.monotonic()
            self._held_since = self._held_since or now
            if now - self._held_since < SPEECH_HOLD_MAX_S:
                self.idle_timer.start(self.settings.idle_timeout_s * 1000)
                return
            log.info("reading aloud held the idle reset for %d s: counting down", SPEECH_HOLD_MAX_S)
        self._left = self.settings.countdown_s
        self._tick_label()
        self.countdown.open()
        self.countdown_timer.start()

    def _tick(self) -> None:
        self._left -= 1
        if self._left <= 0:
            self.countdown_timer.stop()
            self.countdown.hide()
            self.reset_all()
            self.idle_timer.start(self.settings.idle_timeout_s * 1000)
        else:
            self._tick_label()

    def _tick_label(self) -> None:
        self.countdown_text.setText(f"{self._left} 秒后将回到首页，并清除您刚才查看的内容。")

    def keep_going(self) -> None:
        self.countdown_timer.stop()
        self.countdown.hide()
        self.idle_timer.start(self.settings.idle_timeout_s * 1000)

    def reset_all(self) -> None:
        """Everything the last person did goes: query, filters, open document, scroll positions,
        typed text, elder mode, open dialogs; back to the home screen."""
        self.session_pages = 0  # the next person's page allowance
        self._visit_active = False
        self._held_since = None
        self.reader.stop()
        self.reader.set_rate(1.0)
        self.reader.set_volume(1.0)
        for s in self.screens.values():
            s.reset()
        for kb in getattr(self, "keyboards", []):
            kb.reset()
        self.gate.close()
        self.help.close()
        self.notice.hide()
        self.alert.hide()  # a CatalogError's message may quote what was typed
        self.alert.clear()
        if self.current == "staff":
            self.staff_timer.stop()
            self.staff_screen.left()
        self.set_elder(False)
        self.go_home()
        log.info("idle reset")

    # overlays: countdown, PIN, staff ----------------------------------------------------------
    def _build_overlays(self) -> None:
        self.countdown = Overlay(self, "还需要更多时间吗？")
        self.countdown_text = QLabel()
        self.countdown_text.setTextFormat(Qt.PlainText)
        self.countdown_text.setWordWrap(True)
        self.countdown.box.addWidget(self.countdown_text)
        more = QPushButton("需要，继续使用")
        more.setObjectName("primary")
        more.clicked.connect(self.keep_going)
        self.countdown.box.addWidget(more)

        self.gate = StaffGate(self)
        self.help = HelpDialog(self)
        self.notice = Notice(self)  # a message that blocks what was tapped (kiosk.widgets.notice)

    # staff mode -----------------------------------------------------------------------------
    def enter_staff(self) -> None:
        self.history.clear()
        self.go(routes.Staff(), push=False)
        self.staff_screen.entered()
        self.staff_timer.start(STAFF_IDLE_S * 1000)
        log.info("staff mode entered")

    def leave_staff(self) -> None:
        """Back to the citizens' screens (an apply under way goes on, with its progress mark)."""
        self.staff_timer.stop()
        self.staff_screen.left()
        if self.current == "staff":
            self.go_home()
        self.idle_timer.start(self.settings.idle_timeout_s * 1000)

    def show_apply_progress(self, on: bool) -> None:
        """The small mark citizens see while a catalogue update is applied in the background."""
        self.progress.setVisible(on)
        self.progress.setRange(0, 0)
        self.info.setText("目录更新中，查询照常可用……" if on else self.info.text())
        if not on and self.catalog is not None:
            self._catalogue_line()

    def apply_progress(self, stage: str, done: int, total: int) -> None:
        if total > 1:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def catalogue_changed(self, force_repair: bool = False) -> None:
        """The live catalogue changed (an import, a roll back, a repair): serve the new one."""
        data_dir = self.data_dir
        tasks.run(lambda progress: open_or_repair(data_dir, progress, force_repair), self._ready,
                  self._failed, self._progress, owner=self)

    def operation_failed(self, exc: BaseException) -> None:
        """A tap's work failed and its screen did not say so itself: say it, briefly. A message
        of the catalogue (CatalogError) is shown as it is; anything else in general words."""
        from catalog.errors import CatalogError, IndexDamaged

        if isinstance(exc, IndexDamaged) and not getattr(self.catalog, "repaired_index", False):
            text = "查询机正在自动修复检索索引，请稍等片刻再试。"
        elif isinstance(exc, IndexDamaged):  # rebuilt once already (see _index_damaged)
            text = "刚才的操作没有完成。请联系工作人员检查查询机（可以重新导入目录）。"
        elif isinstance(exc, CatalogError):
            text = exc.message
        else:
            text = "刚才的操作没有完成，请再点一次；如果还是不行，请联系工作人员。"
        self.show_alert(text)

    def show_alert(self, text: str) -> None:
        """A plain-Chinese line under the header, for ALERT_MS."""
        self.alert.setText(text)
        self.alert.show()
        self._alert_timer.start()

    def _index_damaged(self, exc: BaseException) -> None:
        """A search or a question failed inside the index: rebuild it from the data, once."""
        if self._repairing:
            return
        if getattr(self.catalog, "repaired_index", False):
            # rebuilt once already and failing again: not the files (a bug, or a disk failing
            # now); rebuilding on every search would only keep the kiosk busy. Said, and logged.
            log.error("index failed again after its rebuild: %s", getattr(exc, "detail", exc))
            return
        self._repairing = True
        log.error("index failed while in use: %s", getattr(exc, "detail", exc))
        self.progress.show()
        self.progress.setRange(0, 0)
        self.info.setText(STAGES["repair"] + "…")
        self.catalogue_changed(force_repair=True)

    def staff_quit(self) -> None:
        self._allow_close = True
        self.close()

    # lockdown ------------------------------------------------------------------------------
    def closeEvent(self, event) -> None:
        if self._allow_close or not self.kiosk_mode:
            event.accept()
            if self._allow_close:
                QApplication.instance().quit()
        else:
            event.ignore()  # Alt+F4, the window manager's close: a citizen cannot leave

    def keyPressEvent(self, event) -> None:
        if self.kiosk_mode and event.key() in (Qt.Key_Escape, Qt.Key_F4, Qt.Key_F11):
            event.accept()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_header()
        for o in (self.countdown, self.gate.overlay, self.help.overlay, self.notice):
            if o.isVisible():
                o.setGeometry(self.rect())
