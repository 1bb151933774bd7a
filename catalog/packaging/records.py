"""Line-by-line checks of a package's JSON Lines files, with messages a clerk can act on.

Hand-written rather than jsonschema: every message must name the file, the line and the field in
plain Chinese, which generic schema errors (English, JSON-pointer paths) do not.
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from catalog.errors import PackageRefused

KINDS = ("政策文件", "政策解读", "通知公告", "办事指南", "其他")
IN_FORCE = "现行有效"
STATUSES = (IN_FORCE, "已修改", "失效", "废止")
# the word on the badge of a document not in force (a card, the document page)
STATUS_BADGES = {"已修改": "已修改", "失效": "已失效", "废止": "已废止"}
RECORD_TYPES = ("domain", "item", "document", "faq")

FILES = {"domain": "domains.jsonl", "item": "items.jsonl", "document": "documents.jsonl",
         "faq": "faqs.jsonl"}

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # ASCII digits (\d would take ０-９ and ٠-٩)
_ID = re.compile(r"^[^\s\x00-\x1f/\\]{1,128}$")
INT_MIN, INT_MAX = -(2 ** 63), 2 ** 63 - 1  # what SQLite stores
YEARS = (1900, 2100)


def _safe_id(value: str) -> bool:
    """An id of 1-128 characters without spaces, slashes, control, format (bidi) or unassigned
    characters: ids name files and links, and a bidi mark would make two ids look alike."""
    return bool(_ID.match(value)) and value not in (".", "..") and not any(
        unicodedata.category(c)[0] in "CZ" for c in value)


def _real_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return YEARS[0] <= day.year <= YEARS[1]

# field -> (kind, required). kinds: id, str, str?, int, bool, date?, list, attachments, enum:...
SPECS: dict[str, dict[str, tuple[str, bool]]] = {
    "domain": {"id": ("id", True), "name": ("str", True), "order": ("int", True),
               "pilot": ("bool", True), "description": ("str?", False)},
    "item": {"id": ("id", True), "domain": ("id", True), "level1": ("str?", False),
             "level2": ("str?", False), "content": ("str?", False), "basis": ("str?", False),
             "time_limit": ("str?", False), "subject": ("str?", False), "channels": ("list", False),
             "audience": ("str?", False), "method": ("str?", False), "level": ("list", False)},
    "document": {"id": ("id", True), "title": ("str", True), "kind": ("enum:kind", True),
                 "doc_number": ("str?", False), "index_number": ("str?", False),
                 "issuer": ("str?", False), "region": ("str?", False), "written": ("date?", False),
                 "published": ("date?", False), "status": ("enum:status", True),
                 "domains": ("list", True), "items": ("list", False), "interprets": ("str?", False),
                 "url": ("str?", False), "body": ("text", True), "attachments": ("attachments", False)},
    "faq": {"id": ("id", True), "question": ("str", True), "variants": ("list", False),
            "answer": ("str", True), "domains": ("list", False), "documents": ("list", False)},
    "deleted": {"type": ("enum:type", True), "id": ("id", True)},
}

_ENUMS = {"kind": KINDS, "status": STATUSES, "type": RECORD_TYPES}

# what each record type is called on every screen, report and message (one place)
LABELS = {"domain": "领域", "item": "目录事项", "document": "文件", "faq": "问答"}


def _bad(fname: str, line: int, msg: str, detail: str = "") -> PackageRefused:
    return PackageRefused(f"更新包的 {fname} 第 {line} 行有错误：{msg}。已拒绝导入，目录没有任何改动。",
                          detail or msg)


def _check_field(fname: str, line: int, field: str, kind: str, value: Any) -> Any:
    where = f"字段“{field}”"
    if kind == "id":
        if not isinstance(value, str) or not _safe_id(value):
            raise _bad(fname, line, f"{where}应为不含空格、斜杠和不可见字符的编号（最长 128 个字符）")
    elif kind in ("str", "text"):
        if not isinstance(value, str) or (kind == "str" and not value.strip()):
            raise _bad(fname, line, f"{where}应为非空文字" if kind == "str" else f"{where}应为文字")
    elif kind == "str?":
        if value is not None and not isinstance(value, str):
            raise _bad(fname, line, f"{where}应为文字或 null")
    elif kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise _bad(fname, line, f"{where}应为整数")
        if not INT_MIN <= value <= INT_MAX:
            raise _bad(fname, line, f"{where}的数值过大")
    elif kind == "bool":
        if not isinstance(value, bool):
            raise _bad(fname, line, f"{where}应为 true 或 false")
    elif kind == "date?":
        if value is not None and (not isinstance(value, str) or not _real_date(value)):
            raise _bad(fname, line, f"{where}应为 {YEARS[0]}—{YEARS[1]} 年间真实的日期，"
                                    "写成 YYYY-MM-DD（半角数字），或 null")
    elif kind == "list":
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _bad(fname, line, f"{where}应为文字列表")
    elif kind == "attachments":
        if value is None:
            return []
        if not isinstance(value, list) or not all(
                isinstance(a, dict) and isinstance(a.get("path"), str) for a in value):
            raise _bad(fname, line, f"{where}应为附件列表（每项含 path 和 title）")
    elif kind.startswith("enum:"):
        allowed = _ENUMS[kind[5:]]
        if value not in allowed:
            raise _bad(fname, line, f"{where}的值“{value}”不在允许的范围内（{'、'.join(allowed)}）")
    return value


def read_records(path: Path, rtype: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, checked record) for every non-blank line of a JSON Lines file."""
    fname = path.name
    spec = SPECS[rtype]
    try:
        fh = open(path, encoding="utf-8-sig")  # a BOM (Notepad) is no part of the first record
    except OSError as exc:
        raise PackageRefused(f"无法读取更新包中的 {fname}。", str(exc)) from exc
    with fh:
        try:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except (ValueError, RecursionError) as exc:
                    # ValueError: bad JSON or an integer of thousands of digits; RecursionError: nesting
                    raise _bad(fname, n, "不是有效的 JSON（或含有过长的数字、过深的嵌套）", repr(exc)[:300]) from None
                if not isinstance(rec, dict):
                    raise _bad(fname, n, "应为一个 JSON 对象")
                for field, (kind, required) in spec.items():
                    if field not in rec:
                        if required:
                            raise _bad(fname, n, f"缺少必填字段“{field}”")
                        rec[field] = [] if kind in ("list", "attachments") else None
                    rec[field] = _check_field(fname, n, field, kind, rec[field])
                yield n, rec
        except UnicodeDecodeError as exc:
            raise PackageRefused(f"更新包中的 {fname} 不是 UTF-8 编码的文字。已拒绝导入，目录没有任何改动。",
                                 str(exc)) from exc


