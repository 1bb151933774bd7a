"""Copy a package (a folder or a .zip) into a private staging folder, safely.

Everything is copied before anything is read, so a USB stick pulled mid-way fails here, cleanly,
and the files later checked are the files later applied. Zip entries that escape the package
folder, links, special files, oversized or over-compressed entries are refused.
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from catalog import settings
from catalog.errors import CatalogError, PackageRefused, disk_full

_CHUNK = 1024 * 1024


def safe_relpath(name: str) -> str | None:
    """The normalised relative path of a package member, or None when it could escape."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return None
    p = PurePosixPath(name)
    parts = [x for x in p.parts if x not in ("", ".")]
    if not parts or any(x == ".." for x in parts) or ":" in parts[0]:
        return None
    return "/".join(parts)


def stage(source: Path, dest: Path) -> list[str]:
    """Copy the package at ``source`` into the empty folder ``dest``; returns the relative paths."""
    source = Path(source)
    try:
        if source.is_dir():
            return _stage_dir(source, dest)
        if source.is_file():
            return _stage_zip(source, dest)
    except PackageRefused:
        raise
    except OSError as exc:
        if disk_full(exc):  # the kiosk's own disk, not the stick
            raise CatalogError("查询机磁盘空间不足，无法复制更新包。目录没有任何改动；"
                               "请联系技术人员清理磁盘后再导入。", f"disk full while staging: {exc!r}") from exc
        raise PackageRefused(
            "读取更新包时出错，可能是U盘被拔出或文件已损坏。目录没有任何改动，请插好U盘后重试。",
            f"read error while staging {source}: {exc!r}") from exc
    raise PackageRefused(f"找不到更新包：{source}。请检查路径或U盘，目录没有任何改动。", f"no such package {source}")


def _refuse_size():
    return PackageRefused("更新包中有过大的文件，已拒绝导入。目录没有任何改动。", "entry too large")


def _stage_dir(source: Path, dest: Path) -> list[str]:
    out: list[str] = []
    total = 0
    for root, dirs, files in os.walk(source, followlinks=False):
        for name in dirs + files:
            full = Path(root) / name
            st = full.lstat()
            rel = full.relative_to(source).as_posix()
            if stat.S_ISLNK(st.st_mode):
                raise PackageRefused(f"更新包中有链接文件（{rel}），已拒绝导入。目录没有任何改动。",
                                     f"symlink {full}")
            if name in files and not stat.S_ISREG(st.st_mode):
                raise PackageRefused(f"更新包中有特殊文件（{rel}），已拒绝导入。目录没有任何改动。",
                                     f"not a regular file {full}")
        for name in files:
            full = Path(root) / name
            rel = full.relative_to(source).as_posix()
            size = full.stat().st_size
            total += size
            if size > settings.ZIP_MAX_ENTRY_BYTES or total > settings.ZIP_MAX_TOTAL_BYTES:
                raise _refuse_size()
            if len(out) >= settings.ZIP_MAX_ENTRIES:
                raise PackageRefused("更新包中的文件太多，已拒绝导入。目录没有任何改动。", "too many files")
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(full, target)
            out.append(rel)
    return sorted(out)


def _stage_zip(source: Path, dest: Path) -> list[str]:
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise PackageRefused("更新包不是有效的 zip 压缩包，或已损坏。目录没有任何改动。",
                             f"bad zip {source}: {exc}") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > settings.ZIP_MAX_ENTRIES:
            raise PackageRefused("更新包中的文件太多，已拒绝导入。目录没有任何改动。", "too many entries")
        seen: set[str] = set()
        total = 0
        plan = []
        for info in infos:
            rel = safe_relpath(info.filename.rstrip("/") if info.is_dir() else info.filename)
            if rel is None:
                raise PackageRefused(
                    f"更新包中的文件路径不安全（{info.filename}），可能试图写到包外，已拒绝导入。目录没有任何改动。",
                    f"unsafe zip path {info.filename!r}")
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise PackageRefused(f"更新包中有链接文件（{rel}），已拒绝导入。目录没有任何改动。",
                                     f"zip symlink {info.filename!r}")
            if info.is_dir():
                continue
            if mode and not stat.S_ISREG(mode):
                raise PackageRefused(f"更新包中有特殊文件（{rel}），已拒绝导入。目录没有任何改动。",
                                     f"zip special file {info.filename!r} mode {mode:o}")
            if info.flag_bits & 0x1:
                raise PackageRefused("更新包中有加密的文件，无法读取，已拒绝导入。", "encrypted entry")
            if rel in seen:
                raise PackageRefused(f"更新包中有重复的文件（{rel}），已拒绝导入。", "duplicate entry")
            seen.add(rel)
            total += info.file_size
            if info.file_size > settings.ZIP_MAX_ENTRY_BYTES or total > settings.ZIP_MAX_TOTAL_BYTES:
                raise _refuse_size()
            if (info.file_size > settings.ZIP_RATIO_MIN_BYTES
                    and info.file_size > settings.ZIP_MAX_RATIO * max(info.compress_size, 1)):
                raise PackageRefused("更新包中有压缩比异常的文件（疑似“压缩炸弹”），已拒绝导入。目录没有任何改动。",
                                     f"ratio {info.file_size}/{info.compress_size} for {rel}")
            plan.append((info, rel))
        for info, rel in plan:
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            try:
                with zf.open(info) as src, open(target, "wb") as out:
                    while True:
                        chunk = src.read(_CHUNK)
                        if not chunk:
                            break
                        written += len(chunk)
                        # The header's size may lie: count what really comes out.
                        if written > info.file_size or written > settings.ZIP_MAX_ENTRY_BYTES:
                            raise PackageRefused(
                                "更新包中有压缩比异常的文件（疑似“压缩炸弹”），已拒绝导入。目录没有任何改动。",
                                f"entry {rel} inflates beyond its declared size")
                        out.write(chunk)
            except (zipfile.BadZipFile, EOFError, zlib_error()) as exc:
                raise PackageRefused("更新包已损坏，无法解压。目录没有任何改动。请重新拷贝更新包。",
                                     f"corrupt entry {rel}: {exc}") from exc
        return sorted(rel for _, rel in plan)


def zlib_error():
    import zlib

    return zlib.error
