"""Catalogue packages: check completely, then apply atomically together with the index.

``import_package`` is what ``python -m catalog import`` and the kiosk's staff screen call. A package
is copied into staging, checked in full (manifest, signature, hashes, every record, references,
sequence), and only then built into a new generation folder that one atomic rename of CURRENT makes
live. A refusal or a crash at any point leaves the previous catalogue serving.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from catalog import settings
from catalog.search.analysis import add_user_words, clear_token_cache
from catalog.packaging.archive import safe_relpath, stage
from catalog.packaging.datadir import SEAL, DataDir, Pointer
from catalog.errors import CatalogError, DamagedCatalogue, NoCatalogue, PackageRefused, disk_full
from catalog.search.engines import configured, engine_class, open_index
from catalog.model import Changes, ImportReport
from catalog.packaging.records import FILES, LABELS, RECORD_TYPES, read_records, read_terms
from catalog.packaging.signing import fingerprint, load_private, load_public_raw, sign, verify
from catalog.store import SCHEMA_VERSION, OldSchema, Store
from catalog.packaging.trust import (DEMO_PUBLIC_KEY, DEMO_PUBLISHER, TrustedKey, check_publisher_name,
                           demo_usable, for_package, install_key, keys, migrate, retire_demo, skeleton)

log = logging.getLogger("catalog.packaging.packages")

Progress = Callable[[str, int, int], None]
STAGES = {"copy": "正在复制更新包", "verify": "正在校验", "store": "正在写入目录",
          "index": "正在建立检索索引",
          "passages": "正在建立段落索引", "qa": "正在准备政策问答", "switch": "正在切换到新目录",
          "repair": "检索索引已损坏，正在从目录数据自动重建，请稍候"}

META_FILES = ("manifest.json", "manifest.sig")
_HEX64 = set("0123456789abcdef")


def checkpoint(name: str) -> None:
    """Fault-injection point for the fault tests: ``CATALOG_CRASH_AT=name`` kills the process here,
    exactly as a power cut would (no cleanup, no flush); ``CATALOG_FAIL_AT=name`` raises the error
    a failing indexer would, and ``CATALOG_FAIL_AT=enospc:name`` the one a full disk gives.
    ``CATALOG_PAUSE_AT=name`` waits there a minute, so a test can kill the process at that point."""
    if os.environ.get("CATALOG_CRASH_AT") == name:
        os._exit(86)
    if os.environ.get("CATALOG_PAUSE_AT") == name:
        time.sleep(60)
    fail = os.environ.get("CATALOG_FAIL_AT")
    if fail == name:
        raise RuntimeError(f"injected failure at {name}")
    if fail == f"enospc:{name}":
        raise OSError(errno.ENOSPC, "No space left on device (injected)")


@dataclass
class Package:
    """A staged, fully checked package."""

    root: Path
    manifest: dict[str, Any]
    signer: str | None
    records: dict[str, list[dict[str, Any]]]
    deleted: dict[str, list[str]]
    terms: list[list[str]] | None
    attachments: list[str]
    sha256: str
    confirmed: frozenset[str] = frozenset()  # the staff confirmations this package needed

    @property
    def sequence(self) -> int:
        return self.manifest["sequence"]

    @property
    def kind(self) -> str:
        return self.manifest["kind"]


# ---------------------------------------------------------------------------------------------
# reading and checking

def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _refuse(msg: str, detail: str = "", needs: str | None = None) -> PackageRefused:
    return PackageRefused(f"{msg}已拒绝导入，目录没有任何改动。", detail or msg, needs)


# Staff confirmations that lift a refusal (``import --change-publisher`` / ``--allow-sequence-jump``,
# or the staff screen's 确认 button).
CONFIRMATIONS = {"change_publisher": "--change-publisher", "sequence_jump": "--allow-sequence-jump"}


def read_manifest(raw: bytes) -> dict[str, Any]:
    """Parse and check manifest.json (format version 1)."""
    if len(raw) > settings.MANIFEST_MAX_BYTES:
        raise _refuse("更新包的清单文件 manifest.json 过大，不是正常的更新包。", f"manifest of {len(raw)} bytes")
    try:
        m = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError: bad JSON, or an integer of thousands of digits; RecursionError: absurd nesting
        raise _refuse("更新包的清单文件 manifest.json 不是有效的 JSON（或含有过长的数字、过深的嵌套）。",
                      repr(exc)[:300]) from None
    if not isinstance(m, dict) or m.get("format") != settings.PACKAGE_FORMAT:
        raise _refuse("这不是政务公开目录更新包（清单格式不符）。", f"format {m.get('format') if isinstance(m, dict) else m!r}")
    if m.get("format_version") != settings.PACKAGE_FORMAT_VERSION:
        raise _refuse(f"更新包的格式版本（{m.get('format_version')}）本机不支持，请升级查询机软件。",
                      f"format_version {m.get('format_version')!r}")
    for key in ("publisher", "region"):
        if not isinstance(m.get(key), str) or not m[key].strip():
            raise _refuse(f"更新包的清单缺少“{key}”。")
    try:
        check_publisher_name(m["publisher"])
    except CatalogError as exc:
        raise _refuse("更新包清单中的发布单位名称含有不可见字符、特殊字符或多余的空格，或者过长，"
                      "可能是冒充的。", exc.detail) from None
    seq = m.get("sequence")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise _refuse("更新包的清单中版本号（sequence）无效。", f"sequence {seq!r}")
    if seq > settings.MAX_SEQUENCE:
        raise _refuse(f"更新包的版本号（第 {seq} 版）超出了允许的范围（最大 {settings.MAX_SEQUENCE}），"
                      "可能是制作错误或伪造的更新包。", f"sequence {seq} > {settings.MAX_SEQUENCE}")
    if m.get("kind") not in ("full", "delta"):
        raise _refuse("更新包的清单中类型（kind）应为 full 或 delta。", f"kind {m.get('kind')!r}")
    if m["kind"] == "delta":
        base = m.get("base_sequence")
        if not isinstance(base, int) or isinstance(base, bool) or base < 1 or base >= seq:
            raise _refuse("增量更新包的清单中基础版本号（base_sequence）无效。", f"base {base!r}")
    files = m.get("files")
    if not isinstance(files, dict):
        raise _refuse("更新包的清单缺少文件列表（files）。")
    for path, digest in files.items():
        if safe_relpath(path) != path or path in META_FILES:
            raise _refuse(f"更新包的清单中有不安全的文件路径（{path}）。")
        if not isinstance(digest, str) or len(digest) != 64 or not set(digest) <= _HEX64:
            raise _refuse(f"更新包的清单中文件 {path} 的校验值格式不对。")
    return m


def _check_signature(root: Path, raw_manifest: bytes, manifest: dict[str, Any],
                     trusted: dict[str, TrustedKey], allow_unsigned: bool,
                     real_catalogue_seen: bool) -> str | None:
    """The fingerprint of the trusted key that signed the manifest, which must be bound to the
    manifest's publisher (None for an unsigned package accepted with --allow-unsigned)."""
    sig_path = root / "manifest.sig"
    if not sig_path.exists():
        if allow_unsigned:
            log.warning("accepting an unsigned package (--allow-unsigned)")
            return None
        raise _refuse("更新包没有签名（缺少 manifest.sig），无法确认来源。")
    signature = sig_path.read_bytes()
    demo_signed = verify(signature, raw_manifest, {"demo": DEMO_PUBLIC_KEY}) is not None
    if demo_signed and not any(k.demo for k in trusted.values()):
        raise _refuse("这个更新包是用演示公钥签名的。本机已经导入过正式目录，演示公钥已停用（演示私钥是公开的，"
                      "任何人都能用它签名），不再接受演示签名的更新包。" if real_catalogue_seen else
                      "这个更新包是用演示公钥签名的，而本机没有信任演示公钥。", "signed by the demo key")
    if not trusted:
        raise _refuse("本机还没有安装任何发布单位的公钥，无法验证更新包的签名。请先安装县级发布单位提供的公钥。")
    signer = verify(signature, raw_manifest, {fp: k.raw for fp, k in trusted.items()})
    if signer is None:
        raise _refuse("更新包的签名验证失败：包可能被改动过，或签名者的公钥没有在本机安装。",
                      "signature does not verify against any trusted key")
    key, publisher = trusted[signer], manifest["publisher"]
    if not key.may_sign(publisher):
        if key.demo:
            raise _refuse(f"这个更新包用演示公钥签名，却自称来自“{publisher}”。演示公钥只能签名演示目录。",
                          f"demo key signing for {publisher!r}")
        allowed = "、".join(f"“{p}”" for p in key.publishers) or "（没有指定发布单位）"
        raise _refuse(f"更新包自称来自“{publisher}”，但签名的公钥（指纹 {signer}）在本机只被信任用于"
                      f"{allowed}，不能用来发布“{publisher}”的目录。如确属新的发布单位，请先在“信任的公钥”中"
                      "为它安装公钥。", f"key {signer} not bound to {publisher!r}")
    return signer


