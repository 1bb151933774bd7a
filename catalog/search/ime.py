"""Pinyin input for the on-screen keyboard: letters typed so far -> Chinese candidates.

Headless (no Qt): the kiosk's keyboard widget calls :func:`candidates` on every tap and
:func:`remaining` when a candidate is chosen. Two sources, best first:

1. the catalogue's own words (the store's ``vocab`` table, built at import with full pinyin,
   模糊音 key and initials for each reading of each word): exact full spelling, then a phrase
   composed of several catalogue words (dibaoshenqing -> 低保申请), then words the letters begin
   (dib -> 低保) or whose initials they are (shbx -> 社会保险), then 模糊音 matches
   (sehuibaoxian -> 社会保险); each group ranked by the word's frequency in the catalogue;
2. everyday words a catalogue may not hold (catalog.search.general: 怎么, 明天, 多少钱), after the
   catalogue's exact words for their exact spelling, after its begun words for a beginning;
3. single characters for the first syllable (dibao -> 地 第 低 …; placed first when only one
   syllable was typed: bao -> 报 抱 包 保 保障 …), from pypinyin's character
   table limited to the common simplified characters (GB2312 with a jieba dictionary frequency),
   ranked by that frequency. Built once per process, lazily (:func:`warm_up`).

Lookups use the ``vocab`` indexes only (``fuzzy`` and ``initials``): a prefix of the full
spelling is found by a range scan on the 模糊音 key, whose safe prefix is derived from the letters
(see :func:`_fuzzy_prefix`), and checked against ``py``.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
import weakref
from collections.abc import Iterable
from functools import lru_cache

from catalog.search.pinyin import SYLLABLES, char_readings, fuzzy_key, split_pinyin, split_pinyin_all, word_readings

# Every proper and full prefix of a syllable ("sh", "zhu", "zhuan" …): what may end the letters.
SYLLABLE_PREFIXES = frozenset(s[:i] for s in SYLLABLES for i in range(1, len(s) + 1))
_VOWELS = frozenset("aeiouv")
_INTERJECTIONS = frozenset(["m", "n", "ng", "hm", "hng"])  # syllables of 呣 嗯 哼 only

SINGLE_SYLLABLE_CHARS = 4  # characters placed before the words when one syllable was typed
WORD_SHARE = 2 / 3        # words take at most this share of the candidates while characters remain
SECONDARY_READING = 0.3   # a word matched through another reading of a polyphone (逐步 as "dibu")
SECONDARY_CHAR = 0.02     # a character under another of its readings (的 as "di")
TERM_FACTOR = 2.0         # the catalogue's own terms (synonym groups, domain and item names) rank up
GENERAL_EXACT = 3         # everyday words spelled exactly by the letters, after the catalogue's
GENERAL_BEGUN = 3         # everyday words the letters begin or are the initials of
PIECE_COST = 10.0         # log-frequency cost of each piece of a composed everyday phrase (fewer, longer pieces win)
CHAR_COST = 4.0           # and of a lone character more (a character's frequency counts all its words)
MID_SYLLABLE = 0.1        # "xian" read as the start of xiang (相关) rather than of xian chang (现场)
SCAN = 48                 # rows read per lookup (ordered by frequency in SQLite)
MAX_LETTERS = 32

# 第八条, 第三章: numbering of articles, frequent in laws and never searched for by its beginning
NUMBERING_GLOB = "第[零〇一二三四五六七八九十百千两]*"

log = logging.getLogger("catalog.search.ime")
_chars: dict[str, list[tuple[float, str]]] | None = None
_chars_lock = threading.Lock()
_terms: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


# --- letters --------------------------------------------------------------------------------

def normalise(letters: str) -> str:
    """Lower-case ASCII letters only (the keyboard types nothing else; ü is typed as v)."""
    return "".join(c for c in letters.lower() if "a" <= c <= "z")[:MAX_LETTERS]


def pieces(letters: str) -> list[str] | None:
    """The letters as syllables, the last of which may be incomplete, in the fewest pieces (a
    longer first piece breaking ties): "dibao" -> [di, bao], "dib" -> [di, b], "sh" -> [sh],
    "xianu" -> [xia, nu]; None when no such split exists ("xyz")."""
    n = len(letters)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(i + 1, min(n, i + 6) + 1):
            piece = letters[i:j]
            if piece in SYLLABLES or (j == n and piece in SYLLABLE_PREFIXES):
                cand = best[i] + [piece]
                old = best[j]
                if old is None or len(cand) < len(old) or (len(cand) == len(old) and len(cand[0]) > len(old[0])):
                    best[j] = cand
    return best[n] if n else []


def split_first_syllable(letters: str) -> tuple[str, str]:
    """(first syllable, the rest) of letters typed so far; the first may be incomplete
    ("dibao" -> ("di", "bao"), "sh" -> ("sh", ""), see :func:`pieces`). Letters that no split
    covers give their longest syllable beginning first: "xyz" -> ("x", "yz")."""
    letters = normalise(letters)
    if not letters:
        return "", ""
    split = pieces(letters)
    if split:
        first = split[0]
    else:
        first = next((letters[:j] for j in range(min(len(letters), 6), 0, -1)
                      if letters[:j] in SYLLABLE_PREFIXES), letters[:1])
    return first, letters[len(first):]


def _fuzzy_prefix(letters: str) -> str:
    """A prefix that the 模糊音 key of every word spelled ``letters…`` starts with.

    The key differs from the full spelling only at syllable edges: zh/ch/sh lose their h and n
    becomes l at the start of a syllable, ang/eng/ing lose their g at its end. The start of the
    letters is the start of a syllable; after it, letters are copied up to the first h, n or g,
    whose fate depends on where the syllables of the word split.
    """
    if letters[:2] in ("zh", "ch", "sh"):
        out, i = letters[0], 2
    elif letters[:1] == "n":
        out, i = "l", 1
    else:
        out, i = letters[:1], 1
    for c in letters[i:]:
        if c in "hng":
            break
        out += c
    return out


# --- characters -----------------------------------------------------------------------------

def _toneless(reading: str) -> str:
    decomposed = unicodedata.normalize("NFD", reading.replace("ü", "v").replace("Ü", "v"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _build_char_table() -> dict[str, list[tuple[float, str]]]:
    from pypinyin.constants import PINYIN_DICT

    from catalog.search.analysis import jieba_module

    freq = jieba_module().dt.FREQ
    table: dict[str, dict[str, float]] = {}
    for cp, readings in PINYIN_DICT.items():
        if not 0x4E00 <= cp <= 0x9FFF:
            continue
        ch = chr(cp)
        f = freq.get(ch, 0)
        if f <= 0:
            continue
        try:
            ch.encode("gb2312")  # the common simplified characters (6,763)
        except UnicodeEncodeError:
            continue
        seen: list[str] = []
        for r in readings.split(","):
            r = _toneless(r)
            if r.isascii() and r.isalpha() and r not in seen:
                seen.append(r)
        for k, r in enumerate(seen):
            score = float(f) if k == 0 else f * SECONDARY_CHAR
            per = table.setdefault(r, {})
            per[ch] = max(per.get(ch, 0.0), score)
    return {r: sorted(((s, c) for c, s in per.items()), key=lambda t: (-t[0], t[1]))
            for r, per in table.items()}


def char_table() -> dict[str, list[tuple[float, str]]]:
    """reading -> [(score, character)] best first; built once per process (about 0.3 s, plus
    jieba's initialisation when nothing has done it yet)."""
    global _chars
    if _chars is None:
        with _chars_lock:
            if _chars is None:
                _chars = _build_char_table()
    return _chars


def warm_up() -> None:
    """Build the character table and load the everyday words now (call it off the GUI thread,
    e.g. after opening the catalogue)."""
    from catalog.search import general

    char_table()
    general.warm_up()


def chars_for(syllable: str, limit: int = 12, *, partial: bool = False) -> list[str]:
    """Common characters read ``syllable``; an incomplete syllable ("sh"), or any with
    ``partial``, gives those of every syllable it begins, merged by frequency."""
    table = char_table()
    if not partial and syllable in SYLLABLES and syllable in table:
        return [c for _, c in table[syllable][:limit]]
    pool: dict[str, float] = {}
    for r, lst in table.items():
        if r.startswith(syllable):
            for s, c in lst[:limit]:
                if s > pool.get(c, 0.0):
                    pool[c] = s
    return [c for c, _ in sorted(pool.items(), key=lambda t: (-t[1], t[0]))[:limit]]


# --- words ----------------------------------------------------------------------------------

def _primary(db, words: Iterable[str]) -> dict[str, tuple[str, str]]:
    """(full pinyin, initials) of each word's first, most likely reading (stored first)."""
    words = list(words)
    if not words:
        return {}
    marks = ",".join("?" * len(words))
    return {w: (py, ini) for w, _, py, ini in db.execute(
        f"select word, min(rowid), py, initials from vocab where word in ({marks}) group by word", words)}


def _catalogue_terms(store) -> dict[str, frozenset[str]]:
    """word -> the other words of its synonym groups (built-in and the catalogue's), for every
    term of the catalogue, domain and 标准目录 item names included (cached per store)."""
    try:
        return _terms[store]
    except (KeyError, TypeError):
        pass
    from catalog.search.synonyms import builtin_groups

    groups = [list(g) for g in builtin_groups()] + [list(g) for g in store.terms()]
    terms: dict[str, set[str]] = {}
    for g in groups:
        for w in g:
            terms.setdefault(w, set()).update(x for x in g if x != w)
    db = _db(store)
    names = [r[0] for r in db.execute("select name from domains")]
    names += [x for row in db.execute("select level1, level2 from items") for x in row if x]
    for w in names:
        terms.setdefault(w, set())
    frozen = {w: frozenset(o) for w, o in terms.items()}
    try:
        _terms[store] = frozen
    except TypeError:
        pass
    return frozen


def _db(store):
    """The sqlite3 connection of a store (sqlite-utils Database or a plain connection)."""
    return getattr(store.db, "conn", store.db)


@lru_cache(maxsize=65536)
def _boundaries(py: str, n_syllables: int) -> frozenset[int]:
    """Where the syllables of a word's spelling end (its split into as many syllables as it has
    characters: "huozhe" -> {3, 6}, so "hu" ends inside 或者's first syllable)."""
    for split in split_pinyin_all(py, 8):
        if len(split) == n_syllables:
            ends, at = set(), 0
            for syl in split:
                at += len(syl)
                ends.add(at)
            return frozenset(ends)
    return frozenset([len(py)])


def _ranked(store, rows: Iterable[tuple[str, int, str, str]], letters: str = "") -> list[str]:
    """Words of (word, freq, column, key) rows, where ``key`` matched ``column`` (py or
    initials), best first. A word's frequency is that of its most frequent synonym when higher
    (低保 counts as 最低生活保障), doubled for the catalogue's own terms; a match through a
    secondary reading of a polyphone counts less, and so does a word whose spelling goes on in
    the middle of the letters' last syllable when that one is complete (``letters`` given);
    words with no frequency are left out."""
    db = _db(store)
    best: dict[str, list] = {}
    for w, f, col, key in rows:
        entry = best.setdefault(w, [f or 0, set()])
        entry[0] = max(entry[0], f or 0)
        entry[1].add((col, key))
    if not best:
        return []
    terms = _catalogue_terms(store)
    others = {o for w in best for o in terms.get(w, ())}
    group_freq: dict[str, int] = {}
    if others:
        marks = ",".join("?" * len(others))
        group_freq = dict(db.execute(
            f"select word, max(freq) from vocab where word in ({marks}) group by word", list(others)))
    primary = _primary(db, best)
    whole = bool(letters) and all(p in SYLLABLES for p in (pieces(letters) or ["?"]))
    scored = []
    for w, (f, matched) in best.items():
        if w in terms:
            f = max([f] + [group_freq.get(o) or 0 for o in terms[w]]) * TERM_FACTOR
        if f <= 0:
            continue
        py, ini = primary.get(w, ("", ""))
        if not (("py", py) in matched or ("initials", ini) in matched):
            f *= SECONDARY_READING
        if whole and not any(col == "py" and len(letters) in _boundaries(k, len(w)) for col, k in matched):
            f *= MID_SYLLABLE
        scored.append((-f, len(w), w))
    return [w for _, _, w in sorted(scored)]


def _exact(store, letters: str) -> list[str]:
    """Words spelled exactly ``letters``: py = letters implies fuzzy = the 模糊音 key of one of
    the ways to split the letters, an indexed lookup."""
    db, rows = _db(store), []
    for k in {fuzzy_key(s) for s in split_pinyin_all(letters, 4)}:
        rows += db.execute("select word, freq, 'py', py from vocab where fuzzy = ? and py = ? "
                           "order by freq desc limit ?", [k, letters, SCAN]).fetchall()
    return _ranked(store, rows)


def _prefix_and_initials(store, letters: str) -> list[str]:
    """Words the letters begin to spell (dib -> 低保) or whose initials they are (shbx -> 社会保险)."""
    db = _db(store)
    rows = db.execute("select word, freq, 'initials', initials from vocab where initials = ? "
                      "and word not glob ? order by freq desc limit ?",
                      [letters, NUMBERING_GLOB, SCAN]).fetchall()
    fz = _fuzzy_prefix(letters)
    if len(fz) >= 2:  # one letter would read thousands of rows: initials and characters serve it
        rows += db.execute(
            "select word, freq, 'py', py from vocab where fuzzy >= ? and fuzzy < ? "
            "and substr(py, 1, ?) = ? and word not glob ? order by freq desc limit ?",
            [fz, fz + "{", len(letters), letters, NUMBERING_GLOB, SCAN]).fetchall()
    return _ranked(store, rows, letters)


def _composed(store, letters: str) -> list[list[str]]:
    """Catalogue words covering the letters one after another (with 模糊音), as word slots."""
    from catalog.search.vocab import Vocabulary

    if not (split_pinyin(letters) or (2 <= len(letters) <= 12 and not (_VOWELS & set(letters)))):
        return []
    return Vocabulary(store).from_pinyin(letters, 3)


def _general(letters: str) -> tuple[list[str], list[str]]:
    """Everyday words (catalog.search.general) spelled exactly by the letters, and those the
    letters begin to spell or are the initials of; each by dictionary frequency. Phrases with
    only jieba's placeholder frequency count for their whole spelling only."""
    from catalog.search import general

    g = general.db()
    exact = []
    for k in {fuzzy_key(s) for s in split_pinyin_all(letters, 4)}:
        exact += g.execute("select word, freq from vocab where fuzzy = ? and py = ? order by freq desc limit ?",
                           [k, letters, SCAN]).fetchall()
    begun = g.execute("select word, freq from vocab where initials = ? and freq > ? order by freq desc "
                      "limit ?", [letters, general.PHRASE_MAX_FREQ, SCAN]).fetchall()
    fz = _fuzzy_prefix(letters)
    if len(fz) >= 2:
        begun += g.execute(
            "select word, freq from vocab where fuzzy >= ? and fuzzy < ? and substr(py, 1, ?) = ? "
            "and py != ? and freq > ? order by freq desc limit ?",
            [fz, fz + "{", len(letters), letters, letters, general.PHRASE_MAX_FREQ, SCAN]).fetchall()

    def ranked(rows):
        return [w for w, _ in sorted(set(rows), key=lambda r: (-r[1], r[0]))]
    return ranked(exact), ranked(begun)


def _everyday_phrase(letters: str) -> str | None:
    """A phrase of everyday words for letters no word spells (youshenme -> 有什么, qunali -> 去哪里):
    over the ways to split the letters into syllables, the pieces (everyday words, or a single
    syllable's commonest character) with the highest sum of log frequencies, each piece costing
    PIECE_COST and a lone character CHAR_COST more; None unless it holds a word of two or more
    characters."""
    import math

    from catalog.search import general

    words, table = general.best_by_spelling(), char_table()
    found: tuple[float, list[str]] | None = None
    for sylls in split_pinyin_all(letters, 4):
        n = len(sylls)
        if not 2 <= n <= 12:
            continue
        best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
        best[0] = (0.0, [])
        for i in range(n):
            if best[i] is None:
                continue
            for j in range(i + 1, min(n, i + 4) + 1):
                if j == i + 1:
                    # a lone character only for a full syllable that is not an interjection (嗯 啊 哦)
                    top = table.get(sylls[i]) if sylls[i] not in _INTERJECTIONS | {"a", "o", "e", "ei", "ai"} else None
                    piece = (top[0][1], top[0][0], CHAR_COST) if top else None
                else:
                    w = words.get("".join(sylls[i:j]))
                    piece = (w[0], w[1], 0.0) if w else None
                if piece is None:
                    continue
                score = best[i][0] + math.log(max(piece[1], 1)) - PIECE_COST - piece[2]
                if best[j] is None or score > best[j][0]:
                    best[j] = (score, best[i][1] + [piece[0]])
        if best[n] is not None and (found is None or best[n][0] > found[0]):
            found = best[n]
    if found is None:
        return None
    parts = found[1]
    return "".join(parts) if len(parts) >= 2 and any(len(p) > 1 for p in parts) else None


# --- the public calls -----------------------------------------------------------------------

def candidates(store, letters: str, limit: int = 12) -> list[str]:
    """Chinese candidates for pinyin letters typed so far, best first, at most ``limit``.

    ``store`` is a catalogue's store (``Catalog.store``) or None (characters only). Catalogue words
    come first (see the module notes) but leave a third of the places to the first syllable's
    characters; characters fill what words leave. When the letters are one syllable (or the start
    of one) its four commonest characters come first, then four words, then more characters.
    """
    letters = normalise(letters)
    if not letters or limit <= 0:
        return []
    words: list[str] = []
    if len(letters) >= 2:
        try:
            everyday, begun = _general(letters)
        except Exception:  # noqa: BLE001 - the everyday words are a help; the catalogue's go on
            log.exception("everyday words unavailable")
            everyday, begun = [], []
        exact, phrase, prefixed, first_words = [], [], [], []
        if store is not None:
            exact = _exact(store, letters)
            slots = _composed(store, letters)
            phrase = ["".join(s[0] for s in slots)] if len(slots) >= 2 else []
            first_words = slots[0][:2] if len(slots) >= 2 else (slots[0] if slots else [])
            prefixed = _prefix_and_initials(store, letters)
        if not (exact or everyday or phrase or prefixed or begun):  # never mid-word
            try:
                composed = _everyday_phrase(letters)
            except Exception:  # noqa: BLE001 - as above
                log.exception("everyday phrase unavailable")
                composed = None
            phrase = [composed] if composed else []
        # a catalogue word the letters begin (shenqi -> 申请) keeps its place before everyday words
        words = list(dict.fromkeys(exact + prefixed[:1] + everyday[:GENERAL_EXACT] + phrase + prefixed
                                   + begun[:GENERAL_BEGUN] + first_words))
    first, _ = split_first_syllable(letters)
    # one letter is the start of a syllable ("n" means 你 more often than 嗯)
    chars = [c for c in chars_for(first, limit, partial=len(letters) == 1 or first in _INTERJECTIONS)
             if c not in words]
    n_words = min(len(words), max(limit - len(chars), round(limit * WORD_SHARE)))
    words = words[:n_words]
    if len(pieces(letters) or [first, "?"]) == 1:
        # one syllable ("bao", after 低 was picked from "dibao"): its characters lead, then the
        # words it may begin, then more characters
        head = SINGLE_SYLLABLE_CHARS
        return (chars[:head] + words[:head] + chars[head:] + words[head:])[:limit]
    return (words + chars)[:limit]


def remaining(letters: str, chosen: str) -> str:
    """The letters still to convert after ``chosen`` was picked for the start of ``letters``.

    A character or word whose reading (full, 模糊音 or initials) spells only the beginning of the
    letters leaves the rest ("dibaoshenqing" + 低保 -> "shenqing", "dibao" + 低 -> "bao",
    "zdbc" + 征地 -> "bc"); anything else uses them all up ("dib" + 低保 -> "").
    """
    letters = normalise(letters)
    chosen = chosen.strip()
    if not letters or not chosen:
        return ""
    if len(chosen) == 1:
        readings = [(r, fuzzy_key([r]), r[:1]) for r in char_readings(chosen)]
    else:
        readings = word_readings(chosen, 8)
    rests = [letters[len(py):] for py, _, _ in readings
             if len(py) < len(letters) and letters.startswith(py) and pieces(letters[len(py):])]
    if rests:
        return min(rests, key=len)
    splits = [s for s in [pieces(letters)] + split_pinyin_all(letters, 4) if s]
    for _, fz, _ in readings:
        for sylls in splits:
            for k in range(1, len(sylls)):
                if fuzzy_key(sylls[:k]) == fz:
                    return "".join(sylls[k:])
    if len(chosen) >= 2 and not (_VOWELS & set(letters)):
        for _, _, ini in readings:
            if len(ini) < len(letters) and letters.startswith(ini):
                return letters[len(ini):]
    return ""
