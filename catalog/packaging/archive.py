"""Copy a package (a folder or a .zip) into a private staging folder, safely.

What is copied is copied before it is read, so a USB stick pulled mid-way fails here, cleanly,
and the files later checked are the files later applied. The listing is checked first (paths that
escape the package or nest absurdly deep, links, special files, encryption, compression methods
Python cannot read, names in no known encoding, too many or too large entries, an archive-wide
expansion ratio). Then only the manifest and its signature are copied, under a size cap, and a
``gate`` (the caller's signature check) decides what else is extracted. An unsigned or forged
package therefore costs its manifest, not its contents.
"""

from __future__ import annotations

import lzma
import os
import stat
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from catalog import settings
from catalog.errors import CatalogError, PackageRefused, disk_full

_CHUNK = 1024 * 1024
META_FILES = ("manifest.json", "manifest.sig")
META_MAX_BYTES = {"manifest.json": settings.MANIFEST_MAX_BYTES, "manifest.sig": 64 * 1024}
# stored, deflate, bzip2, lzma: what Python's zipfile reads (not Deflate64, Implode, Shrink, AES)
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_METHOD_NAMES = {1: "Shrink", 6: "Implode", 9: "Deflate64", 99: "AES 加密"}
_UNCHANGED = "已拒绝导入，目录没有任何改动。"

Gate = Callable[[Path, list[str]], "set[str] | None"]


