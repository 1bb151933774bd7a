"""Chinese text -> tone-numbered pinyin for espeak-ng's ``cmn-latn-pinyin`` voice.

Readings come from pypinyin (Style.TONE3, neutral tone written as 5, ü written as v) with
phrase-level polyphone resolution, overridden by our lexicon ``resources/terms/polyphones.txt``.

Segmentation is our own forward maximum matching over pypinyin's phrase dictionary *and* the
lexicon, so a lexicon word is found where pypinyin's own segmenter would not look for it, and a
longer dictionary phrase still wins over a shorter lexicon word (严重来源: 严重 + 来源, not 重来).
pypinyin's global dictionaries are not modified.

Output format: syllables separated by spaces ("yin2 hang2"); punctuation becomes a pause:
"," (，、：；…), "." + newline (。 — espeak ignores an ASCII "." followed by a lowercase syllable),
"?" and "!" (question / exclamation intonation).  Quotes and book-title marks are dropped.
Latin letters are kept as they are; digits that normalize() did not handle are read one by one
(never dropped).  See :mod:`kiosk.speech.normalize` for the measurements behind these choices.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pypinyin import Style
from pypinyin.constants import PHRASES_DICT
from pypinyin.converter import UltimateConverter
from pypinyin.seg.mmseg import p_set as _PYPINYIN_PREFIXES

from kiosk.speech.normalize import normalize

__all__ = ["POLYPHONES_PATH", "load_polyphones", "to_pinyin", "speakable"]

POLYPHONES_PATH = Path(__file__).resolve().parents[2] / "resources" / "terms" / "polyphones.txt"

_SYLLABLE = re.compile(r"^[a-z]+[1-5]$")
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef〇"
_TOKEN = re.compile(
    rf"(?P<han>[{_HAN}]+)|(?P<latin>[A-Za-z]+)|(?P<digits>\d+)|(?P<space>\s+)|(?P<other>.)",
    re.S,
)
_DIGIT_PINYIN = ["ling2", "yi1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1", "jiu3"]

# Pause strength: higher wins when several punctuation marks meet.
_PAUSES = {",": 1, ".": 2, "?": 3, "!": 3}
_PUNCT_PAUSE = {}
for _chars, _mark in (("，,、：:；;—–-~～…⋯（）()[]【】〔〕［］/|·•", ","), ("。．", "."), ("？?", "?"), ("！!", "!")):
    for _c in _chars:
        _PUNCT_PAUSE[_c] = _mark
# Characters dropped without a pause: quotes, book-title marks, and the like.
_SILENT = set("“”‘’\"'《》〈〉「」『』*#_^`")


def load_polyphones(path: Path | str | None = None) -> dict[str, tuple[str, ...]]:
    """Parse a lexicon file: ``词 pin1 yin1`` per line, ``#`` starts a comment.

    Raises ValueError (with the line number) on a malformed line: a syllable that is not
    lowercase pinyin + tone digit 1-5, or a syllable count that differs from the word length.
    "ü" may be written "ü" or "v"; it is stored as "v" (what pypinyin emits and espeak reads).
    """
    path = Path(path) if path is not None else POLYPHONES_PATH
    lexicon: dict[str, tuple[str, ...]] = {}
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        word, *syllables = line.split()
        syllables = [s.replace("ü", "v").replace("u:", "v") for s in syllables]
        if len(syllables) != len(word) or not all(_SYLLABLE.match(s) for s in syllables):
            raise ValueError(f"{path}:{lineno}: expected '<word> <one pinyin+tone per character>': {raw!r}")
        lexicon[word] = tuple(syllables)
    return lexicon


class _Reader:
    def __init__(self, lexicon: dict[str, tuple[str, ...]]):
        self.lexicon = lexicon
        self.prefixes = {w[:i] for w in lexicon for i in range(1, len(w) + 1)}
        self.converter = UltimateConverter(neutral_tone_with_five=True)

    def segment(self, run: str) -> list[str]:
        """Forward maximum matching over pypinyin's phrases and the lexicon (longest word wins)."""
        words = []
        i, n = 0, len(run)
        while i < n:
            best = 1
            j = i + 1
            while j <= n:
                w = run[i:j]
                if w not in _PYPINYIN_PREFIXES and w not in self.prefixes:
                    break
                if w in self.lexicon or w in PHRASES_DICT:
                    best = j - i
                j += 1
            words.append(run[i:i + best])
            i += best
        return words

    def word(self, word: str) -> list[str]:
        if word in self.lexicon:
            return list(self.lexicon[word])
        out = []
        for item in self.converter.convert(word, Style.TONE3, False, "default", True):
            syl = item[0]
            if _SYLLABLE.match(syl):
                out.append(syl)
            elif re.fullmatch(r"[a-z]+", syl or ""):
                out.append(syl + "5")
            # else: a character without any reading in pypinyin: nothing speakable
        return out

    def han(self, run: str) -> list[str]:
        syllables = []
        for w in self.segment(run):
            syllables.extend(self.word(w))
        # 不 before a 4th tone is bu2 (pypinyin's phrases already have 不要 bu2 yao4; this covers
        # free combinations).  一 sandhi is left alone: it depends on ordinal vs. cardinal use.
        chars = [c for c in run]
        if len(chars) == len(syllables):
            for k in range(len(chars) - 1):
                if chars[k] == "不" and syllables[k] == "bu4" and syllables[k + 1].endswith("4"):
                    syllables[k] = "bu2"
        return syllables


@lru_cache(maxsize=4)
def _reader(path: str | None) -> _Reader:
    return _Reader(load_polyphones(path))


def to_pinyin(text: str, lexicon_path: Path | str | None = None) -> str:
    """Chinese text -> "yin2 hang2, zhi2 xing2." for espeak-ng ``-v cmn-latn-pinyin``.

    Run :func:`normalize` first (or use :func:`speakable`): digits left in ``text`` are read one
    by one here, which is right for codes but not for amounts or dates.
    """
    reader = _reader(str(lexicon_path) if lexicon_path is not None else None)
    items: list[str] = []   # syllables / words and pause marks
    prev_kind = None
    pending_space = False

    def pause(mark: str) -> None:
        if not items:
            return  # no pause before anything is said
        if items[-1] in _PAUSES:
            if _PAUSES[mark] > _PAUSES[items[-1]]:
                items[-1] = mark
            return
        items.append(mark)

    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        tok = m.group(0)
        if kind == "space":
            pending_space = prev_kind == "han"
            continue
        if kind == "han":
            if pending_space:
                pause(",")   # a space between Chinese words is a break (also normalize()'s groups)
            items.extend(reader.han(tok))
        elif kind == "latin":
            items.append(tok)
        elif kind == "digits":
            items.extend(_DIGIT_PINYIN[int(d)] for d in tok)
        else:
            if tok in _PUNCT_PAUSE:
                pause(_PUNCT_PAUSE[tok])
            # everything else (quotes, symbols) is dropped silently: it is not spoken in Chinese
        pending_space = False
        prev_kind = kind

    out = []
    for k, item in enumerate(items):
        if item in _PAUSES:
            out.append(item + ("\n" if item == "." and k < len(items) - 1 else ""))
        else:
            if out and not out[-1].endswith("\n"):
                out.append(" ")
            out.append(item)
    return "".join(out).strip()


def speakable(text: str, lexicon_path: Path | str | None = None) -> str:
    """Document text -> pinyin string ready for espeak-ng: ``to_pinyin(normalize(text))``."""
    return to_pinyin(normalize(text), lexicon_path)
