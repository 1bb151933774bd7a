"""Anonymous usage counts in ``usage.db``: what staff export to improve the catalogue.

A usage record holds what improving the catalogue needs and no more. Only counts per day are kept —
never a time finer than the day, never anything about who asked — table by table:

* ``questions`` (day, status, count): questions asked, by outcome;
* ``misses`` (day, question, status, count): the questions that got no confident answer, as
  ``catalog.privacy.safe_text`` leaves them (masked; not stored at all when they cannot be made
  safe), for staff to turn into new FAQs;
* ``searches`` (day, domain, found, count): searches, by domain (the filter, else the best hit's)
  and whether they found anything (1, 0; -1 for counts from before that was recorded). The text
  searched for is never stored;
* ``terms`` (day, term, count): the catalogue's own words (domain names, the built-in synonym
  dictionary, the catalogue's terms.txt) that searches used — words the publisher wrote, which
  cannot identify a visitor — for the 热门搜索词 export;
* ``feedback`` (day, faq_id, useful, count) and ``prints`` (day, domain, pages, jobs).

Each count is one UPSERT in its own transaction, so a power cut loses at most the count being
written. Every connection sets ``secure_delete``, so deleted text is overwritten, not left in free
pages of the file. An older usage.db (PRAGMA user_version 0: a ``queries`` table of search texts,
misses masked by the older masker) is upgraded when first opened: the search texts are dropped,
the misses masked again (what cannot be made safe deleted, rows that became equal merged), the
file vacuumed.
"""

from __future__ import annotations

import functools
import logging
import re
import os
import time
import sqlite3
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path

from catalog.privacy import MAX_SAFE_INPUT, PLACEHOLDER, mask, safe_text

BUSY_TIMEOUT_S = 5  # how long a write waits for another writer before it gives up
log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
TABLES = {
    "questions": "create table if not exists questions (day text, status text, count integer not null, "
                 "primary key (day, status))",
    "misses": "create table if not exists misses (day text, question text, status text, count integer not null, "
              "primary key (day, question, status))",
    "feedback": "create table if not exists feedback (day text, faq_id text, useful integer, count integer not null, "
                "primary key (day, faq_id, useful))",
    "searches": "create table if not exists searches (day text, domain text, found integer not null, "
                "count integer not null, primary key (day, domain, found))",
    "terms": "create table if not exists terms (day text, term text, count integer not null, "
             "primary key (day, term))",
    "prints": "create table if not exists prints (day text, domain text, pages integer not null, "
              "jobs integer not null, primary key (day, domain))",
}
SCHEMA = ";\n".join(TABLES.values()) + ";\n"
UNANSWERED = ("unsure", "out_of_scope")
STATUSES = ("answered", *UNANSWERED)
MAX_TERMS = 10  # per search
_ID = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


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


def _safe_id(value) -> str:
    """A catalogue identifier (a domain or FAQ id) as stored: ASCII letters, digits and . _ -, no
    long digit run; anything else (free text passed by mistake) is stored as ''."""
    value = str(value or "")
    if not _ID.fullmatch(value) or re.search(r"\d{7,}", value):
        return ""
    return value


# the catalogue's own words in a query ---------------------------------------------------------
class UsageVocabulary:
    """Words the publisher wrote (domain names, synonym groups): the only words of a search that
    are counted (热门搜索词)."""

    def __init__(self, words: Iterable[str]):
        self.words: dict[str, str] = {}
        for w in words:
            w = (w or "").strip()
            if 2 <= len(w) <= 30 and not PLACEHOLDER.search(w):
                self.words.setdefault(w.lower(), w)
        self.longest = max((len(w) for w in self.words), default=0)

    def terms(self, query: str, limit: int = MAX_TERMS) -> list[str]:
        """The vocabulary's words in ``query``: at each place the longest one, each word once.
        The query is masked first, so no part of a name or a number can ever match."""
        try:
            # a bounded prefix: masking costs more the longer the text (a pasted page, say)
            text = PLACEHOLDER.sub("\0", mask((query or "")[:MAX_SAFE_INPUT])).lower()
            out: list[str] = []
            i = 0
            while i < len(text) and len(out) < limit:
                for n in range(min(self.longest, len(text) - i), 1, -1):
                    word = self.words.get(text[i:i + n])
                    if word is not None:
                        if word not in out:
                            out.append(word)
                        i += n
                        break
                else:
                    i += 1
            return out
        except Exception as exc:  # noqa: BLE001 - counting never breaks a search
            log.warning("search terms not found: %r", type(exc).__name__)
            return []


@lru_cache(maxsize=1)
def builtin_vocabulary() -> UsageVocabulary:
    """The built-in synonym dictionary's words (resources/terms/synonyms.txt)."""
    from catalog.search.synonyms import builtin_groups

    return UsageVocabulary(w for g in builtin_groups() for w in g)


