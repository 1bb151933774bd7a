#!/usr/bin/env python3
"""Hostile input benchmark: what an absurd query costs against an ordinary one, in the same run.

    python bench/hostile.py [--data-dir DIR] [--runs 3] [--out FILE]

Each case is one ``python -m catalog search|ask --batch FILE --json`` process on the demo
catalogue (imported into a temporary folder unless --data-dir is given): its wall time and its
peak RSS (the child's ``ru_maxrss``). The baseline is the same command on a one-line file holding
an ordinary question. Cases: a 1 MB line of Chinese characters, a 1 MB line of pinyin letters,
and a 1 MB line of mixed text. Goal (issue 15): <= 2 s and <= 100 MB more memory than the
baseline. Medians over ``--runs``; JSON to stdout and bench/results/hostile.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO, RESULTS, demo_data_dir, machine, median, now_iso, write_json  # noqa: E402

MB = 1 << 20
CASES = {
    "baseline: 低保怎么申请": "低保怎么申请",
    "1 MB of Chinese": ("低保怎么申请到哪里办" * (MB // 30 + 1)),
    "1 MB of pinyin letters": ("shipinanquan" * (MB // 12 + 1)),
    "1 MB mixed": ("低保 dibao 2024 第十条 " * (MB // 40 + 1)),
}
GOALS = {"extra_s": 2.0, "extra_rss_mb": 100}


def run_case(data_dir: Path, command: str, text: str, work: Path) -> dict:
    batch = work / "line.txt"
    batch.write_bytes(text.encode("utf-8")[:MB])
    out_path, err_path = work / "out.txt", work / "err.txt"
    started = time.perf_counter()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "catalog", "--data-dir", str(data_dir), command,
                                 "--batch", str(batch), "--json"], cwd=REPO, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage (its peak RSS)
    wall = time.perf_counter() - started
    lines = out_path.read_text("utf-8", "replace").strip().splitlines()
    answer = json.loads(lines[0]) if lines else {}
    return {"s": round(wall, 3), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "rc": os.waitstatus_to_exitcode(status), "traceback": b"Traceback" in err_path.read_bytes(),
            "cut_from": answer.get("cut_from"), "line_bytes": batch.stat().st_size}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=RESULTS / "hostile.json")
    args = ap.parse_args()
    started = time.time()
    results: dict = {}
    with demo_data_dir(args.data_dir) as dd, tempfile.TemporaryDirectory() as tmp:
        for command in ("search", "ask"):
            for name, text in CASES.items():
                runs = [run_case(dd, command, text, Path(tmp)) for _ in range(args.runs)]
                results.setdefault(command, {})[name] = {
                    "median_s": median([r["s"] for r in runs]),
                    "peak_rss_mb": median([r["peak_rss_mb"] for r in runs]),
                    "rc": [r["rc"] for r in runs], "traceback": any(r["traceback"] for r in runs),
                    "cut_from": runs[0]["cut_from"], "line_bytes": runs[0]["line_bytes"], "runs": runs}
                c = results[command][name]
                print(f"{command:6} {name:24} {c['median_s']:.2f} s {c['peak_rss_mb']} MB", file=sys.stderr)
    for command, cases in results.items():
        base = cases["baseline: 低保怎么申请"]
        for name, c in cases.items():
            c["extra_s"] = round(c["median_s"] - base["median_s"], 3)
            c["extra_rss_mb"] = round(c["peak_rss_mb"] - base["peak_rss_mb"], 1)
            c["meets_goals"] = c["extra_s"] <= GOALS["extra_s"] and c["extra_rss_mb"] <= GOALS["extra_rss_mb"]
    report = {"benchmark": "hostile", "measured_at": now_iso(), "machine": machine(),
              "took_s": round(time.time() - started, 1), "runs": args.runs, "goals": GOALS,
              "note": "peak RSS: each CLI process's own (os.wait4); medians over the runs",
              "results": results}
    write_json(args.out, report)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
