#!/usr/bin/env python3
"""Build the laws scale-corpus package: one document per law of shared/data/laws.jsonl.gz.

    python bench/laws_package.py [--shared ../shared] [--limit N] [--out laws.zip] [--source DIR]

This is a scale corpus for benchmarks, not demo content: one non-pilot domain ``laws``, no items,
no FAQs. The package is unsigned (import it with --allow-unsigned). Output is deterministic: the
same corpus and --limit give byte-identical documents.jsonl and zip (``created`` is pinned via
SOURCE_DATE_EPOCH unless the caller set it).

Status: the corpus has none. A title that appears in several versions (same title and region) is
现行有效 in its newest version_date and 已修改 in the older ones; a version without a date counts as
older than any dated one. Versions that share the newest date (the corpus files a few laws under
two categories) are all 现行有效. Everything else is 现行有效.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEFAULT_SHARED  # noqa: E402

MANIFEST = {"publisher": "基准测试（法律法规全文）", "region": "全国", "sequence": 1}
DOMAIN = {"id": "laws", "name": "法律法规", "order": 1, "pilot": False,
          "description": "基准测试用的规模语料（法律法规全文），不是演示内容"}
PINNED_EPOCH = "1735689600"  # 2025-01-01T00:00:00Z, for a reproducible manifest "created"

_HEADING = re.compile(r"^#+\s*")
_COMMENT = re.compile(r"^<!--.*-->$")


def load_laws(shared: Path) -> list[dict]:
    with gzip.open(Path(shared) / "data" / "laws.jsonl.gz", "rt", encoding="utf-8") as fh:
        laws = [json.loads(line) for line in fh if line.strip()]
    laws.sort(key=lambda r: r["id"])
    return laws


def sample(laws: list[dict], limit: int | None) -> list[dict]:
    """``limit`` laws spread evenly over the corpus (in id order), so a small run still mixes
    national laws, judicial interpretations and local regulations."""
    if not limit or limit >= len(laws):
        return laws
    step = len(laws) / limit
    return [laws[int(i * step)] for i in range(limit)]


def body(text: str) -> str:
    """Plain text, one paragraph per line: markdown '#' heading marks removed, blank lines dropped."""
    out = []
    for line in text.split("\n"):
        line = line.replace("\u200b", "").strip()
        if not line or _COMMENT.match(line):
            continue
        line = _HEADING.sub("", line).strip()
        if line:
            out.append(line)
    return "\n".join(out)


def statuses(laws: list[dict]) -> dict[str, str]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for law in laws:
        groups[(law["region"], law["title"])].append(law)
    out = {}
    for group in groups.values():
        newest = max((g["version_date"] for g in group if g["version_date"]), default=None)
        for law in group:
            older = len(group) > 1 and (law["version_date"] is None or law["version_date"] != newest)
            out[law["id"]] = "已修改" if older else "现行有效"
    return out


def document(law: dict, status: str) -> dict:
    return {
        "id": "law-" + hashlib.sha1(law["id"].encode("utf-8")).hexdigest()[:10],
        "title": law["title"], "kind": "政策文件", "doc_number": None, "index_number": None,
        "issuer": None, "region": law["region"] or "全国", "written": None,
        "published": law["version_date"], "status": status, "domains": ["laws"], "items": [],
        "interprets": None, "url": None, "body": body(law["text"]), "attachments": [],
    }


def _jsonl(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def write_folder(source: Path, manifest: dict, docs: list[dict]) -> None:
    """A package source folder of one domain and ``docs`` (replacing what ``source`` held)."""
    ids = [d["id"] for d in docs]
    if len(set(ids)) != len(ids):
        raise SystemExit("document id collision (sha1 prefix): widen the prefix")
    if source.exists():
        shutil.rmtree(source)
    source.mkdir(parents=True)
    (source / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    _jsonl(source / "domains.jsonl", [DOMAIN])
    _jsonl(source / "items.jsonl", [])
    _jsonl(source / "faqs.jsonl", [])
    _jsonl(source / "documents.jsonl", docs)


def write_source(shared: Path, source: Path, limit: int | None = None) -> dict:
    """Write the package source folder; returns counts."""
    laws = sample(load_laws(shared), limit)
    status = statuses(laws)
    docs = [document(law, status[law["id"]]) for law in laws]
    write_folder(source, MANIFEST, docs)
    return {"documents": len(docs), "current": sum(1 for d in docs if d["status"] == "现行有效"),
            "amended": sum(1 for d in docs if d["status"] == "已修改"),
            "body_chars": sum(len(d["body"]) for d in docs)}


def synthetic_vector_cache(source: Path, cache_path: Path) -> int:
    """A publisher vector cache holding a random unit vector (seeded by its key) for every passage
    and FAQ text of ``source``: for timing only. Embedding the 147,836 passages of the laws
    corpus takes 3–4 hours on 2 cores, and what is timed does not depend on the values: dense
    search is an exact matrix product over every row (catalog.answers.vectors.DenseIndex), and the
    import stores and loads the rows whatever they hold. Quality is measured on real vectors
    (bench/devsets.py, bench/relevance.py, bench/qa.py), never on these. Returns the rows."""
    import numpy as np

    from catalog.answers import semantic, vectors

    contents = {name: (source / name).read_bytes() for name in ("documents.jsonl", "faqs.jsonl")
                if (source / name).exists()}
    passages, faqs = vectors.package_texts(contents)
    keys = sorted({k for k, _ in passages + faqs})
    cache = vectors.VectorCache(cache_path)
    try:
        for start in range(0, len(keys), 4096):
            chunk = keys[start:start + 4096]
            rng = np.random.default_rng(int.from_bytes(chunk[0][:8], "big"))
            m = rng.standard_normal((len(chunk), semantic.DIM)).astype(np.float32)
            m /= np.linalg.norm(m, axis=1, keepdims=True)
            q, scales = vectors.quantize(m)
            cache.add(chunk, q, scales)
    finally:
        cache.close()
    return len(keys)


def pack_source(source: Path, out_zip: Path, counts: dict, started: float, *,
                synthetic_vectors: bool = False) -> dict:
    """Pack a written source folder unsigned, with ``created`` pinned (unless SOURCE_DATE_EPOCH
    is set) so the zip is byte-for-byte reproducible; returns the build summary. Without vectors
    (147k passages would take hours to embed), or with random ones for timing
    (``synthetic_vectors``, see ``synthetic_vector_cache``)."""
    from catalog.packaging.pack import pack

    pinned = "SOURCE_DATE_EPOCH" not in os.environ
    if pinned:
        os.environ["SOURCE_DATE_EPOCH"] = PINNED_EPOCH
    cache = out_zip.with_name(out_zip.stem + "-synthetic-vectors.db")
    extra = {}
    try:
        if synthetic_vectors:
            cache.unlink(missing_ok=True)
            extra["synthetic_vectors"] = synthetic_vector_cache(source, cache)
        report = pack(source, out_zip, key=None, vectors=synthetic_vectors,
                      vector_cache=cache if synthetic_vectors else None)
    finally:
        if pinned:
            del os.environ["SOURCE_DATE_EPOCH"]
        for suffix in ("", "-wal", "-shm"):
            Path(str(cache) + suffix).unlink(missing_ok=True)
    return {"zip": str(out_zip), "source": str(source), "zip_mb": round(out_zip.stat().st_size / 2**20, 2),
            "build_s": round(time.perf_counter() - started, 2), "sequence": report.sequence, **counts, **extra}


def build(shared: Path, out_zip: Path, *, limit: int | None = None, source: Path | None = None,
          synthetic_vectors: bool = False, write=None) -> dict:
    """Build the source folder (``write``: this module's write_source, or another corpus's) and
    pack it (unsigned) to ``out_zip``; returns a summary."""
    out_zip = Path(out_zip)
    source = Path(source) if source else out_zip.with_name(out_zip.stem + "-source")
    started = time.perf_counter()
    return pack_source(source, out_zip, (write or write_source)(Path(shared), source, limit), started,
                       synthetic_vectors=synthetic_vectors)


def default_out(limit: int | None) -> Path:
    return Path(tempfile.gettempdir()) / "kiosk-bench" / (f"laws-{limit}.zip" if limit else "laws.zip")


def package_main(argv: list[str] | None, doc: str, build_fn, out_fn, *, limit_default: int | None,
                 limit_help: str, out_help: str) -> int:
    """The command line of a corpus package builder (this one and bench/speed_corpus.py)."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder (default: %(default)s)")
    ap.add_argument("--limit", type=int, default=limit_default, help=limit_help)
    ap.add_argument("--out", type=Path, help=out_help)
    ap.add_argument("--source", type=Path, help="source folder (default: beside the zip, *-source)")
    ap.add_argument("--synthetic-vectors", action="store_true",
                    help="carry random passage vectors (timing dense search and import only)")
    args = ap.parse_args(argv)
    summary = build_fn(args.shared, args.out or out_fn(args.limit), limit=args.limit, source=args.source,
                       synthetic_vectors=args.synthetic_vectors)
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    return package_main(argv, __doc__, build, default_out, limit_default=None,
                        limit_help="only N laws, spread evenly over the corpus",
                        out_help="package zip (default: $TMPDIR/kiosk-bench/laws[-N].zip)")


if __name__ == "__main__":
    sys.exit(main())
