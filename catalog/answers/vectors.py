"""Passage vectors: computed once by the publisher, carried in the package, kept on the kiosk in
a cache keyed by text, and searched exactly with numpy.

- **Keys.** A vector is keyed by the model and the text it was computed from (``passage_key``;
  FAQ texts keep catalog.answers.semantic.key), so a delta, an upgrade or a roll back never embeds a text
  twice, and a vector can never be attached to the wrong passage.
- **The package file** ``vectors.bin`` (optional, listed and hashed in the manifest like any other
  file): a first line of JSON ``{"format", "model", "dim", "count", "dtype": "int8"}``, then
  ``count`` 20-byte keys (sha1), ``count`` float32 scales and ``count × dim`` int8 values (each
  vector divided by its scale and rounded). int8 costs 4x less than float32 in the package and in
  memory and changes cosine similarities by about 0.001. A file that names another model or
  has the wrong size is ignored (the import goes on lexical-only and says so in the log); a hash
  mismatch is refused by the package check before this module ever reads it.
- **The kiosk's cache** ``DATA_DIR/vectors.db`` (SQLite, WAL): every vector the kiosk has, from
  packages or embedded by ``python -m catalog embed`` in the background. It lives outside the
  generations because it depends on texts only; deleting it costs re-embedding, never a wrong
  answer.
- **Search** is exact: every row's dot product with the question's vector. simsimd computes
  int8 dot products with SIMD straight from the rows (the question is split into an int8 part
  and an int8 residual, so the result matches float32 to about 1e-5); at 158,014 passages
  (58 MB) that is about 8 ms on one core where numpy's float product, which must first widen
  every row to float32, takes 17-19 ms. Without simsimd the same figures come from numpy. A graph
  index (hnswlib, usearch) would be approximate, and usearch's exact int8 scan measured 17 ms.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

from catalog.answers import semantic

log = logging.getLogger("catalog")

FORMAT = "gov-disclosure-vectors"
FILE = "vectors.bin"
KEY_BYTES = 20
BLOCK = 1024  # rows per block of numpy's product (the float32 copy of a block stays in cache)

try:
    import simsimd as _simsimd
except ImportError:  # pragma: no cover - an install without it: numpy does the same, slower
    _simsimd = None


def model_id() -> str:
    return semantic.MODEL


def passage_key(text: str) -> bytes:
    return hashlib.sha1(f"{semantic.MODEL}\npassage: {text}".encode("utf-8")).digest()


def faq_key(text: str) -> bytes:
    return bytes.fromhex(semantic.key(text))


def quantize(vectors):
    """(int8 rows, float32 scales) of float32 rows."""
    import numpy as np

    v = np.asarray(vectors, dtype=np.float32)
    scale = np.abs(v).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(v / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def dequantize(q, scale):
    import numpy as np

    return q.astype(np.float32) * np.asarray(scale, dtype=np.float32)[:, None]


# the package file -------------------------------------------------------------------------------
def encode(keys: list[bytes], q, scales) -> bytes:
    """The bytes of a vectors.bin holding ``keys`` with their int8 rows and scales."""
    import numpy as np

    header = {"format": FORMAT, "model": model_id(), "dim": int(q.shape[1]) if len(keys) else semantic.DIM,
              "count": len(keys), "dtype": "int8"}
    return b"".join([json.dumps(header, sort_keys=True).encode("ascii") + b"\n", *keys,
                     np.asarray(scales, dtype="<f4").tobytes(),
                     np.ascontiguousarray(q, dtype=np.int8).tobytes()])


def write_file(path: Path, keys: list[bytes], q, scales) -> None:
    Path(path).write_bytes(encode(keys, q, scales))


def read_file(path: Path) -> tuple[list[bytes], object, object] | None:
    """(keys, int8 rows, scales) of a package's vectors.bin, or None (with a log line) when it
    is for another model or malformed. Reads at most what its header announces."""
    import numpy as np

    try:
        with open(path, "rb") as fh:
            first = fh.readline(4096)
            header = json.loads(first.decode("ascii"))
            count, dim = int(header["count"]), int(header["dim"])
            if header.get("format") != FORMAT or header.get("dtype") != "int8":
                log.warning("vectors.bin ignored: unknown format %r", header.get("format"))
                return None
            if header.get("model") != model_id() or dim != semantic.DIM:
                log.warning("vectors.bin ignored: model %r dim %s (this kiosk: %s)", header.get("model"),
                            dim, model_id())
                return None
            size = Path(path).stat().st_size
            if count < 0 or size != len(first) + count * (KEY_BYTES + 4 + dim):
                log.warning("vectors.bin ignored: wrong size for %s vectors", count)
                return None
            raw_keys = fh.read(count * KEY_BYTES)
            scales = np.frombuffer(fh.read(count * 4), dtype="<f4").astype(np.float32)
            q = np.frombuffer(fh.read(count * dim), dtype=np.int8).reshape(count, dim)
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        log.warning("vectors.bin ignored: %s", type(exc).__name__)
        return None
    keys = [raw_keys[i * KEY_BYTES:(i + 1) * KEY_BYTES] for i in range(count)]
    return keys, q, scales


# the kiosk's cache ------------------------------------------------------------------------------
class VectorCache:
    """``DATA_DIR/vectors.db``: key -> (int8 vector, scale)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.db = self._connect()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            db.execute("pragma journal_mode = wal")
            db.execute("create table if not exists vectors (key blob primary key, q blob not null, "
                       "scale real not null) without rowid")
            db.execute("select count(*) from vectors").fetchone()
            return db
        except sqlite3.DatabaseError as exc:
            # only a cache: a damaged one is set aside and started again
            log.warning("vector cache unreadable (%s); starting a new one", type(exc).__name__)
            try:
                db.close()
            except Exception:  # noqa: BLE001
                pass
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            db.execute("pragma journal_mode = wal")
            db.execute("create table vectors (key blob primary key, q blob not null, "
                       "scale real not null) without rowid")
            return db

    def add(self, keys: list[bytes], q, scales) -> None:
        with self.db:
            self.db.executemany("insert or replace into vectors values (?, ?, ?)",
                                ((k, q[i].tobytes(), float(scales[i])) for i, k in enumerate(keys)))

    def has(self, keys: Iterable[bytes]) -> set[bytes]:
        keys = list(keys)
        out: set[bytes] = set()
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            marks = ",".join("?" * len(chunk))
            out.update(r[0] for r in self.db.execute(f"select key from vectors where key in ({marks})", chunk))
        return out

    def get(self, keys: list[bytes]) -> dict[bytes, tuple[bytes, float]]:
        out: dict[bytes, tuple[bytes, float]] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for k, q, s in self.db.execute(f"select key, q, scale from vectors where key in ({marks})", chunk):
                out[k] = (q, s)
        return out

    def close(self) -> None:
        self.db.close()