def _check_files(root: Path, present: list[str], manifest: dict[str, Any]) -> None:
    listed: dict[str, str] = manifest["files"]
    for rel in present:
        if rel in META_FILES:
            continue
        if rel not in listed:
            raise _refuse(f"更新包中有清单未列出的文件（{rel}）。")
    for rel, digest in listed.items():
        path = root / rel
        if not path.is_file():
            raise _refuse(f"更新包缺少清单中列出的文件（{rel}）。")
        if _sha256_file(path) != digest:
            raise _refuse(f"更新包中的文件 {rel} 与清单的校验值不符，可能已损坏或被改动。",
                          f"sha256 mismatch for {rel}")


def _read_all(root: Path, manifest: dict[str, Any]) -> tuple[dict, dict, list | None]:
    listed = manifest["files"]
    records: dict[str, list[dict[str, Any]]] = {}
    for rtype in RECORD_TYPES:
        fname = FILES[rtype]
        if fname not in listed:
            if manifest["kind"] == "full" and rtype != "faq":
                raise _refuse(f"完整更新包缺少 {fname}。")
            records[rtype] = []
            continue
        seen: dict[str, int] = {}
        rows = []
        for line, rec in read_records(root / fname, rtype):
            if rec["id"] in seen:
                raise PackageRefused(
                    f"更新包的 {fname} 第 {line} 行有错误：编号“{rec['id']}”与第 {seen[rec['id']]} 行重复。"
                    "已拒绝导入，目录没有任何改动。", "duplicate id")
            seen[rec["id"]] = line
            rows.append(rec)
        records[rtype] = rows
    deleted: dict[str, list[str]] = {t: [] for t in RECORD_TYPES}
    if "deleted.jsonl" in listed:
        if manifest["kind"] != "delta":
            raise _refuse("完整更新包不应包含 deleted.jsonl。")
        for _, rec in read_records(root / "deleted.jsonl", "deleted"):
            deleted[rec["type"]].append(rec["id"])
    for rtype in RECORD_TYPES:
        both = sorted(set(deleted[rtype]) & {r["id"] for r in records[rtype]})
        if both:
            raise _refuse(f"增量更新包既删除又更新了同一个{LABELS[rtype]}（编号“{both[0]}”），无法确定应保留哪个。",
                          f"deleted and updated: {both[:5]}")
    terms = read_terms(root / "terms.txt") if "terms.txt" in listed else None
    return records, deleted, terms


def _check_references(pkg_records: dict, deleted: dict, current: Store | None, kind: str,
                      files_available: set[str]) -> None:
    """Every id a record names must exist in the catalogue as it will be after the package."""
    # The reference-bearing fields of every record of the resulting catalogue.
    merged: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in RECORD_TYPES}
    if kind == "delta" and current is not None:
        for rtype in RECORD_TYPES:
            existing = current.ids(rtype)
            for rid in deleted[rtype]:
                if rid not in existing:
                    raise _refuse(f"增量更新包要删除的{LABELS[rtype]}“{rid}”在本机目录中不存在，可能不是基于本机版本制作的。")
        for d in current.domains():
            merged["domain"][d.id] = {}
        for it in current.items():
            merged["item"][it.id] = {"domain": it.domain}
        for row in current.db.query("select id, domains, items, interprets, attachments from documents"):
            merged["document"][row["id"]] = {
                "domains": json.loads(row["domains"]), "items": json.loads(row["items"]),
                "interprets": row["interprets"],
                "attachments": [{"path": a["path"]} for a in json.loads(row["attachments"])]}
        for f in current.faqs():
            merged["faq"][f.id] = {"domains": f.domains, "documents": f.documents}
        for rtype in RECORD_TYPES:
            for rid in deleted[rtype]:
                merged[rtype].pop(rid, None)
    for rtype in RECORD_TYPES:
        for rec in pkg_records[rtype]:
            merged[rtype][rec["id"]] = rec

    def need(rtype: str, ids, owner_type: str, owner: str, what: str) -> None:
        for rid in ids:
            if rid not in merged[rtype]:
                raise _refuse(f"{LABELS[owner_type]}“{owner}”的{what}引用了不存在的{LABELS[rtype]}“{rid}”。",
                              f"dangling {owner_type} {owner} -> {rtype} {rid}")

    for iid, it in merged["item"].items():
        need("domain", [it["domain"]], "item", iid, "所属领域")
    for did, doc in merged["document"].items():
        need("domain", doc["domains"], "document", did, "领域")
        need("item", doc["items"], "document", did, "目录事项")
        if doc.get("interprets"):
            need("document", [doc["interprets"]], "document", did, "解读对象")
        for att in doc.get("attachments", []):
            if att["path"] not in files_available:
                raise _refuse(f"文件“{did}”的附件 {att['path']} 不在更新包中。")
    for fid, faq in merged["faq"].items():
        need("domain", faq["domains"], "faq", fid, "领域")
        need("document", faq["documents"], "faq", fid, "来源文件")


