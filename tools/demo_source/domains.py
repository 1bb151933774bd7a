"""Domains (the 26 pilot domains plus zwgk and jtys) and the 85 real 标准目录 items."""
from __future__ import annotations

import re
from collections import Counter

from .common import fail

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