def cache_for(data_dir) -> VectorCache:
    return VectorCache(Path(data_dir.root) / "vectors.db")


# embedding --------------------------------------------------------------------------------------
def embed_passages(texts: list[str], progress: Callable[[int, int], None] | None = None):
    """float32 unit vectors of passage texts (e5's ``passage: `` side)."""
    import numpy as np

    m = semantic.model()
    out = np.zeros((len(texts), semantic.DIM), dtype=np.float32)
    with semantic._lock:
        for start in range(0, len(texts), semantic.BATCH):
            chunk = texts[start:start + semantic.BATCH]
            out[start:start + len(chunk)] = m.passage(chunk)
            if progress:
                progress(min(start + semantic.BATCH, len(texts)), len(texts))
    return out


def embed_query(text: str):
    """The float32 unit vector of a question (e5's ``query: `` side), from its first characters."""
    import numpy as np

    m = semantic.model()
    with semantic._lock:
        return np.asarray(m.query([text[:semantic.QUESTION_CHARS * 3]])[0], dtype=np.float32)


# exact search -----------------------------------------------------------------------------------
class DenseIndex:
    """The vectors of one catalogue's passages, searched exactly."""

    def __init__(self, keys: list[str], q, scales, total: int):
        self.keys = keys          # passage index keys (doc#n), one per row
        self.q = q                # int8 rows
        self.scales = scales
        self.total = total        # passages in the catalogue (with or without a vector)
        self._row = {k: i for i, k in enumerate(keys)}

    @property
    def complete(self) -> bool:
        return len(self.keys) >= self.total

    def similarities(self, qvec, *, use_simd: bool = True):
        """The cosine of ``qvec`` with every row."""
        import numpy as np

        qv = np.asarray(qvec, dtype=np.float32)
        if _simsimd is not None and use_simd and len(self.keys):
            sims = _int8_dots(self.q, qv)
        else:
            n = len(self.keys)
            sims = np.empty(n, dtype=np.float32)
            for start in range(0, n, BLOCK):
                block = self.q[start:start + BLOCK]
                sims[start:start + len(block)] = block.astype(np.float32) @ qv
        sims *= self.scales
        return sims

    def top(self, sims, k: int) -> list[tuple[str, float]]:
        import numpy as np

        n = len(self.keys)
        if not n:
            return []
        k = min(k, n)
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self.keys[i], float(sims[i])) for i in top]

    def cosine(self, sims, key: str, default: float) -> float:
        i = self._row.get(key)
        return float(sims[i]) if i is not None else default

    def search(self, qvec, k: int) -> list[tuple[str, float]]:
        return self.top(self.similarities(qvec), k)