def _check_sequence(manifest: dict[str, Any], current_meta: dict[str, Any] | None,
                    history: list[dict[str, Any]], confirm: frozenset[str] = frozenset()) -> None:
    """Sequences only grow per publisher, and by at most MAX_SEQUENCE_STEP at a time without a
    staff confirmation; a full package of another publisher replaces the catalogue only when
    staff confirm it (moving off the demo catalogue needs none)."""
    seq, publisher = manifest["sequence"], manifest["publisher"]
    if current_meta is None:
        if manifest["kind"] == "delta":
            raise _refuse("这是增量更新包，本机还没有目录。请先导入完整目录更新包。")
        _check_jump(seq, 0, confirm)
        return
    current_publisher = current_meta.get("publisher")
    if publisher == current_publisher:
        have = current_meta["sequence"]
        if seq <= have:
            raise _refuse(f"更新包的版本（第 {seq} 版）不比本机目录（第 {have} 版）新，可能是旧包或重复导入。")
        if manifest["kind"] == "delta" and manifest["base_sequence"] != have:
            raise _refuse(f"这个增量更新包要求本机是第 {manifest['base_sequence']} 版，而本机是第 {have} 版。"
                          "请使用与本机版本相符的增量包，或导入完整目录更新包。")
        _check_jump(seq, have, confirm)
        return
    if skeleton(publisher) == skeleton(current_publisher or ""):
        raise _refuse(f"更新包的发布单位名称“{publisher}”与本机目录的“{current_publisher}”看起来一样，其实并不相同"
                      "（含有全角、大小写或空格上的差别），可能是冒充的。请与县政务公开办核对。",
                      f"lookalike publisher {publisher!r} vs {current_publisher!r}")
    if manifest["kind"] == "delta":
        raise _refuse(f"这个增量更新包来自“{publisher}”，而本机目录来自“{current_publisher}”。"
                      "请导入完整目录更新包。")
    seen = [h["sequence"] for h in history if h["publisher"] == publisher]
    if seen and seq <= max(seen):
        raise _refuse(f"更新包的版本（第 {seq} 版）不比本机曾导入的该单位目录（第 {max(seen)} 版）新。")
    if current_publisher != DEMO_PUBLISHER and "change_publisher" not in confirm:
        raise _refuse(f"这个更新包来自“{publisher}”，而本机目录来自“{current_publisher}”。改用另一个发布单位的目录"
                      "须由工作人员确认（工作人员界面的“确认后导入”，或命令行的 --change-publisher）。",
                      f"publisher change {current_publisher!r} -> {publisher!r}", needs="change_publisher")
    _check_jump(seq, max(seen, default=0), confirm)  # a publisher's first package here: from 0


def _check_jump(seq: int, last: int, confirm: frozenset[str]) -> None:
    """At most MAX_SEQUENCE_STEP above the publisher's last sequence here (0 for its first package)
    without a confirmation: a forged or mistaken 2^31-1 would refuse every later genuine package."""
    step = settings.MAX_SEQUENCE_STEP
    if seq - last > step and "sequence_jump" not in confirm:
        where = (f"比本机上该单位的目录（第 {last} 版）大了 {seq - last}，超过了一次允许的 {step}" if last else
                 f"是该单位在本机的第一个更新包，版本号却超过了 {step}")
        raise _refuse(f"更新包的版本号（第 {seq} 版）{where}。这可能是制作错误或伪造的更新包：导入后，该单位正常的更新包"
                      "都会因为“版本不够新”而被拒收。请与县政务公开办核对；确认无误时，由工作人员确认后导入"
                      "（工作人员界面的“确认后导入”，或命令行的 --allow-sequence-jump）。",
                      f"sequence jump {last} -> {seq}", needs="sequence_jump")


def check_package(staged: Path, present: list[str], trusted: dict[str, TrustedKey],
                  current: Store | None, *, allow_unsigned: bool = False,
                  confirm: frozenset[str] | set[str] = frozenset(),
                  demo_retired: bool = False) -> Package:
    """Check a staged package completely; raises PackageRefused with the reason (and, where a
    staff confirmation in ``confirm`` would lift it, the confirmation it ``needs``)."""
    if "manifest.json" not in present:
        raise _refuse("更新包缺少清单文件 manifest.json。")
    raw = (staged / "manifest.json").read_bytes()
    manifest = read_manifest(raw)
    history = current.history() if current is not None else []
    real_seen = demo_retired or any(h["publisher"] != DEMO_PUBLISHER for h in history)
    signer = _check_signature(staged, raw, manifest, trusted, allow_unsigned, real_seen)
    _check_files(staged, present, manifest)
    current_meta = current.meta() if current is not None else None
    _check_sequence(manifest, current_meta, history, frozenset(confirm))
    records, deleted, terms = _read_all(staged, manifest)
    attachments = [p for p in manifest["files"] if p.startswith("files/")]
    available = set(attachments)
    if manifest["kind"] == "delta" and current is not None:
        old_files = current.path.parent / "files"
        if old_files.exists():
            available |= {p.relative_to(current.path.parent).as_posix()
                          for p in old_files.rglob("*") if p.is_file()}
    _check_references(records, deleted, current, manifest["kind"], available)
    return Package(staged, manifest, signer, records, deleted, terms, attachments,
                   hashlib.sha256(raw).hexdigest(), _needed(manifest, current_meta, history, confirm))


def _signature_gate(data_dir: DataDir, trusted: dict[str, TrustedKey], allow_unsigned: bool,
                    retired: bool):
    """archive.stage's gate: the manifest and its signature are checked before anything else of
    the package is copied, and only the files the manifest lists are copied then."""
    def gate(root: Path, present: list[str]) -> set[str]:
        if "manifest.json" not in present:
            raise _refuse("更新包缺少清单文件 manifest.json。")
        raw = (root / "manifest.json").read_bytes()
        manifest = read_manifest(raw)
        current = _open_current(data_dir)
        try:
            history = current.history() if current is not None else []
        finally:
            if current is not None:
                current.close()
        real_seen = retired or any(h["publisher"] != DEMO_PUBLISHER for h in history)
        _check_signature(root, raw, manifest, trusted, allow_unsigned, real_seen)
        return set(manifest["files"])
    return gate


def _needed(manifest: dict[str, Any], current_meta: dict[str, Any] | None, history: list[dict],
            confirm: frozenset[str]) -> frozenset[str]:
    """Which of the confirmations given this package really needed (recorded in the history)."""
    needed = set()
    for one in confirm:
        try:
            _check_sequence(manifest, current_meta, history, confirm - {one})
        except PackageRefused as exc:
            if exc.needs == one:
                needed.add(one)
    return frozenset(needed)


# ---------------------------------------------------------------------------------------------
# applying

