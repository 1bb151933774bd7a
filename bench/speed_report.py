"""speed.py's report: the medians and target verdicts of each system, and the table on stderr."""

from __future__ import annotations

from bench.common import median

TARGETS = {"query_p95_ms": 50, "suggest_p95_ms": 20, "build_s": 120, "rss_mb": 400, "ask_p95_ms": 100}


def summarise(sysres: dict) -> dict:
    builds, qs = sysres.get("builds", []), sysres.get("query_runs_raw", [])
    sug = [q["suggest"] for q in qs if q.get("suggest")]
    m = {
        "build_s": median([b.get("import_s", b.get("build_s")) for b in builds]),
        "build_rss_mb": median([b.get("peak_rss_mb") for b in builds]),
        "index_mb": median([b.get("sizes", {}).get("index_mb", b.get("index_mb")) for b in builds]),
        "query_p50_ms": median([q["queries"]["p50_ms"] for q in qs]),
        "query_p95_ms": median([q["queries"]["p95_ms"] for q in qs]),
        "query_max_ms": median([q["queries"]["max_ms"] for q in qs]),
        "query_rss_mb": median([q["peak_rss_mb"] for q in qs]),
        "open_ms": median([q.get("open_ms") for q in qs]),
        "zero_hit_queries": median([q.get("zero_hit_queries") for q in qs]),
        "suggest_p50_ms": median([s["p50_ms"] for s in sug]) if sug else None,
        "suggest_p95_ms": median([s["p95_ms"] for s in sug]) if sug else None,
    }
    asks = [q["ask"] for q in qs if q.get("ask")]
    if asks:
        m["ask_p50_ms"] = median([a["p50_ms"] for a in asks])
        m["ask_p95_ms"] = median([a["p95_ms"] for a in asks])
        m["dense_passages"] = qs[0].get("dense", {}).get("passages_with_vector")
    if builds and "sizes" in builds[0]:
        m["db_mb"] = median([b["sizes"]["db_mb"] for b in builds])
    if "segment_s" in sysres:
        m["segment_s"] = sysres["segment_s"]
        m["index_build_s"] = median([b["index_build_s"] for b in builds])

    def meets(value, target):
        return None if value is None else value <= target

    verdict = {"query_p95": meets(m["query_p95_ms"], TARGETS["query_p95_ms"]),
               "build": meets(m["build_s"], TARGETS["build_s"]),
               "query_rss": meets(m["query_rss_mb"], TARGETS["rss_mb"])}
    if sysres["system"].startswith("catalog-"):
        verdict["suggest_p95"] = meets(m["suggest_p95_ms"], TARGETS["suggest_p95_ms"])
        verdict["ask_p95"] = meets(m.get("ask_p95_ms"), TARGETS["ask_p95_ms"])
        if qs and not sug:
            m["suggest_note"] = "Catalog has no suggest(prefix, limit=8) yet: suggestion latency not measured"
    return {"median": m, "meets_target": verdict}


def table(systems: dict) -> str:
    def f(v, nd=1):
        return "–" if v is None else (f"{v:.{nd}f}" if isinstance(v, float) else str(v))

    t = TARGETS
    lines = [f"| system | build s (≤{t['build_s']}) | index MB | query p50 / p95 (≤{t['query_p95_ms']}) / max ms "
             f"| query RSS MB (≤{t['rss_mb']}) | suggest p50 / p95 ms (≤{t['suggest_p95_ms']}) "
             f"| ask p50 / p95 ms (≤{t['ask_p95_ms']}) |",
             "|---|---|---|---|---|---|---|"]
    for name, s in systems.items():
        m = s.get("median") or {}
        if s.get("error") and not m.get("query_p50_ms"):
            lines.append(f"| {name} | {s['error'].splitlines()[0][:100]} | | | | | |")
            continue
        build = f(m.get("build_s"))
        if "segment_s" in m:
            build += f" (jieba {f(m['segment_s'])} + index {f(m.get('index_build_s'))})"
        sug = (f"{f(m['suggest_p50_ms'], 2)} / {f(m['suggest_p95_ms'], 2)}"
               if m.get("suggest_p95_ms") is not None else ("no suggest()" if name.startswith("catalog") else "n/a"))
        lines.append(f"| {name} | {build} | {f(m.get('index_mb'))} | {f(m.get('query_p50_ms'), 2)} / "
                     f"{f(m.get('query_p95_ms'), 2)} / {f(m.get('query_max_ms'), 2)} | {f(m.get('query_rss_mb'))} | {sug} "
                     f"| {f(m.get('ask_p50_ms'), 1)} / {f(m.get('ask_p95_ms'), 1)} |")
    return "\n".join(lines)
