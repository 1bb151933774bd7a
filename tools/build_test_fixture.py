"""Build the small real-content fixture the tests make packages from (tests/fixtures/).

Real texts only: the 26 pilot domains, a few real 标准目录 rows, and the full text of real national
regulations from ../shared/data/laws.jsonl.gz, in package record format. Deterministic output.
Run: python3 tools/build_test_fixture.py [--shared ../shared]
"""

import argparse
import gzip
import hashlib
import json
import re
from pathlib import Path

# title -> domains (by subject; national regulations in force per the corpus' newest version)
LAWS = {
    "社会救助暂行办法": ["shjz"], "城市居民最低生活保障条例": ["shjz"], "户口登记条例": ["hjgl"],
    "政府信息公开条例": ["zwgk"], "自然灾害救助条例": ["jz"], "社会保险法": ["shbx"],
    "义务教育法": ["ywjy"], "老年人权益保障法": ["ylfw"], "就业促进法": ["jy"],
    "食品安全法": ["spypjg"], "药品管理法": ["spypjg"], "安全生产法": ["aqsc"],
    "招标投标法": ["ggzyjy"], "预算法": ["czyjs"], "土地管理法": ["zdbc"],
    "国有土地上房屋征收与补偿条例": ["gytdfwzs"], "环境保护法": ["hjbh"],
    "公共文化服务保障法": ["ggwhfw"], "人民调解法": ["ggflfw"], "税收征收管理法": ["ssgl"],
    "城乡规划法": ["cxgh"], "社会保险费征缴暂行条例": ["shbx"], "残疾人保障法": ["shjz"],
    "招标投标法实施条例": ["ggzyjy"], "税收征收管理法实施细则": ["ssgl"],
}
ROW_PICK = 2  # real catalogue rows per domain kept in the fixture


def clean(text: str) -> str:
    lines = [re.sub(r"^#+\s*", "", ln).strip() for ln in text.splitlines()]
    return "\n".join(ln for ln in lines if ln)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    args = ap.parse_args()
    shared = Path(args.shared)
    out = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
    out.mkdir(parents=True, exist_ok=True)

    dom = json.loads((shared / "data" / "domains.json").read_text(encoding="utf-8"))
    domains = [{"id": d["id"], "name": d["name"], "order": d["order"], "pilot": True,
                "description": None} for d in dom["pilot_domains"]]
    domains.append({"id": "zwgk", "name": "政务公开", "order": 90, "pilot": False, "description": None})
    by_name = {d["name"]: d["id"] for d in domains}

    rows = json.loads((shared / "data" / "standard_catalogue_rows.json").read_text(encoding="utf-8"))
    items, per = [], {}
    for r in rows:
        did = by_name.get(r["domain"])
        if did is None or per.get(did, 0) >= ROW_PICK:
            continue
        per[did] = per.get(did, 0) + 1
        items.append({"id": f"{did}-{per[did]:03d}", "domain": did, "level1": r["item_level1"],
                      "level2": r["item_level2"], "content": r["content"], "basis": r["basis"],
                      "time_limit": r["time_limit"], "subject": r["subject"],
                      "channels": r["channels"] or [], "audience": r["audience"],
                      "method": r["method"], "level": r["level"] or []})

    newest: dict[str, dict] = {}
    with gzip.open(shared / "data" / "laws.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            law = json.loads(line)
            if law["title"] in LAWS and law["region"] is None:
                have = newest.get(law["title"])
                if have is None or (law["version_date"] or "") > (have["version_date"] or ""):
                    newest[law["title"]] = law
    docs = []
    for title in LAWS:
        law = newest[title]
        docs.append({
            "id": "law-" + hashlib.sha1(law["id"].encode()).hexdigest()[:10], "title": title,
            "kind": "政策文件", "doc_number": None, "index_number": None, "issuer": None,
            "region": "全国", "written": None, "published": law["version_date"], "status": "现行有效",
            "domains": LAWS[title], "items": [], "interprets": None, "url": None,
            "body": clean(law["text"]), "attachments": []})

    def write(name, recs):
        (out / name).write_text("".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n"
                                        for r in recs), encoding="utf-8")
    write("domains.jsonl", domains)
    write("items.jsonl", items)
    write("documents.jsonl", docs)
    print(f"{len(domains)} domains, {len(items)} items, {len(docs)} documents -> {out}")


if __name__ == "__main__":
    main()