def _changes(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> dict[str, Changes]:
    out = {}
    for rtype in RECORD_TYPES:
        b, a = before.get(rtype, {}), after[rtype]
        out[rtype] = Changes(
            added=sorted(set(a) - set(b)),
            changed=sorted(k for k in set(a) & set(b) if a[k] != b[k]),
            removed=sorted(set(b) - set(a)))
    return out


def _open_current(data_dir: DataDir) -> Store | None:
    """The catalogue the kiosk serves, or None for none. A damaged one counts as none: the
    package being imported replaces it (re-importing is how staff repair a kiosk)."""
    gen = data_dir.current_generation()
    if gen is None:
        return None
    try:
        try:
            return Store.open_readonly(gen / "catalog.db")
        except OldSchema:
            _upgrade_locked(data_dir, None)
            return Store.open_readonly(data_dir.current_generation() / "catalog.db")
    except DamagedCatalogue as exc:
        log.error("the current catalogue is damaged (%s); importing as onto an empty kiosk", exc.detail)
        return None


def import_package(data_dir: DataDir | Path | str, package: Path | str, *,
                   trust: list[Path] | tuple = (), allow_unsigned: bool = False,
                   progress: Progress | None = None,
                   confirm: frozenset[str] | set[str] | tuple = ()) -> ImportReport:
    """Check ``package`` and make it the kiosk's catalogue, atomically.

    ``trust`` public key files are trusted for this package and, when it applies, installed bound
    to its publisher. ``confirm`` holds the staff confirmations given (CONFIRMATIONS). Raises
    PackageRefused (nothing changed, not even the trusted keys) with the reason in plain Chinese.
    Once another publisher's catalogue applies, the demo key is retired for good.
    """
    confirm = frozenset(confirm)
    unknown = confirm - set(CONFIRMATIONS)
    if unknown:
        raise ValueError(f"unknown confirmations {sorted(unknown)}")
    data_dir = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
    started = time.monotonic()
    def report_progress(stage: str, done: int, total: int) -> None:
        checkpoint(f"{stage}-{done}")
        if progress is not None:
            progress(stage, done, total)

    data_dir.ensure()
    given = [for_package(Path(key)) for key in trust]
    with data_dir.import_lock():
        data_dir.collect_garbage()
        migrate(data_dir)
        try:  # a delta builds on the live indexes: they must be sound (a damaged db counts as none)
            _repair_locked(data_dir, report_progress)
        except DamagedCatalogue:
            pass
        except Exception:  # noqa: BLE001 - the import goes on; a delta on the damaged index fails plainly
            log.exception("the live indexes are damaged and could not be rebuilt before the import")
            data_dir.collect_garbage(staging=False)
        trusted, retired = keys(data_dir), not demo_usable(data_dir)
        for key in given:
            if key.demo and retired:
                raise _refuse("本机已经导入过正式目录，演示公钥已停用（演示私钥是公开的，任何人都能用它签名），"
                              "不能再用 --trust 信任它。", "demo key retired")
            installed = trusted.get(key.fingerprint)
            if installed is None or not installed.publishers:
                trusted[key.fingerprint] = key  # a new key: trusted for this package's publisher
            # an installed key keeps its binding: --trust never widens it (trust add does)
        staging = data_dir.root / f"staging-{uuid.uuid4().hex[:12]}"
        try:
            report_progress("copy", 0, 1)
            staging.mkdir()
            present = stage(Path(package), staging,
                            gate=_signature_gate(data_dir, trusted, allow_unsigned, retired))
            checkpoint("staged")
            report_progress("verify", 0, 1)
            current = _open_current(data_dir)
            try:
                pkg = check_package(staging, present, trusted, current, allow_unsigned=allow_unsigned,
                                    confirm=confirm, demo_retired=retired)
                before = {t: current.record_hashes(t) for t in RECORD_TYPES} if current else {}
                previous_meta = current.meta() if current else None
                previous_history = current.history() if current else []
            finally:
                if current is not None:
                    current.close()
            checkpoint("verified")
            try:
                report = _apply(data_dir, pkg, package, before, previous_meta, report_progress,
                                previous_history)
            except CatalogError:
                raise
            except BaseException as exc:  # a store, indexer or disk failure of any kind; a Rust
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):  # panic is a BaseException
                    raise
                log.exception("apply failed")
                data_dir.collect_garbage(staging=False)  # the half-built generation goes
                kept = "原来的目录照常使用" if previous_meta else "本机目录没有变化"
                if disk_full(exc):
                    raise CatalogError(f"查询机磁盘空间不足，这次更新没有完成。{kept}；"
                                       "请联系技术人员清理磁盘后再导入。", repr(exc)) from exc
                if isinstance(exc, OSError):
                    raise CatalogError(f"写入新目录时出错（{exc.strerror or exc}），这次更新没有完成。"
                                       f"{kept}。", repr(exc)) from exc
                raise CatalogError(f"建立新目录时出错，这次更新没有完成。{kept}；"
                                   "请重新导入，仍不成功请联系县政务公开办。", repr(exc)) from exc
            finally:
                clear_token_cache()  # the segmentation of every line indexed, not needed any more
            # Keys named with --trust are kept only once their package applied, bound to its
            # publisher; and once a real publisher's catalogue is live, the demo key goes.
            publisher = pkg.manifest["publisher"]
            for key in trust:
                try:
                    log.info("trusted key %s from %s for %s",
                             install_key(data_dir, Path(key), [publisher]), key, publisher)
                except (OSError, CatalogError) as exc:  # the catalogue is live already
                    log.error("applied, but key %s was not installed: %r", key, exc)
            if publisher != DEMO_PUBLISHER:
                try:
                    report.demo_key_retired = retire_demo(data_dir)
                except OSError as exc:  # keys() refuses the demo key anyway once this is live
                    log.error("applied, but the demo key was not retired: %r", exc)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    report.took_s = round(time.monotonic() - started, 3)
    log.info("applied package %s seq %s (%s) in %.1fs", pkg.manifest["publisher"],
             pkg.sequence, pkg.kind, report.took_s)
    return report