def vocabulary_terms(query: str, vocabulary: UsageVocabulary | Iterable[str] | None = None,
                     limit: int = MAX_TERMS) -> list[str]:
    """The words of ``vocabulary`` (default: the built-in dictionary) that occur in ``query``."""
    if vocabulary is None:
        vocabulary = builtin_vocabulary()
    elif not isinstance(vocabulary, UsageVocabulary):
        vocabulary = UsageVocabulary(vocabulary)
    return vocabulary.terms(query, limit)


# the log --------------------------------------------------------------------------------------
class UsageLog:
    def __init__(self, path: Path | str, today=date.today):
        self.path = Path(path)
        self.today = today  # a callable, so tests can set the kiosk's clock

    def _connect(self) -> sqlite3.Connection:
        try:
            return self._connect_once()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):  # locked, cannot open, I/O: not damage
                raise
            # Not a database any more (a power cut mid-write on a bad disk): counts are not worth
            # a kiosk that stops counting. It is set aside, never deleted, and a new one begins.
            aside = self.path.with_name(f"{self.path.name}.damaged-{int(time.time())}")
            log.error("usage.db unreadable (%r); set aside as %s", exc, aside.name)
            for suffix in ("", "-wal", "-shm"):
                src = Path(str(self.path) + suffix)
                if src.exists():
                    os.replace(src, Path(str(aside) + suffix))
            return self._connect_once()

    def _connect_once(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            db.execute("pragma secure_delete = on")
            if db.execute("pragma user_version").fetchone()[0] < SCHEMA_VERSION and _upgrade(db):
                try:
                    db.execute("vacuum")  # no free page keeps a dropped text
                except sqlite3.OperationalError as exc:  # busy: secure_delete already zeroed them
                    log.warning("usage.db not vacuumed after its upgrade: %r", exc)
        except BaseException:
            db.close()
            raise
        return db

    def _write(self, statements: list[tuple[str, list]]) -> None:
        db = self._connect()
        try:
            for sql, params in statements:
                db.execute(sql, params)  # autocommit: each its own transaction
        finally:
            db.close()

    def _bump_sql(self, table: str, keys: dict) -> tuple[str, list]:
        cols = ", ".join(["day", *keys, "count"])
        marks = ", ".join("?" * (len(keys) + 2))
        pk = ", ".join(["day", *keys])
        return (f"insert into {table} ({cols}) values ({marks}) "
                f"on conflict ({pk}) do update set count = count + 1",
                [self.today().isoformat(), *keys.values(), 1])

    def _bump(self, table: str, keys: dict) -> None:
        self._write([self._bump_sql(table, keys)])

    @_never_raises
    def record_question(self, question: str, status: str) -> None:
        """Count a question by its outcome; one that got no confident answer goes to the miss
        log, as privacy.safe_text leaves it (not at all when it cannot be made safe), for staff
        to turn into a new FAQ."""
        status = status if status in STATUSES else _safe_id(status)
        writes = [self._bump_sql("questions", {"status": status})]
        if status in UNANSWERED:
            text = safe_text(question, limit=200)
            if text:
                writes.append(self._bump_sql("misses", {"question": text, "status": status}))
        self._write(writes)

    @_never_raises
    def record_search(self, query: str | None = None, domain: str = "", found: bool | None = None,
                      terms: Iterable[str] | None = None) -> None:
        """A search, counted by day, domain (the filter, else the best hit's) and whether it found
        anything. The text searched for is never stored: only the catalogue's own words it used,
        ``terms`` (see Catalog.usage_terms); given no terms, the built-in dictionary's words in
        ``query``. ``found`` None: not known (counted as -1)."""
        writes = [self._bump_sql("searches", {"domain": _safe_id(domain),
                                              "found": -1 if found is None else int(bool(found))})]
        if terms is None:
            terms = vocabulary_terms(query or "")
        kept: list[str] = []
        for term in terms:
            # words the publisher wrote, which are short (国有土地上房屋征收与补偿 has 12 characters;
            # the built-in dictionary's two longer words are known): a caller passing a whole
            # question stores nothing; still, only what the masker leaves as it is is stored
            if isinstance(term, str) and term not in kept and safe_text(term) == term and (
                    2 <= len(term) <= 12 or term.lower() in builtin_vocabulary().words):
                kept.append(term)
            if len(kept) >= MAX_TERMS:
                break
        writes += [self._bump_sql("terms", {"term": t}) for t in kept]
        self._write(writes)

    @_never_raises
    def record_feedback(self, faq_id: str, useful: bool) -> None:
        self._bump("feedback", {"faq_id": _safe_id(faq_id), "useful": int(bool(useful))})

    @_never_raises
    def record_print(self, domain: str, pages: int) -> None:
        """Pages printed per day and domain (nothing about who printed what)."""
        self._write([("insert into prints (day, domain, pages, jobs) values (?, ?, ?, 1) "
                      "on conflict (day, domain) do update set pages = pages + excluded.pages, "
                      "jobs = jobs + 1", [self.today().isoformat(), _safe_id(domain), int(pages)])])

    def rows(self, table: str) -> list[tuple]:
        if table not in TABLES:
            raise ValueError(f"no table {table!r} in usage.db")
        if not self.path.exists():
            return []
        db = self._connect()
        try:
            return db.execute(f"select * from {table} order by 1, 2").fetchall()
        finally:
            db.close()


def _upgrade(db: sqlite3.Connection) -> bool:
    """Bring usage.db to SCHEMA_VERSION; True when it held data of an older schema (then the
    caller vacuums). One transaction: a power cut leaves the old file, upgraded next time."""
    db.execute("begin immediate")
    try:
        if db.execute("pragma user_version").fetchone()[0] >= SCHEMA_VERSION:  # another process did
            db.execute("commit")
            return False
        tables = {r[0] for r in db.execute("select name from sqlite_master where type = 'table'")}
        # 0 -> 1: search texts dropped; searches gain found; misses masked again
        db.execute("drop table if exists queries")
        if "searches" in tables and "found" not in [c[1] for c in db.execute("pragma table_info(searches)")]:
            db.execute("alter table searches rename to searches_v0")
        for sql in TABLES.values():
            db.execute(sql)
        if "searches" in tables and db.execute(
                "select 1 from sqlite_master where type = 'table' and name = 'searches_v0'").fetchone():
            db.execute("insert into searches (day, domain, found, count) select day, coalesce(domain, ''), -1, "
                       "sum(count) from searches_v0 group by day, coalesce(domain, '')")
            db.execute("drop table searches_v0")
        if "misses" in tables:
            merged: dict[tuple, int] = {}
            for day, question, status, count in db.execute("select day, question, status, count from misses").fetchall():
                text = safe_text(question, limit=200)
                if text:
                    merged[(day, text, status)] = merged.get((day, text, status), 0) + (count or 0)
            db.execute("delete from misses")
            db.executemany("insert into misses (day, question, status, count) values (?, ?, ?, ?)",
                           [(*k, c) for k, c in merged.items()])
        db.execute(f"pragma user_version = {SCHEMA_VERSION}")
        db.execute("commit")
    except BaseException:
        db.execute("rollback")
        raise
    return bool(tables)


# export ---------------------------------------------------------------------------------------
NO_DOMAIN = "（未分领域）"


def _domain(names: dict[str, str], domain: str) -> str:
    return names.get(domain, domain) or NO_DOMAIN


def _searches(db, names):
    """Searches per day and domain, and how many of them found nothing (counts from before that
    was recorded are in the total only)."""
    return [[day, _domain(names, domain), total, empty] for day, domain, total, empty in db.execute(
        "select day, domain, sum(count), sum(case when found = 0 then count else 0 end) from searches "
        "group by day, domain order by day, domain")]


EXPORTS = {
    # file: (header, query, or a function of (db, domain names) giving the rows)
    "搜索次数（按日期和领域）.csv": (["日期", "领域", "次数", "其中没有找到结果"], _searches),
    "热门搜索词.csv": (["搜索词", "次数", "首次日期", "最近日期"],
                  "select term, sum(count) c, min(day), max(day) from terms group by term "
                  "order by c desc, term limit 200"),
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


def _cell(value):
    """A text Excel would run as a formula (it begins with = + - @, or a tab or CR that some
    readers drop first) is written with a leading apostrophe: shown as text, never run."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export(log: UsageLog, out_folder: Path | str, domain_names: dict[str, str] | None = None) -> list[Path]:
    """The counts as CSV files Excel opens correctly (UTF-8 with BOM). Nothing about individuals
    is in them: only what usage.db holds (days, domains, the catalogue's words, masked texts and
    counts)."""
    out = Path(out_folder)
    out.mkdir(parents=True, exist_ok=True)
    names = domain_names or {}
    try:
        return _export(log, out, names)
    except sqlite3.OperationalError as exc:  # locked by a writer that does not let go, or unreadable
        from catalog.errors import CatalogError

        raise CatalogError("使用统计暂时无法读取（可能正被查询机占用），没有导出。请稍后再试一次。",
                           f"usage.db: {exc!r}") from None


def _export(log: UsageLog, out: Path, names: dict[str, str]) -> list[Path]:
    import csv

    db = log._connect()
    written = []
    try:
        for fname, (header, query) in EXPORTS.items():
            if callable(query):
                rows = query(db, names)
            else:
                rows = [list(r) for r in db.execute(query).fetchall()]
                if "领域" in header:
                    i = header.index("领域")
                    for r in rows:
                        r[i] = _domain(names, r[i])
            path = out / fname
            tmp = path.with_suffix(".csv.part")
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(header)
                w.writerows([[_cell(c) for c in r] for r in rows])
                fh.flush()
            tmp.replace(path)
            written.append(path)
    finally:
        db.close()
    return written