TERMS_MAX_GROUP_WORDS = 40   # one synonym group (the built-in dictionary's largest has 9)
TERMS_MAX_WORD_CHARS = 30
TERMS_MAX_GROUPS = 20_000


def read_terms(path: Path) -> list[list[str]]:
    """Synonym groups, one per line, words separated by spaces; '#' starts a comment. A group is
    expanded into every query that holds one of its words, so its size is capped here."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PackageRefused("更新包中的 terms.txt 不是 UTF-8 编码的文字。已拒绝导入。", str(exc)) from exc
    groups = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if line:
            words = line.split()
            if len(words) > TERMS_MAX_GROUP_WORDS:
                raise _bad("terms.txt", n, f"一组同义词有 {len(words)} 个词，最多 {TERMS_MAX_GROUP_WORDS} 个")
            long = next((w for w in words if len(w) > TERMS_MAX_WORD_CHARS), None)
            if long is not None:
                raise _bad("terms.txt", n, f"词“{long[:20]}…”过长（最多 {TERMS_MAX_WORD_CHARS} 个字）")
            if len(words) >= 2:
                groups.append(words)
                if len(groups) > TERMS_MAX_GROUPS:
                    raise _bad("terms.txt", n, f"同义词组超过 {TERMS_MAX_GROUPS} 组")
    return groups
