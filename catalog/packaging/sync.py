"""What staff see before applying a package from a USB stick: the packages on the stick and,
for each, who published and signed it, what it holds and whether it applies here — read from a
copy, so a stick pulled halfway fails cleanly and nothing on the kiosk is touched."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from catalog.packaging.archive import stage
from catalog.packaging.datadir import DataDir
from catalog.errors import CatalogError, PackageRefused
from catalog.packaging.checks import check_package, read_manifest
from catalog.packaging.packages import open_current
from catalog.packaging.records import FILES as RECORD_FILES
from catalog.packaging.signing import fingerprint, load_public_raw, verify
from catalog.packaging.trust import DEMO_FINGERPRINT, DEMO_PUBLISHER, demo_usable
from catalog.packaging.trust import keys as trusted

log = logging.getLogger("catalog")

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
    # staff confirmations (catalog.packaging.checks.CONFIRMATIONS) it needs to apply; with ``applies``
    # false, ``reason`` says why and ``confirmable`` whether giving them would let it apply
    needs: list[str] = field(default_factory=list)
    confirmable: bool = False
    current_publisher: str | None = None
    stick_signer: str | None = None  # fingerprint of a key file on the stick that signed it

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


def inspect_package(data_dir: DataDir | Path | str, package: Path | str,
                    stick_keys: dict[str, bytes] | None = None,
                    state: "_TrustState | None" = None) -> PackageInfo:
    """Everything staff need to decide, from a complete check against this kiosk (a dry run).
    ``stick_keys`` (fingerprint -> raw key of the .pub files beside it) tell which of them signed
    it, so staff can install that key for its publisher; ``state`` (the kiosk's keys) is read here
    unless the caller, looking at a whole stick, read it once for all its packages."""
    data_dir = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
    try:
        return _inspect(data_dir, package, stick_keys or {}, state or _TrustState.read(data_dir))
    except OSError:  # the stick went away, or a file on it cannot be read
        return PackageInfo(path=str(package), applies=False,
                           reason="读取U盘上的更新包时出错（U盘可能已拔出），请重新插入后再试。")
    except CatalogError as exc:
        return PackageInfo(path=str(package), applies=False, reason=exc.message)
    except Exception:  # noqa: BLE001 - one bad file on a stick must not hide the good ones beside it
        log.exception("inspecting %s failed", package)
        return PackageInfo(path=str(package), applies=False,
                           reason="无法读取这个更新包（文件可能已损坏或不是本系统的更新包）。")


@dataclass
class _TrustState:
    """The kiosk's keys and whether the demo key is retired, read once for a whole stick."""

    keys: dict
    demo_retired: bool

    @classmethod
    def read(cls, data_dir: DataDir) -> "_TrustState":
        return cls(trusted(data_dir), not demo_usable(data_dir))


def _inspect(data_dir: DataDir, package: Path | str, stick_keys: dict[str, bytes],
             state: _TrustState) -> PackageInfo:
    info = PackageInfo(path=str(package), applies=False)
    with tempfile.TemporaryDirectory(prefix="kiosk-inspect-") as tmp:
        staged = Path(tmp) / "p"
        staged.mkdir()
        def gate(root: Path, present: list[str]) -> set[str] | None:
            # The rest is copied only for a package signed by a key this kiosk or the stick holds:
            # anything else is refused for its signature, whatever it contains.
            try:
                raw = (root / "manifest.json").read_bytes()
                listed = set(read_manifest(raw)["files"])
            except (OSError, PackageRefused):
                return None
            sig = root / "manifest.sig"
            if not sig.is_file():
                return None
            known = {f: k.raw for f, k in state.keys.items()} | dict(stick_keys)
            return listed if verify(sig.read_bytes(), raw, known) is not None else None

        try:
            present = stage(Path(package), staged, gate=gate)
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
        info.signer, info.signature = _signature(staged, raw, state.keys, info.publisher)
        if stick_keys and (staged / "manifest.sig").is_file():
            info.stick_signer = verify((staged / "manifest.sig").read_bytes(), raw, stick_keys)
        current = open_current(data_dir) if data_dir.root.exists() else None
        try:
            info.current_publisher = current.meta().get("publisher") if current is not None else None
            _dry_run(info, staged, present, state.keys, current, state.demo_retired)
        finally:
            if current is not None:
                current.close()
    return info


def _dry_run(info: PackageInfo, staged: Path, present: list[str], keys, current, retired: bool) -> None:
    """Check as an import would; a refusal that a staff confirmation lifts is checked again with
    it, so the screen can offer 确认 only where confirming really lets the package apply."""
    confirm: set[str] = set()
    first_reason = ""
    while True:
        try:
            check_package(staged, present, keys, current, confirm=confirm, demo_retired=retired)
        except PackageRefused as exc:
            # the screen says 不能导入：… itself; a dry run changed nothing, so no need to say so
            reason = exc.message.replace("已拒绝导入，目录没有任何改动。", "").strip()
            if exc.needs and exc.needs not in confirm:
                first_reason = first_reason or reason
                info.needs.append(exc.needs)
                confirm.add(exc.needs)
                continue
            info.reason = first_reason or reason
            if first_reason:  # a confirmation is needed, and the package fails for another reason too
                info.reason += "\n另外：" + reason
            info.needs = []
            return
        break
    if info.needs:
        info.reason, info.confirmable = first_reason, True
    else:
        info.applies = True


def _signature(staged: Path, raw: bytes, keys: dict, publisher) -> tuple[str | None, str]:
    sig_file = staged / "manifest.sig"
    if not sig_file.is_file():
        return None, "未签名"
    fp = verify(sig_file.read_bytes(), raw, {f: k.raw for f, k in keys.items()})
    if fp is None:
        return None, "签名人不在本机的信任列表中，或签名无效"
    if not keys[fp].may_sign(publisher):
        return fp, "已签名，但签名的公钥没有被授权发布这个单位的目录"
    return fp, "已签名（签名人可信）"


def describe(info: PackageInfo) -> str:
    """One block of plain Chinese for the list on the staff screen: what the package is, who signed
    it, and which file it is (two copies of a package, or two signers, must not look alike)."""
    name = Path(info.path).name
    if info.sequence is None:  # no readable manifest: only the reason (shown below it) is known
        return f"无法读取的更新包：{name}"
    counts = "，".join(f"{n} {c}" for n, c in (("文件", info.counts.get("document", 0)),
                                               ("问答", info.counts.get("faq", 0)),
                                               ("目录事项", info.counts.get("item", 0)))) if info.counts else (
        "内容没有读取（签名无法验证）")
    kind = {"full": "完整版", "delta": f"增量（基于第 {info.base_sequence} 版）"}.get(info.kind or "", "")
    signer = f"（公钥指纹 {info.signer}）" if info.signer else ""
    return (
        f"{info.publisher or '来源不明'}（{info.region or '地区不详'}）第 {info.sequence} 版 {kind}"
        f"　{(info.created or '')[:10]}\n{counts}　{info.signature}{signer}\n文件：{name}")


# ---------------------------------------------------------------------------------------------
# publisher keys on a stick

KEY_SEARCH_MAX = 20  # .pub files looked at on one stick


def find_keys(folder: Path | str) -> list[Path]:
    """Public key files (.pub) at the top of ``folder``, in its updates folders and one level of
    folders below the top: where a county office puts them, without walking a whole stick."""
    folder = Path(folder)
    found: list[Path] = []
    places = [folder] + [folder / n for n in FOLDER_NAMES]
    try:
        places += sorted(p for p in folder.iterdir() if p.is_dir() and p.name not in FOLDER_NAMES
                         and not p.name.startswith("."))[:50]
    except OSError:
        pass
    for place in places:
        try:
            children = sorted(place.iterdir()) if place.is_dir() else []
        except OSError:
            continue
        for child in children:
            if child.suffix.lower() == ".pub" and child.is_file() and child not in found:
                found.append(child)
                if len(found) >= KEY_SEARCH_MAX:
                    return found
    return found


@dataclass
class StickKey:
    """A public key file on a stick, as the staff screen offers it."""

    path: str
    fingerprint: str | None = None   # None: not a valid key file
    demo: bool = False
    publishers: list[str] = field(default_factory=list)  # what this kiosk trusts it for already
    offers: list[str] = field(default_factory=list)      # publishers staff can install it for
    note: str = ""                   # plain Chinese: why nothing is offered, or for what


def stick_keys(data_dir: DataDir | Path | str, key_files: dict[Path, str | None],
               packages: list[PackageInfo], state: _TrustState | None = None) -> list[StickKey]:
    """What staff can do with each key file (path -> its fingerprint, None when it is not a key):
    install it for the publishers of the packages on the stick that it signed, or (a new key for
    the same county) for this kiosk's own publisher."""
    data_dir = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
    state = state or _TrustState.read(data_dir)
    installed = state.keys
    current = next((i.current_publisher for i in packages if i.current_publisher), None)
    if current is None:
        from catalog.catalogue import status

        try:
            current = status(data_dir).publisher
        except (OSError, CatalogError):
            current = None
    out = []
    for path, fp in key_files.items():
        sk = StickKey(path=str(path), fingerprint=fp)
        if fp is None:
            sk.note = "不是有效的公钥文件"
            out.append(sk)
            continue
        have = installed.get(sk.fingerprint)
        sk.publishers = list(have.publishers) if have else []
        signed = []
        for info in packages:
            if info.stick_signer == sk.fingerprint and info.publisher and info.publisher not in signed:
                signed.append(info.publisher)
        if sk.fingerprint == DEMO_FINGERPRINT:
            sk.demo = True
            if state.demo_retired:
                sk.note = "演示公钥：本机已导入过正式目录，演示公钥已停用，不能安装"
            elif not have:
                sk.offers, sk.note = [DEMO_PUBLISHER], "演示公钥：只能签名演示目录"
            out.append(sk)
            continue
        if sk.publishers:
            # An installed key is never widened from a stick: a package "from 乙县" signed by the
            # key trusted for 甲县 is exactly what a holder of 甲县's key would bring.
            others = [p for p in signed if p not in sk.publishers]
            if others:
                sk.note = (f"这把公钥只被信任用于“{'、'.join(sk.publishers)}”。U盘上用它签名、自称来自"
                           f"“{'、'.join(others)}”的更新包不能导入。")
            out.append(sk)
            continue
        bound_to = {p for k in installed.values() for p in k.publishers}
        if signed:
            sk.offers = [p for p in signed if p != DEMO_PUBLISHER]
            sk.note = "U盘上有它签名的更新包"
        elif current and current != DEMO_PUBLISHER:
            sk.offers, sk.note = [current], "U盘上没有它签名的更新包；如是本单位更换的新公钥，可为本机目录的发布单位安装"
        else:
            sk.note = "U盘上没有它签名的更新包，无法确定它属于哪个发布单位"
        taken = [p for p in sk.offers if p in bound_to]
        if taken:  # a second key for a publisher that has one: only a key change justifies it
            sk.note += (f"。注意：本机已有公钥被信任用于“{'、'.join(taken)}”；只有县政务公开办通知更换了公钥时"
                        "才安装，并务必核对指纹")
        out.append(sk)
    return out


def read_stick(data_dir: DataDir | Path | str, folder: Path | str) -> tuple[list[PackageInfo], list[StickKey]]:
    """The staff screen's view of a stick, in one call (off the GUI thread): every package with
    its dry run, and every key file with what it may be installed for."""
    data_dir = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
    key_files: dict[Path, str | None] = {}
    raw = {}
    for path in find_keys(folder):
        try:
            raw_key = load_public_raw(path)
        except (OSError, CatalogError):
            key_files[path] = None
            continue
        key_files[path] = fingerprint(raw_key)
        raw[key_files[path]] = raw_key
    state = _TrustState.read(data_dir)
    infos = [inspect_package(data_dir, p, raw, state) for p in find_packages(folder)]
    return infos, stick_keys(data_dir, key_files, infos, state)
