"""The five seed documents (Jiangxi 政务公开工作要点 2021-2024): cleaned texts, every word kept."""
from __future__ import annotations

import re
from pathlib import Path

from .common import fail, iso_date

# Per-seed facts checked by hand. Every value must occur in the cleaned body (the
# build checks it). title_lines: the cleaned lines that together form the notice
# title (PDF extraction split them); standalone: cleaned lines that are paragraphs of
# their own (sub-titles, signatures); wrapped: the file keeps the PDF's line wrapping,
# so a line that fills the width continues on the next line.
SEEDS = {
    "000_a93624707930d826.txt": {
        "id": "seed-2024-jdz", "wrapped": True,
        "title_lines": ["景德镇市人民政府办公室", "关于印发2024年景德镇市政务公开", "工作要点的通知"],
        "standalone": ["2024年景德镇市政务公开工作要点"],
        "issuer": "景德镇市人民政府办公室", "region": "景德镇市",
    },
    "001_0df9be452620a042.txt": {
        "id": "seed-2024-fl", "wrapped": False,
        "title_lines": ["浮梁县人民政府办公室关于印发2024年", "浮梁县政务公开工作要点的通知"],
        "standalone": ["2024年浮梁县政务公开工作要点", "浮梁县人民政府办公室"],
        "issuer": "浮梁县人民政府办公室", "region": "浮梁县",
    },
    "002_147bdacd821c7b41.txt": {
        # The file starts after the notice title: no 发文机关 line, no 文号. The title
        # is the 要点's own title; the issuer is left empty (the text only says
        # "已经市政府同意").
        "id": "seed-2023-jdz", "wrapped": False,
        "title_lines": ["2023年景德镇市政务公开工作要点"],
        "standalone": [],
        "issuer": None, "region": "景德镇市",
    },
    "003_0e7d6ecfed48cadf.txt": {
        "id": "seed-2023-pz", "wrapped": True,
        "title_lines": ["彭泽县人民政府办公室关于印发2023年", "彭泽县政务公开工作要点的通知"],
        "standalone": ["2023年彭泽县政务公开工作要点"],
        "issuer": "彭泽县人民政府办公室", "region": "彭泽县",
    },
    "004_e94b142d4575ff2c.txt": {
        "id": "seed-2021-lp", "wrapped": False,
        "title_lines": ["乐平市人民政府办公室关于印发2021年乐平市政务公开工作方案的通知"],
        "standalone": ["2021年乐平市政务公开工作方案", "乐平市人民政府办公室", "乐平市人民政府办公室人秘股"],
        "issuer": "乐平市人民政府办公室", "region": "乐平市",
    },
}

CJK_OR_FULLWIDTH = r"[^\x00-\x7f]"
PAGE_NUMBER_RE = re.compile(r"^[—\-－–]\s*\d+\s*[—\-－–]$|^\d{1,3}$")
DOC_NUMBER_RE = re.compile(r"^[\u4e00-\u9fff]{1,8}〔\d{4}〕\d+号$")
SIGN_DATE_RE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
PRINTED_RE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日印发$")
HEADING_RE = re.compile(
    r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．]\s*\S"
    r"|第[一二三四五六七八九十百]+[章节条])")
STARTS_PARAGRAPH_RE = re.compile(HEADING_RE.pattern + r"|^抄送[：:]")
TERMINAL = "。：:；;！!？?）)〕"


def clean_seed_line(line: str) -> str:
    """Drop the spaces PDF extraction put around Chinese text; keep ASCII word gaps."""
    line = line.replace("\u3000", " ").strip()
    line = re.sub(rf"(?<={CJK_OR_FULLWIDTH})\s+", "", line)
    line = re.sub(rf"\s+(?={CJK_OR_FULLWIDTH})", "", line)
    return line


def display_width(s: str) -> int:
    return sum(1 if ord(c) < 0x80 else 2 for c in s)


