"""Anonymous usage counts in ``usage.db``: what staff export to improve the catalogue.

Only counts per day are kept — never a time finer than the day, never anything about who asked.
Question texts are masked (catalog.privacy) before they are stored. Each count is one UPSERT in
its own transaction, so a power cut loses at most the count being written.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from datetime import date
from pathlib import Path

from catalog.privacy import mask

log = logging.getLogger(__name__)


def _never_raises(record):
    """Counting never stops what is counted: a full disk, a broken usage.db or a masking error
    loses the count (logged), not the citizen's search, answer or print."""

    @functools.wraps(record)
    def wrapper(self, *args, **kwargs):
        try:
            record(self, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - see above
            log.warning("usage count not written (%s): %r", self.path, exc)

    return wrapper

SCHEMA = """
create table if not exists questions (day text, status text, count integer not null,
                                      primary key (day, status));
create table if not exists misses (day text, question text, status text, count integer not null,
                                   primary key (day, question, status));
create table if not exists feedback (day text, faq_id text, useful integer, count integer not null,
                                     primary key (day, faq_id, useful));
create table if not exists searches (day text, domain text, count integer not null,
                                     primary key (day, domain));
create table if not exists queries (day text, query text, count integer not null,
                                    primary key (day, query));
create table if not exists prints (day text, domain text, pages integer not null, jobs integer not null,
                                   primary key (day, domain));
"""


class UsageLog:
    def __init__(self, path: Path | str, today=date.today):
        self.path = Path(path)
        self.today = today  # a callable, so tests can set the kiosk's clock

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=5)
        db.executescript(SCHEMA)
        return db

    def _write(self, sql: str, params: list) -> None:
        db = self._connect()
        try:
            with db:
                db.execute(sql, params)
        finally:
            db.close()

    def _bump(self, table: str, keys: dict) -> None:
        cols = ", ".join(["day", *keys, "count"])
        marks = ", ".join("?" * (len(keys) + 2))
        pk = ", ".join(["day", *keys])
        self._write(f"insert into {table} ({cols}) values ({marks}) "
                    f"on conflict ({pk}) do update set count = count + 1",
                    [self.today().isoformat(), *keys.values(), 1])

    @_never_raises
    def record_question(self, question: str, status: str) -> None:
        """Count a question by its outcome; one that got no confident answer goes to the miss
        log, masked, for staff to turn into a new FAQ."""
        self._bump("questions", {"status": status})
        if status != "answered":
            text = mask(question.strip())[:200]
            if text:
                self._bump("misses", {"question": text, "status": status})

    @_never_raises
    def record_search(self, query: str, domain: str = "") -> None:
        """A search, counted by day and domain (the filter, else the best hit's), and its text,
        masked, for the top queries."""
        self._bump("searches", {"domain": domain or ""})
        text = mask(query.strip())[:100]
        if text:
            self._bump("queries", {"query": text})

    @_never_raises
    def record_feedback(self, faq_id: str, useful: bool) -> None:
        self._bump("feedback", {"faq_id": faq_id, "useful": int(bool(useful))})

    @_never_raises
    def record_print(self, domain: str, pages: int) -> None:
        """Pages printed per day and domain (nothing about who printed what)."""
        self._write("insert into prints (day, domain, pages, jobs) values (?, ?, ?, 1) "
                    "on conflict (day, domain) do update set pages = pages + excluded.pages, "
                    "jobs = jobs + 1", [self.today().isoformat(), domain, int(pages)])

    def rows(self, table: str) -> list[tuple]:
        if not self.path.exists():
            return []
        db = self._connect()
        try:
            return db.execute(f"select * from {table} order by 1, 2").fetchall()
        finally:
            db.close()


EXPORTS = {
    # file: (header, query)
    "搜索次数（按日期和领域）.csv": (["日期", "领域", "次数"],
                          "select day, domain, count from searches order by day, domain"),
    "热门搜索词.csv": (["搜索词", "次数", "首次日期", "最近日期"],
                  "select query, sum(count) c, min(day), max(day) from queries group by query "
                  "order by c desc, query limit 200"),
    "未能回答的问题.csv": (["日期", "问题（已隐去个人信息）", "结果", "次数"],
                    "select day, question, case status when 'unsure' then '不确定' else '超出范围' end, "
                    "count from misses order by day, count desc"),
    "提问统计.csv": (["日期", "结果", "次数"],
                "select day, case status when 'answered' then '已回答' when 'unsure' then '不确定' "
                "else '超出范围' end, count from questions order by day, status"),
    "回答评价.csv": (["日期", "问答编号", "评价", "次数"],
                "select day, faq_id, case useful when 1 then '有用' else '没用' end, count "
                "from feedback order by day, faq_id"),
    "打印页数.csv": (["日期", "领域", "页数", "次数"],
                "select day, domain, pages, jobs from prints order by day, domain"),
}


def export(log: UsageLog, out_folder: Path | str, domain_names: dict[str, str] | None = None) -> list[Path]:
    """The counts as CSV files Excel opens correctly (UTF-8 with BOM). Nothing about individuals
    is in them: only days, domains, masked texts and counts."""
    import csv

    out = Path(out_folder)
    out.mkdir(parents=True, exist_ok=True)
    names = domain_names or {}
    db = log._connect()
    written = []
    try:
        for fname, (header, sql) in EXPORTS.items():
            rows = db.execute(sql).fetchall()
            path = out / fname
            tmp = path.with_suffix(".csv.part")
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(header)
                for r in rows:
                    r = list(r)
                    if "领域" in header:
                        i = header.index("领域")
                        r[i] = names.get(r[i], r[i]) or "（未分领域）"
                    w.writerow(r)
                fh.flush()
            tmp.replace(path)
            written.append(path)
    finally:
        db.close()
    return written
