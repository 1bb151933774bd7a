"""The catalogue store: one SQLite file per generation, through sqlite-utils.

The store is the source of truth; the search index is rebuilt from it at any time. A generation's
store is written once while a package is applied and only read after that.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from catalog.errors import CatalogError, DamagedCatalogue


DAMAGED = ("本机的目录数据已损坏，无法读取。请工作人员用U盘重新导入最近的完整更新包，导入后即恢复正常。")
INDEX_DAMAGED = ("本机目录的检索索引已损坏，目录数据本身完好。重新启动查询机会自动重建索引；"
                 "也可以运行 python -m catalog repair，或重新导入最近的更新包。")


class OldSchema(CatalogError):
    """The store was written by an older version of the software and must be upgraded."""
from catalog.model import Attachment, Document, DocumentBrief, Domain, Faq, Item, Passage

SCHEMA_VERSION = 4

# Fields of each package record that have a column; anything else a publisher adds is kept in `extra`.
ITEM_FIELDS = ("id", "domain", "level1", "level2", "content", "basis", "time_limit", "subject",
               "channels", "audience", "method", "level")
DOCUMENT_FIELDS = ("id", "title", "kind", "doc_number", "index_number", "issuer", "region",
                   "written", "published", "status", "domains", "items", "interprets", "url",
                   "body", "attachments")
FAQ_FIELDS = ("id", "question", "variants", "answer", "domains", "documents")
DOMAIN_FIELDS = ("id", "name", "order", "pilot", "description")

# record type in a package -> table
TABLES = {"domain": "domains", "item": "items", "document": "documents", "faq": "faqs"}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _create_v1(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["domains"].create({"id": str, "name": str, "ord": int, "pilot": int, "description": str},
                         pk="id")
    db["items"].create({"id": str, "domain": str, "level1": str, "level2": str, "content": str,
                        "basis": str, "time_limit": str, "subject": str, "channels": str,
                        "audience": str, "method": str, "level": str, "extra": str}, pk="id")
    db["items"].create_index(["domain"])
    db["documents"].create({"id": str, "title": str, "kind": str, "doc_number": str,
                            "index_number": str, "issuer": str, "region": str, "written": str,
                            "published": str, "status": str, "domains": str, "items": str,
                            "interprets": str, "url": str, "body": str, "attachments": str,
                            "extra": str}, pk="id")
    # Link tables so a domain or item lists its documents without scanning JSON.
    db["document_domains"].create({"document_id": str, "domain_id": str},
                                  pk=("document_id", "domain_id"))
    db["document_domains"].create_index(["domain_id"])
    db["document_items"].create({"document_id": str, "item_id": str}, pk=("document_id", "item_id"))
    db["document_items"].create_index(["item_id"])
    db["faqs"].create({"id": str, "question": str, "variants": str, "answer": str, "domains": str,
                       "documents": str, "extra": str}, pk="id")
    db["terms"].create({"line": int, "words": str}, pk="line")
    db["history"].create({"sequence": int, "publisher": str, "region": str, "kind": str,
                          "base_sequence": int, "created": str, "applied_at": str, "sha256": str,
                          "signer": str, "unsigned": int, "counts": str})


def _v2_vocabulary_and_suggestions(db: sqlite_utils.Database) -> None:
    """Search aids derived from the catalogue at import: the vocabulary with pinyin keys (pinyin
    queries, typo correction) and the suggestion keys shown while a citizen types."""
    # one row per reading: a polyphonic word has several
    db["vocab"].create({"word": str, "freq": int, "py": str, "fuzzy": str, "initials": str})
    db["vocab"].create_index(["word"])
    db["vocab"].create_index(["fuzzy"])
    db["vocab"].create_index(["initials"])
    db["suggest"].create({"key": str, "kind": str, "text": str, "ref": str, "weight": float})
    db["suggest"].create_index(["key"])


def _v3_text_vectors(db: sqlite_utils.Database) -> None:
    """Sentence vectors of the FAQ texts (catalog.answers.semantic), keyed by model and text."""
    db["text_vectors"].create({"key": str, "vector": bytes}, pk="key")


def _v4_passages(db: sqlite_utils.Database) -> None:
    """Documents cut into passages (catalog.answers.passages), the unit a question is answered from.
    ``vkey`` is the key of the passage's sentence vector (catalog.answers.vectors)."""
    db["passages"].create({"doc_id": str, "n": int, "paragraph": int, "label": str, "text": str,
                           "vkey": str}, pk=("doc_id", "n"), if_not_exists=True)
    db.execute("delete from passages")  # the upgrade that follows cuts every document again