def seed_paragraphs(raw: str, spec: dict) -> list[str]:
    """Join the lines PDF extraction broke mid-sentence; one paragraph per line."""
    lines = []
    for physical in raw.splitlines():
        # A long run of spaces separates two things on one printed line
        # (e.g. "浮梁县人民政府办公室      2024年7月16日印发").
        for part in re.split(r"[ \u3000]{4,}", physical.strip()):
            part = clean_seed_line(part)
            if part and not PAGE_NUMBER_RE.match(part):
                lines.append(part)
    title_lines = spec["title_lines"]
    standalone = set(spec["standalone"])
    full = 0
    if spec["wrapped"]:
        widths = sorted(display_width(x) for x in lines)
        full = widths[int(len(widths) * 0.9)]

    def is_standalone(s: str) -> bool:
        return (s in standalone or bool(DOC_NUMBER_RE.match(s)) or bool(SIGN_DATE_RE.match(s))
                or bool(PRINTED_RE.search(s)) or s in ("（此件主动公开）", "(此件主动公开)"))

    def is_short_heading(s: str) -> bool:
        # "一、聚焦民生保障强化信息公开" is a heading line of its own;
        # "（一）强化…信息公开。紧紧围绕" is a heading that runs on into its paragraph.
        return (bool(HEADING_RE.match(s)) and "。" not in s and s[-1] not in TERMINAL + "，,、"
                and (not spec["wrapped"] or display_width(s) < full - 4))

    paras: list[str] = []
    i = 0
    # The notice title: its lines are joined into one paragraph.
    if title_lines:
        for k, want in enumerate(title_lines):
            at = lines.index(want) if k == 0 else i
            if lines[at] != want:
                fail(f"seed title line {want!r} not found where expected")
            if k == 0:
                paras.extend(lines[:at])  # lines before the title (文号, 发文机关)
            i = at + 1
        paras.append("".join(title_lines))
    cur = cur_last = ""
    for s in lines[i:]:
        if cur:
            prev = cur_last
            brk = (is_standalone(prev) or is_standalone(s) or bool(STARTS_PARAGRAPH_RE.match(s))
                   or is_short_heading(prev))
            if not brk and prev[-1] in TERMINAL:
                brk = not spec["wrapped"] or display_width(prev) < full - 4
            if brk:
                paras.append(cur)
                cur = ""
        cur += s
        cur_last = s
    if cur:
        paras.append(cur)
    return paras


def build_seed_documents(seed_dir: Path) -> list[dict]:
    found = sorted(p.name for p in seed_dir.glob("*.txt"))
    if found != sorted(SEEDS):
        fail(f"seed files changed: {found}")
    docs = []
    for name in sorted(SEEDS):
        spec = SEEDS[name]
        paras = seed_paragraphs((seed_dir / name).read_text(encoding="utf-8"), spec)
        body = "\n".join(paras)
        # Cleaning may only drop whitespace and page numbers, never a word.
        kept = re.sub(r"\s", "", "".join(
            x for x in (seed_dir / name).read_text(encoding="utf-8").splitlines()
            if not PAGE_NUMBER_RE.match(x.strip())))
        if re.sub(r"\s", "", body) != kept:
            fail(f"{name}: cleaning changed the words of the text")
        title = "".join(spec["title_lines"])
        numbers = [p for p in paras if DOC_NUMBER_RE.match(p)]
        doc_number = numbers[0] if numbers else None
        dates = [SIGN_DATE_RE.match(p) for p in paras if SIGN_DATE_RE.match(p)]
        if not dates:
            fail(f"{name}: no signing date line")
        written = iso_date(*dates[0].groups())
        for value in (title, spec["issuer"], spec["region"], doc_number):
            if value is not None and value not in body:
                fail(f"{name}: {value!r} does not occur in the cleaned text")
        if spec["issuer"] and not title.startswith(spec["issuer"]):
            fail(f"{name}: issuer {spec['issuer']!r} is not the one the title names")
        status = "现行有效"
        for word in ("废止", "失效"):
            if re.search(rf"本(要点|方案|通知)[^。]*{word}", body):
                fail(f"{name}: text speaks of being {word}; decide the status by hand")
        docs.append({
            "id": spec["id"], "title": title, "kind": "政策文件", "doc_number": doc_number,
            "index_number": None, "issuer": spec["issuer"], "region": spec["region"],
            # written = the date under the notice; the text gives no publication date
            # (the "印发" line is the printing office's date), so published stays null.
            "written": written, "published": None, "status": status,
            "domains": ["zwgk"], "items": [], "interprets": None, "url": None,
            "body": body, "attachments": [],
        })
    return docs