def safe_relpath(name: str) -> str | None:
    """The normalised relative path of a package member, or None when it could escape."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return None
    p = PurePosixPath(name)
    parts = [x for x in p.parts if x not in ("", ".")]
    if not parts or any(x == ".." for x in parts) or ":" in parts[0]:
        return None
    return "/".join(parts)


def _check_name(rel: str, shown: str) -> None:
    parts = rel.split("/")
    if len(parts) > settings.PACKAGE_MAX_DEPTH:
        raise PackageRefused(f"更新包中的文件夹层次太深（{len(parts)} 层，最多 {settings.PACKAGE_MAX_DEPTH} 层），"
                             f"{_UNCHANGED}", f"path depth {len(parts)}: {shown[:200]!r}")
    if any(len(x.encode("utf-8", "surrogatepass")) > 200 for x in parts) or len(rel) > 1000:
        raise PackageRefused(f"更新包中有名称过长的文件（{shown[:60]}…），{_UNCHANGED}",
                             f"name too long: {shown[:200]!r}")


def stage(source: Path, dest: Path, gate: Gate | None = None) -> list[str]:
    """Copy the package at ``source`` into the empty folder ``dest``; returns the relative paths
    of everything the package holds. With ``gate``, the manifest and signature are copied first
    and ``gate(dest, paths)`` returns which other paths to copy (None: none; it may raise
    PackageRefused, and nothing more is read)."""
    source = Path(source)
    try:
        if source.is_dir():
            entries = _list_dir(source)
        elif source.is_file():
            return _stage_zip(source, dest, gate)
        else:
            entries = None
        if entries is not None:
            return _extract(entries, dest, gate)
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


def _refuse_bomb(detail: str):
    return PackageRefused("更新包中有压缩比异常的文件（疑似“压缩炸弹”），已拒绝导入。目录没有任何改动。", detail)


class _Entry:
    """One file of a package: its path, declared size and how to open it."""

    def __init__(self, rel: str, size: int, opener: Callable, inflates: bool):
        self.rel, self.size, self.opener, self.inflates = rel, size, opener, inflates
        self.alts: list[str] = []  # other readings of a name stored without the UTF-8 flag


def _check_totals(entries: list[_Entry]) -> None:
    if len(entries) > settings.ZIP_MAX_ENTRIES:
        raise PackageRefused("更新包中的文件太多，已拒绝导入。目录没有任何改动。", "too many entries")
    total = 0
    for e in entries:
        total += e.size
        if e.size > settings.ZIP_MAX_ENTRY_BYTES or total > settings.ZIP_MAX_TOTAL_BYTES:
            raise _refuse_size()
    seen: set[str] = set()
    for e in entries:
        if e.rel in seen:
            raise PackageRefused(f"更新包中有重复的文件（{e.rel}），已拒绝导入。", "duplicate entry")
        seen.add(e.rel)


def _list_dir(source: Path) -> list[_Entry]:
    """The files of a folder package, walked without recursion (a folder 1,000 deep is refused,
    not a RecursionError) and never following a link."""
    out: list[_Entry] = []
    todo = [(source, 0)]
    while todo:
        folder, depth = todo.pop()
        if depth >= settings.PACKAGE_MAX_DEPTH:
            raise PackageRefused(f"更新包中的文件夹层次太深（超过 {settings.PACKAGE_MAX_DEPTH} 层），{_UNCHANGED}",
                                 f"folder depth over {settings.PACKAGE_MAX_DEPTH} at {folder}")
        with os.scandir(folder) as it:
            for entry in sorted(it, key=lambda e: e.name):
                full = Path(entry.path)
                rel = full.relative_to(source).as_posix()
                st = entry.stat(follow_symlinks=False)
                if stat.S_ISLNK(st.st_mode):
                    raise PackageRefused(f"更新包中有链接文件（{rel}），{_UNCHANGED}", f"symlink {full}")
                if stat.S_ISDIR(st.st_mode):
                    todo.append((full, depth + 1))
                    continue
                if not stat.S_ISREG(st.st_mode):
                    raise PackageRefused(f"更新包中有特殊文件（{rel}），{_UNCHANGED}", f"not a regular file {full}")
                _check_name(rel, rel)
                out.append(_Entry(rel, st.st_size, lambda full=full: open(full, "rb"), False))
                if len(out) > settings.ZIP_MAX_ENTRIES:
                    raise PackageRefused("更新包中的文件太多，已拒绝导入。目录没有任何改动。", "too many files")
    _check_totals(out)
    return out


def _zip_names(info: zipfile.ZipInfo) -> list[str]:
    """The names the entry may have meant, the likelier first. Without the UTF-8 flag zipfile
    reads cp437; Chinese Windows tools write GBK there, and some tools (macOS's) UTF-8 without
    the flag. The same bytes can be valid in both (通知 in GBK is valid UTF-8), so both are kept,
    and the manifest's listing decides (``_extract``)."""
    if info.flag_bits & 0x800 or info.filename.isascii():
        return [info.filename]
    raw = info.filename.encode("cp437")
    out = []
    for enc in ("utf-8", "gb18030"):
        try:
            out.append(raw.decode(enc))
        except UnicodeDecodeError:
            continue
    if not out:
        raise PackageRefused(f"更新包中有文件名的编码无法识别（{info.filename[:60]}），{_UNCHANGED}"
                             "请用 UTF-8 文件名重新打包。", f"undecodable name {raw[:100]!r}")
    return out


def _stage_zip(source: Path, dest: Path, gate: Gate | None) -> list[str]:
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError) as exc:
        # ValueError: among others, a name that is not UTF-8 although flagged as UTF-8;
        # NotImplementedError: an entry that needs a newer zip version than Python reads
        raise PackageRefused("更新包不是有效的 zip 压缩包，或已损坏（也可能是文件名编码有误）。目录没有任何改动。",
                             f"bad zip {source}: {exc!r}") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > settings.ZIP_MAX_ENTRIES:
            raise PackageRefused("更新包中的文件太多，已拒绝导入。目录没有任何改动。", "too many entries")
        entries: list[_Entry] = []
        packed = 0
        for info in infos:
            names = _zip_names(info)
            name = names[0]
            is_dir = name.endswith("/")  # not info.is_dir(): a name zipfile cut to "" at a NUL has no [-1]
            rel = safe_relpath(name.rstrip("/") if is_dir else name)
            if rel is None:
                raise PackageRefused(
                    f"更新包中的文件路径不安全（{name[:100]}），可能试图写到包外，已拒绝导入。目录没有任何改动。",
                    f"unsafe zip path {name[:200]!r}")
            _check_name(rel, name)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise PackageRefused(f"更新包中有链接文件（{rel}），{_UNCHANGED}", f"zip symlink {name!r}")
            if is_dir:
                continue
            # no file-type bits at all (zipfile.writestr, many Windows tools) is an ordinary file
            if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
                raise PackageRefused(f"更新包中有特殊文件（{rel}），{_UNCHANGED}",
                                     f"zip special file {name!r} mode {mode:o}")
            if info.flag_bits & 0x1 or info.compress_type == 99:
                raise PackageRefused("更新包中有加密的文件，无法读取，已拒绝导入。", "encrypted entry")
            if info.compress_type not in _METHODS:
                method = _METHOD_NAMES.get(info.compress_type, f"编号 {info.compress_type}")
                raise PackageRefused(
                    f"更新包中的文件 {rel} 使用了本机不能读取的压缩方式（{method}）。{_UNCHANGED}"
                    "请用“标准（Deflate）”或“仅存储”方式重新压缩，或直接拷贝解压后的文件夹。",
                    f"compression method {info.compress_type} for {rel}")
            if (info.file_size > settings.ZIP_RATIO_MIN_BYTES
                    and info.file_size > settings.ZIP_MAX_RATIO * max(info.compress_size, 1)):
                raise _refuse_bomb(f"ratio {info.file_size}/{info.compress_size} for {rel}")
            packed += info.compress_size
            entry = _Entry(rel, info.file_size, lambda info=info: zf.open(info), True)
            entry.alts = [a for a in names[1:] if safe_relpath(a) == a]
            entries.append(entry)
        _check_totals(entries)
        unpacked = sum(e.size for e in entries)
        if unpacked > settings.ZIP_RATIO_MIN_BYTES and unpacked > settings.ZIP_MAX_RATIO * max(packed, 1):
            raise _refuse_bomb(f"archive ratio {unpacked}/{packed}")
        return _extract(entries, dest, gate)


