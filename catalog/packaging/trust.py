"""The publisher keys a kiosk trusts, each bound to the publishers it may sign for.

As TUF binds keys to roles, a key here is trusted for the publishers named when it was installed,
not for any name a package claims: a package is accepted only if it is signed by a key bound to the
``publisher`` of its manifest. A holder of one county's key can sign that county's catalogue and
nothing else. Layout of ``data_dir/trusted_keys``::

    FP.pub        the raw public key, base64 on one line (as a .pub file)
    FP.json       {"publishers": [...], "installed": ISO time}; written before FP.pub
    demo-retired  the demo key was retired here and is never trusted again in this data folder

A key file without its ``FP.json`` (installed by an earlier version) is bound to the publishers it
has signed for in the histories of the live and the previous catalogue, and to nothing else;
``migrate`` writes that binding down once, and retires the demo key once a real catalogue was live.

The demo key (its private half is public, ``tools/demo-signing.key``) may sign only the demo
publisher's catalogue, and retires itself when any other publisher's catalogue is applied.
"""

from __future__ import annotations

import base64
import json
import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from catalog.packaging.datadir import DataDir, atomic_write
from catalog.errors import CatalogError
from catalog.packaging.signing import fingerprint, load_public_raw

log = logging.getLogger("catalog.packaging.trust")

# The bundled demo package's key and publisher (resources/demo/demo.pub, demo.zip's manifest).
DEMO_PUBLIC_KEY = base64.b64decode("btGb0fQlK0rgXqrvHkNvqkLduDaATydJgpfpl/RxQfw=")
DEMO_FINGERPRINT = fingerprint(DEMO_PUBLIC_KEY)
DEMO_PUBLISHER = "演示目录（据公开资料整理，非官方发布）"
RETIRED_MARKER = "demo-retired"


@dataclass(frozen=True)
class TrustedKey:
    fingerprint: str
    raw: bytes
    publishers: tuple[str, ...]
    # given with ``import --trust``: trusted for the publisher of the package it comes with
    for_package: bool = False

    @property
    def demo(self) -> bool:
        return self.fingerprint == DEMO_FINGERPRINT

    def may_sign(self, publisher: str) -> bool:
        if self.demo or publisher == DEMO_PUBLISHER:  # the demo's name is the demo key's alone
            return self.demo and publisher == DEMO_PUBLISHER
        return self.for_package or publisher in self.publishers

    def to_json(self) -> dict:
        return {"fingerprint": self.fingerprint, "publishers": list(self.publishers), "demo": self.demo}


# Characters that draw nothing (or draw like another) although Unicode counts them as letters or
# symbols: Hangul fillers, the Braille blank, Kangxi and CJK radicals (⼄县 looks like 乙县).
_INVISIBLE = {0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x180E}
_LOOKALIKE_BLOCKS = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF))
_BAD_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp", "Mn", "Me"}


def check_publisher_name(name: object) -> str:
    """A publisher name as a binding and a manifest may hold it: no control, invisible, combining or
    lookalike characters and no spaces but single ones inside, which would let two different names
    look alike on the staff screen."""
    if not isinstance(name, str) or not name.strip():
        raise CatalogError("请给出发布单位的名称。")
    bad = (len(name) > 100 or name != name.strip() or "  " in name
           or any(unicodedata.category(c) in _BAD_CATEGORIES or ord(c) in _INVISIBLE
                  or (unicodedata.category(c) == "Zs" and c != " ")
                  or any(lo <= ord(c) <= hi for lo, hi in _LOOKALIKE_BLOCKS) for c in name))
    if bad:
        raise CatalogError("发布单位的名称含有不可见字符、特殊字符或多余的空格，或者过长，请检查。",
                           f"publisher {name!r}")
    return name


