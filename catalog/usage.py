"""Anonymous usage counts in ``usage.db``: what staff export to improve the catalogue.

Only counts per day are kept — never a time finer than the day, never anything about who asked.
Question texts are masked (catalog.privacy) before they are stored. Each count is one UPSERT in
its own transaction, so a power cut loses at most the count being written.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from catalog.privacy import mask

SCHEMA = """
create table if not exists questions (day text, status text, count integer not null,
                                      primary key (day, status));
create table if not exists misses (day text, question text, status text, count integer not null,
                                   primary key (day, question, status));
create table if not exists feedback (day text, faq_id text, useful integer, count integer not null,
                                     primary key (day, faq_id, useful));
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

    def _bump(self, table: str, keys: dict) -> None:
        cols = ", ".join(["day", *keys, "count"])
        marks = ", ".join("?" * (len(keys) + 2))
        pk = ", ".join(["day", *keys])
        db = self._connect()
        try:
            with db:
                db.execute(f"insert into {table} ({cols}) values ({marks}) "
                           f"on conflict ({pk}) do update set count = count + 1",
                           [self.today().isoformat(), *keys.values(), 1])
        finally:
            db.close()

    def record_question(self, question: str, status: str) -> None:
        """Count a question by its outcome; one that got no confident answer goes to the miss
        log, masked, for staff to turn into a new FAQ."""
        self._bump("questions", {"status": status})
        if status != "answered":
            text = mask(question.strip())[:200]
            if text:
                self._bump("misses", {"question": text, "status": status})

    def record_feedback(self, faq_id: str, useful: bool) -> None:
        self._bump("feedback", {"faq_id": faq_id, "useful": int(bool(useful))})

    def record_print(self, domain: str, pages: int) -> None:
        """Pages printed per day and domain (nothing about who printed what)."""
        db = self._connect()
        try:
            with db:
                db.execute("insert into prints (day, domain, pages, jobs) values (?, ?, ?, 1) "
                           "on conflict (day, domain) do update set pages = pages + excluded.pages, "
                           "jobs = jobs + 1", [self.today().isoformat(), domain, int(pages)])
        finally:
            db.close()

    def rows(self, table: str) -> list[tuple]:
        if not self.path.exists():
            return []
        db = self._connect()
        try:
            return db.execute(f"select * from {table} order by 1, 2").fetchall()
        finally:
            db.close()
