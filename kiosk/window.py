"""The main window. A first, working placeholder: the full screens come with the kiosk issue."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QMainWindow, QProgressBar, QPushButton, QVBoxLayout, QWidget)

from catalog.catalogue import Catalog
from catalog.datadir import DataDir
from catalog.packages import STAGES
from kiosk import tasks
from kiosk.bootstrap import open_catalog


class MainWindow(QMainWindow):
    def __init__(self, data_dir: DataDir, demo: bool):
        super().__init__()
        self.setWindowTitle("政务公开专区查询机")
        self.catalog: Catalog | None = None
        root = QWidget()
        lay = QVBoxLayout(root)
        lay.setContentsMargins(32, 24, 32, 24)
        title = QLabel("政务公开专区")
        title.setFont(QFont(title.font().family(), 28, QFont.Bold))
        self.info = QLabel("正在准备目录…")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        row = QHBoxLayout()
        self.box = QLineEdit()
        self.box.setPlaceholderText("输入要查找的内容，如：低保、户口、义务教育")
        self.box.setMinimumHeight(56)
        self.box.setEnabled(False)
        self.go = QPushButton("搜索")
        self.go.setMinimumSize(120, 56)
        self.go.setEnabled(False)
        row.addWidget(self.box, 1)
        row.addWidget(self.go)
        self.results = QListWidget()
        self.results.setWordWrap(True)
        for w in (title, self.info, self.progress):
            lay.addWidget(w)
        lay.addLayout(row)
        lay.addWidget(self.results, 1)
        self.setCentralWidget(root)
        f = self.font()
        f.setPointSize(16)
        self.setFont(f)
        self.box.returnPressed.connect(self.search)
        self.go.clicked.connect(self.search)
        tasks.run(lambda progress: open_catalog(data_dir, demo, progress), self._ready,
                  self._failed, self._progress)

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.info.setText(STAGES.get(stage, stage) + "…")
        if total > 1:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _ready(self, cat: Catalog) -> None:
        self.catalog = cat
        meta = cat.store.meta()
        self.info.setText(f"目录：{meta.get('publisher')}　第 {meta.get('sequence')} 版")
        self.progress.hide()
        self.box.setEnabled(True)
        self.go.setEnabled(True)
        self.box.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.progress.hide()
        self.info.setText(getattr(exc, "message", None) or "目录暂时无法使用，请联系工作人员。")

    def search(self) -> None:
        if self.catalog is None or not self.box.text().strip():
            return
        cat, q = self.catalog, self.box.text().strip()
        tasks.run(lambda progress: cat.search(q), self._show)

    def _show(self, result) -> None:
        self.results.clear()
        if not result.hits:
            self.results.addItem("没有找到相关文件。请换个说法试试。")
            return
        for h in result.hits:
            item = QListWidgetItem(f"{h.title}　[{h.status}]\n{h.snippet.replace('【', '').replace('】', '')}")
            item.setData(Qt.UserRole, h.id)
            self.results.addItem(item)
