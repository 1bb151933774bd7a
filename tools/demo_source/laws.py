"""Laws from shared/data/laws.jsonl.gz: picked by the title keyword rules of tools/demo_domain_rules.json,
their region, issuer, 令 number, status (现行有效 / 已修改 / 废止) and body, and their links to catalogue items."""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path

from .common import DATE_RE, fail, iso_date

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


def load_laws(path: Path) -> list[dict]:
    """The laws corpus (laws.jsonl.gz), in corpus-id order."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        laws = [json.loads(line) for line in f]
    laws.sort(key=lambda x: x["id"])
    return laws


def print_law_list(selected, domain_order: dict[str, int]) -> None:
    """``--list-laws``: the laws each domain rule selects, for reviewing the rule table."""
    per = defaultdict(list)
    for law, title, doms in selected:
        for d in doms:
            per[d].append(f"{title} [{law['region'] or '全国'} {law['version_date']}]")
    for d in sorted(per, key=lambda d: domain_order[d]):
        print(f"== {d} ({len(per[d])})")
        for t in sorted(per[d]):
            print("   " + t)
