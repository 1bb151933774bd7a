"""Staff mode: catalogue updates from a USB stick (what is on it, who signed it, whether it
applies; apply with progress while citizens keep searching; the report; roll back), trusted
publisher keys, the usage export, and the kiosk's settings. Every step is a call into catalog/.
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QScrollArea, QVBoxLayout, QWidget

from catalog.packaging.datadir import DataDir
from kiosk import settings as kiosk_settings
from kiosk.settings import IDLE_TIMEOUT_RANGE, IDLE_TIMEOUT_STEP, PAGE_LIMIT_RANGE, PAGE_LIMIT_STEP
from kiosk import tasks
from kiosk.screens.base import Screen, button, card, clear_layout, label, row
from kiosk.widgets.stack import PageStack
from kiosk.widgets.touch import make_kinetic

STAFF_IDLE_S = 300   # staff mode leaves by itself after this long without a touch
USB_POLL_MS = 2000


DEMO_KEY_WARNING = ("\n注意：本机仍信任演示公钥，而演示私钥是公开的，任何人都能用它签名演示目录。"
                    "导入县里的正式目录后，它会自动停用。")

# What staff are told before they confirm (catalog.packaging.packages.CONFIRMATIONS)
CONFIRM_TEXT = {
    "change_publisher": "导入后，本机将改用“{publisher}”的目录，不再使用“{current}”的目录；这一改动会记入导入历史。"
                        "请确认这是县政务公开办的安排。",
    "sequence_jump": "这个更新包的版本号（第 {sequence} 版）比本机目录大得多。导入后，版本号比它小的更新包都会被拒收。"
                     "请先与县政务公开办核对版本号。",
}


@functools.cache  # a file of the build: read once, not on every refresh of the staff screen
def _demo_fingerprint() -> str | None:
    from catalog.packaging.signing import fingerprint_file
    from kiosk.bootstrap import DEMO_KEY

    try:
        return fingerprint_file(DEMO_KEY)
    except Exception:  # noqa: BLE001 - a build without the demo: nothing to warn about
        return None


def _demo_key_trusted(data_dir: DataDir) -> bool:
    from catalog.packaging.trust import trusted_keys

    return _demo_fingerprint() in trusted_keys(data_dir)


class StaffScreen(Screen):
    title = "工作人员"

    def __init__(self, window):
        super().__init__(window)
        self.scroll.hide()
        tabs = QHBoxLayout()
        tabs.setSpacing(12)
        self.pages = PageStack()
        self.tab_buttons = {}
        for name, text in (("sync", "目录更新"), ("keys", "信任的公钥"), ("export", "使用统计"),
                           ("settings", "设置"), ("quit", "退出")):
            b = button(text, lambda _c=False, n=name: self.show_tab(n), "chip")
            b.setCheckable(True)
            self.tab_buttons[name] = b
            tabs.addWidget(b)
        tabs.addStretch(1)
        self.top.addLayout(tabs)
        self.layout().insertWidget(2, self.pages, 1)
        self.tab = {}
        self.areas: dict[str, QScrollArea] = {}
        for name in ("sync", "keys", "export", "settings", "quit"):
            w = QWidget()
            lay = QVBoxLayout(w)
            lay.setContentsMargins(32, 16, 32, 16)
            self.tab[name] = lay
            area = QScrollArea()  # a stick with many packages, or 长辈模式 with the keyboard open
            area.setWidgetResizable(True)
            area.setFrameShape(QFrame.NoFrame)
            area.setWidget(w)
            make_kinetic(area)
            self.pages.addWidget(area)
            self.areas[name] = area
        self.status = label("", "heading")
        self.applying = False
        self._job = None  # the running apply
        self.report = None
        self.packages: list = []
        self.stick_keys: list = []  # catalog.packaging.sync.StickKey of the stick last read
        self._build_sync()
        self._build_keys()
        self._build_export()
        self._build_settings()
        self._build_quit()
        self.usb_timer = QTimer(self)
        self.usb_timer.setInterval(USB_POLL_MS)
        self.usb_timer.timeout.connect(self.scan_usb)
        self._sticks: list[Path] = []
        self._scan_forced = False  # a forced look not yet answered (scan_usb)
        # every read of a database, a key folder or a stick runs off the GUI thread, newest first
        # (the io lane: they need no Catalog, and must not wait behind a search or the model loading)
        self.current_reads = tasks.Latest(self, lane="io")
        self.stick_reads = tasks.Latest(self, lane="io")
        self.key_reads = tasks.Latest(self, lane="io")
        self.show_tab("sync")

    # navigation ----------------------------------------------------------------------------
    def show_tab(self, name: str) -> None:
        if hasattr(self, "keyboard"):
            self.keyboard.hide()
        for n, b in self.tab_buttons.items():
            b.setChecked(n == name)
        self.pages.setCurrentIndex(list(self.tab).index(name))
        if name == "keys":
            self.refresh_keys()
        if name == "settings":
            self.load_settings()

    def entered(self) -> None:
        """Called when staff come in: look at the sticks now and then every two seconds."""
        self.show_tab("sync")
        self.usb_timer.start()
        self.scan_usb(force=True)

    def left(self) -> None:
        self.usb_timer.stop()

    def stick_dirs(self) -> list[str]:
        """Where sticks may be besides the system's mount points (the settings' usb_dirs)."""
        return [d for d in self.win.settings.usb_dirs.split(";") if d.strip()]

    # 目录更新 -------------------------------------------------------------------------------
    def _build_sync(self) -> None:
        lay = self.tab["sync"]
        self.current_label = label("")
        lay.addWidget(self.current_label)
        self.stick_label = label("请插入装有目录更新包的U盘。", "heading")
        lay.addWidget(self.stick_label)
        self.package_box = QVBoxLayout()
        lay.addLayout(self.package_box)
        self.progress_label = label("")
        self.stop_btn = button("停止这次更新", lambda _c=False: self.stop_apply())
        self.stop_btn.hide()
        lay.addLayout(row(self.progress_label, self.stop_btn))
        self.report_label = label("")
        lay.addWidget(self.report_label)
        self.rollback_btn = button("回退到上一版目录", lambda _c=False: self.rollback())
        lay.addLayout(row(self.rollback_btn))
        lay.addStretch(1)

    def _show_current(self) -> None:
        data_dir = self.win.data_dir

        def read(_p):
            from catalog.catalogue import status

            return status(data_dir), _demo_key_trusted(data_dir)

        self.current_reads.run(read, self._fill_current)

    def _fill_current(self, got) -> None:
        st, demo_key = got
        if st.sequence is None:
            self.current_label.setText("本机还没有目录。")
        else:
            prev = f"；可回退到第 {st.previous_sequence} 版" if st.previous_sequence else ""
            self.current_label.setText(f"本机目录：{st.publisher}（{st.region}）第 {st.sequence} 版，"
                                       f"{st.documents} 份文件、{st.faqs} 条问答{prev}。"
                                       + (DEMO_KEY_WARNING if demo_key else ""))
        self.rollback_btn.setEnabled(bool(st.previous_sequence) and not self.applying)

    def scan_usb(self, force: bool = False) -> None:
        """Look for sticks (every two seconds while staff are here); list a new one's packages."""
        from kiosk.printing import usb_folders

        extra = self.stick_dirs()
        # a forced look survives the timer's poll that supersedes it (kiosk.tasks.Latest)
        self._scan_forced = self._scan_forced or force
        # a dying stick can make even a directory listing hang: never on the GUI thread
        self.stick_reads.run(lambda _p: usb_folders(extra), self._sticks_seen, quiet=True)

    def _sticks_seen(self, sticks: list[Path]) -> None:
        force, self._scan_forced = self._scan_forced, False
        if not force and sticks == self._sticks:
            return
        self._sticks = sticks
        self._show_current()
        clear_layout(self.package_box)
        if not sticks:
            self.stick_label.setText("请插入装有目录更新包的U盘。")
            self.packages, self.stick_keys = [], []
            if self.pages.currentIndex() == list(self.tab).index("keys"):
                self.refresh_keys()
            return
        self.stick_label.setText(f"U盘：{sticks[0]}　正在读取……")
        data_dir, stick = self.win.data_dir, sticks[0]

        def look(_p):
            from catalog.packaging.sync import read_stick

            return read_stick(data_dir, stick)

        tasks.run(look, self._list_packages, lambda e: self.stick_label.setText("U盘读取失败，请重新插入。"),
                  owner=self, lane="io")

    def _list_packages(self, result) -> None:
        from catalog.packaging.sync import describe

        infos, self.stick_keys = result
        self.packages = infos
        if self.pages.currentIndex() == list(self.tab).index("keys"):
            self.refresh_keys()
        clear_layout(self.package_box)
        if not self._sticks:
            return
        self.stick_label.setText(f"U盘上有 {len(infos)} 个目录更新包：" if infos
                                 else "U盘上没有找到目录更新包（应放在U盘根目录或“政务公开目录更新”文件夹）。")
        for info in infos:
            frame, lay = card()
            lay.addWidget(label(describe(info)))
            if info.applies:
                lay.addLayout(row(button("导入这个更新包", lambda _c=False, i=info: self.apply(i), "primary")))
            elif info.confirmable:
                lay.addWidget(label("需要确认：" + info.reason, "muted"))
                self._confirm_box(lay, info)
            else:
                lay.addWidget(label("不能导入：" + info.reason, "muted"))
            self.package_box.addWidget(frame)

    def _confirm_box(self, lay, info) -> None:
        """A two-step confirmation inside the package's card: what confirming means, then 确认导入."""
        box = QWidget()
        inner = QVBoxLayout(box)
        inner.setContentsMargins(0, 0, 0, 0)
        for need in info.needs:
            inner.addWidget(label(CONFIRM_TEXT[need].format(
                publisher=info.publisher, current=info.current_publisher, sequence=info.sequence), "heading"))
        inner.addLayout(row(button("确认导入", lambda _c=False, i=info: self.apply(i, confirm=i.needs), "primary"),
                            button("取消", lambda _c=False: (box.hide(), ask.show()))))
        box.hide()
        ask = button("确认后导入……", lambda _c=False: (ask.hide(), box.show()))
        lay.addLayout(row(ask))
        lay.addWidget(box)

    def apply(self, info, confirm=()) -> None:
        if self.applying:
            return
        self.applying = True
        self.stopped = False
        self.stop_btn.show()
        self.report = None
        self.report_label.setText("")
        self.progress_label.setText("正在准备……")
        self.win.show_apply_progress(True)
        data_dir, package, confirm = self.win.data_dir, Path(info.path), set(confirm)

        def work(progress, job):
            # in a child process, watched from the long-job thread: the catalogue worker stays free
            # for citizens' searches (they see the old catalogue until the atomic switch), and the
            # import's Python work does not hold this process's interpreter (catalog/packaging/background.py)
            from catalog.packaging.background import import_in_child

            def started(proc):  # stopping kills the child: safe at any moment before its switch
                job.pid = proc.pid
                job.on_stop(lambda: proc.poll() is None and proc.kill())

            return import_in_child(data_dir, package, trust=[], progress=progress, started=started,
                                   confirm=confirm)

        self._job = tasks.run_long(work, self._applied, self._apply_failed, self._progress, owner=self)
        for b in self.findChildren(type(self.rollback_btn)):
            if b.text() in ("导入这个更新包", "确认导入", "确认后导入……"):
                b.setEnabled(False)

    def _progress(self, stage: str, done: int, total: int) -> None:
        from catalog.packaging.packages import STAGES

        text = STAGES.get(stage, stage) + (f"　{done}/{total}" if total > 1 else "")
        self.progress_label.setText(text + "……（查询机照常可用）")
        self.win.apply_progress(stage, done, total)

    def stop_apply(self) -> None:
        if self.applying and self._job is not None:
            self.stopped = True
            self.progress_label.setText("正在停止……")
            self._job.stop()

    def _applied(self, report) -> None:
        self.applying = False
        self.stop_btn.hide()
        self.report = report
        self.win.show_apply_progress(False)
        self.progress_label.setText("")
        from catalog.packaging.records import LABELS as names
        lines = [f"导入完成：现在是第 {report.sequence} 版"
                 + (f"（原第 {report.previous_sequence} 版）" if report.previous_sequence else "") + "。"]
        for rtype in ("document", "faq", "item", "domain"):
            c = report.changes.get(rtype)
            if c is not None:
                lines.append(f"{names[rtype]}：新增 {len(c.added)}，修改 {len(c.changed)}，删除 {len(c.removed)}")
        if report.replaced_publisher:
            lines.append(f"本机目录已从“{report.replaced_publisher}”改为“{report.publisher}”（已记入导入历史）。")
        if report.demo_key_retired:
            lines.append("演示公钥已自动停用：本机不再接受演示签名的更新包。")
        self.report_label.setText("\n".join(lines))
        self.win.catalogue_changed()
        self.scan_usb(force=True)

    def _apply_failed(self, exc) -> None:
        self.applying = False
        self.stop_btn.hide()
        self.win.show_apply_progress(False)
        self.progress_label.setText("")
        if self.stopped:
            self.report_label.setText("已停止这次更新。原来的目录照常使用，没有任何改动。")
        else:
            self.report_label.setText((getattr(exc, "message", None) or "导入没有成功，原来的目录照常使用。")
                                      + "　原来的目录没有任何改动。")
        self.scan_usb(force=True)

    def rollback(self) -> None:
        from catalog.packaging.packages import rollback

        data_dir = self.win.data_dir

        def done(r):
            self.report_label.setText(f"已回退：从第 {r.from_sequence} 版回到第 {r.to_sequence} 版。")
            self.win.catalogue_changed()
            self._show_current()

        tasks.run(lambda _p: rollback(data_dir), done,
                  lambda e: self.report_label.setText(getattr(e, "message", "回退没有成功。")), owner=self)

    # 信任的公钥 -----------------------------------------------------------------------------
    def _build_keys(self) -> None:
        lay = self.tab["keys"]
        lay.addWidget(label("只导入这些公钥签名的更新包，而且每把公钥只能签名它被信任的发布单位的目录。"
                            "安装新公钥前，请与县政务公开办核对指纹。"))
        self.keys_box = QVBoxLayout()
        lay.addLayout(self.keys_box)
        lay.addWidget(label("U盘上的公钥（.pub 文件）：", "heading"))
        self.stick_keys_box = QVBoxLayout()
        lay.addLayout(self.stick_keys_box)
        self.keys_msg = label("")
        lay.addWidget(self.keys_msg)
        lay.addStretch(1)

    def refresh_keys(self) -> None:
        """The keys this kiosk trusts (and for which publishers), and the key files on the stick
        with what each may be installed for (catalog.packaging.sync.stick_keys, read with the packages)."""
        from catalog.packaging.trust import keys as trusted

        data_dir = self.win.data_dir
        self.key_reads.run(lambda _p: trusted(data_dir), self._fill_keys)

    def _fill_keys(self, keys) -> None:
        clear_layout(self.keys_box)
        if not keys:
            self.keys_box.addWidget(label("本机还没有信任任何公钥。"))
        for fp, key in sorted(keys.items()):
            if key.demo:
                what = "演示公钥：只能签名演示目录，导入正式目录后自动停用"
            else:
                what = "可签名：" + ("、".join(key.publishers) or "（没有指定发布单位，不能签名任何目录）")
            # the text on its own (wrapping) line: in 长辈模式 on a portrait screen it is wider
            # than the screen, and a button beside it would be pushed off
            self.keys_box.addWidget(label(f"指纹 {fp}　{what}"))
            self.keys_box.addLayout(row(button("删除", lambda _c=False, f=fp: self.remove_key(f))))
        clear_layout(self.stick_keys_box)
        if not self.stick_keys:
            self.stick_keys_box.addWidget(label("（没有找到）", "muted"))
        for sk in self.stick_keys:
            name = Path(sk.path).name
            if sk.fingerprint is None:
                self.stick_keys_box.addWidget(label(f"{name}：{sk.note}", "muted"))
                continue
            have = f"　已安装，可签名：{'、'.join(sk.publishers)}" if sk.publishers else ""
            self.stick_keys_box.addWidget(label(f"{name}　指纹 {sk.fingerprint}{have}"))
            if sk.note:
                self.stick_keys_box.addWidget(label(sk.note, "muted"))
            for publisher in sk.offers:
                self.stick_keys_box.addLayout(row(button(
                    f"核对无误，安装（用于“{publisher}”）",
                    lambda _c=False, p=Path(sk.path), pub=publisher: self.install_key(p, pub))))

    def install_key(self, pub: Path, publisher: str) -> None:
        from catalog.packaging.trust import install_key

        data_dir = self.win.data_dir

        def installed(fp):
            self.keys_msg.setText(f"已安装公钥，指纹 {fp}，可签名“{publisher}”的目录。")
            self.scan_usb(force=True)  # what the stick's packages and keys say now
            self.refresh_keys()

        tasks.run(lambda _p: install_key(data_dir, pub, [publisher]), installed,
                  lambda exc: self.keys_msg.setText(getattr(exc, "message", None) or "公钥安装没有成功。"),
                  owner=self, lane="io")

    def remove_key(self, fp: str) -> None:
        from catalog.packaging.trust import remove_key

        data_dir = self.win.data_dir

        def removed(_r):
            self.keys_msg.setText(f"已删除指纹为 {fp} 的公钥。")
            self.refresh_keys()
            self._show_current()  # the demo-key warning goes with the key

        def failed(exc):  # gone already, or the folder cannot be written
            self.keys_msg.setText(getattr(exc, "message", None) or "公钥没有删除成功，请再试一次。")
            self.refresh_keys()

        tasks.run(lambda _p: remove_key(data_dir, fp), removed, failed, owner=self, lane="io")

    # 使用统计 -------------------------------------------------------------------------------
    def _build_export(self) -> None:
        lay = self.tab["export"]
        lay.addWidget(label("把使用统计导出到U盘：按日期和领域的搜索次数、热门搜索词、提问结果统计、没能回答的问题、"
                            "回答评价、打印页数。只有日期、领域和次数，不含任何个人信息。"))
        self.export_btn = button("导出到U盘", lambda _c=False: self.export(), "primary")
        lay.addLayout(row(self.export_btn))
        self.export_msg = label("")
        lay.addWidget(self.export_msg)
        lay.addStretch(1)

    def export(self) -> None:
        from catalog.errors import CatalogError
        from catalog.usage import export
        from kiosk.printing import usb_folders

        names, usage, extra = dict(self.win.domain_names), self.win.usage, self.stick_dirs()
        folder = f"查询机使用统计-{date.today():%Y%m%d}"

        def work(_p):
            found = usb_folders(extra)
            if not found:
                raise CatalogError("没有找到U盘。请插入U盘后再试。")
            return export(usage, found[0] / folder, names)

        tasks.run(work, lambda files: self.export_msg.setText(f"已导出 {len(files)} 个表格到U盘的“{folder}”文件夹。"),
                  lambda e: self.export_msg.setText(getattr(e, "message", None)
                                                    or "导出没有成功（U盘可能已拔出或已满），请检查后再试。"),
                  owner=self, lane="io")

    # 设置 ---------------------------------------------------------------------------------
    def _build_settings(self) -> None:
        lay = self.tab["settings"]
        self.fields: dict[str, QLineEdit] = {}
        for key, text in (("kiosk_name", "查询机名称"), ("location", "所在地点"), ("help_contact", "求助联系方式"),
                          ("printer", "打印机（留空为默认打印机）")):
            box = QLineEdit()
            self.fields[key] = box
            lay.addWidget(label(text))
            lay.addWidget(box)
        self.steppers: dict[str, tuple] = {}
        for key, text, step, (low, high) in (
                ("idle_timeout_s", "无人操作多少秒后提示", IDLE_TIMEOUT_STEP, IDLE_TIMEOUT_RANGE),
                ("page_limit", "每人每次最多打印页数", PAGE_LIMIT_STEP, PAGE_LIMIT_RANGE)):
            value = label("", "heading")
            self.steppers[key] = (value, step, low, high)
            lay.addLayout(row(label(text), button("－", lambda _c=False, k=key: self.step(k, -1)), value,
                              button("＋", lambda _c=False, k=key: self.step(k, +1))))
        self.orientation_btn = button("", lambda _c=False: self.flip_orientation())
        lay.addLayout(row(label("屏幕方向"), self.orientation_btn))
        self.settings_msg = label("")
        lay.addLayout(row(button("保存设置", lambda _c=False: self.save_settings(), "primary"), self.settings_msg))
        lay.addStretch(1)
        self._draft = None
        # typing on the screen's own keyboard (a kiosk has no physical one): tap a field
        from kiosk.widgets.keyboard import PinyinKeyboard

        self.keyboard = PinyinKeyboard(submit_label="完成", symbols=True)
        self.bottom.addWidget(self.keyboard)
        self.keyboard.hide()
        self.keyboard.submitted.connect(self.keyboard.hide)
        for box in self.fields.values():
            box.installEventFilter(self)

    def eventFilter(self, obj, event):
        from PySide6.QtCore import QEvent

        if obj in self.fields.values() and event.type() in (QEvent.MouseButtonPress, QEvent.TouchBegin):
            self.keyboard.set_target(obj)
            self.keyboard.show()
            obj.setFocus()
            # the keyboard takes most of the screen (长辈模式 above all): keep the field in view
            area = self.areas["settings"]
            QTimer.singleShot(0, area, lambda: area.ensureWidgetVisible(obj, 0, 60))
        return False

    def apply_theme(self, theme) -> None:
        super().apply_theme(theme)
        if hasattr(self, "keyboard"):
            self.keyboard.apply_theme(theme)

    def load_settings(self) -> None:
        import copy

        self._draft = copy.deepcopy(self.win.settings)
        for key, box in self.fields.items():
            box.setText(str(getattr(self._draft, key)))
        for key, (value, *_r) in self.steppers.items():
            value.setText(str(getattr(self._draft, key)))
        self.orientation_btn.setText("竖屏" if self._draft.orientation == "portrait" else "横屏")
        self.settings_msg.setText("")

    def step(self, key: str, direction: int) -> None:
        value, step, low, high = self.steppers[key]
        new = max(low, min(high, getattr(self._draft, key) + direction * step))
        setattr(self._draft, key, new)
        value.setText(str(new))

    def flip_orientation(self) -> None:
        self._draft.orientation = "landscape" if self._draft.orientation == "portrait" else "portrait"
        self.orientation_btn.setText("竖屏" if self._draft.orientation == "portrait" else "横屏")

    def save_settings(self) -> None:
        for key, box in self.fields.items():
            setattr(self._draft, key, box.text().strip())
        kiosk_settings.save(self.win.data_dir, self._draft)
        self.win.settings = kiosk_settings.load(self.win.data_dir)
        self.settings_msg.setText("已保存。屏幕方向在下次启动时生效。")

    # 退出 ---------------------------------------------------------------------------------
    def _build_quit(self) -> None:
        lay = self.tab["quit"]
        lay.addWidget(label("退出工作人员模式，回到查询机首页；或者关闭查询机程序。"))
        self.quit_btn = button("关闭查询机程序", lambda _c=False: self.quit_app())
        lay.addLayout(row(button("回到查询机首页", lambda _c=False: self.win.leave_staff(), "primary"),
                          self.quit_btn))
        self.quit_note = label("", "muted")
        lay.addWidget(self.quit_note)
        lay.addStretch(1)

    def quit_app(self) -> None:
        """Close the program, but not under a running apply: it would finish with no window to
        report to (and a restarted kiosk would serve the old catalogue until its next start). Staff
        wait for it, or stop it (目录更新 → 停止这次更新)."""
        if self.applying:
            self.quit_note.setText("目录更新正在进行。请等它完成，或在“目录更新”里点“停止这次更新”，"
                                   "再关闭查询机程序。")
            return
        self.win.staff_quit()

    def reset(self) -> None:
        super().reset()
        self.usb_timer.stop()
        self._sticks = []
