"""Building a signed package (the county office's side): ``python -m catalog pack``.

A source folder (manifest.json with publisher and region, the JSON Lines record files, terms.txt
and ``files/``) becomes a full package, or with ``base`` a delta against an earlier one, with the
sentence vectors of its passages and FAQ texts; what it would sign passes the record and
reference checks an import makes (catalog.packaging.checks), so no kiosk is ever sent a package
it would refuse.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from catalog import settings
from catalog.errors import CatalogError, PackageRefused
from catalog.model import Progress
from catalog.packaging.archive import stage
from catalog.packaging.checks import META_FILES, check_references, read_contents, read_manifest
from catalog.packaging.records import FILES, RECORD_TYPES, read_records
from catalog.packaging.signing import fingerprint, load_private, sign
from catalog.packaging.trust import check_publisher_name


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
        records, deleted, _terms = read_contents(root, manifest)
        if manifest["kind"] == "full":
            check_references(records, deleted, None, "full", {p for p in contents if p.startswith("files/")})
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
