#!/usr/bin/env python3
"""Hostile input benchmark: what an absurd query costs against an ordinary one, in the same run.

    python bench/hostile.py [--data-dir DIR] [--runs 3] [--out FILE]

Each case is one ``python -m catalog search|ask --batch FILE --json`` process on the demo
catalogue (imported into a temporary folder unless --data-dir is given): its wall time and its
peak RSS (the child's ``ru_maxrss``). The baseline is the same command on a one-line file holding
an ordinary question. Cases: a 1 MB line of Chinese characters, a 1 MB line of pinyin letters,
and a 1 MB line of mixed text. Goal (issue 15): <= 2 s and <= 100 MB more memory than the
baseline.

Packages: one ``python -m catalog import PACKAGE --json`` process per case on a copy of the
catalogue, measuring its peak RSS and every byte it wrote (``wchar`` of /proc/self/io, read as it
exits: files, logs and output alike, an upper bound on what reached the data folder). The baseline
is a small unsigned package, refused the same way. Cases: the 2.2 MB unsigned zip whose entries
declare about 2 GB (it used to write 1.9 GB before 没有签名), one of 440 MB whose every entry
and whole passes the ratio limits (only the signature can stop it), and a zip holding a 480 MB
manifest (it used to take 1.2 GB of memory). Goal: refused, <= 10 MB written, <= 100 MB of memory
over the baseline. Medians over ``--runs``; JSON to stdout and bench/results/hostile.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import shutil
import tempfile
import time
import zipfile
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
PACKAGE_GOALS = {"written_mb": 10, "extra_rss_mb": 100}

# The child: the catalogue's command line, then the bytes this process wrote, as it exits.
_MEASURED = """
import atexit, runpy, sys
path = sys.argv.pop(1)
def _write():
    with open("/proc/self/io") as fh, open(path, "w") as out:
        out.write(fh.read())
atexit.register(_write)
runpy.run_module("catalog", run_name="__main__", alter_sys=True)
"""


def _manifest(**extra) -> bytes:
    from catalog import settings

    m = {"format": settings.PACKAGE_FORMAT, "format_version": settings.PACKAGE_FORMAT_VERSION,
         "publisher": "演示目录（据公开资料整理，非官方发布）", "region": "演示", "sequence": 99, "kind": "full",
         "files": {}, **extra}
    return json.dumps(m, ensure_ascii=False).encode()


def hostile_packages(folder: Path) -> dict[str, Path]:
    """The baseline and the two zips of the issue, written once."""
    out = {}
    small = folder / "small-unsigned.zip"
    with zipfile.ZipFile(small, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", _manifest())
        zf.writestr("documents.jsonl", b"{}\n")
    out["baseline: a small unsigned package"] = small
    wide = folder / "declares-2gb.zip"
    zeros = bytes(2 * MB)
    with zipfile.ZipFile(wide, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("manifest.json", _manifest())
        for i in range(1000):  # 1,000 entries of 2 MB of zeros: ~2.1 MB packed, ~2 GB unpacked
            zf.writestr(f"files/f{i:04d}.bin", zeros)
    out["unsigned zip declaring 2 GB"] = wide
    mild = folder / "unsigned-under-the-ratio.zip"
    block = bytearray(450 * 1024)  # 1 KB blocks of 6 random bytes and zeros: about 100:1 packed
    for i in range(0, len(block), 1024):
        block[i:i + 6] = os.urandom(6)
    with zipfile.ZipFile(mild, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("manifest.json", _manifest())
        for i in range(1000):  # ~440 MB that every ratio check lets through: the signature stops it
            zf.writestr(f"files/f{i:04d}.bin", bytes(block))
    out["unsigned zip of 440 MB under every ratio limit"] = mild
    big = folder / "manifest-480mb.zip"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        # written in pieces: this process stays small, so the children it forks do too (a forked
        # child's peak RSS counts what it shares with its parent before it execs)
        head, tail = _manifest(padding="@").split(b"@")
        with zf.open("manifest.json", "w", force_zip64=True) as fh:
            fh.write(head)
            for _ in range(480):
                fh.write(b" " * MB)
            fh.write(tail)
    out["zip holding a 480 MB manifest"] = big
    return out


def run_package(data_dir: Path, package: Path, work: Path) -> dict:
    dd = work / "kiosk"
    shutil.rmtree(dd, ignore_errors=True)
    shutil.copytree(data_dir, dd, ignore=shutil.ignore_patterns("logs", "*.lock"))
    io_path = work / "io.txt"
    io_path.unlink(missing_ok=True)
    started = time.perf_counter()
    with open(work / "out.txt", "wb") as out, open(work / "err.txt", "wb") as err:
        proc = subprocess.Popen([sys.executable, "-c", _MEASURED, str(io_path), "--data-dir", str(dd),
                                 "import", str(package), "--json"], cwd=REPO, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    io = dict(line.split(": ") for line in io_path.read_text().splitlines()) if io_path.exists() else {}
    err_text = (work / "err.txt").read_text("utf-8", "replace")
    return {"s": round(wall, 3), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "written_mb": round(int(io.get("wchar", -1)) / MB, 3), "rc": os.waitstatus_to_exitcode(status),
            "traceback": "Traceback" in err_text, "said": err_text.strip()[:200],
            "package_mb": round(package.stat().st_size / MB, 2)}


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
        packages = hostile_packages(Path(tmp))
        for name, pkg in packages.items():
            runs = [run_package(dd, pkg, Path(tmp)) for _ in range(args.runs)]
            results.setdefault("import", {})[name] = {
                "median_s": median([r["s"] for r in runs]),
                "peak_rss_mb": median([r["peak_rss_mb"] for r in runs]),
                "written_mb": median([r["written_mb"] for r in runs]),
                "rc": [r["rc"] for r in runs], "traceback": any(r["traceback"] for r in runs),
                "said": runs[0]["said"], "package_mb": runs[0]["package_mb"], "runs": runs}
            c = results["import"][name]
            print(f"import {name:36} {c['median_s']:.2f} s {c['peak_rss_mb']} MB, wrote {c['written_mb']:.3f} MB",
                  file=sys.stderr)
    imports = results.pop("import")
    base = imports["baseline: a small unsigned package"]
    for name, c in imports.items():
        c["extra_rss_mb"] = round(c["peak_rss_mb"] - base["peak_rss_mb"], 1)
        c["meets_goals"] = (all(rc == 1 for rc in c["rc"]) and not c["traceback"]
                            and c["written_mb"] <= PACKAGE_GOALS["written_mb"]
                            and c["extra_rss_mb"] <= PACKAGE_GOALS["extra_rss_mb"])
    for command, cases in results.items():
        base = cases["baseline: 低保怎么申请"]
        for name, c in cases.items():
            c["extra_s"] = round(c["median_s"] - base["median_s"], 3)
            c["extra_rss_mb"] = round(c["peak_rss_mb"] - base["peak_rss_mb"], 1)
            c["meets_goals"] = c["extra_s"] <= GOALS["extra_s"] and c["extra_rss_mb"] <= GOALS["extra_rss_mb"]
    report = {"benchmark": "hostile", "measured_at": now_iso(), "machine": machine(),
              "took_s": round(time.time() - started, 1), "runs": args.runs, "goals": GOALS,
              "note": "peak RSS: each CLI process's own (os.wait4); medians over the runs",
              "results": results, "package_goals": PACKAGE_GOALS, "imports": imports}
    write_json(args.out, report)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