def skeleton(name: str) -> str:
    """What a name looks like: two names with the same skeleton are told apart by no one."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


def normal_fingerprint(fp: str) -> str:
    """``ab12 cd34 ef56 7890`` from any spacing or case; CatalogError when it is not one."""
    flat = "".join(str(fp).split()).lower()
    if len(flat) != 16 or not set(flat) <= set("0123456789abcdef"):
        raise CatalogError(f"“{fp}”不是公钥指纹（应为 16 位十六进制数字，如 5c2d ecc9 2f64 d74f）。")
    return " ".join(flat[i:i + 4] for i in range(0, 16, 4))


def _file_name(fp: str) -> str:
    return fp.replace(" ", "")


def _binding_path(data_dir: DataDir, fp: str) -> Path:
    return data_dir.trusted_keys / f"{_file_name(fp)}.json"


def _read_binding(path: Path) -> tuple[str, ...] | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        pubs = doc["publishers"]
        if isinstance(pubs, list) and all(isinstance(p, str) for p in pubs):
            return tuple(pubs)
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        pass
    return None if not path.exists() else ()  # a damaged binding binds to nothing


def demo_retired(data_dir: DataDir) -> bool:
    return (data_dir.trusted_keys / RETIRED_MARKER).exists()


def demo_usable(data_dir: DataDir) -> bool:
    """Whether the demo key may still be trusted here: never once a real catalogue was live."""
    return not demo_retired(data_dir) and not _history_signers(data_dir)[1]


def _history_signers(data_dir: DataDir) -> tuple[dict[str, set[str]], bool]:
    """fingerprint -> publishers it signed for, from the histories of the live and the previous
    catalogue (a roll back must not forget either); and whether they hold any publisher but the
    demo one."""
    from catalog.store import Store

    ptr = data_dir.pointer()
    signed: dict[str, set[str]] = {}
    real = False
    for name in (ptr.generation, ptr.previous):
        db = data_dir.generation_path(name) / "catalog.db" if name else None
        if db is None or not db.exists():
            continue
        try:
            store = Store.open_readonly(db, check_version=False)
        except CatalogError:
            continue
        try:
            for row in store.history():
                real = real or row.get("publisher") != DEMO_PUBLISHER
                if row.get("signer"):
                    signed.setdefault(row["signer"], set()).add(row.get("publisher"))
        except Exception:  # noqa: BLE001 - a damaged history trusts a legacy key for nothing
            continue
        finally:
            store.close()
    return signed, real


def migrate(data_dir: DataDir) -> None:
    """Write down, once, what an earlier version left implicit: each key file without a binding is
    bound to the publishers it signed for here (so a roll back cannot unbind it), and once a real
    catalogue has been live the demo key is retired for good (so a roll back to the demo cannot
    bring it back). Called before every import and roll back, and when the kiosk starts."""
    folder = data_dir.trusted_keys
    if not folder.exists():
        return
    legacy = []
    for path in sorted(folder.glob("*.pub")):
        try:
            fp = fingerprint(load_public_raw(path))
        except CatalogError:
            continue
        if fp != DEMO_FINGERPRINT and not _binding_path(data_dir, fp).exists():
            legacy.append(fp)
    demo_file = folder / f"{_file_name(DEMO_FINGERPRINT)}.pub"
    if not legacy and (demo_retired(data_dir) or not demo_file.exists()):
        return
    signed, real = _history_signers(data_dir)
    if real and not demo_retired(data_dir):
        retire_demo(data_dir)
    for fp in legacy:
        publishers = sorted(p for p in signed.get(fp, ()) if p)
        _write_binding(data_dir, fp, publishers)
        log.info("key %s bound to %s (installed by an earlier version)", fp, publishers)


def _write_binding(data_dir: DataDir, fp: str, publishers: list[str]) -> None:
    doc = {"publishers": publishers, "installed": datetime.now().astimezone().isoformat(timespec="seconds")}
    atomic_write(_binding_path(data_dir, fp), json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))


def keys(data_dir: DataDir) -> dict[str, TrustedKey]:
    """Every key staff installed, with the publishers it may sign for."""
    out: dict[str, TrustedKey] = {}
    folder = data_dir.trusted_keys
    if not folder.exists():
        return out
    history: tuple[dict[str, set[str]], bool] | None = None
    retired = demo_retired(data_dir)
    for path in sorted(folder.glob("*.pub")):
        try:
            raw = load_public_raw(path)
        except CatalogError:
            continue  # a damaged key file trusts nothing
        fp = fingerprint(raw)
        if fp == DEMO_FINGERPRINT:
            if history is None:
                history = _history_signers(data_dir)
            if retired or history[1]:
                continue  # retired: never trusted again here, even if its file came back
            out[fp] = TrustedKey(fp, raw, (DEMO_PUBLISHER,))
            continue
        bound = _read_binding(_binding_path(data_dir, fp))
        if bound is None:  # installed by an earlier version: what it has signed for here
            if history is None:
                history = _history_signers(data_dir)
            bound = tuple(sorted(history[0].get(fp, ())))
        out[fp] = TrustedKey(fp, raw, bound)
    return out


def trusted_keys(data_dir: DataDir) -> dict[str, bytes]:
    """fingerprint -> raw public key, for every key staff installed (whatever it may sign)."""
    return {fp: k.raw for fp, k in keys(data_dir).items()}


def _load_public(pub_file: Path) -> bytes:
    # A private key file holds 32 base64 bytes too, and would be "trusted" as a stranger's key.
    if Path(pub_file).suffix.lower() == ".key":
        raise CatalogError(f"{Path(pub_file).name} 是私钥文件。请给出发布单位的公钥文件（.pub）；私钥不应离开发布单位。",
                           f"private key given as public: {pub_file}")
    return load_public_raw(Path(pub_file))


def for_package(pub_file: Path) -> TrustedKey:
    """A key named with ``import --trust``: trusted for the package it comes with."""
    raw = _load_public(pub_file)
    fp = fingerprint(raw)
    return TrustedKey(fp, raw, (DEMO_PUBLISHER,) if fp == DEMO_FINGERPRINT else (), for_package=True)


def install_key(data_dir: DataDir, pub_file: Path, publishers: list[str] | tuple[str, ...]) -> str:
    """Trust the public key in ``pub_file`` for ``publishers`` (added to those it already has);
    returns its fingerprint."""
    raw = _load_public(pub_file)
    fp = fingerprint(raw)
    wanted = [check_publisher_name(p) for p in publishers]
    if not wanted:
        raise CatalogError("请指定这把公钥可以签名哪个发布单位的目录。")
    if fp != DEMO_FINGERPRINT and DEMO_PUBLISHER in wanted:
        raise CatalogError("演示目录只能由演示公钥签名，不能为别的公钥指定这个发布单位。", "demo name reserved")
    if fp == DEMO_FINGERPRINT:
        if demo_retired(data_dir) or _history_signers(data_dir)[1]:
            raise CatalogError("本机已经导入过正式目录，演示公钥已停用，不能再安装（演示私钥是公开的，"
                               "任何人都能用它签名）。", "demo key retired")
        if set(wanted) != {DEMO_PUBLISHER}:
            raise CatalogError("演示公钥只能用于演示目录，不能用来签名其他发布单位的目录。",
                               f"demo key for {wanted}")
    data_dir.ensure()
    existing = keys(data_dir).get(fp)
    have = list(existing.publishers) if existing is not None else []
    merged = have + [p for p in wanted if p not in have]
    _write_binding(data_dir, fp, merged)
    atomic_write(data_dir.trusted_keys / f"{_file_name(fp)}.pub", base64.b64encode(raw) + b"\n")
    return fp


def remove_key(data_dir: DataDir, fp: str, publisher: str | None = None) -> None:
    """Stop trusting key ``fp`` (for ``publisher`` only, when given; for nothing when it was the last)."""
    fp = normal_fingerprint(fp)  # never a path: the name of a file in trusted_keys is built from it
    key = data_dir.trusted_keys / f"{_file_name(fp)}.pub"
    if not key.exists():
        raise CatalogError(f"没有找到指纹为 {fp} 的公钥。")
    if publisher is not None:
        current = keys(data_dir).get(fp)
        left = [p for p in (current.publishers if current else ()) if p != publisher]
        if current is not None and publisher not in current.publishers:
            raise CatalogError(f"指纹为 {fp} 的公钥本来就没有被信任用于“{publisher}”。")
        if left:
            _write_binding(data_dir, fp, left)
            return
    key.unlink()
    _binding_path(data_dir, fp).unlink(missing_ok=True)


def retire_demo(data_dir: DataDir) -> bool:
    """After another publisher's catalogue applied: the demo key goes, for good. True if it was
    trusted until now."""
    folder = data_dir.trusted_keys
    folder.mkdir(parents=True, exist_ok=True)
    if not demo_retired(data_dir):
        atomic_write(folder / RETIRED_MARKER,
                     "演示公钥已停用：本机已导入正式目录。\n".encode("utf-8"))
    path = folder / f"{_file_name(DEMO_FINGERPRINT)}.pub"
    had = path.exists()
    path.unlink(missing_ok=True)
    _binding_path(data_dir, DEMO_FINGERPRINT).unlink(missing_ok=True)
    if had:
        log.info("demo key %s retired", DEMO_FINGERPRINT)
    return had