def _extract(entries: list[_Entry], dest: Path, gate: Gate | None) -> list[str]:
    present = sorted(e.rel for e in entries)
    if gate is None:
        wanted = entries
    else:
        meta = [e for e in entries if e.rel in META_FILES]
        for e in meta:
            if e.size > META_MAX_BYTES[e.rel]:
                raise PackageRefused(f"更新包的 {e.rel} 过大（{e.size // 1024} KB），不是正常的更新包，{_UNCHANGED}",
                                     f"{e.rel} of {e.size} bytes")
            _copy(e, dest, META_MAX_BYTES[e.rel])
        keep = gate(dest, present) or set()
        for e in entries:  # a name stored without the UTF-8 flag: the reading the manifest lists
            if e.rel not in keep:
                e.rel = next((a for a in e.alts if a in keep), e.rel)
        _check_totals(entries)  # two readings could now coincide
        present = sorted(e.rel for e in entries)
        wanted = [e for e in entries if e.rel in keep and e.rel not in META_FILES]
    for e in wanted:
        _copy(e, dest, settings.ZIP_MAX_ENTRY_BYTES)
    return present


def _copy(e: _Entry, dest: Path, cap: int) -> None:
    target = dest / e.rel
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with e.opener() as src, open(target, "wb") as out:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                # The header's size may lie: count what really comes out.
                if written > e.size or written > cap:
                    if e.inflates:
                        raise _refuse_bomb(f"entry {e.rel} inflates beyond its declared size")
                    raise PackageRefused(f"更新包中的文件 {e.rel} 在复制时变大了，可能正在被改动。{_UNCHANGED}",
                                         f"{e.rel} grew while copying")
                out.write(chunk)
    except _CORRUPT as exc:
        raise PackageRefused("更新包已损坏，无法解压。目录没有任何改动。请重新拷贝更新包。",
                             f"corrupt entry {e.rel}: {exc!r}") from exc
    except OSError as exc:
        if exc.errno is not None:  # the stick went away, the disk is full: the caller says so
            raise
        # bz2 says "Invalid data stream" as an OSError without an errno
        raise PackageRefused("更新包已损坏，无法解压。目录没有任何改动。请重新拷贝更新包。",
                             f"corrupt entry {e.rel}: {exc!r}") from exc


# What reading a damaged entry raises (found by tests/catalog/test_fuzz.py): zlib's error, lzma's
# LZMAError, zipfile's own BadZipFile (a bad CRC) and EOFError (data cut short), and a
# UnicodeDecodeError when the local header's name is not the UTF-8 its flag says.
_CORRUPT = (zipfile.BadZipFile, EOFError, NotImplementedError, zlib.error, lzma.LZMAError, UnicodeDecodeError)
