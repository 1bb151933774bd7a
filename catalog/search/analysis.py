"""Text analysis shared by indexing and querying: jieba tokens plus a character-level fallback.

We tokenize with ``jieba.tokenize`` ourselves instead of ``jieba.analyse.ChineseAnalyzer``: that
import alone loads keyword tables (+135 MB, +0.6 s, see ENVIRONMENT.md) we never use.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterable, Iterator

_lock = threading.Lock()
_ready = False
_user_words: set[str] = set()

_CJK = re.compile(r"^[\u3400-\u9fff]+$")

# Words that carry no meaning in a citizen's question; they never make a query stricter.
STOPWORDS = frozenset(
    "的 了 吗 呢 啊 吧 么 是 在 和 与 及 或 有 我 你 他 她 我们 怎么 怎样 如何 什么 哪些 哪里 哪个 多少 "
    "要 想 能 可以 需要 请问 一下 这个 那个 就 都 也 还 把 被 给 对 从 到 为 以 之 其 "
    "多久 多长时间 怎么办 怎么样 能否 是否 能不能 可不可以 有没有 应该 需不需要 哪儿 谁 咋 咋办 去哪 "
    "怎么弄 怎样才能 该 吗？ 啥 什么样".split()
)


def jieba_module():
    """jieba, initialised once per process (about 1 s; callers run it off the GUI thread)."""
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


def add_user_words(words: Iterable[str]) -> None:
    """Teach the segmenter the catalogue's own terms so they are not split."""
    jieba = jieba_module()
    added = False
    for w in words:
        w = w.strip()
        if len(w) >= 2 and w not in _user_words:
            jieba.add_word(w, freq=20000)
            _user_words.add(w)
            added = True
    if added:
        clear_token_cache()  # a new word may split a line otherwise


def is_cjk(word: str) -> bool:
    return bool(_CJK.match(word))


def bigrams(word: str) -> list[str]:
    return [word[i:i + 2] for i in range(len(word) - 1)]


def index_tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """(token, start, end) for indexing: jieba search-mode words, plus every two-character
    sequence inside longer Chinese words, so that 低保 matches inside 低保金."""
    jieba = jieba_module()
    for word, start, end in jieba.tokenize(text, mode="search"):
        if not any(ch.isalnum() for ch in word):
            continue
        word = word.lower()
        yield word, start, end
        if len(word) >= 3 and is_cjk(word):
            for i, bg in enumerate(bigrams(word)):
                yield bg, start + i, start + i + 2


# A line of text is segmented once per import: the passage index sees the same lines as the
# document index (passages are a document's paragraphs, joined with "\n"), and jieba segments
# each run between separators on its own (a newline always separates), so a line's tokens do not
# depend on the text around it. This halves an import's segmentation (the demo imports in 12 s
# instead of 23 s). Bounded, and emptied after each import (catalog.packaging.packages) and whenever the
# segmenter learns a word.
LINE_CACHE = 80_000  # the demo has 56,759 distinct lines; the laws corpus 1M+ (a miss costs nothing)


@functools.lru_cache(maxsize=LINE_CACHE)
def _line_tokens(line: str) -> str:
    return " ".join(tok for tok, _, _ in index_tokens(line))


def index_text(text: str) -> str:
    """The space-joined tokens of ``index_tokens(text)`` (what an engine's whitespace tokenizer
    indexes), line by line through a cache."""
    if not text:
        return ""
    return " ".join(t for t in map(_line_tokens, text.split("\n")) if t)


def clear_token_cache() -> None:
    _line_tokens.cache_clear()


def parts_of(word: str) -> list[str]:
    """What a long word must be made of in a text that does not hold it whole: the dictionary
    words inside it that tile it (最低生活保障 -> 最低 生活 保障), from the segmenter's search mode,
    which finds them even when the word itself has since become a user word; its two-character
    parts when nothing tiles it."""
    jieba = jieba_module()
    spans = {(s, e): w for w, s, e in jieba.tokenize(word, mode="search") if 2 <= e - s < len(word)}
    n = len(word)
    # best[i]: (characters covered, pieces) for word[:i]
    best: list[tuple[int, list[str]]] = [(0, [])] + [(-1, [])] * n
    for i in range(n):
        if best[i][0] < 0:
            continue
        nxt = (best[i][0], best[i][1])
        if nxt[0] > best[i + 1][0]:
            best[i + 1] = nxt  # leave one character uncovered
        for (s, e), w in spans.items():
            if s == i and best[i][0] + (e - s) > best[e][0]:
                best[e] = (best[i][0] + (e - s), best[i][1] + [w])
    covered, pieces = best[n]
    return pieces if pieces and covered >= n - 1 else bigrams(word)


def query_tokens(text: str) -> list[str]:
    """All word tokens of a query in order (stopwords included, punctuation dropped)."""
    jieba = jieba_module()
    return [w.strip().lower() for w in jieba.lcut(text) if w.strip() and any(c.isalnum() for c in w)]


def query_words(text: str, tokens: list[str] | None = None) -> list[str]:
    """The meaningful words of a query, in order, without repeats."""
    out: list[str] = []
    for word in tokens if tokens is not None else query_tokens(text):
        if word not in STOPWORDS and word not in out:
            out.append(word)
    return out
