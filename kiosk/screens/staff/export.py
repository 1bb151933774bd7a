"""使用统计: the usage counts exported to the stick as CSV files (dates, domains and counts only)."""

from __future__ import annotations

from datetime import date

from kiosk import tasks
from kiosk.screens.base import button, label, row
from kiosk.screens.staff.tab import Tab


class ExportTab(Tab):
    def __init__(self, window):
        super().__init__(window)
        lay = self.lay
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
