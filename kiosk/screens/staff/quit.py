"""退出: back to the kiosk's home screen, or close the program (not under a running apply)."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.screens.base import button, label, row
from kiosk.screens.staff.tab import Tab


class QuitTab(Tab):
    def __init__(self, window, apply_running: Callable[[], bool]):
        super().__init__(window)
        self.apply_running = apply_running  # whether an apply runs (目录更新)
        lay = self.lay
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
        if self.apply_running():
            self.quit_note.setText("目录更新正在进行。请等它完成，或在“目录更新”里点“停止这次更新”，"
                                   "再关闭查询机程序。")
            return
        self.win.staff_quit()
