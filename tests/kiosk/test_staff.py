"""Staff mode driven through its widgets, a folder standing in for the mounted USB stick: the PIN
gate (first-run setup, lockout), the packages on the stick with who signed them and whether they
apply, applying with progress while searches still answer, the report, roll back, installing and
removing a publisher key, the usage export, settings, and leaving by itself when idle."""

import shutil
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from catalog.packaging.datadir import DataDir
from catalog.packaging.packages import import_package
from kiosk import settings as kiosk_settings
from kiosk import tasks
from kiosk.settings import Settings
from pkgtools import build, records


@pytest.fixture
def setup(tmp_path, keys):
    dd = tmp_path / "data"
    import_package(dd, build(tmp_path, "v1", records(8), key=keys.key), trust=[keys.pub])
    stick = tmp_path / "stick"
    (stick / "政务公开目录更新").mkdir(parents=True)
    shutil.copyfile(build(tmp_path, "v2", records(12), key=keys.key, sequence=2),
                    stick / "政务公开目录更新" / "v2.zip")
    shutil.copyfile(build(tmp_path, "old", records(5), key=keys.key, sequence=1), stick / "old.zip")
    shutil.copyfile(keys.other_pub, stick / "县政务公开办.pub")
    return DataDir(dd), stick


def make_window(qtbot, data_dir, stick, pin="246810"):
    from kiosk.window import MainWindow

    conf = Settings(usb_dirs=str(stick))
    if pin:
        conf.set_pin(pin)
    w = MainWindow(data_dir, demo=False, settings=conf, kiosk_mode=True)
    qtbot.addWidget(w)
    w.resize(1920, 1080)
    w.show()
    qtbot.waitUntil(lambda: bool(getattr(w.home, "tiles", None)), timeout=30000)
    return w


def open_gate(qtbot, win):
    for _ in range(5):
        qtbot.mouseClick(win.title, Qt.LeftButton)
    assert win.gate.overlay.isVisible()


def type_pin(qtbot, win, pin):
    for k in pin:
        qtbot.mouseClick(win.gate.keys[k], Qt.LeftButton)
    qtbot.mouseClick(win.gate.keys["确定"], Qt.LeftButton)


def texts(widget):
    return " ".join(w.text() for w in widget.findChildren(QLabel) if w.isVisible())


def buttons(widget, text):
    return [b for b in widget.findChildren(QPushButton) if b.text() == text and b.isVisible()]


def enter(qtbot, win, pin="246810"):
    open_gate(qtbot, win)
    type_pin(qtbot, win, pin)
    assert win.current == "staff"


def test_first_run_sets_a_pin_stored_as_a_slow_salted_hash(qtbot, setup):
    data_dir, stick = setup
    win = make_window(qtbot, data_dir, stick, pin=None)
    open_gate(qtbot, win)
    assert "首次使用" in win.gate.msg.text()
    type_pin(qtbot, win, "135790")
    assert "再输入一次" in win.gate.msg.text()
    type_pin(qtbot, win, "135791")
    assert "不一样" in win.gate.msg.text() and win.current != "staff"
    type_pin(qtbot, win, "135790")
    type_pin(qtbot, win, "135790")
    assert win.current == "staff"
    saved = (data_dir.root / "kiosk.toml").read_text(encoding="utf-8")
    assert "135790" not in saved and "pin_hash" in saved
    assert kiosk_settings.load(data_dir).check_pin("135790")


def test_first_run_refuses_a_pin_guessed_first(qtbot, setup):
    """123456 was accepted as the staff PIN (kiosk.settings.pin_problem says why not)."""
    data_dir, stick = setup
    win = make_window(qtbot, data_dir, stick, pin=None)
    open_gate(qtbot, win)
    type_pin(qtbot, win, "123456")
    assert "容易被猜到" in win.gate.msg.text()
    type_pin(qtbot, win, "123456")  # not taken as the confirmation of a PIN either
    assert "容易被猜到" in win.gate.msg.text()
    assert win.current != "staff" and not win.settings.pin_hash


def locked_out(qtbot, setup):
    """A window whose PIN gate took five wrong PINs."""
    data_dir, stick = setup
    win = make_window(qtbot, data_dir, stick)
    open_gate(qtbot, win)
    for _ in range(5):
        type_pin(qtbot, win, "000000")
    return win


