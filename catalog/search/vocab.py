"""The catalogue's vocabulary with pinyin keys: turns pinyin and initials into catalogue words and
corrects mistyped homophones (危房改照 -> 危房改造), without ever replacing a word that exists.

Built at import time into the generation's store (table ``vocab``); read with indexed lookups.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from catalog.search.analysis import jieba_module
from catalog.search.pinyin import fuzzy_key, split_pinyin_all, syllables, word_readings
from catalog.store import Store

_CJK_WORD = re.compile(r"^[\u3400-\u9fff]{2,8}$")
MAX_SPAN = 6  # syllables in one vocabulary word
COMMON_WORD_FREQ = 100  # jieba dictionary frequency above which a word is never "corrected"


def word_freqs(store: Store, lexicon: Iterable[tuple[str, int]], synonym_words: Iterable[str]) -> dict[str, int]:
    """The vocabulary: words of the index that are real words (jieba's dictionary, the
    catalogue's terms and names, words of titles), plus every synonym word, with document
    frequencies."""
    jieba = jieba_module()
    dictionary = jieba.dt.FREQ
    freq: dict[str, int] = {}
    for word, df in lexicon:
        if _CJK_WORD.match(word) and dictionary.get(word, 0) > 0:
            freq[word] = max(freq.get(word, 0), df)
    for (title,) in store.db.execute("select title from documents"):
        for word in set(jieba.lcut(title)):
            if _CJK_WORD.match(word):
                freq[word] = freq.get(word, 0) + (0 if word in freq and dictionary.get(word, 0) else 1)
    for group in store.terms():
        for word in group:
            if _CJK_WORD.match(word):
                freq.setdefault(word, 0)
    # the catalogue's own names: domains and 标准目录 items (征地补偿, 政务公开 …)
    names = [d.name for d in store.domains()]
    names += [n for it in store.items() for n in (it.level1, it.level2) if n]
    for name in names:
        if _CJK_WORD.match(name):
            freq[name] = max(freq.get(name, 0), 1)
    for word in synonym_words:
        if _CJK_WORD.match(word):
            freq.setdefault(word, 0)
    return freq


def rows(freq: dict[str, int]):
    """Table rows of the vocabulary: one per reading of each word."""
    for word, df in freq.items():
        for py, fz, ini in word_readings(word):
            yield {"word": word, "freq": df, "py": py, "fuzzy": fz, "initials": ini}


@dataclass
class Candidate:
    word: str
    freq: int
    exact: bool  # same spelling as the typed pinyin (not only fuzzy)


class Vocabulary:
    """Query-time lookups in a store's ``vocab`` table."""

    def __init__(self, store: Store, synonym_freq=None):
        self.db = store.db
        self._syn_freq = synonym_freq or (lambda w: 0)

    def _by_fuzzy(self, key: str, exact_py: str) -> list[Candidate]:
        rows = self.db.execute("select word, freq, py from vocab where fuzzy = ?", [key]).fetchall()
        best: dict[str, Candidate] = {}
        for w, f, py in rows:
            c = Candidate(w, max(f, self._syn_freq(w)), py == exact_py)
            if c.freq > 0 and (w not in best or c.exact > best[w].exact):
                best[w] = c
        return list(best.values())

    def known(self, word: str) -> bool:
        """A word that occurs in the catalogue, or a common word of the language."""
        row = self.db.execute("select max(freq) from vocab where word = ?", [word]).fetchone()
        return bool(row and row[0]) or jieba_module().dt.FREQ.get(word, 0) >= COMMON_WORD_FREQ

    def from_initials(self, letters: str, limit: int = 3) -> list[str]:
        rows = self.db.execute("select distinct word, freq from vocab where initials = ?",
                               [letters.lower()]).fetchall()
        ranked = sorted(((max(f, self._syn_freq(w)), w) for w, f in rows), reverse=True)
        return list(dict.fromkeys(w for f, w in ranked if f > 0))[:limit]

    def from_pinyin(self, letters: str, limit: int = 3) -> list[list[str]]:
        """Catalogue words for a run of pinyin letters: a list of word slots, each with up to
        ``limit`` alternatives (homophones), best first. [] when nothing fits. Full spelling is
        tried first (every way to split it into syllables), then initials."""
        best: tuple[float, list[list[str]]] | None = None
        for sylls in split_pinyin_all(letters):
            scored = self._segment_scored(sylls, None, limit)
            if scored and (best is None or scored[0] > best[0]):
                best = scored
        if best:
            return best[1]
        return self._initials_segments(letters.lower(), limit) if 2 <= len(letters) <= 12 else []

    def _initials_segments(self, letters: str, limit: int) -> list[list[str]]:
        """Initials of one word (shbx) or of several (zdbc = 征地 补偿), longest words first."""
        whole = self.from_initials(letters, limit)
        if whole:
            return [whole]
        n = len(letters)
        best: list[tuple[float, list[list[str]]] | None] = [None] * (n + 1)
        best[0] = (0.0, [])
        for i in range(n):
            if best[i] is None:
                continue
            for j in range(i + 2, min(n, i + MAX_SPAN) + 1):
                words = self.from_initials(letters[i:j], limit)
                if words:
                    cand = (best[i][0] + (j - i) ** 2, best[i][1] + [words])
                    if best[j] is None or cand[0] > best[j][0]:
                        best[j] = cand
        return best[n][1] if best[n] else []

    def correct(self, text: str) -> str | None:
        """``text`` with mistyped words replaced by same-sounding catalogue words, or None when
        nothing needed correcting. Words that exist are never replaced."""
        chars = list(text)
        sylls = list(syllables(text))
        if len(sylls) != len(chars) or len(chars) < 2:
            return None
        scored = self._segment_scored(sylls, chars, 1, self._protected(text))
        slots = scored[1] if scored else []
        if not slots:
            return None
        corrected = "".join(s[0] for s in slots)
        return corrected if corrected != text and len(corrected) == len(text) else None

    def _protected(self, text: str) -> set[int]:
        """Positions of ``text`` that are never replaced: inside a word jieba finds that is a known
        word (the catalogue's, or a common word of the language), or a question or function word
        (怎么, 哪里, 去哪 …: analysis.STOPWORDS)."""
        from catalog.search.analysis import STOPWORDS

        out: set[int] = set()
        for word, start, end in jieba_module().tokenize(text):
            if word in STOPWORDS or (end - start >= 2 and self.known(word)):
                out.update(range(start, end))
        return out

    def _segment(self, sylls: list[str], chars: list[str] | None, limit: int) -> list[list[str]]:
        scored = self._segment_scored(sylls, chars, limit)
        return scored[1] if scored else []

    def _segment_scored(self, sylls: list[str], chars: list[str] | None, limit: int,
                        protected: set[int] = frozenset()) -> tuple[float, list[list[str]]] | None:
        """Cover the syllables with vocabulary words (dynamic programming, longest well-known
        words preferred). With ``chars`` (a Chinese query) a span keeps its own characters when they
        form a known word, and single characters stay as typed."""
        n = len(sylls)
        best: list[tuple[float, list[list[str]]] | None] = [None] * (n + 1)
        best[0] = (0.0, [])
        for i in range(n):
            if best[i] is None:
                continue
            base_score, base_slots = best[i]
            options: list[tuple[float, list[str], int]] = []
            if chars is not None:
                options.append((0.1, [chars[i]], i + 1))  # keep one character as typed
            for j in range(i + 2 if chars is not None else i + 1, min(n, i + MAX_SPAN) + 1):
                span = sylls[i:j]
                weight = (j - i) ** 2
                if chars is not None:
                    original = "".join(chars[i:j])
                    if self.known(original):
                        options.append((weight * 2.0, [original], j))
                        continue
                    if protected and any(k in protected for k in range(i, j)):
                        continue
                cands = self._by_fuzzy(fuzzy_key(span), "".join(span))
                if not cands:
                    continue
                cands.sort(key=lambda c: (-c.exact, -c.freq, c.word))
                top = cands[0]
                score = weight * (1.0 + 0.1 * math.log1p(top.freq)) * (1.2 if top.exact else 0.8)
                options.append((score, [c.word for c in cands[:limit]], j))
            for score, words, j in options:
                cand = (base_score + score, base_slots + [words])
                if best[j] is None or cand[0] > best[j][0]:
                    best[j] = cand
        return best[n]