def _apply(data_dir: DataDir, pkg: Package, package_path: Path | str, before: dict,
           previous_meta: dict | None, progress: Progress,
           previous_history: list[dict] | None = None) -> ImportReport:
    ptr = data_dir.pointer()
    old_gen = data_dir.generation_path(ptr.generation) if ptr.generation else None
    build = data_dir.new_build_dir()
    checkpoint("build-dir")
    db_path = build / "catalog.db"
    progress("store", 0, 1)
    before_faq_refs: dict[str, list[str]] = {}
    # A delta updates the previous index in place of a copy, so it keeps that index's engine;
    # a full package is built with the configured engine.
    engine_name = configured()
    if pkg.kind == "delta":
        engine_name = (previous_meta or {}).get("engine") or "whoosh"
        if engine_name != configured():
            log.info("delta keeps engine %s (configured: %s)", engine_name, configured())
    Engine = engine_class(engine_name)
    delta = pkg.kind == "delta"
    if delta:
        Store.copy(old_gen / "catalog.db", db_path)
        store = Store.open_for_update(db_path)
        before_faq_refs = {f.id: f.documents for f in store.faqs()}
        if (old_gen / "files").exists():
            shutil.copytree(old_gen / "files", build / "files")
    else:
        store = Store.create(db_path)
    try:
        with store.db.conn:
            for rtype in RECORD_TYPES:
                store.delete(rtype, pkg.deleted[rtype])
            for rtype in RECORD_TYPES:
                store.upsert(rtype, pkg.records[rtype])
            if pkg.terms is not None:
                store.replace_terms(pkg.terms)
            applied_at = datetime.now().astimezone().isoformat(timespec="seconds")
            m = pkg.manifest
            store.set_meta(sequence=m["sequence"], publisher=m["publisher"], region=m["region"],
                           kind=m["kind"], created=m.get("created"), applied_at=applied_at,
                           unsigned=pkg.signer is None, signer=pkg.signer,
                           package_sha256=pkg.sha256, engine=engine_name)
            counts = store.counts()
            if not delta:  # a full package starts a new store: the kiosk's history goes with it, so
                for row in previous_history or []:  # an older package of any publisher stays refused
                    store.add_history(row)
            replaced = (previous_meta or {}).get("publisher")
            store.add_history({"sequence": m["sequence"], "publisher": m["publisher"],
                               "region": m["region"], "kind": m["kind"],
                               "base_sequence": m.get("base_sequence"), "created": m.get("created"),
                               "applied_at": applied_at, "sha256": pkg.sha256,
                               "signer": pkg.signer, "unsigned": int(pkg.signer is None),
                               "counts": json.dumps(counts),
                               # a change of publisher, and what staff confirmed, stay on record
                               "replaces": replaced if replaced not in (None, m["publisher"]) else None,
                               "confirmed": ",".join(sorted(pkg.confirmed)) or None})
        checkpoint("store-written")
        for rel in pkg.attachments:
            target = build / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pkg.root / rel, target)
        after = {t: store.record_hashes(t) for t in RECORD_TYPES}
        changes = _changes(before, after)
        doc_total = counts["documents"]
        # The catalogue's own terms join the segmenter's dictionary before indexing, as they do
        # when the catalogue is opened for queries, so both sides split them alike.
        add_user_words(store.user_words())
        index_progress = lambda done, total: progress("index", done, total)  # noqa: E731
        faq_text = store.faq_text()
        if delta:
            # Only what the package names is re-indexed: its documents, and the documents whose
            # FAQ questions changed (FAQ questions are a field of the documents they cite).
            touched = {d["id"] for d in pkg.records["document"]}
            touched |= {doc for f in pkg.records["faq"] for doc in f["documents"]}
            touched |= previous_faq_docs(before_faq_refs, pkg)
            touched -= set(pkg.deleted["document"])
            upserts = [d for d in store.documents(sorted(touched))]
            Engine.copy_and_update(old_gen / "index", build / "index", upserts,
                                         pkg.deleted["document"], index_progress, len(upserts),
                                         faq_text=faq_text)
        else:
            Engine.build(build / "index", store.documents(), doc_total, index_progress,
                               faq_text=faq_text)
        checkpoint("index-built")
        package_vectors = _package_vectors(data_dir, pkg)
        if delta:
            passage_docs = {d["id"] for d in pkg.records["document"]} | set(pkg.deleted["document"])
            _build_passages(store, Engine, build, old_gen, passage_docs, progress)
        else:
            _build_passages(store, Engine, build, None, None, progress)
        checkpoint("passages-built")
        _build_search_aids(store, Engine(build / "index"))
        _build_faq_vectors(store, old_gen / "catalog.db" if old_gen else None,
                           lambda done, total: progress("qa", done, total), package_vectors)
        _self_test(store, Engine(build / "index"))
    finally:
        store.close()
    progress("switch", 0, 1)
    # Keep the applied package beside the catalogue (audit, and re-applying after a roll back).
    kept = data_dir.packages / f"{pkg.sequence:08d}-{pkg.sha256[:12]}{Path(package_path).suffix or '.dir'}"
    if Path(package_path).is_file() and not kept.exists():
        shutil.copyfile(package_path, kept)
    name = data_dir.publish_build(build, pkg.sequence)
    checkpoint("published")
    data_dir.set_pointer(Pointer(name, ptr.generation))
    checkpoint("switched")
    # The new catalogue is live. What follows is housekeeping: its failure (or a progress reader
    # that went away) must not be reported as a failed update; the next import collects leftovers.
    try:
        data_dir.collect_garbage(staging=False)
        _prune_packages(data_dir)
        progress("switch", 1, 1)
    except Exception:  # noqa: BLE001 - logged; the update itself is done
        log.exception("housekeeping after the switch failed; the new catalogue is live")
    return ImportReport(
        sequence=pkg.sequence,
        previous_sequence=previous_meta["sequence"] if previous_meta else None,
        publisher=pkg.manifest["publisher"], region=pkg.manifest["region"], kind=pkg.kind,
        unsigned=pkg.signer is None, signer=pkg.signer, took_s=0.0, changes=changes,
        replaced_publisher=(previous_meta or {}).get("publisher")
        if (previous_meta or {}).get("publisher") not in (None, pkg.manifest["publisher"]) else None)


def previous_faq_docs(before: dict[str, list[str]], pkg: Package) -> set[str]:
    """Documents that FAQs changed or removed by the package used to cite."""
    ids = {f["id"] for f in pkg.records["faq"]} | set(pkg.deleted["faq"])
    return {doc for fid in ids for doc in before.get(fid, [])}


def _build_search_aids(store: Store, engine) -> None:
    """The vocabulary (pinyin, corrections) and the typing suggestions of the new generation."""
    from catalog.search import suggest, vocab
    from catalog.search.synonyms import Synonyms

    syn = Synonyms.for_catalogue(store.terms())
    try:
        freq = vocab.word_freqs(store, engine.lexicon(), syn.words())
    finally:
        engine.close()
    with store.db.conn:
        store.replace_vocab(vocab.rows(freq))
        # terms worth suggesting: words of the catalogue's own groups and synonyms found in it
        terms = {w: 0.8 + min(freq.get(w, 0), 50) / 100 for g in store.terms() for w in g}
        for w in syn.words():
            if freq.get(w, 0) > 0:
                terms.setdefault(w, 0.6 + min(freq[w], 50) / 100)
        store.replace_suggestions(suggest.build_rows(store, sorted(terms.items())))