def test_five_wrong_pins_lock_the_gate(qtbot, setup):
    win = locked_out(qtbot, setup)
    assert "5 分钟后再试" in win.gate.msg.text()
    type_pin(qtbot, win, "246810")  # even the right PIN waits
    assert win.current != "staff" and "分钟后再试" in win.gate.msg.text()
    win.gate.locked_until = time.monotonic() - 1  # five minutes later
    type_pin(qtbot, win, "246810")
    assert win.current == "staff"


def test_stick_listing_apply_report_and_roll_back(qtbot, setup):
    data_dir, stick = setup
    win = make_window(qtbot, data_dir, stick)
    enter(qtbot, win)
    staff = win.staff_screen
    qtbot.waitUntil(lambda: len(staff.update_tab.packages) == 2, timeout=20000)
    qtbot.waitUntil(lambda: "第 2 版" in texts(staff), timeout=5000)  # new rows show a turn later
    shown = texts(staff)
    assert "第 2 版" in shown and "已签名（签名人可信）" in shown and "文件 12" in shown
    assert "不能导入：" in shown and "不比本机" in shown  # the old one says why
    stages = []
    staff.update_tab.progress_label.setText("")
    win.apply_progress = lambda s, d, t, orig=win.apply_progress: (stages.append(s), orig(s, d, t))
    qtbot.mouseClick(buttons(staff, "导入这个更新包")[0], Qt.LeftButton)
    assert win.progress.isVisible()  # the mark citizens see
    # citizens' searches still answer during the apply (the old catalogue until the switch)
    answered = []
    cat = win.catalog
    tasks.run(lambda _p: cat.search("户口").total, answered.append)
    qtbot.waitUntil(lambda: bool(answered), timeout=20000)
    assert answered[0] > 0
    qtbot.waitUntil(lambda: "导入完成" in staff.update_tab.report_label.text(), timeout=60000)
    report = staff.update_tab.report_label.text()
    assert "第 2 版" in report and "文件：新增 4，修改 0，删除 0" in report
    assert {"copy", "verify", "store", "index", "switch"} <= set(stages)
    qtbot.waitUntil(lambda: "第 2 版" in win.info.text(), timeout=20000)  # the kiosk serves it
    assert not win.progress.isVisible()
    qtbot.waitUntil(staff.update_tab.rollback_btn.isEnabled, timeout=20000)  # once the new state is read
    qtbot.mouseClick(staff.update_tab.rollback_btn, Qt.LeftButton)
    qtbot.waitUntil(lambda: "已回退：从第 2 版回到第 1 版" in staff.update_tab.report_label.text(), timeout=20000)
    qtbot.waitUntil(lambda: "第 1 版" in win.info.text(), timeout=20000)


def test_a_refused_apply_keeps_the_old_catalogue_and_says_so(qtbot, setup, keys, tmp_path):
    data_dir, stick = setup
    win = make_window(qtbot, data_dir, stick)
    enter(qtbot, win)
    staff = win.staff_screen
    qtbot.waitUntil(lambda: len(staff.update_tab.packages) == 2, timeout=20000)
    info = next(i for i in staff.update_tab.packages if i.applies)
    (stick / "政务公开目录更新" / "v2.zip").write_bytes(b"pulled out halfway")  # the stick changed
    staff.update_tab.apply(info)
    qtbot.waitUntil(lambda: "原来的目录没有任何改动" in staff.update_tab.report_label.text(), timeout=30000)
    from catalog.catalogue import status

    assert status(data_dir).sequence == 1 and "第 1 版" in win.info.text()


