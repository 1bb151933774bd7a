"""Everyday Chinese for the keyboard: words people type that a catalogue may never hold (怎么,
明天, 哪里, 多少钱), with their pinyin, beside the catalogue's own vocabulary (catalog.search.ime).

The words come from ``resources/general_vocab.tsv.gz`` (tools/build_general_vocab.py: jieba's
dictionary with pinyin computed once, so a kiosk does not spend seconds on it). Loaded once per
process, lazily (:func:`warm_up` off the GUI thread), into an in-memory SQLite table of the same
columns and indexes as the catalogue's ``vocab``, so the keyboard's lookups are the same SQL.
"""

from __future__ import annotations

import gzip
import logging
import sqlite3
import threading

from catalog.settings import RESOURCES

log = logging.getLogger("catalog.search.general")

FILE = RESOURCES / "general_vocab.tsv.gz"
PHRASE_MAX_FREQ = 29  # below the file's general threshold: phrases offered for their whole spelling only

_conn: sqlite3.Connection | None = None
_lock = threading.Lock()


def _load() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.execute("create table vocab (word text, freq integer, py text, fuzzy text, initials text)")
    try:
        with gzip.open(FILE, "rt", encoding="utf-8") as fh:
            conn.executemany("insert into vocab values (?, ?, ?, ?, ?)",
                             ((w, int(f), py, fz, ini) for w, f, py, fz, ini
                              in (line.rstrip("\n").split("\t") for line in fh if line.strip())))
    except Exception as exc:  # noqa: BLE001 - damaged (zlib.error too): the catalogue's words go on
        log.error("the general vocabulary %s could not be read: %r", FILE, exc)
    conn.execute("create index vocab_fuzzy on vocab (fuzzy)")
    conn.execute("create index vocab_initials on vocab (initials)")
    conn.commit()
    return conn


def db() -> sqlite3.Connection:
    """The in-memory table (built on first use, about a second)."""
    global _conn
    if _conn is None:
        with _lock:
            if _conn is None:
                _conn = _load()
    return _conn


_best: dict[str, tuple[str, int]] | None = None


def best_by_spelling() -> dict[str, tuple[str, int]]:
    """full pinyin -> (the commonest everyday word spelled so, its frequency), phrases of the
    placeholder frequency left out: for composing phrases syllable by syllable (cached)."""
    global _best
    if _best is None:
        best: dict[str, tuple[str, int]] = {}
        for word, freq, py in db().execute("select word, freq, py from vocab where freq > ?", [PHRASE_MAX_FREQ]):
            if py not in best or freq > best[py][1]:
                best[py] = (word, freq)
        _best = best
    return _best


def warm_up() -> None:
    db()
    best_by_spelling()