# version -> function that brings a db from version-1 to version
MIGRATIONS = {1: _create_v1, 2: _v2_vocabulary_and_suggestions, 3: _v3_text_vectors,
              4: _v4_passages}


def migrate(db: sqlite_utils.Database) -> int:
    """Bring ``db`` up to SCHEMA_VERSION; returns the version it had before."""
    before = db.execute("PRAGMA user_version").fetchone()[0]
    if before > SCHEMA_VERSION:
        raise CatalogError("目录数据来自更新版本的软件，请升级查询机软件。",
                           f"schema {before} > {SCHEMA_VERSION}")
    for version in range(before + 1, SCHEMA_VERSION + 1):
        with db.conn:
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version}")
    return before


class Store:
    """A catalogue database."""

    def __init__(self, db: sqlite_utils.Database, path: Path):
        self.db = db
        self.path = path

    # opening ------------------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path) -> "Store":
        """A new, empty store at the current schema."""
        db = sqlite_utils.Database(path)
        db.execute("PRAGMA journal_mode = DELETE")
        migrate(db)
        return cls(db, Path(path))

    @classmethod
    def open_for_update(cls, path: Path) -> "Store":
        """Open a copy that is being built (a delta on top of the previous generation)."""
        db = sqlite_utils.Database(path)
        migrate(db)
        return cls(db, Path(path))

    @classmethod
    def open_readonly(cls, path: Path, check_version: bool = True) -> "Store":
        """Open a published generation. It never changes, so SQLite may skip all locking.

        A generation written by an older version of the software raises OldSchema (the caller
        rebuilds it: ``catalog.packaging.packages.upgrade``) unless ``check_version`` is false, which is
        enough to read its meta and counts."""
        if not Path(path).exists():
            raise CatalogError("目录数据文件不见了，请重新导入目录更新包。", f"missing {path}")
        uri = f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        db = sqlite_utils.Database(conn)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            db.execute("select count(*) from meta").fetchone()
        except sqlite3.DatabaseError as exc:  # truncated, overwritten: not a database any more
            conn.close()
            raise DamagedCatalogue(DAMAGED, f"unreadable {path}: {exc!r}") from None
        if version > SCHEMA_VERSION:
            conn.close()
            raise CatalogError("目录数据来自更新版本的软件，请升级查询机软件。",
                               f"schema {version} > {SCHEMA_VERSION}")
        if version < SCHEMA_VERSION and check_version:
            conn.close()
            raise OldSchema("目录数据需要升级。", f"schema {version} < {SCHEMA_VERSION}")
        return cls(db, Path(path))

    def close(self) -> None:
        self.db.conn.close()

    @staticmethod
    def copy(src: Path, dst: Path) -> None:
        """Copy a store with SQLite's backup API (consistent even if src were in use)."""
        source = sqlite3.connect(f"{Path(src).resolve().as_uri()}?mode=ro", uri=True)
        target = sqlite3.connect(dst)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()

    # meta --------------------------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        return {row["key"]: json.loads(row["value"]) for row in self.db["meta"].rows}

    def set_meta(self, **values: Any) -> None:
        self.db["meta"].upsert_all(({"key": k, "value": _dumps(v)} for k, v in values.items()),
                                   pk="key")

    def counts(self) -> dict[str, int]:
        return {name: self.db[name].count for name in ("domains", "items", "documents", "faqs")}

    def add_history(self, row: dict[str, Any]) -> None:
        # alter: columns added since (replaces, confirmed) join a history written before them
        self.db["history"].insert(row, alter=True)

    def history(self) -> list[dict[str, Any]]:
        return list(self.db.query("select * from history order by rowid"))

    # writing -----------------------------------------------------------------------------
    def upsert(self, rtype: str, records: Iterable[dict[str, Any]]) -> None:
        """Insert or replace package records of one type (``domain``/``item``/``document``/``faq``)."""
        records = list(records)
        if not records:
            return
        if rtype == "domain":
            rows = [{"id": r["id"], "name": r["name"], "ord": r["order"], "pilot": int(r["pilot"]),
                     "description": r.get("description")} for r in records]
        elif rtype == "item":
            rows = [_row(r, ITEM_FIELDS, ("channels", "level")) for r in records]
        elif rtype == "document":
            rows = [_row(r, DOCUMENT_FIELDS, ("domains", "items", "attachments")) for r in records]
            ids = [r["id"] for r in records]
            self._delete_links(ids)
            self.db["document_domains"].insert_all(
                ({"document_id": r["id"], "domain_id": d} for r in records for d in r["domains"]),
                ignore=True)
            self.db["document_items"].insert_all(
                ({"document_id": r["id"], "item_id": i} for r in records for i in r["items"]),
                ignore=True)
        elif rtype == "faq":
            rows = [_row(r, FAQ_FIELDS, ("variants", "domains", "documents")) for r in records]
        else:
            raise ValueError(rtype)
        self.db[TABLES[rtype]].upsert_all(rows, pk="id")

    def delete(self, rtype: str, ids: Iterable[str]) -> None:
        ids = list(ids)
        if rtype == "document":
            self._delete_links(ids)
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            self.db.execute(f"delete from {TABLES[rtype]} where id in ({marks})", chunk)

    def _delete_links(self, ids: list[str]) -> None:
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            self.db.execute(f"delete from document_domains where document_id in ({marks})", chunk)
            self.db.execute(f"delete from document_items where document_id in ({marks})", chunk)

    def replace_vocab(self, rows: Iterable[dict[str, Any]]) -> None:
        self.db["vocab"].delete_where()
        self.db["vocab"].insert_all(rows, batch_size=5000)

    def replace_suggestions(self, rows: Iterable[dict[str, Any]]) -> None:
        self.db["suggest"].delete_where()
        self.db["suggest"].insert_all(rows, batch_size=5000)

    def replace_terms(self, lines: Iterable[list[str]]) -> None:
        self.db["terms"].delete_where()
        self.db["terms"].insert_all({"line": n, "words": _dumps(words)}
                                    for n, words in enumerate(lines))

    # reading -----------------------------------------------------------------------------
    def vectors(self, keys: list[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for chunk in _chunks(keys, 500):
            marks = ",".join("?" * len(chunk))
            out.update(self.db.execute(f"select key, vector from text_vectors where key in ({marks})",
                                       chunk).fetchall())
        return out

    def replace_vectors(self, rows: dict[str, bytes]) -> None:
        """Keep exactly ``rows`` (vectors of texts no longer in the catalogue go)."""
        self.db.execute("delete from text_vectors")
        self.db["text_vectors"].insert_all(({"key": k, "vector": v} for k, v in rows.items()),
                                           batch_size=500)

    def replace_passages(self, doc_ids: Iterable[str], passages: Iterable[Any]) -> None:
        """The passages of ``doc_ids`` become ``passages`` ((Passage, vector key) pairs)."""
        for chunk in _chunks(list(doc_ids), 500):
            marks = ",".join("?" * len(chunk))
            self.db.execute(f"delete from passages where doc_id in ({marks})", chunk)
        self.db["passages"].insert_all(({"doc_id": p.doc_id, "n": p.n, "paragraph": p.paragraph,
                                         "label": p.label, "text": p.text, "vkey": vkey}
                                        for p, vkey in passages), batch_size=2000)

    def passage_keys(self, doc_ids: Iterable[str]) -> list[str]:
        """Index keys (``doc#n``) of the passages of ``doc_ids``."""
        out: list[str] = []
        for chunk in _chunks(list(doc_ids), 500):
            marks = ",".join("?" * len(chunk))
            out += [f"{d}#{n}" for d, n in self.db.execute(
                f"select doc_id, n from passages where doc_id in ({marks})", chunk)]
        return out

    def passages(self, keys: list[str]) -> dict[str, Passage]:
        """key (``doc#n``) -> the passage, for the passages that exist."""
        out: dict[str, Passage] = {}
        pairs = []
        for k in keys:
            doc, _, n = k.rpartition("#")
            if doc and n.isdigit():
                pairs.append((doc, int(n)))
        for chunk in _chunks(pairs, 400):
            cond = " or ".join("(doc_id = ? and n = ?)" for _ in chunk)
            args = [x for pair in chunk for x in pair]
            for row in self.db.execute(f"select doc_id, n, paragraph, label, text from passages where {cond}",
                                       args):
                p = Passage(*row)
                out[p.key] = p
        return out

    def passages_of(self, doc_id: str) -> list[Passage]:
        return [Passage(*row) for row in self.db.execute(
            "select doc_id, n, paragraph, label, text from passages where doc_id = ? order by n", [doc_id])]

    def passage_vector_keys(self) -> Iterator[tuple[str, str]]:
        """(``doc#n``, vector key) of every passage, in a stable order."""
        for doc, n, vkey in self.db.execute("select doc_id, n, vkey from passages order by doc_id, n"):
            yield f"{doc}#{n}", vkey

    def ids(self, rtype: str) -> set[str]:
        return {r[0] for r in self.db.execute(f"select id from {TABLES[rtype]}")}

    def record_hashes(self, rtype: str) -> dict[str, str]:
        """id -> a fingerprint of the stored row, to tell changed records from unchanged ones."""
        table = TABLES[rtype]
        cols = [c.name for c in self.db[table].columns]
        out = {}
        for row in self.db.execute(f"select {', '.join(cols)} from {table}"):
            out[row[0]] = hashlib.blake2b(_dumps(list(row)).encode("utf-8"), digest_size=16).hexdigest()
        return out

    def domains(self) -> list[Domain]:
        return [Domain(r["id"], r["name"], r["ord"], bool(r["pilot"]), r["description"])
                for r in self.db.query("select * from domains order by ord, id")]

    def domain(self, domain_id: str) -> Domain | None:
        return next((d for d in self.domains() if d.id == domain_id), None)

    def items(self, domain_id: str | None = None) -> list[Item]:
        if domain_id is None:
            rows = self.db.query("select * from items order by id")
        else:
            rows = self.db.query("select * from items where domain = ? order by id", [domain_id])
        return [_item(r) for r in rows]

    def item(self, item_id: str) -> Item | None:
        rows = list(self.db.query("select * from items where id = ?", [item_id]))
        return _item(rows[0]) if rows else None

    def document(self, doc_id: str) -> Document | None:
        rows = list(self.db.query("select * from documents where id = ?", [doc_id]))
        return _document(rows[0]) if rows else None

    def documents(self, ids: Iterable[str] | None = None) -> Iterator[Document]:
        if ids is None:
            for row in self.db.query("select * from documents order by id"):
                yield _document(row)
            return
        ids = list(ids)
        found: dict[str, Document] = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            for row in self.db.query(f"select * from documents where id in ({marks})", chunk):
                found[row["id"]] = _document(row)
        for i in ids:
            if i in found:
                yield found[i]

    def document_meta(self, ids: list[str]) -> dict[str, DocumentBrief]:
        """Light metadata of many documents (no body), for result lists."""
        out: dict[str, DocumentBrief] = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            sql = ("select id, title, kind, status, published, written, domains, issuer, region "
                   f"from documents where id in ({marks})")
            for row in self.db.query(sql, chunk):
                row["domains"] = tuple(json.loads(row["domains"]))
                out[row["id"]] = DocumentBrief(**row)
        return out

    def body(self, doc_id: str) -> str:
        row = self.db.execute("select body from documents where id = ?", [doc_id]).fetchone()
        return row[0] if row else ""

    def documents_for_domain(self, domain_id: str) -> list[str]:
        return [r[0] for r in self.db.execute(
            "select document_id from document_domains where domain_id = ? order by document_id",
            [domain_id])]

    def documents_for_item(self, item_id: str) -> list[str]:
        return [r[0] for r in self.db.execute(
            "select document_id from document_items where item_id = ? order by document_id",
            [item_id])]

    def latest_documents(self, limit: int = 5) -> list[DocumentBrief]:
        """The most recently published or written documents (light metadata), newest first."""
        rows = self.db.execute(
            "select id from documents where coalesce(published, written) is not null "
            "order by coalesce(published, written) desc, id limit ?", [limit]).fetchall()
        ids = [r[0] for r in rows]
        meta = self.document_meta(ids)
        return [meta[i] for i in ids]

    def interpretations_of(self, doc_id: str) -> list[DocumentBrief]:
        """政策解读 documents that explain ``doc_id``."""
        ids = [r[0] for r in self.db.execute(
            "select id from documents where interprets = ? order by id", [doc_id])]
        meta = self.document_meta(ids)
        return [meta[i] for i in ids]

    def faqs_citing(self, doc_id: str) -> list[Faq]:
        return [f for f in self.faqs() if doc_id in f.documents]

    def faqs(self) -> list[Faq]:
        return [_faq(r) for r in self.db.query("select * from faqs order by id")]

    def faq(self, faq_id: str) -> Faq | None:
        rows = list(self.db.query("select * from faqs where id = ?", [faq_id]))
        return _faq(rows[0]) if rows else None

    def user_words(self) -> set[str]:
        """The catalogue's own terms, so the segmenter keeps them whole: synonym groups, domain and
        标准目录 item names, and short document titles."""
        words = {w for group in self.terms() for w in group}
        words |= {d.name for d in self.domains()}
        for row in self.db.execute("select level1, level2 from items"):
            words |= {x for x in row if x}
        for (title,) in self.db.execute("select title from documents where length(title) <= 20"):
            if " " not in title:
                words.add(title)
        return {w for w in words if 2 <= len(w) <= 20 and " " not in w}

    def faq_text(self) -> dict[str, str]:
        """document id -> the questions (and variants) of the FAQs that cite it."""
        out: dict[str, list[str]] = {}
        for f in self.faqs():
            for doc_id in f.documents:
                out.setdefault(doc_id, []).extend([f.question, *f.variants])
        return {k: "\n".join(v) for k, v in out.items()}

    def terms(self) -> list[list[str]]:
        return [json.loads(r[0]) for r in self.db.execute("select words from terms order by line")]


def _chunks(seq: list, n: int):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def _row(record: dict[str, Any], fields: tuple[str, ...], json_fields: tuple[str, ...]) -> dict:
    row = {}
    for f in fields:
        value = record.get(f)
        row[f] = _dumps(value if value is not None else []) if f in json_fields else value
    row["extra"] = _dumps({k: v for k, v in record.items() if k not in fields})
    return row


def _item(r: dict[str, Any]) -> Item:
    return Item(r["id"], r["domain"], r["level1"], r["level2"], r["content"], r["basis"],
                r["time_limit"], r["subject"], json.loads(r["channels"]), r["audience"],
                r["method"], json.loads(r["level"]), json.loads(r["extra"] or "{}"))


def _document(r: dict[str, Any]) -> Document:
    return Document(
        r["id"], r["title"], r["kind"], r["doc_number"], r["index_number"], r["issuer"],
        r["region"], r["written"], r["published"], r["status"], json.loads(r["domains"]),
        json.loads(r["items"]), r["interprets"], r["url"], r["body"],
        [Attachment(a["path"], a.get("title", "")) for a in json.loads(r["attachments"])],
        json.loads(r["extra"] or "{}"))


def _faq(r: dict[str, Any]) -> Faq:
    return Faq(r["id"], r["question"], json.loads(r["variants"]), r["answer"],
               json.loads(r["domains"]), json.loads(r["documents"]), json.loads(r["extra"] or "{}"))