def test_installing_and_removing_a_publisher_key(qtbot, setup, keys):
    """A new key of this kiosk's own county (a key rotation): no package on the stick is signed by
    it, so it is offered for the kiosk's own publisher only, and bound to it once installed."""
    from catalog.packaging.signing import fingerprint_file
    from catalog.packaging.trust import keys as trusted
    from pkgtools import PUBLISHER

    data_dir, stick = setup
    win = make_window(qtbot, data_dir, stick)
    enter(qtbot, win)
    staff = win.staff_screen
    qtbot.waitUntil(lambda: len(staff.update_tab.packages) == 2, timeout=20000)
    qtbot.mouseClick(staff.tab_buttons["keys"], Qt.LeftButton)
    fp = fingerprint_file(keys.other_pub)
    # shown for the clerk to compare with the county office's
    qtbot.waitUntil(lambda: f"指纹 {fp}" in texts(staff), timeout=5000)
    assert "U盘上没有它签名的更新包" in texts(staff)
    install = f"核对无误，安装（用于“{PUBLISHER}”）"
    qtbot.mouseClick(buttons(staff, install)[0], Qt.LeftButton)
    qtbot.waitUntil(lambda: "已安装公钥" in staff.keys_tab.keys_msg.text(),
                    timeout=10000)  # written off the GUI thread
    assert trusted(data_dir)[fp].publishers == (PUBLISHER,)
    qtbot.waitUntil(lambda: len(buttons(staff, "删除")) == 2, timeout=5000)
    assert f"指纹 {fp}　可签名：{PUBLISHER}" in texts(staff)
    staff.keys_tab.remove_key(fp)
    qtbot.waitUntil(lambda: "已删除" in staff.keys_tab.keys_msg.text(), timeout=10000)
    assert fp not in trusted(data_dir)


def test_a_key_is_offered_for_the_publisher_whose_package_it_signed(qtbot, setup, keys, tmp_path):
    """Another county's package and key on the stick: staff install the key for that county (and
    only for it), then confirm the change of publisher before the package applies."""
    from catalog.catalogue import status
    from catalog.packaging.signing import fingerprint_file
    from catalog.packaging.trust import keys as trusted
    from pkgtools import PUBLISHER

    data_dir, stick = setup
    other = "另一县政务公开办"
    shutil.copyfile(build(tmp_path, "b1", records(6), key=keys.other_key, publisher=other),
                    stick / "政务公开目录更新" / "b1.zip")
    win = make_window(qtbot, data_dir, stick)
    enter(qtbot, win)
    staff = win.staff_screen
    qtbot.waitUntil(lambda: len(staff.update_tab.packages) == 3, timeout=20000)
    qtbot.waitUntil(lambda: "签名人不在本机的信任列表中" in texts(staff), timeout=5000)
    assert not buttons(staff, "确认后导入……")  # an unknown signer: no confirmation can help
    qtbot.mouseClick(staff.tab_buttons["keys"], Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(buttons(staff, f"核对无误，安装（用于“{other}”）")), timeout=5000)
    assert not buttons(staff, f"核对无误，安装（用于“{PUBLISHER}”）")
    qtbot.mouseClick(buttons(staff, f"核对无误，安装（用于“{other}”）")[0], Qt.LeftButton)
    qtbot.waitUntil(lambda: "已安装公钥" in staff.keys_tab.keys_msg.text(),
                    timeout=10000)  # written off the GUI thread
    assert trusted(data_dir)[fingerprint_file(keys.other_pub)].publishers == (other,)
    qtbot.mouseClick(staff.tab_buttons["sync"], Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(buttons(staff, "确认后导入……")), timeout=20000)
    assert f"需要确认：这个更新包来自“{other}”，而本机目录来自“{PUBLISHER}”" in texts(staff)
    qtbot.mouseClick(buttons(staff, "确认后导入……")[0], Qt.LeftButton)
    assert f"本机将改用“{other}”的目录" in texts(staff)
    qtbot.mouseClick(buttons(staff, "取消")[0], Qt.LeftButton)  # changed one's mind: nothing happens
    assert not buttons(staff, "确认导入") and status(data_dir).publisher == PUBLISHER
    qtbot.mouseClick(buttons(staff, "确认后导入……")[0], Qt.LeftButton)
    qtbot.mouseClick(buttons(staff, "确认导入")[0], Qt.LeftButton)
    qtbot.waitUntil(lambda: "导入完成" in staff.update_tab.report_label.text(), timeout=60000)
    assert f"本机目录已从“{PUBLISHER}”改为“{other}”" in staff.update_tab.report_label.text()
    assert status(data_dir).publisher == other


