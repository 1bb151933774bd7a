"""The masker measured: what it hides (recall on generated personal data), what it should leave
alone (the share of real people's questions it changes) and what it costs (ms per text), beside
the previous masker (bench/privacy_baseline.py, kept verbatim) in the same run.

    .venv/bin/python bench/privacy.py [--shared ../shared] [--runs 3]

Writes bench/results/privacy.json. The real questions are read from ../shared/devsets at run time
(they are never copied into this repository). The generated cases are deterministic: the same
names, numbers and sentences on every run.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time

from common import DEFAULT_SHARED, RESULTS, latency_summary, machine, median, now_iso, write_json

from catalog.privacy import COMPOUND_SURNAMES, mask, safe_text
from privacy_baseline import mask as baseline_mask

GIVEN = list("秀英桂兰建国志强丽娟玉梅海燕春花文华明军红霞淑珍凤英德明")
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘")
CONTEXTS = {  # where a name appears in what citizens type
    "before 的": "{n}的低保什么时候发",
    "after 我叫": "我叫{n}，想问补贴",
    "alone": "{n}",
    "after 户主是": "户主是{n}，怎么申请",
    "followed by 低保": "{n}低保怎么没到账",
    "帮…查": "帮{n}查一下养老金",
    # no cue and no anchor next to the name
    "opening a sentence": "{n}能办低保吗",
    "after a kin word": "我妈{n}今年八十了有补贴吗",
    "mid-sentence": "为什么不给{n}发补贴",
    "after a title": "村主任{n}贪污怎么举报",
    "spaced out": "{spaced}的低保怎么还没到",
}


def names(k: int, rng: random.Random) -> list[str]:
    out = []
    compounds = sorted(COMPOUND_SURNAMES)
    while len(out) < k:
        sur = rng.choice(compounds) if rng.random() < 0.15 else rng.choice(SURNAMES)
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if sur + given not in out:
            out.append(sur + given)
    return out


def numbers(rng: random.Random) -> list[tuple[str, str]]:
    """(text, the digits that must not survive): IDs and phones written every way people do."""
    cases = []
    zh = dict(zip("0123456789", "零一二三四五六七八九"))
    for _ in range(40):
        phone = "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))
        idno = "3601" + "".join(rng.choice("0123456789") for _ in range(2)) + "19" + \
            "".join(rng.choice("0123456789") for _ in range(9)) + rng.choice("0123456789X")
        grouped = f"{phone[:3]}{{s}}{phone[3:7]}{{s}}{phone[7:]}"
        for sep in (" ", ".", "/", "，", "-", "。"):
            cases.append((f"电话{grouped.format(s=sep)}", phone))
        cases += [(f"tel{phone}", phone), (f"ID{idno}", idno[:17]), (f"身份证{idno}低保", idno[:17]),
                  ("".join(zh[c] for c in phone), phone), (phone.translate(str.maketrans("0123456789", "０１２３４５６７８９")), phone)]
    return cases


def identifiers(rng: random.Random) -> list[tuple[str, str]]:
    """(text, the digits that must not survive): plates, house numbers and short numbers a label
    says are a person's."""
    cases = []
    for _ in range(20):
        d = "".join(rng.choice("0123456789") for _ in range(6))
        cases += [(f"车牌赣H{d[:5]}被扣了", d[:5]), (f"车牌号赣H·{d[:5]}", d[:5]), ("车牌 赣 H " + " ".join(d[:5]), d[:5]),
                  (f"我家住在进坑村{d[0]}组{d[1:3]}号房子漏水", d[:3]),
                  (f"新厂西路{d[:3]}号{d[3]}栋{d[4]}单元301室", d[:3]),
                  (f"军官证{d}", d), (f"工号{d}", d), (f"身份证后四位{d[:3]}X", d[:3]), (f"手机尾号{d[:4]}", d[:4])]
    return cases


