"""Checking a staged package completely before anything of it is applied.

``check_package`` reads the manifest (``read_manifest``), verifies its signature against the
trusted keys bound to its publisher (``check_signature``), every file's hash, every record
(``read_contents``), every reference in the catalogue as it will be (``check_references``) and the
sequence rules (``_check_sequence``); a failure is a PackageRefused with the reason in plain
Chinese and, where a staff confirmation (CONFIRMATIONS) would lift it, the one it ``needs``.
``catalog.packaging.pack`` runs the same record and reference checks before it signs anything.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog import settings
from catalog.errors import CatalogError, PackageRefused
from catalog.packaging.archive import safe_relpath
from catalog.packaging.records import FILES, LABELS, RECORD_TYPES, read_records, read_terms
from catalog.packaging.signing import verify
from catalog.packaging.trust import DEMO_PUBLIC_KEY, DEMO_PUBLISHER, TrustedKey, check_publisher_name, skeleton
from catalog.store import Store

log = logging.getLogger("catalog.packaging.checks")

META_FILES = ("manifest.json", "manifest.sig")
_HEX64 = set("0123456789abcdef")


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



def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def refuse(msg: str, detail: str = "", needs: str | None = None) -> PackageRefused:
    return PackageRefused(f"{msg}已拒绝导入，目录没有任何改动。", detail or msg, needs)


# Staff confirmations that lift a refusal (``import --change-publisher`` / ``--allow-sequence-jump``,
# or the staff screen's 确认 button).
CONFIRMATIONS = {"change_publisher": "--change-publisher", "sequence_jump": "--allow-sequence-jump"}


def read_manifest(raw: bytes) -> dict[str, Any]:
    """Parse and check manifest.json (format version 1)."""
    if len(raw) > settings.MANIFEST_MAX_BYTES:
        raise refuse("更新包的清单文件 manifest.json 过大，不是正常的更新包。", f"manifest of {len(raw)} bytes")
    try:
        m = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError: bad JSON, or an integer of thousands of digits; RecursionError: absurd nesting
        raise refuse("更新包的清单文件 manifest.json 不是有效的 JSON（或含有过长的数字、过深的嵌套）。",
                      repr(exc)[:300]) from None
    if not isinstance(m, dict) or m.get("format") != settings.PACKAGE_FORMAT:
        raise refuse("这不是政务公开目录更新包（清单格式不符）。", f"format {m.get('format') if isinstance(m, dict) else m!r}")
    if m.get("format_version") != settings.PACKAGE_FORMAT_VERSION:
        raise refuse(f"更新包的格式版本（{m.get('format_version')}）本机不支持，请升级查询机软件。",
                      f"format_version {m.get('format_version')!r}")
    for key in ("publisher", "region"):
        if not isinstance(m.get(key), str) or not m[key].strip():
            raise refuse(f"更新包的清单缺少“{key}”。")
    try:
        check_publisher_name(m["publisher"])
    except CatalogError as exc:
        raise refuse("更新包清单中的发布单位名称含有不可见字符、特殊字符或多余的空格，或者过长，"
                      "可能是冒充的。", exc.detail) from None
    seq = m.get("sequence")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise refuse("更新包的清单中版本号（sequence）无效。", f"sequence {seq!r}")
    if seq > settings.MAX_SEQUENCE:
        raise refuse(f"更新包的版本号（第 {seq} 版）超出了允许的范围（最大 {settings.MAX_SEQUENCE}），"
                      "可能是制作错误或伪造的更新包。", f"sequence {seq} > {settings.MAX_SEQUENCE}")
    if m.get("kind") not in ("full", "delta"):
        raise refuse("更新包的清单中类型（kind）应为 full 或 delta。", f"kind {m.get('kind')!r}")
    if m["kind"] == "delta":
        base = m.get("base_sequence")
        if not isinstance(base, int) or isinstance(base, bool) or base < 1 or base >= seq:
            raise refuse("增量更新包的清单中基础版本号（base_sequence）无效。", f"base {base!r}")
    files = m.get("files")
    if not isinstance(files, dict):
        raise refuse("更新包的清单缺少文件列表（files）。")
    for path, digest in files.items():
        if safe_relpath(path) != path or path in META_FILES:
            raise refuse(f"更新包的清单中有不安全的文件路径（{path}）。")
        if not isinstance(digest, str) or len(digest) != 64 or not set(digest) <= _HEX64:
            raise refuse(f"更新包的清单中文件 {path} 的校验值格式不对。")
    return m


def check_signature(root: Path, raw_manifest: bytes, manifest: dict[str, Any],
                     trusted: dict[str, TrustedKey], allow_unsigned: bool,
                     real_catalogue_seen: bool) -> str | None:
    """The fingerprint of the trusted key that signed the manifest, which must be bound to the
    manifest's publisher (None for an unsigned package accepted with --allow-unsigned)."""
    sig_path = root / "manifest.sig"
    if not sig_path.exists():
        if allow_unsigned:
            log.warning("accepting an unsigned package (--allow-unsigned)")
            return None
        raise refuse("更新包没有签名（缺少 manifest.sig），无法确认来源。")
    signature = sig_path.read_bytes()
    demo_signed = verify(signature, raw_manifest, {"demo": DEMO_PUBLIC_KEY}) is not None
    if demo_signed and not any(k.demo for k in trusted.values()):
        raise refuse("这个更新包是用演示公钥签名的。本机已经导入过正式目录，演示公钥已停用（演示私钥是公开的，"
                      "任何人都能用它签名），不再接受演示签名的更新包。" if real_catalogue_seen else
                      "这个更新包是用演示公钥签名的，而本机没有信任演示公钥。", "signed by the demo key")
    if not trusted:
        raise refuse("本机还没有安装任何发布单位的公钥，无法验证更新包的签名。请先安装县级发布单位提供的公钥。")
    signer = verify(signature, raw_manifest, {fp: k.raw for fp, k in trusted.items()})
    if signer is None:
        raise refuse("更新包的签名验证失败：包可能被改动过，或签名者的公钥没有在本机安装。",
                      "signature does not verify against any trusted key")
    key, publisher = trusted[signer], manifest["publisher"]
    if not key.may_sign(publisher):
        if key.demo:
            raise refuse(f"这个更新包用演示公钥签名，却自称来自“{publisher}”。演示公钥只能签名演示目录。",
                          f"demo key signing for {publisher!r}")
        allowed = "、".join(f"“{p}”" for p in key.publishers) or "（没有指定发布单位）"
        raise refuse(f"更新包自称来自“{publisher}”，但签名的公钥（指纹 {signer}）在本机只被信任用于"
                      f"{allowed}，不能用来发布“{publisher}”的目录。如确属新的发布单位，请先在“信任的公钥”中"
                      "为它安装公钥。", f"key {signer} not bound to {publisher!r}")
    return signer


