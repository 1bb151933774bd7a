"""Line-by-line checks of a package's JSON Lines files, with messages a clerk can act on.

Hand-written rather than jsonschema: every message must name the file, the line and the field in
plain Chinese, which generic schema errors (English, JSON-pointer paths) do not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from catalog.errors import PackageRefused

KINDS = ("政策文件", "政策解读", "通知公告", "办事指南", "其他")
STATUSES = ("现行有效", "已修改", "失效", "废止")
RECORD_TYPES = ("domain", "item", "document", "faq")

FILES = {"domain": "domains.jsonl", "item": "items.jsonl", "document": "documents.jsonl",
         "faq": "faqs.jsonl"}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID = re.compile(r"^[^\s\x00-\x1f/\\]{1,128}$")

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

LABELS = {"domain": "领域", "item": "目录事项", "document": "文件", "faq": "问答"}


def _bad(fname: str, line: int, msg: str, detail: str = "") -> PackageRefused:
    return PackageRefused(f"更新包的 {fname} 第 {line} 行有错误：{msg}。已拒绝导入，目录没有任何改动。",
                          detail or msg)


def _check_field(fname: str, line: int, field: str, kind: str, value: Any) -> Any:
    where = f"字段“{field}”"
    if kind == "id":
        if not isinstance(value, str) or not _ID.match(value):
            raise _bad(fname, line, f"{where}应为不含空格和斜杠的编号")
    elif kind in ("str", "text"):
        if not isinstance(value, str) or (kind == "str" and not value.strip()):
            raise _bad(fname, line, f"{where}应为非空文字" if kind == "str" else f"{where}应为文字")
    elif kind == "str?":
        if value is not None and not isinstance(value, str):
            raise _bad(fname, line, f"{where}应为文字或 null")
    elif kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise _bad(fname, line, f"{where}应为整数")
    elif kind == "bool":
        if not isinstance(value, bool):
            raise _bad(fname, line, f"{where}应为 true 或 false")
    elif kind == "date?":
        if value is not None and (not isinstance(value, str) or not _DATE.match(value)):
            raise _bad(fname, line, f"{where}应为 YYYY-MM-DD 格式的日期或 null")
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
        fh = open(path, encoding="utf-8")
    except OSError as exc:
        raise PackageRefused(f"无法读取更新包中的 {fname}。", str(exc)) from exc
    with fh:
        try:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise _bad(fname, n, "不是有效的 JSON", str(exc)) from exc
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


def read_terms(path: Path) -> list[list[str]]:
    """Synonym groups, one per line, words separated by spaces; '#' starts a comment."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PackageRefused("更新包中的 terms.txt 不是 UTF-8 编码的文字。已拒绝导入。", str(exc)) from exc
    groups = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words = line.split()
            if len(words) >= 2:
                groups.append(words)
    return groups
