#!/usr/bin/env python3
"""Build the demo catalogue package SOURCE folder from the shared real material.

    python3 tools/build_demo.py [--shared ../shared] [--out resources/demo/source]

Writes manifest.json, domains.jsonl, items.jsonl, documents.jsonl, faqs.jsonl and
terms.txt (catalogue package format version 1, see shared/DESIGN.md). The signing and
packing step adds "files"/"created" to the manifest later.

Rules this script keeps:
* stdlib only, no network, deterministic: the same input gives byte-identical output
  (everything is sorted, nothing depends on the clock or on dict/set iteration order).
* nothing is invented: a field the source does not give is null or empty. Values that
  are set by hand (seed overrides, FAQ texts) are checked against the source text and
  the build fails loudly when a check does not hold.

Sources and the decisions taken on them:
* domains: the 26 pilot domains of shared/data/domains.json, plus zwgk 政务公开 (the five
  seed documents) and jtys 交通运输 (it has real catalogue rows); descriptions are the
  ministry / guideline / note given there.
* items: the 85 real catalogue rows, ids <domain>-<nnn> in file order.
* documents: the seed texts (cleaned; every word kept, checked), the laws picked by the
  title keyword rules of tools/demo_domain_rules.json (national and provincial; city
  regulations only where a domain has nothing else), and Guangdong service guides
  whose department and name leave no doubt about the domain (GD_RULES).
  Law dates: version_date -> published (the corpus gives no separate 成文日期, so
  written is null). Law status: see build_law_documents.
* faqs: tools/demo_faqs.json, every quote checked verbatim against its document.
* terms: tools/demo_terms.txt.

--list-laws prints the laws each domain rule selects (for reviewing the rule table);
--check-only re-checks an already written folder; --no-gd leaves out the service guides.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
REPO = TOOLS.parent

MANIFEST = {
    "format": "gov-disclosure-catalogue",
    "format_version": 1,
    "publisher": "演示目录（据公开资料整理，非官方发布）",
    "region": "演示",
    "sequence": 1,
    "kind": "full",
}

OUTPUT_FILES = ("manifest.json", "domains.jsonl", "items.jsonl", "documents.jsonl",
                "faqs.jsonl", "terms.txt")

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
KINDS = ("政策文件", "政策解读", "通知公告", "办事指南", "其他")
STATUSES = ("现行有效", "已修改", "失效", "废止")


class BuildError(Exception):
    """A check on the source material or on the hand-written FAQ/seed data failed."""


def fail(msg: str) -> None:
    raise BuildError(msg)


# ---------------------------------------------------------------------------
# domains

# Names used in standard_catalogue_rows.json that differ from the pilot names
# (see shared/data/README.md).
ROW_DOMAIN_ALIASES = {
    "环境保护(生态环境)": "hjbh",
    "医疗卫生(卫生健康领域,试行)": "ylws",
    "交通运输(2021+新增领域)": "jtys",
}


def build_domains(domains_json: dict) -> list[dict]:
    out = []
    for d in domains_json["pilot_domains"]:
        parts = []
        if d.get("ministry"):
            parts.append("主管部门：" + d["ministry"])
        if d.get("guideline"):
            parts.append("标准指引：" + d["guideline"])
        if d.get("note"):
            parts.append(d["note"])
        desc = "基层政务公开标准化规范化试点领域（国办发〔2017〕42号）。" + "；".join(parts)
        if parts:
            desc += "。"
        out.append({"id": d["id"], "name": d["name"], "order": d["order"], "pilot": True,
                    "description": desc})
    n = max(d["order"] for d in out)
    # Non-pilot domains. zwgk holds the five seed documents (data README: they are
    # about 政务公开 itself) and the 政府信息公开条例; jtys has real catalogue rows.
    if "交通运输" not in domains_json.get("later_domains", []):
        fail("domains.json no longer lists 交通运输 among the later domains")
    out.append({"id": "zwgk", "name": "政务公开", "order": n + 1, "pilot": False,
                "description": "非试点领域：政务公开工作本身，收录政务公开工作要点和政府信息公开法规。"})
    out.append({"id": "jtys", "name": "交通运输", "order": n + 2, "pilot": False,
                "description": "非试点领域：2020年后国务院部门新增基层政务公开标准指引的领域之一"
                               "（广播电视、新闻出版版权、统计、旅游、海关、交通运输、自然资源）。"})
    return out


# ---------------------------------------------------------------------------
# items

def as_list(value) -> list:
    """A list field: [] for null, a string split on common separators into items."""
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if v not in (None, "")]
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"[、,，;；/]", value) if p.strip()]
    fail(f"unexpected list value {value!r}")
    return []


def build_items(rows: list[dict], domain_ids_by_name: dict[str, str]) -> list[dict]:
    counters: Counter = Counter()
    items = []
    for row in rows:
        name = row["domain"]
        did = ROW_DOMAIN_ALIASES.get(name) or domain_ids_by_name.get(name)
        if not did:
            fail(f"catalogue row domain {name!r} maps to no domain id")
        counters[did] += 1
        items.append({
            "id": f"{did}-{counters[did]:03d}",
            "domain": did,
            "level1": row.get("item_level1"),
            "level2": row.get("item_level2"),
            "content": row.get("content"),
            "basis": row.get("basis"),
            "time_limit": row.get("time_limit"),
            "subject": row.get("subject"),
            "channels": as_list(row.get("channels")),
            "audience": row.get("audience"),
            "method": row.get("method"),
            "level": as_list(row.get("level")),
            "source_url": row.get("source_url"),
        })
    return items


# ---------------------------------------------------------------------------
# seed documents (Jiangxi 政务公开工作要点 2021-2024)

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


def iso_date(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


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


# ---------------------------------------------------------------------------
# laws

PROVINCES = {"山东": "山东省", "河南": "河南省", "浙江": "浙江省", "广东": "广东省",
             "北京": "北京市", "上海": "上海市", "重庆": "重庆市"}
CITY_RE = re.compile(r"^([\u4e00-\u9fff]{2,8}?(?:市|自治州|自治县|县))")
SEZ_RE = re.compile(r"^([\u4e00-\u9fff]{2})经济特区")
DATE_PREFIX_RE = re.compile(r"^(?:根据)?[0-9０-９]{4}年[0-9０-９]{1,2}月[0-9０-９]{1,2}日\s*")
ORDER_RE = re.compile(r"((?:中华人民共和国)?[\u4e00-\u9fff、]+?令第[0-9０-９一二三四五六七八九十百零〇]+号)")


def law_full_title(law: dict) -> str:
    first = law["info"].split("\n", 1)[0]
    if not first.startswith("# "):
        fail(f"law {law['id']}: info does not start with a title heading")
    return first[2:].strip()


def law_info_lines(law: dict) -> list[str]:
    out = []
    for line in law["info"].split("\n")[1:]:
        line = line.replace("\u200b", "").strip().strip("\u3000").strip()
        if line:
            out.append(line)
    return out


def law_region(law: dict, title: str) -> str:
    if law["region"] is None:
        return "全国"
    prov = PROVINCES.get(law["region"])
    if not prov:
        fail(f"law {law['id']}: unknown region {law['region']!r}")
    m = CITY_RE.match(title)
    if m and "省" not in m.group(1) and m.group(1) != prov:
        return m.group(1)  # a city or county regulation names its city in the title
    m = SEZ_RE.match(title)
    if m:
        return m.group(1) + "市"  # 深圳经济特区…条例: a regulation of 深圳市
    return prov


def is_city_level(region: str) -> bool:
    return region != "全国" and region not in PROVINCES.values()


def law_doc_number(info_lines: list[str]) -> str | None:
    """The last 令 number the info text names (the order that issued this version)."""
    found = None
    for line in info_lines:
        rest = DATE_PREFIX_RE.sub("", line)
        for m in ORDER_RE.finditer(rest):
            found = m.group(1)
    return found


def law_issuer(law: dict, info_lines: list[str], region: str) -> str | None:
    """The body the info text says adopted or issued the version in force, else None."""
    if region != "全国":
        # Local regulation: the region's own people's congress standing committee,
        # when the info text names it (a city regulation's provincial approval is not
        # the issuer).
        pat = re.compile(re.escape(region) + r"(?:第[一二三四五六七八九十]+届)?人民代表大会常务委员会")
        return region + "人民代表大会常务委员会" if any(pat.search(x) for x in info_lines) else None
    issuer = None
    for line in info_lines:
        rest = DATE_PREFIX_RE.sub("", line)
        if re.fullmatch(r"施行。?", rest):
            continue
        body = None
        m = ORDER_RE.search(rest)
        if m:
            body = re.sub(r"令第.*", "", m.group(1)).replace("中华人民共和国", "")
        elif "全国人民代表大会常务委员会" in rest:
            body = "全国人民代表大会常务委员会"
        elif re.search(r"全国人民代表大会第[一二三四五六七八九十]+次会议", rest):
            body = "全国人民代表大会"
        elif re.search(r"国务院(第[0-9一二三四五六七八九十百]+次常务会议|批准|发布)|《国务院关于", rest):
            body = "国务院"
        if body:
            issuer = body
    return issuer


def law_body(law: dict) -> str:
    """Plain text, one paragraph per line: the info lines (history), then the articles.

    Markdown headings (## 第一章 …) become plain lines; article numbers are kept."""
    lines = law_info_lines(law)
    for line in law["text"].split("\n"):
        line = line.replace("\u200b", "").strip()
        if not line or re.fullmatch(r"<!--.*-->", line):
            continue
        line = re.sub(r"^#+\s*", "", line).strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


def load_rules(path: Path, domain_ids: set[str]) -> dict:
    rules = json.loads(path.read_text(encoding="utf-8"))
    for r in rules["rules"]:
        if r["domain"] not in domain_ids:
            fail(f"domain rule for unknown domain {r['domain']!r}")
    return rules


def law_domains(title: str, rules: dict) -> list[str]:
    out = []
    for r in rules["rules"]:
        if any(k in title for k in r["keywords"]) and not any(x in title for x in r.get("exclude", [])):
            out.append(r["domain"])
    return out


def select_laws(laws: list[dict], rules: dict) -> list[tuple[dict, str, list[str]]]:
    """The laws some domain rule selects, in corpus-id order.

    The corpus files a few laws under two categories (e.g. 居民身份证法 under 宪法相关法
    and 行政法): the same title, region and version date is kept once (first id)."""
    out = []
    seen = set()
    for law in sorted(laws, key=lambda x: x["id"]):
        if law["category"] in rules["skip_categories"]:
            continue
        title = law_full_title(law)
        if any(w in title for w in rules["skip_title_words"]):
            continue
        key = (law["region"], title, law["version_date"])
        if key in seen:
            continue
        doms = law_domains(title, rules)
        # City and county regulations only where a domain has (almost) nothing at
        # national or provincial level: keeps the package at a demo size.
        if doms and is_city_level(law_region(law, title)):
            doms = [d for d in doms if d in rules["city_level_domains"]]
        if doms:
            seen.add(key)
            out.append((law, title, doms))
    return out


REPEAL_RE = re.compile(r"《([^《》]+)》(?:[、和及]《[^《》]+》)*同时废止")
EFFECTIVE_RE = re.compile(r"自(\d{4})年(\d{1,2})月(\d{1,2})日起施行")


def repealed_titles(all_laws: list[dict], wanted: set[str]) -> dict[str, str]:
    """National titles that another law of the corpus repeals, as of the corpus date.

    A law's closing article reads e.g. "本法自2022年7月1日起施行。1988年8月6日国务院
    发布的《中华人民共和国印花税暂行条例》同时废止。" The repeal counts once the
    repealing law is in force on the corpus's newest version_date (the corpus has no
    clock of its own; a repeal that takes effect later is not applied)."""
    snapshot = max(x["version_date"] for x in all_laws if x["version_date"])
    out = {}
    for law in sorted(all_laws, key=lambda x: x["id"]):
        if law["region"] is not None:
            continue
        own = law_full_title(law)
        for para in law["text"].split("\n"):
            if "同时废止" not in para:
                continue
            eff = EFFECTIVE_RE.search(para)
            if not eff or iso_date(*eff.groups()) > snapshot:
                continue
            for m in REPEAL_RE.finditer(para):
                for name in re.findall(r"《([^《》]+)》", m.group(0)):
                    if name != own and name in wanted:
                        out.setdefault(name, own)
    return out


def build_law_documents(selected, all_laws: list[dict], domain_order: dict[str, int]) -> list[dict]:
    # The corpus carries no status field. Data README rule: a title that appears in
    # several versions is 现行有效 in its newest version (latest version_date) and
    # 已修改 in the older ones; every other law is taken as 现行有效 -- except a
    # national law that a later law of the corpus says it repeals ("《…》同时废止",
    # see repealed_titles), which is 废止.
    versions = defaultdict(list)
    for law, title, _ in selected:
        versions[(law["region"], title)].append(law)
    repealed = repealed_titles(all_laws, {t for _, t, _ in selected})
    docs = []
    for law, title, doms in selected:
        group = versions[(law["region"], title)]
        status = "现行有效"
        if len(group) > 1:
            dated = [g["version_date"] for g in group if g["version_date"]]
            newest = max(dated) if dated else None
            if law["version_date"] is None or law["version_date"] != newest:
                status = "已修改"
            elif sum(1 for g in group if g["version_date"] == newest) > 1:
                fail(f"two versions of {title} share the newest date")
        if law["region"] is None and title in repealed:
            status = "废止"
        info = law_info_lines(law)
        region = law_region(law, title)
        vd = law["version_date"]
        if vd is not None and not DATE_RE.match(vd):
            fail(f"law {law['id']}: bad version_date {vd!r}")
        docs.append({
            "id": "law-" + hashlib.sha1(law["id"].encode("utf-8")).hexdigest()[:10],
            "title": title, "kind": "政策文件",
            "doc_number": law_doc_number(info), "index_number": None,
            "issuer": law_issuer(law, info, region), "region": region,
            # version_date is the date of this version (its adoption/promulgation,
            # as the corpus records it). It is used as the publication date; the
            # corpus gives no separate 成文日期, so written stays null.
            "written": None, "published": vd, "status": status,
            "domains": sorted(doms, key=lambda d: domain_order[d]),
            "items": [], "interprets": None, "url": None,
            "body": law_body(law), "attachments": [],
            "_short_title": law["title"], "_corpus_id": law["id"],
        })
    return docs


def link_items(items: list[dict], docs: list[dict]) -> None:
    """Link a document to the catalogue items whose content/basis names it in 《》."""
    for doc in docs:
        if doc["status"] != "现行有效" or not doc["id"].startswith("law-"):
            continue
        names = {doc["title"], doc["_short_title"], doc["title"].replace("中华人民共和国", "")}
        names = {n for n in names if len(n) >= 4}
        linked = []
        for item in items:
            text = (item["content"] or "") + (item["basis"] or "")
            if any(f"《{n}》" in text for n in names):
                linked.append(item["id"])
        doc["items"] = sorted(linked)


# ---------------------------------------------------------------------------
# Guangdong service guides (办事指南)

# A guide is taken only when its department and its name leave no doubt about the
# domain (the portal's theme tags are too loose: it files lawyers' firm licences under
# 找工作). (domain, department contains, name matches, name must not match)
GD_RULES = [
    ("shjz", "民政", r"最低生活保障|特困人员|临时救助|低收入家庭|社会救助", None),
    ("shbx", "人力资源和社会保障", r"养老保险|养老金|社会保险|工伤|参保|权益记录",
     r"机关事业单位|宗教|知青|随军|退役军人"),
    ("jy", "人力资源和社会保障", r"创业|就业|职业供求|高校毕业生", r"考试|养老保险|境外"),
    ("hjgl", "公安", r"户政|居民身份证|居住证|重名", None),
    ("ylws", "卫生健康", r"出生医学证明|预防接种|免疫规划|疫苗接种|生育指导|病残儿|计划生育|"
                        r"职业病诊断鉴定|传染病疫情|医疗机构查询|血站|医院执业登记", None),
    ("ggflfw", "司法", r"法律援助|人民调解|法律咨询|法律服务所|公证机构|公证档案|司法鉴定机构|业务投诉",
     r"表彰|执业|任职|补贴|抚恤|联营|律师事务所"),
    ("snbt", "农业农村", r"补贴", None),
    ("spypjg", "市场监督管理", r"食品经营许可", None),
    ("ywjy", "教育", r"中小学学籍", None),
    ("ssgl", "税务", r"个人所得税|自然人|代开|发票真伪|税收居民身份证明", None),
    ("ggwhfw", "文化和旅游", r"文化馆|图书馆",
     r"召开|举办|举行|开班|获|援藏|回信|学会|年会|取得|工作队|携手|认定"),
    ("jz", "地震", r"防震减灾", None),
]
GD_LIMIT = 120


def gd_value(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, list):
        v = "、".join(str(x).strip() for x in v if str(x).strip())
    v = str(v).strip()
    return None if v in ("", "无", "null") else v


def build_gd_documents(gd: list[dict], domain_order: dict[str, int]) -> list[dict]:
    picked = []
    for g in gd:
        doms = set()
        name = g["TASK_NAME"]
        for did, dept, want, avoid in GD_RULES:
            if dept in g["DEPT_NAME"] and re.search(want, name) and not (avoid and re.search(avoid, name)):
                doms.add(did)
        if doms and g.get("URL"):
            picked.append((g, sorted(doms, key=lambda d: domain_order[d])))
    picked.sort(key=lambda p: (domain_order[p[1][0]], p[0]["TASK_CODE"]))
    # Spread the limit over the domains: round-robin by domain, in TASK_CODE order.
    by_dom = defaultdict(list)
    for g, doms in picked:
        by_dom[doms[0]].append((g, doms))
    chosen = []
    while len(chosen) < GD_LIMIT and any(by_dom.values()):
        for did in sorted(by_dom, key=lambda d: domain_order[d]):
            if by_dom[did] and len(chosen) < GD_LIMIT:
                chosen.append(by_dom[did].pop(0))
    docs = []
    for g, doms in chosen:
        fields = [
            ("事项名称", g.get("TASK_NAME")),
            ("事项类型", g.get("TASK_TYPE_TEXT")),
            ("实施主体", g.get("DEPT_NAME")),
            ("服务对象", g.get("service_object_name")),
            ("受理条件", g.get("accept_standard")),
            ("申请材料", g.get("material_intro")),
            ("法定办结时限", g.get("handle_time")),
            ("承诺办结时限", g.get("handle_time_limit")),
            ("到现场次数", g.get("visit_number")),
            ("办理地点", g.get("handle_location")),
            ("咨询电话", g.get("consult_phone")),
            ("投诉电话", g.get("complain_phone")),
            ("办理平台", g.get("bear_paltform")),
            ("网上办理地址", g.get("URL")),
        ]
        lines = []
        for label, v in fields:
            v = gd_value(v)
            if v is None:
                continue
            if label == "办理地点":
                v = re.sub(r"^办理地点[：:]", "", v)
            v = re.sub(r"\s*\n\s*", " ", v)
            lines.append(f"{label}：{v}")
        area = g.get("AREA_CODE_TEXT") or "广东省"
        region = area.replace("广东省", "", 1) if area.startswith("广东省") and area != "广东省" else area
        docs.append({
            "id": "gd-" + hashlib.sha1(g["TASK_CODE"].encode("utf-8")).hexdigest()[:10],
            "title": g["TASK_NAME"].strip(), "kind": "办事指南",
            "doc_number": None, "index_number": None, "issuer": g["DEPT_NAME"].strip(),
            "region": region, "written": None, "published": None, "status": "现行有效",
            "domains": doms, "items": [], "interprets": None, "url": g["URL"],
            "body": "\n".join(lines), "attachments": [],
        })
    return docs


# ---------------------------------------------------------------------------
# FAQs and terms

def build_faqs(path: Path, docs_by_id: dict[str, dict], domain_ids: set[str]) -> list[dict]:
    src = json.loads(path.read_text(encoding="utf-8"))
    out = []
    problems = []
    for f in src["faqs"]:
        fid = f.get("id", "?")
        variants = f.get("variants", [])
        if len(set(variants)) < 3 or f["question"] in variants:
            problems.append(f"{fid}: needs 3 different variants besides the question")
        if not f.get("answer") or "（依据：" not in f["answer"]:
            problems.append(f"{fid}: answer must end with its source (依据)")
        for d in f.get("domains", []):
            if d not in domain_ids:
                problems.append(f"{fid}: unknown domain {d}")
        if not f.get("domains"):
            problems.append(f"{fid}: no domain")
        cites = f.get("cites", [])
        if not cites:
            problems.append(f"{fid}: no cites")
        for c in cites:
            doc = docs_by_id.get(c["doc"])
            if doc is None:
                problems.append(f"{fid}: cites unknown document {c['doc']}")
            elif c.get("title") is not None and c["title"] != doc["title"]:
                problems.append(f"{fid}: {c['doc']} is {doc['title']!r}, not {c['title']!r}")
            elif not c["quote"].strip() or c["quote"] not in doc["body"]:
                problems.append(f"{fid}: quote not found verbatim in {c['doc']} ({doc['title']}): {c['quote']!r}")
            elif doc["status"] != "现行有效":
                problems.append(f"{fid}: cites a document that is {doc['status']}")
        documents = []
        for c in cites:
            if c["doc"] not in documents:
                documents.append(c["doc"])
        out.append({
            "id": fid, "question": f["question"], "variants": variants, "answer": f["answer"],
            "domains": f["domains"], "documents": sorted(documents),
            "cites": [{"doc": c["doc"], "quote": c["quote"]} for c in cites],
        })
    ids = [f["id"] for f in out]
    if len(ids) != len(set(ids)):
        problems.append("duplicate FAQ ids")
    if problems:
        fail("FAQ check failed:\n  " + "\n  ".join(problems))
    return sorted(out, key=lambda f: f["id"])


def build_terms(path: Path) -> str:
    groups = []
    seen = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        if len(words) < 2 or len(set(words)) != len(words):
            fail(f"terms line {n}: a group needs two or more different words")
        for w in words:
            if w in seen:
                fail(f"terms line {n}: {w!r} already in line {seen[w]}")
            seen[w] = n
        groups.append(" ".join(words))
    return "\n".join(groups) + "\n"


# ---------------------------------------------------------------------------
# output

def dump_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) + "\n")