def real_texts(shared) -> dict[str, list[str]]:
    dev = shared / "devsets"
    out = {}
    for name, path in (("law-articles-stard", dev / "law-articles-stard/queries.jsonl"),
                       ("bank-faq-bq queries", dev / "bank-faq-bq/queries.jsonl"),
                       ("bank-faq-bq out_of_scope", dev / "bank-faq-bq/out_of_scope.jsonl")):
        if path.exists():
            out[name] = [json.loads(line)["query"] for line in path.open(encoding="utf-8") if line.strip()]
    return out


def hidden(name: str, context: str, out: str) -> bool:
    """Is ``name`` gone from ``out``, with no character of its given name left (王德[姓名] is not
    hidden)? Characters the context itself holds do not count."""
    if not out:
        return True  # safe_text stores nothing
    given = name[2:] if name[:2] in COMPOUND_SURNAMES else name[1:]
    return name not in out and "[姓名]" in out and not any(c in out and c not in context for c in given)


def digits(s: str) -> str:
    zh = {c: str(i) for i, c in enumerate("零一二三四五六七八九")} | {c: str(i) for i, c in enumerate("０１２３４５６７８９")}
    return "".join(zh.get(c, c) for c in s if c.isdigit() or c in zh)


def run_once(maskers, shared) -> dict:
    rng = random.Random(13)
    people = names(100, rng)
    result = {}
    for label, fn in maskers.items():
        # hidden: no character of the given name is left beside the placeholder either
        recall = {ctx: sum(hidden(n, t, fn(t.format(n=n, spaced=" ".join(n)))) for n in people) / len(people)
                  for ctx, t in CONTEXTS.items()}
        nums = numbers(random.Random(7))
        recall["numbers"] = sum(secret not in digits(fn(text)) for text, secret in nums) / len(nums)
        ids = identifiers(random.Random(11))
        recall["plates, house numbers, labelled ids"] = \
            sum(secret not in digits(fn(text)) for text, secret in ids) / len(ids)
        changed, ms = {}, []
        for set_name, texts in real_texts(shared).items():
            n = 0
            for t in texts:
                t0 = time.perf_counter()
                out = fn(t)
                ms.append((time.perf_counter() - t0) * 1000)
                n += out != t
            changed[set_name] = {"texts": len(texts), "changed": n, "share": round(n / len(texts), 4)}
        total = sum(c["texts"] for c in changed.values())
        result[label] = {"recall": {k: round(v, 3) for k, v in recall.items()},
                         "real_texts_changed": changed,
                         "real_texts_changed_share": round(sum(c["changed"] for c in changed.values()) / total, 4)
                         if total else None,
                         "latency": latency_summary(ms)}
    return result


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(DEFAULT_SHARED))
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from pathlib import Path

    shared = Path(args.shared)
    maskers = {"mask (catalog.privacy)": mask,
               "safe_text (what is stored; None counts as hidden)": lambda t: safe_text(t) or "",
               "baseline: the previous masker": baseline_mask}
    for fn in maskers.values():
        fn("我叫王秀英，zhangsan的低保 13912345678")  # warm the segmenter and tables
    runs = [run_once(maskers, shared) for _ in range(args.runs)]
    out = {"when": now_iso(), "machine": machine(), "runs": args.runs, "results": {}}
    for label in maskers:
        first = runs[0][label]
        out["results"][label] = {
            "recall": first["recall"],  # deterministic: the same in every run
            "real_texts_changed": first["real_texts_changed"],
            "real_texts_changed_share": first["real_texts_changed_share"],
            "latency_p50_ms_median": median([r[label]["latency"]["p50_ms"] for r in runs]),
            "latency_p95_ms_median": median([r[label]["latency"]["p95_ms"] for r in runs]),
            "latency_max_ms_median": median([r[label]["latency"]["max_ms"] for r in runs]),
        }
    write_json(RESULTS / "privacy.json", out)
    print(json.dumps(out["results"], ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
