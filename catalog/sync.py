"""What staff see before applying a package from a USB stick: the packages on the stick and,
for each, who published and signed it, what it holds and whether it applies here — read from a
copy, so a stick pulled halfway fails cleanly and nothing on the kiosk is touched."""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from catalog.archive import stage
from catalog.datadir import DataDir
from catalog.errors import CatalogError, PackageRefused
from catalog.packages import _open_current, check_package, read_manifest
from catalog.records import FILES as RECORD_FILES
from catalog.trust import trusted_keys

FOLDER_NAMES = ("政务公开目录更新", "catalogue-updates")  # where county offices put packages


@dataclass
class PackageInfo:
    path: str
    applies: bool
    reason: str = ""                 # plain Chinese, when it does not apply
    publisher: str | None = None
    region: str | None = None
    sequence: int | None = None
    kind: str | None = None          # "full" or "delta"
    base_sequence: int | None = None
    created: str | None = None
    signer: str | None = None        # fingerprint of the signing key, None when unsigned
    signature: str = ""              # 已签名（可信）/ 签名人不在本机信任列表 / 未签名 / 签名无效
    counts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)


def find_packages(folder: Path | str) -> list[Path]:
    """Package zips (or package folders) at the top of ``folder`` or in its updates folder."""
    folder = Path(folder)
    places = [folder] + [folder / n for n in FOLDER_NAMES]
    found: list[Path] = []
    for place in places:
        try:
            children = sorted(place.iterdir()) if place.is_dir() else []
        except OSError:
            continue  # a stick pulled while listing
        for child in children:
            if child.suffix.lower() == ".zip" and child.is_file():
                found.append(child)
            elif child.is_dir() and (child / "manifest.json").is_file():
                found.append(child)
    return found


def inspect_package(data_dir: DataDir | Path | str, package: Path | str) -> PackageInfo:
    """Everything staff need to decide, from a complete check against this kiosk (a dry run)."""
    data_dir = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
    try:
        return _inspect(data_dir, package)
    except OSError:  # the stick went away, or a file on it cannot be read
        return PackageInfo(path=str(package), applies=False,
                           reason="读取U盘上的更新包时出错（U盘可能已拔出），请重新插入后再试。")


def _inspect(data_dir: DataDir, package: Path | str) -> PackageInfo:
    info = PackageInfo(path=str(package), applies=False)
    with tempfile.TemporaryDirectory(prefix="kiosk-inspect-") as tmp:
        staged = Path(tmp) / "p"
        staged.mkdir()
        try:
            present = stage(Path(package), staged)
        except CatalogError as exc:
            info.reason = exc.message
            return info
        try:
            raw = (staged / "manifest.json").read_bytes()
            m = read_manifest(raw)
        except (OSError, PackageRefused) as exc:
            info.reason = getattr(exc, "message", "更新包缺少清单文件 manifest.json。")
            return info
        info.publisher, info.region, info.sequence = m.get("publisher"), m.get("region"), m.get("sequence")
        info.kind, info.base_sequence, info.created = m.get("kind"), m.get("base_sequence"), m.get("created")
        for rtype, fname in RECORD_FILES.items():
            if (staged / fname).is_file():
                with open(staged / fname, encoding="utf-8", errors="replace") as fh:
                    info.counts[rtype] = sum(1 for line in fh if line.strip())
        info.signer, info.signature = _signature(staged, raw, data_dir)
        current = _open_current(data_dir) if data_dir.root.exists() else None
        try:
            check_package(staged, present, trusted_keys(data_dir), current)
            info.applies = True
        except PackageRefused as exc:
            # the screen says 不能导入：… itself; a dry run changed nothing, so no need to say so
            info.reason = exc.message.replace("已拒绝导入，目录没有任何改动。", "").strip()
        finally:
            if current is not None:
                current.close()
    return info


def _signature(staged: Path, raw: bytes, data_dir: DataDir) -> tuple[str | None, str]:
    from catalog.signing import verify

    sig_file = staged / "manifest.sig"
    if not sig_file.is_file():
        return None, "未签名"
    fp = verify(sig_file.read_bytes(), raw, trusted_keys(data_dir))
    if fp is not None:
        return fp, "已签名（签名人可信）"
    return None, "签名人不在本机的信任列表中，或签名无效"


def describe(info: PackageInfo) -> str:
    """One block of plain Chinese for the list on the staff screen: what the package is, who signed
    it, and which file it is (two copies of a package, or two signers, must not look alike)."""
    name = Path(info.path).name
    if info.sequence is None:  # no readable manifest: only the reason (shown below it) is known
        return f"无法读取的更新包：{name}"
    counts = "，".join(f"{n} {c}" for n, c in (("文件", info.counts.get("document", 0)),
                                               ("问答", info.counts.get("faq", 0)),
                                               ("目录事项", info.counts.get("item", 0))))
    kind = {"full": "完整版", "delta": f"增量（基于第 {info.base_sequence} 版）"}.get(info.kind or "", "")
    signer = f"（公钥指纹 {info.signer}）" if info.signer else ""
    return (
        f"{info.publisher or '来源不明'}（{info.region or '地区不详'}）第 {info.sequence} 版 {kind}"
        f"　{(info.created or '')[:10]}\n{counts}　{info.signature}{signer}\n文件：{name}")
