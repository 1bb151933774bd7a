"""信任的公钥: the keys this kiosk trusts (and for which publishers), removing one, and the key
files on the stick with what each may be installed for."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk import tasks
from kiosk.screens.base import button, clear_layout, label, row
from kiosk.screens.staff.tab import Tab


class KeysTab(Tab):
    key_installed = Signal()  # a key from the stick: what the stick's packages say has changed
    key_removed = Signal()  # a trusted key: the demo-key warning may go with it

    def __init__(self, window):
        super().__init__(window)
        lay = self.lay
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
        self.stick_keys: list = []  # catalog.packaging.sync.StickKey of the stick last read
        # the key folder is read off the GUI thread, newest first (the io lane, as the stick)
        self.key_reads = tasks.Latest(self, lane="io")

    def shown(self) -> None:
        self.refresh_keys()

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
            self.key_installed.emit()  # the stick is looked at again: what its packages and keys say now
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
            self.key_removed.emit()  # the demo-key warning goes with the key

        def failed(exc):  # gone already, or the folder cannot be written
            self.keys_msg.setText(getattr(exc, "message", None) or "公钥没有删除成功，请再试一次。")
            self.refresh_keys()

        tasks.run(lambda _p: remove_key(data_dir, fp), removed, failed, owner=self, lane="io")
