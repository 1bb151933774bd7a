#!/usr/bin/env python3
"""Build the article-level speed corpus: one catalogue document per article of shared/data/laws.jsonl.gz.

    python bench/speed_corpus.py [--limit 50000] [--out articles-50000.zip] [--source DIR] [--shared DIR]

Each law's text is split into articles: an article starts at a line "第X条 …" (also "第X条之一 …")
and runs up to the next article start; heading lines (markdown "#": 编/章/节 headings) and HTML
comments are left out, and so is anything before the first article. Laws without any article
(a few notices and cases) give no documents. There are 147,288 articles in the corpus.

Document: id ``art-<sha1(law id)[:8]>-<n>`` (n = the article's ordinal in its law, from 1),
title = law title + " " + 第X条, kind 政策文件, region = the law's region or 全国, status as
bench/laws_package.py decides it for the whole law (已修改 for older versions of a title, computed over
the whole corpus), published = version_date, domains ["laws"], body = the article text (one paragraph
per line). ``--limit N`` (default 50,000) takes N articles spread evenly over all articles in
(law id, article) order; ``--limit 0`` takes them all.

The package is unsigned (import it with allow_unsigned). Output is deterministic: the same corpus and
--limit give byte-identical documents.jsonl and zip (``created`` pinned via SOURCE_DATE_EPOCH unless
the caller set it).
"""

from __future__ import annotations

import hashlib
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import laws_package  # noqa: E402
from bench.laws_package import body, load_laws, statuses  # noqa: E402

DEFAULT_LIMIT = 50_000
MANIFEST = {"publisher": "基准测试（法律法规条文）", "region": "全国", "sequence": 1}

_NUM = "一二三四五六七八九十百千零〇两0-9０-９"
_ARTICLE = re.compile(rf"^(第[{_NUM}]+条(?:之[{_NUM}]+)?)(?=[\s\u3000]|$)")
_COMMENT = re.compile(r"^<!--.*-->$")


def split_articles(text: str) -> list[tuple[str, str]]:
    """(第X条, article text) in order; headings, comments and any preamble are left out."""
    out: list[tuple[str, list[str]]] = []
    for raw in text.split("\n"):
        line = raw.replace("\u200b", "").strip()
        if not line or _COMMENT.match(line):
            continue
        is_heading = line.startswith("#")
        bare = line.lstrip("#").strip() if is_heading else line
        m = _ARTICLE.match(bare)
        if m:
            out.append((m.group(1), [bare]))
        elif is_heading or not out:
            continue  # a 编/章/节 heading, or the preamble before the first article
        else:
            out[-1][1].append(line)
    return [(label, body("\n".join(lines))) for label, lines in out]


def articles(laws: list[dict]) -> list[tuple[dict, int, str, str]]:
    """(law, ordinal, 第X条, text) for every article of every law, in (law id, article) order."""
    rows = []
    for law in laws:
        for n, (label, text) in enumerate(split_articles(law["text"]), 1):
            rows.append((law, n, label, text))
    return rows


def spread(rows: list, limit: int | None) -> list:
    """``limit`` rows spread evenly over ``rows`` (all of them when limit is 0/None or larger)."""
    if not limit or limit >= len(rows):
        return rows
    step = len(rows) / limit
    return [rows[int(i * step)] for i in range(limit)]


def document(law: dict, n: int, label: str, text: str, status: str) -> dict:
    return {
        "id": f"art-{hashlib.sha1(law['id'].encode('utf-8')).hexdigest()[:8]}-{n}",
        "title": f"{law['title']} {label}", "kind": "政策文件", "doc_number": None, "index_number": None,
        "issuer": None, "region": law["region"] or "全国", "written": None,
        "published": law["version_date"], "status": status, "domains": ["laws"], "items": [],
        "interprets": None, "url": None, "body": text, "attachments": [],
    }


def write_source(shared: Path, source: Path, limit: int | None = DEFAULT_LIMIT) -> dict:
    """Write the package source folder; returns counts."""
    laws = load_laws(shared)
    status = statuses(laws)  # over the whole corpus: versions of a title are compared among all laws
    every = articles(laws)
    chosen = spread(every, limit)
    docs = [document(law, n, label, text, status[law["id"]]) for law, n, label, text in chosen]
    laws_package.write_folder(source, MANIFEST, docs)
    return {"documents": len(docs), "articles_in_corpus": len(every),
            "laws_used": len({law["id"] for law, *_ in chosen}),
            "current": sum(1 for d in docs if d["status"] == "现行有效"),
            "amended": sum(1 for d in docs if d["status"] == "已修改"),
            "body_chars": sum(len(d["body"]) for d in docs)}


def build(shared: Path, out_zip: Path, *, limit: int | None = DEFAULT_LIMIT, source: Path | None = None,
          synthetic_vectors: bool = False) -> dict:
    """Build the source folder and pack it (unsigned) to ``out_zip``; returns a summary."""
    return laws_package.build(shared, out_zip, limit=limit, source=source,
                              synthetic_vectors=synthetic_vectors, write=write_source)


def default_out(limit: int | None) -> Path:
    return Path(tempfile.gettempdir()) / "kiosk-bench" / (f"articles-{limit}.zip" if limit else "articles.zip")


def main(argv: list[str] | None = None) -> int:
    return laws_package.package_main(
        argv, __doc__, build, default_out, limit_default=DEFAULT_LIMIT,
        limit_help="N articles spread evenly over the corpus; 0 = all (default: %(default)s)",
        out_help="package zip (default: $TMPDIR/kiosk-bench/articles-N.zip)")


if __name__ == "__main__":
    sys.exit(main())