def _check_files(root: Path, present: list[str], manifest: dict[str, Any]) -> None:
    listed: dict[str, str] = manifest["files"]
    for rel in present:
        if rel in META_FILES:
            continue
        if rel not in listed:
            raise refuse(f"更新包中有清单未列出的文件（{rel}）。")
    for rel, digest in listed.items():
        path = root / rel
        if not path.is_file():
            raise refuse(f"更新包缺少清单中列出的文件（{rel}）。")
        if _sha256_file(path) != digest:
            raise refuse(f"更新包中的文件 {rel} 与清单的校验值不符，可能已损坏或被改动。",
                          f"sha256 mismatch for {rel}")


def read_contents(root: Path, manifest: dict[str, Any]) -> tuple[dict, dict, list | None]:
    listed = manifest["files"]
    records: dict[str, list[dict[str, Any]]] = {}
    for rtype in RECORD_TYPES:
        fname = FILES[rtype]
        if fname not in listed:
            if manifest["kind"] == "full" and rtype != "faq":
                raise refuse(f"完整更新包缺少 {fname}。")
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
            raise refuse("完整更新包不应包含 deleted.jsonl。")
        for _, rec in read_records(root / "deleted.jsonl", "deleted"):
            deleted[rec["type"]].append(rec["id"])
    for rtype in RECORD_TYPES:
        both = sorted(set(deleted[rtype]) & {r["id"] for r in records[rtype]})
        if both:
            raise refuse(f"增量更新包既删除又更新了同一个{LABELS[rtype]}（编号“{both[0]}”），无法确定应保留哪个。",
                          f"deleted and updated: {both[:5]}")
    terms = read_terms(root / "terms.txt") if "terms.txt" in listed else None
    return records, deleted, terms