def _passage_doc(doc, passage) -> "Document":
    """A passage as the engines index it: its document's filters, the title and passage as body."""
    from catalog.model import Document
    from catalog.answers.passages import indexed_text

    return Document(id=passage.key, title="", kind=doc.kind, doc_number=None, index_number=None,
                    issuer=None, region=doc.region, written=doc.written, published=doc.published,
                    status=doc.status, domains=list(doc.domains), items=[], interprets=None, url=None,
                    body=indexed_text(doc.title, passage.text), attachments=[])


def _build_passages(store: Store, Engine, build: Path, old_gen: Path | None,
                    doc_ids: set[str] | None, progress) -> None:
    """Cut documents into passages (catalog.answers.passages), store them with their vector keys, and
    index them in ``build/passages``: every document, or (a delta, with ``old_gen``) only
    ``doc_ids``, on a copy of the previous generation's passage index."""
    from catalog.answers.passages import indexed_text, split
    from catalog.answers.vectors import passage_key

    incremental = doc_ids is not None and old_gen is not None and (old_gen / "passages").is_dir()
    if doc_ids is not None and not incremental:
        doc_ids = None  # the previous generation has no passage index: build it whole
    removed = store.passage_keys(sorted(doc_ids)) if incremental else []
    docs = store.documents(sorted(doc_ids)) if incremental else store.documents()
    pseudo: list = []
    rows: list = []
    seen: list[str] = []
    with store.db.conn:
        for doc in docs:
            seen.append(doc.id)
            for p in split(doc):
                rows.append((p, passage_key(indexed_text(doc.title, p.text)).hex()))
                pseudo.append(_passage_doc(doc, p))
            if len(rows) >= 5000:
                store.replace_passages(seen, rows)
                seen, rows = [], []
        store.replace_passages(sorted(doc_ids) if incremental else seen, rows)
    if incremental:
        Engine.copy_and_update(old_gen / "passages", build / "passages", pseudo, removed,
                               lambda d, t: progress("passages", d, t), len(pseudo))
    else:
        Engine.build(build / "passages", pseudo, len(pseudo), lambda d, t: progress("passages", d, t))


def _package_vectors(data_dir: DataDir, pkg: Package):
    """The vectors a package brings (vectors.bin, checked by the manifest's hash) go into the
    kiosk's vector cache at once; returns a lookup key -> float32 vector (or None) for
    ``_build_faq_vectors``. Nothing when the package has none or they are for another model (then
    the kiosk embeds what it needs itself)."""
    from catalog.answers import semantic, vectors

    if vectors.FILE not in pkg.manifest["files"]:
        return None
    got = vectors.read_file(pkg.root / vectors.FILE)
    if got is None:
        return None
    keys, q, scales = got
    cache = vectors.cache_for(data_dir)
    try:
        cache.add(keys, q, scales)
    finally:
        cache.close()
    if not semantic.available():
        return None
    row = {k: i for i, k in enumerate(keys)}

    def lookup(key: bytes):
        i = row.get(key)
        return None if i is None else vectors.dequantize(q[i:i + 1], scales[i:i + 1])[0]

    return lookup


def _build_faq_vectors(store: Store, previous_db: Path | None, progress, package_vectors=None) -> None:
    """Sentence vectors of every FAQ question and variant (catalog.answers.semantic), when the model is
    installed; texts the previous catalogue already had are not embedded again."""
    from catalog.answers import semantic
    from catalog.answers.qa import faq_texts

    if not semantic.available():
        return
    texts = sorted({t for f in store.faqs() for t in faq_texts(f)})
    keys = {t: semantic.key(t) for t in texts}
    have = store.vectors(list(keys.values()))
    if previous_db is not None and previous_db.exists() and len(have) < len(keys):
        try:
            old = Store.open_readonly(previous_db, check_version=False)
        except DamagedCatalogue:  # the package replaces a damaged catalogue: nothing to reuse
            old = None
        if old is not None:
            try:
                if "text_vectors" in old.db.table_names():
                    have.update(old.vectors([k for k in keys.values() if k not in have]))
            finally:
                old.close()
    for t in texts:
        v = package_vectors(bytes.fromhex(keys[t])) if package_vectors and keys[t] not in have else None
        if v is not None:
            have[keys[t]] = v.tobytes()
    missing = [t for t in texts if keys[t] not in have]
    if missing:
        vectors = semantic.embed(missing, progress)
        for t, v in zip(missing, vectors):
            have[keys[t]] = v.tobytes()
    wanted = set(keys.values())
    with store.db.conn:
        store.replace_vectors({k: v for k, v in have.items() if k in wanted})
    checkpoint("vectors-built")


def _self_test(store: Store, engine) -> None:
    """Before the switch, the new generation must answer: the index holds exactly the store's
    documents and a search for a document's own title finds it."""
    try:
        ids = store.ids("document")
        indexed = engine.all_ids()
        if indexed != ids:
            raise CatalogError("新目录自检失败（检索索引与目录数据不一致），已保留原目录。请重新导入。",
                               f"self-test: {len(indexed)} indexed vs {len(ids)} stored")
        if ids:
            from catalog.search.analysis import query_words
            from catalog.search.query import Alternative, Group

            probe = next(store.documents([min(ids)]))
            groups = [Group(w, [Alternative(w)]) for w in query_words(probe.title)[:4]]
            raw = engine.search(groups, require_all=True, filters={}, limit=1000)
            if groups and probe.id not in {doc_id for doc_id, _ in raw.hits}:
                raise CatalogError("新目录自检失败（检索不到已导入的文件），已保留原目录。请重新导入。",
                                   f"self-test: {probe.id} not found by its title")
    finally:
        engine.close()


def _prune_packages(data_dir: DataDir) -> None:
    kept = sorted(data_dir.packages.iterdir(), key=lambda p: p.name)
    for old in kept[:-settings.KEEP_PACKAGES]:
        if old.is_file():
            old.unlink(missing_ok=True)


def upgrade(data_dir: DataDir | Path | str, progress: Progress | None = None) -> None:
    """Rebuild the current generation for this version of the software (new schema, new index
    fields, the configured engine), atomically like an import; the old one stays for roll back."""
    data_dir = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
    with data_dir.import_lock():
        data_dir.collect_garbage()
        try:
            _upgrade_locked(data_dir, progress)
        finally:
            clear_token_cache()  # the segmentation of every line indexed, not needed any more


def _upgrade_locked(data_dir: DataDir, progress: Progress | None) -> None:
    ptr = data_dir.pointer()
    old_gen = data_dir.generation_path(ptr.generation)
    old = Store.open_readonly(old_gen / "catalog.db", check_version=False)
    try:
        version = old.db.execute("PRAGMA user_version").fetchone()[0]
        sequence = old.meta()["sequence"]
    finally:
        old.close()
    if version >= SCHEMA_VERSION:
        return
    log.info("upgrading generation %s from schema %s", ptr.generation, version)
    name = _rebuild(data_dir, old_gen, sequence, progress)
    data_dir.set_pointer(Pointer(name, ptr.generation))  # the old one stays for roll back
    data_dir.collect_garbage(staging=False)


