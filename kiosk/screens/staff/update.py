"""目录更新: the catalogue on this kiosk, the sticks (looked at every two seconds while staff are
here), the packages on a stick with who signed them and whether they apply, a confirmation where
one is needed, the apply with its progress (in a child process: citizens keep searching), the
report, stopping an apply, and rolling back."""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from catalog.packaging.datadir import DataDir
from kiosk import tasks
from kiosk.screens.base import button, card, clear_layout, label, row
from kiosk.screens.staff.tab import Tab

USB_POLL_MS = 2000

DEMO_KEY_WARNING = ("\n注意：本机仍信任演示公钥，而演示私钥是公开的，任何人都能用它签名演示目录。"
                    "导入县里的正式目录后，它会自动停用。")

# What staff are told before they confirm (catalog.packaging.checks.CONFIRMATIONS)
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


class UpdateTab(Tab):
    # the key files found on the stick last read (catalog.packaging.sync.StickKey), [] without one
    stick_keys_read = Signal(object)

    def __init__(self, window):
        super().__init__(window)
        lay = self.lay
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
        self.applying = False
        self._job = None  # the running apply
        self.report = None
        self.packages: list = []
        self.usb_timer = QTimer(self)
        self.usb_timer.setInterval(USB_POLL_MS)
        self.usb_timer.timeout.connect(self.scan_usb)
        self._sticks: list[Path] = []
        self._scan_forced = False  # a forced look not yet answered (scan_usb)
        # every read of a database or a stick runs off the GUI thread, newest first (the io lane:
        # they need no Catalog, and must not wait behind a search or the model loading)
        self.current_reads = tasks.Latest(self, lane="io")
        self.stick_reads = tasks.Latest(self, lane="io")

    def entered(self) -> None:
        """Staff came in: look at the sticks now and then every two seconds."""
        self.usb_timer.start()
        self.scan_usb(force=True)

    def left(self) -> None:
        self.usb_timer.stop()

    def reset(self) -> None:
        self.usb_timer.stop()
        self._sticks = []

    def show_current(self) -> None:
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
        self.show_current()
        clear_layout(self.package_box)
        if not sticks:
            self.stick_label.setText("请插入装有目录更新包的U盘。")
            self.packages = []
            self.stick_keys_read.emit([])
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

        infos, stick_keys = result
        self.packages = infos
        self.stick_keys_read.emit(stick_keys)
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
            self.show_current()

        tasks.run(lambda _p: rollback(data_dir), done,
                  lambda e: self.report_label.setText(getattr(e, "message", "回退没有成功。")), owner=self)