def test_usage_export_to_the_stick(qtbot, setup):
    data_dir, stick = setup
    win = make_window(qtbot, data_dir, stick)
    win.usage.record_search("低保", "shjz")
    enter(qtbot, win)
    staff = win.staff_screen
    qtbot.mouseClick(staff.tab_buttons["export"], Qt.LeftButton)
    qtbot.mouseClick(staff.export_tab.export_btn, Qt.LeftButton)
    qtbot.waitUntil(lambda: "已导出" in staff.export_tab.export_msg.text(), timeout=10000)
    files = list(stick.glob("查询机使用统计-*/*.csv"))
    assert len(files) == 6 and all(f.read_bytes().startswith(b"\xef\xbb\xbf") for f in files)


def test_settings_are_edited_and_saved(qtbot, setup):
    data_dir, stick = setup
    win = make_window(qtbot, data_dir, stick)
    enter(qtbot, win)
    staff = win.staff_screen
    qtbot.mouseClick(staff.tab_buttons["settings"], Qt.LeftButton)
    staff.settings_tab.fields["kiosk_name"].setText("某某镇便民服务中心查询机")
    staff.settings_tab.fields["help_contact"].setText("请到 2 号窗口找工作人员。")
    before = win.settings.idle_timeout_s
    plus = [b for b in staff.findChildren(QPushButton) if b.text() == "＋" and b.isVisible()]
    qtbot.mouseClick(plus[0], Qt.LeftButton)
    qtbot.mouseClick(buttons(staff, "保存设置")[0], Qt.LeftButton)
    assert "已保存" in staff.settings_tab.settings_msg.text()
    again = kiosk_settings.load(data_dir)
    assert again.kiosk_name == "某某镇便民服务中心查询机" and again.help_contact.startswith("请到 2 号窗口")
    assert again.idle_timeout_s == before + 15 and win.settings.idle_timeout_s == before + 15
    assert again.check_pin("246810")  # saving settings keeps the PIN


def test_staff_mode_leaves_by_itself(qtbot, setup):
    data_dir, stick = setup
    win = make_window(qtbot, data_dir, stick)
    enter(qtbot, win)
    assert win.staff_timer.isActive()
    win.staff_timer.setInterval(50)
    win.staff_timer.start()
    qtbot.waitUntil(lambda: win.current == "home", timeout=5000)
    assert not win.staff_screen.update_tab.usb_timer.isActive()


def test_settings_fields_are_typed_on_the_screen_keyboard(qtbot, setup):
    data_dir, stick = setup
    win = make_window(qtbot, data_dir, stick)
    enter(qtbot, win)
    staff = win.staff_screen
    qtbot.mouseClick(staff.tab_buttons["settings"], Qt.LeftButton)
    box = staff.settings_tab.fields["location"]
    box.clear()
    qtbot.mouseClick(box, Qt.LeftButton)
    assert staff.keyboard.isVisible()
    for ch in "xiang":
        qtbot.mouseClick(staff.keyboard.key(ch), Qt.LeftButton)
    qtbot.waitUntil(lambda: any(b.text() == "乡" for b in staff.keyboard.candidate_buttons()), timeout=5000)
    qtbot.mouseClick(next(b for b in staff.keyboard.candidate_buttons() if b.text() == "乡"), Qt.LeftButton)
    assert box.text() == "乡"
    # a printer written as a file, which needs : / . and _ (the form keyboard's symbol row)
    printer = staff.settings_tab.fields["printer"]
    printer.clear()
    qtbot.mouseClick(printer, Qt.LeftButton)
    view = staff.areas["settings"].viewport()

    def in_view():  # the field being typed into stays above the keyboard
        top = printer.mapTo(view, printer.rect().topLeft()).y()
        return 0 <= top and top + printer.height() <= view.height()

    qtbot.waitUntil(in_view, timeout=3000)
    qtbot.mouseClick(staff.keyboard.mode_key, Qt.LeftButton)  # 英: letters go in as typed
    keys = {k.text(): k for k in staff.keyboard.findChildren(type(staff.keyboard.key("a")))}
    for ch in "file:/x_1.pdf":
        qtbot.mouseClick(keys[ch], Qt.LeftButton)
    assert printer.text() == "file:/x_1.pdf"
    assert keys["完成"].isVisible() and "搜索" not in keys