def _int8_dots(rows, qv):
    """``rows @ qv`` for int8 ``rows`` and a float ``qv``: two exact int8 passes (simsimd), the
    query's int8 part and then its residual, so the rounding of the query costs about 1e-5."""
    import numpy as np

    out = np.zeros(len(rows), dtype=np.float32)
    rest = qv
    for _ in range(2):
        top = float(np.abs(rest).max())
        if top == 0.0:
            break
        scale = top / 127.0
        part = np.clip(np.rint(rest / scale), -127, 127).astype(np.int8)
        dots = _simsimd.cdist(rows, part[None, :], metric="dot", threads=1, out_dtype="float32")
        out += np.asarray(dots, dtype=np.float32).ravel() * np.float32(scale)
        rest = rest - part.astype(np.float32) * np.float32(scale)
    return out


def load_index(store, cache: VectorCache) -> DenseIndex | None:
    """The dense index of ``store``'s passages from what ``cache`` holds (None when it holds none)."""
    import numpy as np

    pairs = list(store.passage_vector_keys())
    if not pairs:
        return None
    found = cache.get([bytes.fromhex(v) for _, v in pairs])
    keys, rows, scales = [], [], []
    for pkey, vkey in pairs:
        hit = found.get(bytes.fromhex(vkey))
        if hit is not None:
            keys.append(pkey)
            rows.append(hit[0])
            scales.append(hit[1])
    if not keys:
        return None
    q = np.frombuffer(b"".join(rows), dtype=np.int8).reshape(len(keys), -1)
    return DenseIndex(keys, q, np.asarray(scales, dtype=np.float32), len(pairs))



# the publisher's side ---------------------------------------------------------------------------
def publisher_cache_path() -> Path:
    """Where ``pack`` keeps the vectors it computed, so the next package embeds only new texts
    (``CATALOG_VECTOR_CACHE`` overrides)."""
    import os

    env = os.environ.get("CATALOG_VECTOR_CACHE")
    if env:
        return Path(env)
    return Path.home() / ".cache" / "gov-disclosure-kiosk" / "vectors.db"