def validate(out: Path) -> list[str]:
    """Check a written package source folder; return the problems found (empty: fine)."""
    problems = []

    def rows(name):
        with (out / name).open(encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != "gov-disclosure-catalogue" or manifest.get("format_version") != 1:
        problems.append("manifest: wrong format")
    domains, items, docs, faqs = (rows(n) for n in
                                  ("domains.jsonl", "items.jsonl", "documents.jsonl", "faqs.jsonl"))
    seen = set()
    for kind, group in (("domain", domains), ("item", items), ("document", docs), ("faq", faqs)):
        for r in group:
            if not isinstance(r.get("id"), str) or not re.fullmatch(r"[A-Za-z0-9_-]+", r["id"]):
                problems.append(f"{kind} id {r.get('id')!r} is not a plain ASCII id")
            if (kind, r.get("id")) in seen:
                problems.append(f"duplicate {kind} id {r.get('id')}")
            seen.add((kind, r.get("id")))
    domain_ids = {d["id"] for d in domains}
    item_ids = {i["id"] for i in items}
    doc_ids = {d["id"] for d in docs}
    for d in domains:
        if not d.get("name") or not isinstance(d.get("order"), int) or not isinstance(d.get("pilot"), bool):
            problems.append(f"domain {d['id']}: name/order/pilot")
    if sum(1 for d in domains if d["pilot"]) != 26:
        problems.append("there must be 26 pilot domains")
    for i in items:
        if i["domain"] not in domain_ids:
            problems.append(f"item {i['id']}: unknown domain {i['domain']}")
        if not isinstance(i["channels"], list) or not isinstance(i["level"], list):
            problems.append(f"item {i['id']}: channels/level must be lists")
    for d in docs:
        if d["kind"] not in KINDS:
            problems.append(f"document {d['id']}: kind {d['kind']!r}")
        if d["status"] not in STATUSES:
            problems.append(f"document {d['id']}: status {d['status']!r}")
        for f in ("written", "published"):
            if d[f] is not None and not DATE_RE.match(d[f]):
                problems.append(f"document {d['id']}: {f} {d[f]!r} is not YYYY-MM-DD")
        if not d["body"] or not d["body"].strip() or "\n\n" in d["body"]:
            problems.append(f"document {d['id']}: empty body or blank lines in it")
        if not d["title"]:
            problems.append(f"document {d['id']}: no title")
        for x in d["domains"]:
            if x not in domain_ids:
                problems.append(f"document {d['id']}: unknown domain {x}")
        for x in d["items"]:
            if x not in item_ids:
                problems.append(f"document {d['id']}: unknown item {x}")
        if d.get("interprets") is not None and d["interprets"] not in doc_ids:
            problems.append(f"document {d['id']}: interprets unknown {d['interprets']}")
        for k in ("doc_number", "index_number", "issuer", "region", "url"):
            if d[k] is not None and (not isinstance(d[k], str) or not d[k].strip()):
                problems.append(f"document {d['id']}: {k} is an empty string (use null)")
    for f in faqs:
        if len(set(f["variants"])) < 3:
            problems.append(f"faq {f['id']}: fewer than 3 variants")
        if not f["documents"]:
            problems.append(f"faq {f['id']}: no documents")
        for x in f["documents"]:
            if x not in doc_ids:
                problems.append(f"faq {f['id']}: unknown document {x}")
        for x in f["domains"]:
            if x not in domain_ids:
                problems.append(f"faq {f['id']}: unknown domain {x}")
        if not f["answer"].strip() or not f["question"].strip():
            problems.append(f"faq {f['id']}: empty question or answer")
    if len(faqs) < 90:
        problems.append(f"only {len(faqs)} FAQs")
    groups = [x for x in (out / "terms.txt").read_text(encoding="utf-8").splitlines() if x.strip()]
    if len(groups) < 60:
        problems.append(f"only {len(groups)} term groups")
    return problems


def public(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--out", type=Path, default=REPO / "resources" / "demo" / "source")
    ap.add_argument("--no-gd", action="store_true", help="leave out the Guangdong service guides")
    ap.add_argument("--list-laws", action="store_true", help="print the laws each domain selects and stop")
    ap.add_argument("--check-only", action="store_true", help="only check an already written --out folder")
    args = ap.parse_args(argv)
    if args.check_only:
        problems = validate(args.out)
        print("\n".join(problems) if problems else f"{args.out}: ok")
        return 1 if problems else 0
    shared = args.shared.resolve()
    data = shared / "data"

    domains_json = json.loads((data / "domains.json").read_text(encoding="utf-8"))
    domains = build_domains(domains_json)
    domain_ids = {d["id"] for d in domains}
    domain_order = {d["id"]: d["order"] for d in domains}
    by_name = {d["name"]: d["id"] for d in domains}

    rows = json.loads((data / "standard_catalogue_rows.json").read_text(encoding="utf-8"))
    items = build_items(rows, by_name)

    with gzip.open(data / "laws.jsonl.gz", "rt", encoding="utf-8") as f:
        laws = [json.loads(line) for line in f]
    laws.sort(key=lambda x: x["id"])
    rules = load_rules(TOOLS / "demo_domain_rules.json", domain_ids)
    selected = select_laws(laws, rules)
    if args.list_laws:
        per = defaultdict(list)
        for law, title, doms in selected:
            for d in doms:
                per[d].append(f"{title} [{law['region'] or '全国'} {law['version_date']}]")
        for d in sorted(per, key=lambda d: domain_order[d]):
            print(f"== {d} ({len(per[d])})")
            for t in sorted(per[d]):
                print("   " + t)
        return 0

    docs = build_seed_documents(shared / "seeds")
    law_docs = build_law_documents(selected, laws, domain_order)
    link_items(items, law_docs)
    docs += law_docs
    if not args.no_gd:
        with gzip.open(data / "gd_service_items.jsonl.gz", "rt", encoding="utf-8") as f:
            gd = [json.loads(line) for line in f]
        docs += build_gd_documents(gd, domain_order)
    docs = [public(d) for d in docs]
    docs.sort(key=lambda d: d["id"])
    docs_by_id = {d["id"]: d for d in docs}
    if len(docs_by_id) != len(docs):
        fail("duplicate document ids")
    if "中华人民共和国政府信息公开条例" not in {d["title"] for d in docs}:
        fail("the 政府信息公开条例 must be in the package")

    faqs = build_faqs(TOOLS / "demo_faqs.json", docs_by_id, domain_ids)
    terms = build_terms(TOOLS / "demo_terms.txt")

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    for name in OUTPUT_FILES:  # remove only what this script writes
        (out / name).unlink(missing_ok=True)
    (out / "manifest.json").write_text(
        json.dumps(MANIFEST, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n")
    dump_jsonl(out / "domains.jsonl", sorted(domains, key=lambda d: d["order"]))
    dump_jsonl(out / "items.jsonl", items)
    dump_jsonl(out / "documents.jsonl", docs)
    dump_jsonl(out / "faqs.jsonl", faqs)
    (out / "terms.txt").write_text(terms, encoding="utf-8", newline="\n")

    problems = validate(out)
    if problems:
        fail("the written package does not check out:\n  " + "\n  ".join(problems[:50]))

    # summary
    print(f"wrote {out} (checked: ids unique, references resolve, dates, bodies, FAQs)")
    print(f"domains {len(domains)}, items {len(items)}, documents {len(docs)}, "
          f"faqs {len(faqs)}, term groups {terms.count(chr(10))}")
    doc_count = Counter(d for doc in docs for d in doc["domains"])
    kind_count = Counter((doc["domains"][0], doc["kind"]) for doc in docs)
    faq_count = Counter(d for f in faqs for d in f["domains"])
    item_count = Counter(i["domain"] for i in items)
    print(f"{'domain':<10}{'name':<14}{'items':>6}{'docs':>6}{'guides':>7}{'faqs':>6}")
    for d in sorted(domains, key=lambda d: d["order"]):
        did = d["id"]
        print(f"{did:<10}{d['name']:<14}{item_count[did]:>6}{doc_count[did]:>6}"
              f"{kind_count[(did, '办事指南')]:>7}{faq_count[did]:>6}")
    law_status = Counter(doc["status"] for doc in docs if doc["id"].startswith("law-"))
    print("laws by status: " + ", ".join(f"{k} {v}" for k, v in sorted(law_status.items())))
    linked = sum(1 for i in items if any(i["id"] in doc["items"] for doc in docs))
    print(f"items linked to at least one document: {linked}/{len(items)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BuildError as e:
        print(f"build_demo: FAILED: {e}", file=sys.stderr)
        sys.exit(1)