def test_an_apply_failing_while_indexing_says_so_and_keeps_the_catalogue(qtbot, setup, monkeypatch):
    from catalog.catalogue import status

    data_dir, stick = setup
    monkeypatch.setenv("CATALOG_FAIL_AT", "index-12")  # v2 passes every check, then its index fails
    win = make_window(qtbot, data_dir, stick)
    enter(qtbot, win)
    staff = win.staff_screen
    qtbot.waitUntil(lambda: any(i.applies for i in staff.update_tab.packages), timeout=20000)
    staff.update_tab.apply(next(i for i in staff.update_tab.packages if i.applies))
    qtbot.waitUntil(lambda: "原来的目录没有任何改动" in staff.update_tab.report_label.text(), timeout=30000)
    assert "建立新目录时出错" in staff.update_tab.report_label.text()
    assert status(data_dir).sequence == 1 and not win.progress.isVisible()
    with win.catalog.refreshed() as cat:
        assert cat.search("户口").total > 0


@pytest.mark.parametrize("point", ["store-written", "index-built", "published"])
def test_after_a_power_cut_mid_update_the_kiosk_starts_on_the_old_catalogue_and_says_so(
        qtbot, setup, point):
    """The import is killed (as a power cut would) at a point of the apply; the next start
    recovers, serves the complete old catalogue, and says what happened in plain Chinese."""
    import os
    import subprocess
    import sys

    from catalog.catalogue import status
    from pkgtools import REPO

    data_dir, stick = setup
    package = stick / "政务公开目录更新" / "v2.zip"
    r = subprocess.run([sys.executable, "-m", "catalog", "--data-dir", str(data_dir.root), "import",
                        str(package)], cwd=REPO, env={**os.environ, "CATALOG_CRASH_AT": point},
                       capture_output=True, timeout=300)
    assert r.returncode == 86  # killed there
    assert data_dir.interrupted()
    win = make_window(qtbot, data_dir, stick)
    qtbot.waitUntil(lambda: "上次目录更新没有完成" in win.info.text(), timeout=20000)
    assert status(data_dir).sequence == 1 and not data_dir.interrupted()
    assert win.catalog.search("户口").total > 0


def start_apply_held_before_switch(qtbot, monkeypatch, setup):
    """A staff window applying v2, its child held just before the switch (CATALOG_PAUSE_AT), so a
    kill at any stage seen lands before the switch whatever the machine's speed."""
    data_dir, stick = setup
    monkeypatch.setenv("CATALOG_PAUSE_AT", "switch-0")
    win = make_window(qtbot, data_dir, stick)
    enter(qtbot, win)
    staff = win.staff_screen
    qtbot.waitUntil(lambda: any(i.applies for i in staff.update_tab.packages), timeout=20000)
    stages = []
    win.apply_progress = lambda s, d, t, orig=win.apply_progress: (stages.append(s), orig(s, d, t))
    staff.update_tab.apply(next(i for i in staff.update_tab.packages if i.applies))
    return win, staff, stages


def apply_again(qtbot, monkeypatch, win, staff, data_dir):
    from catalog.catalogue import status

    monkeypatch.delenv("CATALOG_PAUSE_AT")
    qtbot.waitUntil(lambda: any(i.applies for i in staff.update_tab.packages), timeout=20000)
    staff.update_tab.apply(next(i for i in staff.update_tab.packages if i.applies))
    qtbot.waitUntil(lambda: "导入完成" in staff.update_tab.report_label.text(), timeout=60000)
    assert status(data_dir).sequence == 2


@pytest.mark.parametrize("stage", ["verify", "store", "index"])
def test_the_apply_process_killed_mid_apply_leaves_the_kiosk_serving(qtbot, setup, monkeypatch, stage):
    """The apply runs in a child process (catalog/packaging/background.py); SIGKILL it at a stage, as the
    OOM killer or a task manager would. The kiosk stays up, says so, serves the old catalogue,
    leaves nothing half-built, and the same package applies on the next try."""
    import os
    import signal

    from catalog.packaging.background import DIED
    from catalog.catalogue import status

    win, staff, stages = start_apply_held_before_switch(qtbot, monkeypatch, setup)
    qtbot.waitUntil(lambda: stage in stages, timeout=60000)
    os.kill(staff.update_tab._job.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: DIED in staff.update_tab.report_label.text(), timeout=60000)
    data_dir = setup[0]
    assert not win.progress.isVisible() and not staff.update_tab.stop_btn.isVisible()
    assert status(data_dir).sequence == 1 and not data_dir.interrupted()
    assert win.catalog.is_current() and win.catalog.search("户口").total > 0
    apply_again(qtbot, monkeypatch, win, staff, data_dir)