def package_texts(contents: dict[str, bytes]) -> tuple[list[tuple[bytes, str]], list[tuple[bytes, str]]]:
    """([(key, passage text)], [(key, FAQ text)]) of what a package being packed holds."""
    from catalog.answers.passages import indexed_text, split_text
    from catalog.search.query import normalize

    passages, faqs = [], []
    for line in contents.get("documents.jsonl", b"").decode("utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            for p in split_text(rec["id"], rec.get("body") or ""):
                text = indexed_text(rec.get("title") or "", p.text)
                passages.append((passage_key(text), text))
    for line in contents.get("faqs.jsonl", b"").decode("utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            for t in [rec.get("question") or "", *(rec.get("variants") or [])]:
                t = normalize(t)
                if t.strip():
                    faqs.append((faq_key(t), t))
    return passages, faqs


def build_file(contents: dict[str, bytes], cache_path: Path | None = None,
               progress: Callable[[int, int], None] | None = None) -> bytes | None:
    """The ``vectors.bin`` of a package (every passage and FAQ text it holds), from the publisher's
    cache and the model; None when the model is not installed here."""
    import numpy as np

    if not semantic.available():
        log.warning("no sentence model here: the package is packed without vectors")
        return None
    passages, faqs = package_texts(contents)
    wanted: dict[bytes, tuple[str, str]] = {}
    for k, t in passages:
        wanted.setdefault(k, ("passage", t))
    for k, t in faqs:
        wanted.setdefault(k, ("faq", t))
    cache = VectorCache(cache_path or publisher_cache_path())
    try:
        have = cache.get(list(wanted))
        missing_p = [(k, t) for k, (kind, t) in wanted.items() if kind == "passage" and k not in have]
        missing_f = [(k, t) for k, (kind, t) in wanted.items() if kind == "faq" and k not in have]
        done, total = 0, len(missing_p) + len(missing_f)
        for start in range(0, len(missing_p), 256):  # saved as it goes: an interrupted pack resumes
            chunk = missing_p[start:start + 256]
            q, s = quantize(embed_passages([t for _, t in chunk]))
            cache.add([k for k, _ in chunk], q, s)
            done += len(chunk)
            if progress:
                progress(done, total)
        if missing_f:
            q, s = quantize(semantic.embed([t for _, t in missing_f]))
            cache.add([k for k, _ in missing_f], q, s)
        have = cache.get(list(wanted))
    finally:
        cache.close()
    keys = sorted(wanted)
    q = np.frombuffer(b"".join(have[k][0] for k in keys), dtype=np.int8).reshape(len(keys), semantic.DIM) \
        if keys else np.zeros((0, semantic.DIM), dtype=np.int8)
    scales = np.asarray([have[k][1] for k in keys], dtype=np.float32)
    return encode(keys, q, scales)


def progress_of(store, cache: VectorCache) -> tuple[int, int]:
    """(passages with a vector in ``cache``, passages) of a catalogue's store."""
    vkeys = [bytes.fromhex(v) for _, v in store.passage_vector_keys()]
    have = cache.has(vkeys)  # a set: passages with the same text share one vector
    return sum(k in have for k in vkeys), len(vkeys)


def embed_missing(store, cache: VectorCache, *, limit: int | None = None, batch: int = 64,
                  progress: Callable[[int, int], None] | None = None, should_stop=None) -> int:
    """Embed the passages of ``store`` that ``cache`` lacks, saving every ``batch`` (so it can be
    stopped and resumed at any point); returns how many were embedded."""
    from catalog.answers.passages import indexed_text

    rows = list(store.db.execute(
        "select p.vkey, d.title, p.text from passages p join documents d on d.id = p.doc_id "
        "order by p.doc_id, p.n"))
    have = cache.has([bytes.fromhex(r[0]) for r in rows])
    todo, seen = [], set()
    for vkey, title, text in rows:
        k = bytes.fromhex(vkey)
        if k not in have and k not in seen:
            seen.add(k)
            todo.append((k, indexed_text(title, text)))
    if limit is not None:
        todo = todo[:limit]
    done = 0
    for start in range(0, len(todo), batch):
        if should_stop is not None and should_stop():
            break
        chunk = todo[start:start + batch]
        q, s = quantize(embed_passages([t for _, t in chunk]))
        cache.add([k for k, _ in chunk], q, s)
        done += len(chunk)
        if progress:
            progress(done, len(todo))
    return done