def check_references(pkg_records: dict, deleted: dict, current: Store | None, kind: str,
                      files_available: set[str]) -> None:
    """Every id a record names must exist in the catalogue as it will be after the package."""
    # The reference-bearing fields of every record of the resulting catalogue.
    merged: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in RECORD_TYPES}
    if kind == "delta" and current is not None:
        for rtype in RECORD_TYPES:
            existing = current.ids(rtype)
            for rid in deleted[rtype]:
                if rid not in existing:
                    raise refuse(f"增量更新包要删除的{LABELS[rtype]}“{rid}”在本机目录中不存在，可能不是基于本机版本制作的。")
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
                raise refuse(f"{LABELS[owner_type]}“{owner}”的{what}引用了不存在的{LABELS[rtype]}“{rid}”。",
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
                raise refuse(f"文件“{did}”的附件 {att['path']} 不在更新包中。")
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
            raise refuse("这是增量更新包，本机还没有目录。请先导入完整目录更新包。")
        _check_jump(seq, 0, confirm)
        return
    current_publisher = current_meta.get("publisher")
    if publisher == current_publisher:
        have = current_meta["sequence"]
        if seq <= have:
            raise refuse(f"更新包的版本（第 {seq} 版）不比本机目录（第 {have} 版）新，可能是旧包或重复导入。")
        if manifest["kind"] == "delta" and manifest["base_sequence"] != have:
            raise refuse(f"这个增量更新包要求本机是第 {manifest['base_sequence']} 版，而本机是第 {have} 版。"
                          "请使用与本机版本相符的增量包，或导入完整目录更新包。")
        _check_jump(seq, have, confirm)
        return
    if skeleton(publisher) == skeleton(current_publisher or ""):
        raise refuse(f"更新包的发布单位名称“{publisher}”与本机目录的“{current_publisher}”看起来一样，其实并不相同"
                      "（含有全角、大小写或空格上的差别），可能是冒充的。请与县政务公开办核对。",
                      f"lookalike publisher {publisher!r} vs {current_publisher!r}")
    if manifest["kind"] == "delta":
        raise refuse(f"这个增量更新包来自“{publisher}”，而本机目录来自“{current_publisher}”。"
                      "请导入完整目录更新包。")
    seen = [h["sequence"] for h in history if h["publisher"] == publisher]
    if seen and seq <= max(seen):
        raise refuse(f"更新包的版本（第 {seq} 版）不比本机曾导入的该单位目录（第 {max(seen)} 版）新。")
    if current_publisher != DEMO_PUBLISHER and "change_publisher" not in confirm:
        raise refuse(f"这个更新包来自“{publisher}”，而本机目录来自“{current_publisher}”。改用另一个发布单位的目录"
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
        raise refuse(f"更新包的版本号（第 {seq} 版）{where}。这可能是制作错误或伪造的更新包：导入后，该单位正常的更新包"
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
        raise refuse("更新包缺少清单文件 manifest.json。")
    raw = (staged / "manifest.json").read_bytes()
    manifest = read_manifest(raw)
    history = current.history() if current is not None else []
    real_seen = demo_retired or any(h["publisher"] != DEMO_PUBLISHER for h in history)
    signer = check_signature(staged, raw, manifest, trusted, allow_unsigned, real_seen)
    _check_files(staged, present, manifest)
    current_meta = current.meta() if current is not None else None
    _check_sequence(manifest, current_meta, history, frozenset(confirm))
    records, deleted, terms = read_contents(staged, manifest)
    attachments = [p for p in manifest["files"] if p.startswith("files/")]
    available = set(attachments)
    if manifest["kind"] == "delta" and current is not None:
        old_files = current.path.parent / "files"
        if old_files.exists():
            available |= {p.relative_to(current.path.parent).as_posix()
                          for p in old_files.rglob("*") if p.is_file()}
    check_references(records, deleted, current, manifest["kind"], available)
    return Package(staged, manifest, signer, records, deleted, terms, attachments,
                   hashlib.sha256(raw).hexdigest(), _confirmations_needed(manifest, current_meta, history, confirm))


def _confirmations_needed(manifest: dict[str, Any], current_meta: dict[str, Any] | None,
                          history: list[dict], confirm: frozenset[str]) -> frozenset[str]:
    """Which of the confirmations given this package really needed (recorded in the history)."""
    needed = set()
    for one in confirm:
        try:
            _check_sequence(manifest, current_meta, history, confirm - {one})
        except PackageRefused as exc:
            if exc.needs == one:
                needed.add(one)
    return frozenset(needed)