def test_staff_can_stop_an_apply(qtbot, setup, monkeypatch):
    """停止这次更新: the child is stopped, the old catalogue stays, and the program can then close."""
    from catalog.catalogue import status

    win, staff, stages = start_apply_held_before_switch(qtbot, monkeypatch, setup)
    qtbot.waitUntil(lambda: "store" in stages, timeout=60000)
    staff.quit_tab.quit_app()  # not while an apply runs: it says how
    assert win.isVisible() and "停止这次更新" in staff.quit_tab.quit_note.text()
    assert staff.update_tab.stop_btn.isVisible()
    qtbot.mouseClick(staff.update_tab.stop_btn, Qt.LeftButton)
    qtbot.waitUntil(lambda: "已停止这次更新" in staff.update_tab.report_label.text(), timeout=60000)
    data_dir = setup[0]
    assert status(data_dir).sequence == 1 and not data_dir.interrupted()
    apply_again(qtbot, monkeypatch, win, staff, data_dir)


def test_a_trusted_demo_key_is_named_warned_about_and_retires_itself(qtbot, demo_dir, keys, tmp_path):
    """The demo's private key is public (tools/demo-signing.key). While the demo is live, staff
    see its key named and warned about; importing the county's catalogue retires it by itself."""
    from catalog.packaging.trust import DEMO_FINGERPRINT, keys as trusted
    from kiosk.screens.staff.update import DEMO_KEY_WARNING

    dd = tmp_path / "data"
    shutil.copytree(demo_dir, dd)
    data_dir = DataDir(dd)
    stick = tmp_path / "stick"
    stick.mkdir()
    shutil.copyfile(build(tmp_path, "county", records(6), key=keys.key), stick / "county.zip")
    shutil.copyfile(keys.pub, stick / "county.pub")
    win = make_window(qtbot, data_dir, stick)
    enter(qtbot, win)
    staff = win.staff_screen
    qtbot.waitUntil(lambda: DEMO_KEY_WARNING.strip() in staff.update_tab.current_label.text(), timeout=10000)
    qtbot.waitUntil(lambda: len(staff.update_tab.packages) == 1, timeout=20000)
    staff.show_tab("keys")
    qtbot.waitUntil(lambda: "演示公钥：只能签名演示目录" in texts(staff), timeout=5000)
    from pkgtools import PUBLISHER

    qtbot.mouseClick(buttons(staff, f"核对无误，安装（用于“{PUBLISHER}”）")[0], Qt.LeftButton)
    staff.show_tab("sync")
    qtbot.waitUntil(lambda: bool(buttons(staff, "导入这个更新包")), timeout=20000)  # off the demo: no confirmation
    qtbot.mouseClick(buttons(staff, "导入这个更新包")[0], Qt.LeftButton)
    qtbot.waitUntil(lambda: "导入完成" in staff.update_tab.report_label.text(), timeout=60000)
    assert "演示公钥已自动停用" in staff.update_tab.report_label.text()
    assert DEMO_FINGERPRINT not in trusted(data_dir)
    qtbot.waitUntil(lambda: "演示公钥" not in staff.update_tab.current_label.text(), timeout=5000)


def test_the_lock_message_says_the_lock_that_applies(qtbot, setup, monkeypatch):
    """It said 5 分钟 whatever PIN_LOCK_S held (now kiosk.settings.PIN_LOCK_S)."""
    import kiosk.settings

    monkeypatch.setattr(kiosk.settings, "PIN_LOCK_S", 120)
    win = locked_out(qtbot, setup)
    assert "2 分钟后再试" in win.gate.msg.text()