def _rebuild(data_dir: DataDir, old_gen: Path, sequence: int, progress: Progress | None) -> str:
    """A new generation from ``old_gen``'s db alone: the db copied (and migrated), every index
    built afresh with the configured engine, checked by the self-test; returns its name. The
    pointer is the caller's to move."""
    report = progress or (lambda stage, done, total: None)
    build = data_dir.new_build_dir()
    try:
        _rebuild_into(build, old_gen, report)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)  # nothing half-built stays behind
        raise
    return data_dir.publish_build(build, sequence)


def _rebuild_into(build: Path, old_gen: Path, report: Progress) -> None:
    Store.copy(old_gen / "catalog.db", build / "catalog.db")
    store = Store.open_for_update(build / "catalog.db")
    try:
        engine_name = configured()
        if (old_gen / "files").exists():
            shutil.copytree(old_gen / "files", build / "files")
        add_user_words(store.user_words())
        Engine = engine_class(engine_name)
        Engine.build(build / "index", store.documents(), store.counts()["documents"],
                     lambda d, t: report("index", d, t), faq_text=store.faq_text())
        with store.db.conn:
            store.set_meta(engine=engine_name)
        _build_passages(store, Engine, build, None, None, report)
        _build_search_aids(store, Engine(build / "index"))
        _build_faq_vectors(store, old_gen / "catalog.db", lambda d, t: report("qa", d, t))
        _self_test(store, Engine(build / "index"))
    finally:
        store.close()


@dataclass
class RepairReport:
    repaired: bool
    sequence: int
    problem: str | None  # what was wrong (for the log and staff), None when nothing was
    took_s: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def repair(data_dir: DataDir | Path | str, progress: Progress | None = None, *,
           force: bool = False) -> RepairReport:
    """Rebuild the live catalogue's search indexes from its db when they are missing, unreadable
    or do not match it (catalog.search.engines.open_index), atomically like an import: the new
    generation replaces the damaged one, whose roll-back target stays the same. Nothing is done
    when they are sound, unless ``force`` (a search failed inside an index that passed the checks).
    A damaged db cannot be rebuilt from: DamagedCatalogue (re-import)."""
    data_dir = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
    began = time.monotonic()
    with data_dir.import_lock():
        data_dir.collect_garbage()
        try:
            got = _repair_locked(data_dir, progress, force, trust_unsealed=False)
        finally:
            clear_token_cache()
    if got is None:
        raise NoCatalogue("本机还没有目录。请由工作人员导入目录更新包。", f"no CURRENT in {data_dir.root}")
    sequence, problem = got
    return RepairReport(problem is not None, sequence, problem, round(time.monotonic() - began, 3))


def _repair_locked(data_dir: DataDir, progress: Progress | None, force: bool = False,
                   trust_unsealed: bool = True) -> tuple[int, str | None] | None:
    """(sequence, what was wrong or None) of the live generation, its indexes rebuilt when they
    needed it; None when there is no catalogue. A generation from before seals (catalog.packaging.datadir.
    seal) passes unless ``trust_unsealed`` is false (what ``repair`` asks: it cannot be checked)."""
    ptr = data_dir.pointer()
    if ptr.generation is None:
        return None
    gen = data_dir.generation_path(ptr.generation)
    try:
        store = Store.open_readonly(gen / "catalog.db")
    except OldSchema:
        _upgrade_locked(data_dir, progress)  # an upgrade rebuilds every index anyway
        return _sequence(data_dir), "older schema"
    try:
        sequence = store.meta()["sequence"]
        engine, problem = open_index(store, gen)
        if engine is not None:
            engine.close()
    finally:
        store.close()
    if problem is None and force:
        problem = "rebuild asked for (an index failed while in use)"
    if problem is None and not trust_unsealed and not (gen / SEAL).exists():
        problem = "no seal (built by an older version): its files cannot be checked"
    if problem is None:
        return sequence, None
    log.warning("rebuilding the indexes of generation %s: %s", ptr.generation, problem)
    if progress is not None:
        progress("repair", 0, 0)
    name = _rebuild(data_dir, gen, sequence, progress)
    checkpoint("repair-switch")
    data_dir.set_pointer(Pointer(name, ptr.previous))  # the damaged one is nothing to return to
    data_dir.collect_garbage(staging=False)
    return sequence, problem


def _sequence(data_dir: DataDir) -> int:
    store = Store.open_readonly(data_dir.generation_path(data_dir.pointer().generation) / "catalog.db")
    try:
        return store.meta()["sequence"]
    finally:
        store.close()


@dataclass
class RollbackReport:
    from_sequence: int
    to_sequence: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def rollback(data_dir: DataDir | Path | str) -> RollbackReport:
    """Serve the previous catalogue again (one step back)."""
    data_dir = data_dir if isinstance(data_dir, DataDir) else DataDir(data_dir)
    with data_dir.import_lock():
        ptr = data_dir.pointer()
        if ptr.generation is None:
            raise CatalogError("本机还没有目录，无法回退。")
        if ptr.previous is None or not (data_dir.generation_path(ptr.previous) / "catalog.db").exists():
            raise CatalogError("没有可以回退的上一版目录。")
        migrate(data_dir)  # a roll back to the demo must not bring the demo key back
        now = Store.open_readonly(data_dir.generation_path(ptr.generation) / "catalog.db", check_version=False)
        prev = Store.open_readonly(data_dir.generation_path(ptr.previous) / "catalog.db", check_version=False)
        try:
            report = RollbackReport(now.meta()["sequence"], prev.meta()["sequence"])
        finally:
            now.close()
            prev.close()
        data_dir.set_pointer(Pointer(ptr.previous, None))
        data_dir.collect_garbage()
    log.info("rolled back from %s to %s", report.from_sequence, report.to_sequence)
    return report


# ---------------------------------------------------------------------------------------------
# building packages (the county office's side)

@dataclass
class PackReport:
    path: Path
    sequence: int
    kind: str
    base_sequence: int | None
    files: dict[str, str] = field(default_factory=dict)
    fingerprint: str | None = None

    def to_json(self) -> dict[str, Any]:
        """``pack --json``: the number of files, and whether passage vectors went in."""
        return {"path": str(self.path), "sequence": self.sequence, "kind": self.kind,
                "base_sequence": self.base_sequence, "files": len(self.files),
                "fingerprint": self.fingerprint, "vectors": "vectors.bin" in self.files}


def _jsonl_records(path: Path, rtype: str) -> dict[str, str]:
    out = {}
    if path.exists():
        for _ in read_records(path, rtype):  # every line checked as an import would, with its number
            pass
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            if line.strip():
                rec = json.loads(line)
                out[rec["id"]] = line.strip()
    return out


def _source_bytes(source_dir: Path, rel: str) -> bytes:
    """A source file as it goes into the package; a text file saved by Notepad loses its BOM."""
    data = (source_dir / rel).read_bytes()
    if rel.endswith((".jsonl", ".txt")) and not rel.startswith("files/"):
        data = data.removeprefix(b"\xef\xbb\xbf")
    return data


