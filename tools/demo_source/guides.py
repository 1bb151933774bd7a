"""Guangdong service guides (办事指南) from shared/data/gd_service_items.jsonl.gz.

Which guides the demo takes (GD_RULES, at most GD_LIMIT, spread over the domains) and the document
each one becomes: kind 办事指南, its body one "label：value" line per field the portal gives. This
module stands on its own (it needs only the domains' order), so that the guides can become structured
办事指南 records without touching the rest of the build."""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path

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


def load_service_items(path: Path) -> list[dict]:
    """The Guangdong service items (gd_service_items.jsonl.gz), in file order."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]