def test_a_hand_edited_settings_file_is_held_to_what_the_steppers_allow(tmp_path):
    """load() clamped the idle time at 15 s while the stepper's minimum is 30 s, and a value that
    was not a number stopped the kiosk from starting."""
    from catalog.packaging.datadir import DataDir

    dd = DataDir(tmp_path)
    (tmp_path / "kiosk.toml").write_text('[kiosk]\nidle_timeout_s = 5\npage_limit = "many"\n', encoding="utf-8")
    s = kiosk_settings.load(dd)
    assert s.idle_timeout_s == kiosk_settings.IDLE_TIMEOUT_RANGE[0]
    assert s.page_limit == kiosk_settings.Settings().page_limit
    (tmp_path / "kiosk.toml").write_text("[kiosk]\nidle_timeout_s = 99999\npage_limit = -3\n", encoding="utf-8")
    s = kiosk_settings.load(dd)
    assert (s.idle_timeout_s, s.page_limit) == (kiosk_settings.IDLE_TIMEOUT_RANGE[1], 0)


def test_the_staff_screen_reads_no_database_key_folder_or_stick_on_the_gui_thread(qtbot, setup, monkeypatch):
    """It read catalog.db (status), the trusted keys and the stick's folders on the GUI thread,
    the stick every two seconds: a slow or dying stick froze the screen."""
    import threading

    import catalog.catalogue
    import catalog.packaging.sync
    import catalog.packaging.trust
    import kiosk.printing

    on_gui = []

    def watch(module, name):
        real = getattr(module, name)

        def watched(*a, **k):
            if threading.current_thread() is threading.main_thread():
                on_gui.append(name)
            return real(*a, **k)

        monkeypatch.setattr(module, name, watched)

    for module, name in ((catalog.catalogue, "status"), (catalog.packaging.trust, "keys"), (kiosk.printing, "usb_folders"),
                         (catalog.packaging.sync, "read_stick")):
        watch(module, name)
    data_dir, stick = setup
    win = make_window(qtbot, data_dir, stick)
    enter(qtbot, win)
    staff = win.staff_screen
    qtbot.waitUntil(lambda: len(staff.update_tab.packages) == 2, timeout=20000)
    staff.show_tab("keys")
    qtbot.waitUntil(lambda: bool(buttons(staff, "删除")), timeout=10000)
    staff.update_tab.scan_usb(force=True)
    qtbot.wait(2500)  # a poll of the stick
    staff.show_tab("export")
    qtbot.mouseClick(staff.export_tab.export_btn, Qt.LeftButton)
    qtbot.waitUntil(lambda: "已导出" in staff.export_tab.export_msg.text(), timeout=10000)
    assert on_gui == []


def test_a_forced_look_at_the_stick_survives_the_poll_that_supersedes_it(qtbot, setup, monkeypatch):
    """After an import the screen looks again (force); the two-second poll, asked right after,
    superseded that look and, finding the same stick, skipped it: the demo-key warning stayed."""
    data_dir, stick = setup
    win = make_window(qtbot, data_dir, stick)
    enter(qtbot, win)
    staff = win.staff_screen
    qtbot.waitUntil(lambda: len(staff.update_tab.packages) == 2, timeout=20000)
    tasks.wait_idle()
    qtbot.wait(50)
    looked = []
    monkeypatch.setattr(staff.update_tab, "show_current", lambda: looked.append(1))
    staff.update_tab.scan_usb(force=True)
    staff.update_tab.scan_usb()  # the timer's poll, before the forced look came back
    tasks.wait_idle()
    qtbot.waitUntil(lambda: bool(looked), timeout=5000)


def test_the_staff_screen_does_not_wait_behind_the_catalogue_worker(qtbot, setup):
    """Its reads went to the one catalogue worker, behind the sentence model loading at start
    (seconds): staff saw an empty screen. They have a lane of their own now."""
    import threading

    data_dir, stick = setup
    win = make_window(qtbot, data_dir, stick)
    gate = threading.Event()
    tasks.run(lambda _p: gate.wait(30), owner=win, quiet=True)  # a long call on the catalogue worker
    try:
        enter(qtbot, win)
        staff = win.staff_screen
        qtbot.waitUntil(lambda: "本机目录：" in staff.update_tab.current_label.text(), timeout=10000)
        qtbot.waitUntil(lambda: len(staff.update_tab.packages) == 2, timeout=20000)
        assert not gate.is_set()
    finally:
        gate.set()