def _check_before_signing(root: Path, contents: dict[str, bytes], manifest: dict[str, Any]) -> None:
    """What pack signs passes the checks an import makes of records, deletions, terms and (for a
    full package) references: a package no kiosk would take is never signed."""
    root.mkdir()
    for rel, data in contents.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    try:
        records, deleted, _terms = _read_all(root, manifest)
        if manifest["kind"] == "full":
            _check_references(records, deleted, None, "full", {p for p in contents if p.startswith("files/")})
    except PackageRefused as exc:
        message = exc.message.replace("已拒绝导入，目录没有任何改动。", "").replace("已拒绝导入。", "").rstrip("。")
        raise CatalogError(f"{message}。没有制作更新包，请改正后重试。", exc.detail) from None


def _created() -> str:
    # SOURCE_DATE_EPOCH makes builds reproducible (the demo package is rebuilt byte for byte).
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


def pack(source_dir: Path | str, out_zip: Path | str, *, key: Path | str | None,
         sequence: int | None = None, base: Path | str | None = None, vectors: bool = True,
         vector_cache: Path | str | None = None, progress: Progress | None = None) -> PackReport:
    """Build a signed package from ``source_dir`` (which holds manifest.json for publisher and
    region, the JSON Lines files and ``files/``). With ``base`` the package is a delta against
    that earlier package; ``key=None`` leaves it unsigned. ``vectors`` adds ``vectors.bin``, the
    sentence vectors of its passages and FAQ texts (catalog.answers.vectors), computed here once so that
    no kiosk has to; ``vector_cache`` is where computed vectors are kept between packs."""
    import tempfile
    import zipfile

    source_dir, out_zip = Path(source_dir), Path(out_zip)
    try:
        src_manifest = json.loads((source_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogError(f"无法读取 {source_dir}/manifest.json，它须给出 publisher 和 region。",
                           str(exc)) from exc
    if not isinstance(src_manifest, dict):
        raise CatalogError(f"{source_dir}/manifest.json 须是一个 JSON 对象，给出 publisher 和 region。")
    check_publisher_name(src_manifest.get("publisher"))
    manifest = {k: v for k, v in src_manifest.items() if k not in ("files", "created", "base_sequence")}
    manifest["format"] = settings.PACKAGE_FORMAT
    manifest["format_version"] = settings.PACKAGE_FORMAT_VERSION
    source_files = sorted(p.relative_to(source_dir).as_posix() for p in source_dir.rglob("*")
                          if p.is_file() and p.name not in META_FILES)
    # Only what a package holds goes in: a private key or a log left in the folder must not be
    # shipped to every township (refused, not skipped: a misnamed record file would vanish).
    allowed = set(FILES.values()) | {"terms.txt"}  # vectors.bin is computed, never taken from here
    stray = [r for r in source_files if (r not in allowed and not r.startswith("files/"))
             or r.endswith(".key")]
    if stray:
        shown = "、".join(stray[:5]) + ("等" if len(stray) > 5 else "")
        raise CatalogError(f"{source_dir} 中有不属于更新包的文件：{shown}。请把它们移走（私钥绝不能放进更新包）"
                           "后再制作。", f"stray files: {stray}")
    contents: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if base is None:
            manifest["kind"] = "full"
            if sequence is not None:
                manifest["sequence"] = sequence
            if not isinstance(manifest.get("sequence"), int):
                raise CatalogError("请用 --sequence 给出版本号，或在 manifest.json 中写明 sequence。")
            for rel in source_files:
                contents[rel] = _source_bytes(source_dir, rel)
        else:
            base_root = Path(tmp) / "base"
            base_root.mkdir()
            present = stage(Path(base), base_root)
            base_manifest = read_manifest((base_root / "manifest.json").read_bytes())
            if base_manifest["publisher"] != manifest.get("publisher"):
                raise CatalogError("基础包与本目录的发布单位不同，无法制作增量包。")
            base_seq = base_manifest["sequence"]
            manifest["kind"] = "delta"
            manifest["base_sequence"] = base_seq
            manifest["sequence"] = sequence if sequence is not None else base_seq + 1
            if manifest["sequence"] <= base_seq:
                raise CatalogError("增量包的版本号必须大于基础包的版本号。")
            deleted_lines = []
            for rtype in RECORD_TYPES:
                fname = FILES[rtype]
                old = _jsonl_records(base_root / fname, rtype)
                new = _jsonl_records(source_dir / fname, rtype)
                if base_manifest["kind"] == "delta":
                    raise CatalogError("基础包必须是完整包（请用上一次的完整包作为 --base）。")
                changed = [line for rid, line in new.items() if old.get(rid) != line]
                if changed:
                    contents[fname] = ("\n".join(changed) + "\n").encode("utf-8")
                for rid in sorted(set(old) - set(new)):
                    deleted_lines.append(json.dumps({"type": rtype, "id": rid}, ensure_ascii=False))
            if deleted_lines:
                contents["deleted.jsonl"] = ("\n".join(deleted_lines) + "\n").encode("utf-8")
            for rel in source_files:
                if rel.endswith(".jsonl") and rel in FILES.values():
                    continue
                data = _source_bytes(source_dir, rel)
                if rel not in present or (base_root / rel).read_bytes() != data:
                    contents[rel] = data
        contents.pop("vectors.bin", None)
        if vectors:
            from catalog.answers import vectors as vec

            data = vec.build_file(contents, Path(vector_cache) if vector_cache else None,
                                  (lambda d, t: progress("vectors", d, t)) if progress else None)
            if data is not None:
                contents[vec.FILE] = data
        if not 1 <= manifest["sequence"] <= settings.MAX_SEQUENCE:
            raise CatalogError(f"版本号须在 1 到 {settings.MAX_SEQUENCE} 之间。")
        manifest["created"] = _created()
        manifest["files"] = {rel: hashlib.sha256(data).hexdigest() for rel, data in sorted(contents.items())}
        _check_before_signing(Path(tmp) / "check", contents, manifest)
        raw_manifest = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
        signature = None
        fp = None
        if key is not None:
            private = load_private(Path(key))
            signature = sign(private, raw_manifest)
            from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

            fp = fingerprint(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
        out_zip.parent.mkdir(parents=True, exist_ok=True)
        tmp_zip = out_zip.with_name(out_zip.name + ".part")
        with zipfile.ZipFile(tmp_zip, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            def add(name: str, data: bytes) -> None:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o100644 << 16
                zf.writestr(info, data)
            add("manifest.json", raw_manifest)
            if signature is not None:
                add("manifest.sig", signature)
            for rel, data in sorted(contents.items()):
                add(rel, data)
        os.replace(tmp_zip, out_zip)
    return PackReport(out_zip, manifest["sequence"], manifest["kind"], manifest.get("base_sequence"),
                      manifest["files"], fp)

