"""Policy Q&A: match a citizen's question to the 政策问答库 (FAQ base), or honestly say it can't.

How a question is scored against one FAQ (every signal is in [0, 1], ``sem`` in [-1, 0]):

- ``cover``: how much of the question the FAQ's question or one of its variants covers. The
  question is planned as search plans it (catalog.search.query: jieba words without stopwords, the
  synonym dictionary, homophone typo correction, pinyin), each word group weighted by its
  rarity across the FAQ base; a group counts as found when any of its alternatives occurs in
  the FAQ text (synonyms at their lower boost). Matching by substring rather than by token keeps
  segmentation differences (高龄津贴 / 高龄 津贴) from mattering.
- ``back``: how much of that FAQ text's own words the question has.
- ``chars``: character-bigram overlap (Dice) with that FAQ text; robust to words jieba splits
  differently and to typos the corrector does not know.
- ``union``: ``cover`` against all the FAQ's questions together; ``answer`` and
  ``answer_chars``: the same against its answer, for questions asked in the answer's words.
- ``sem``: sentence-vector similarity (catalog.answers.semantic) to the FAQ's nearest question or
  variant, relative to the best FAQ's (0 for the best); only where the model is installed.
- ``intent``: whether the question asks what the FAQ answers — how long, how much, where, who …
  (words search ignores as stopwords, and the only difference between two FAQs on 低保).

The weights, and two logistic curves over a few signals of the best candidate — ``scope`` (is
this a question the FAQ base is about at all?) and ``calibration`` (is the first candidate the
right answer? this is the confidence) — are fitted on the development half of bench/qa and
checked on the other half (bench/qa.py). There is one fitted profile with sentence vectors and
one without, for kiosks where the model cannot be installed (catalog.settings.QA_PROFILES).
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from catalog import settings
from catalog.model import AskAnswer, AskResult, PassageAnswer
from catalog.search.query import intents_of, normalize

if TYPE_CHECKING:
    from catalog.catalogue import Catalog

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_LETTER = re.compile(r"[^\W\d_]")  # a letter of any script (Chinese characters are letters)
# characters that carry no meaning for bigram overlap: they end a run
_FILLER = "的了吗呢啊吧么是我你他她要想能还都就也有在和与及或个这那哪些什怎样如何请问一下咋啥"
_FILLER_SPLIT = re.compile(f"[{_FILLER}]+")

# What a question asks about, beyond its topic: two FAQs on 低保 differ by whether they ask how
# long, how much, where or who. Search drops these words (stopwords); Q&A matches on them.
WEIGHT_NAMES = ("cover", "back", "chars", "union", "answer", "answer_chars", "sem", "intent")


def _bigrams(text: str) -> frozenset:
    out = set()
    for run in _CJK_RUN.findall(text):
        for piece in _FILLER_SPLIT.split(run):
            out.update(piece[i:i + 2] for i in range(len(piece) - 1))
    return frozenset(out)


def _dice(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def faq_texts(faq) -> list[str]:
    """The texts a question is compared with: the FAQ's question and its variants, normalized."""
    return [normalize(t) for t in [faq.question, *faq.variants] if t.strip()]


@dataclass
class _Faq:
    id: str
    question: str
    answer: str
    documents: list[str]
    texts: list[str]           # question and variants, normalized
    bigrams: list[frozenset]   # per text
    words: list[list[str]]     # per text: its meaningful words
    answer_text: str
    all_text: str
    answer_bigrams: frozenset
    intents: frozenset
    variant_intents: frozenset = frozenset()  # what its variants ask, too


@dataclass
class Features:
    """Every FAQ's signals for one question (weights are applied by ``FaqMatcher.rank``)."""
    question: str
    known_share: float = 0.0  # share of the question's weight in words the catalogue knows
    faq_share: float = 0.0    # … in words the FAQ base itself uses
    groups: int = 0           # meaningful word groups in the question
    sem_top: float = 0.0      # similarity to the nearest FAQ text (0 without the model)
    sem_gap: float = 0.0      # … minus the similarity to the nearest text of any other FAQ
    # (faq, [(cover, back, chars) per text], (union, answer, answer_chars, sem, intent))
    faqs: list = field(default_factory=list)


@dataclass
class Profile:
    """Fitted weights, curves and thresholds (catalog.settings.QA_PROFILES)."""
    weights: dict[str, float]
    calibration: dict[str, float]
    scope: dict[str, float]
    answer_at: float
    scope_min: float

    @classmethod
    def named(cls, name: str) -> "Profile":
        p = settings.QA_PROFILES[name]
        return cls(dict(p["weights"]), dict(p["calibration"]), dict(p["scope"]),
                   p["answer_at"], p["scope_min"])


@dataclass(frozen=True)
class Judgement:
    confidence: float  # the calibration curve: P(the first candidate is right)
    scope: float       # the scope curve: P(the FAQ base is about this question)
    known: bool        # enough of the question's words are known to the catalogue at all
    whole: bool        # the first candidate's question holds every word of the question
    guarded: bool      # a guard forbids a confident answer (too little covered, another ask)

    def status(self, answer_at: float, scope_min: float) -> str:
        if not self.known:
            return "out_of_scope"
        if self.scope < scope_min:
            return "unsure" if self.whole else "out_of_scope"
        if self.confidence >= answer_at and not self.guarded:
            return "answered"
        return "unsure"


def _logistic(coef: dict[str, float], signals: dict[str, float]) -> float:
    z = coef.get("bias", 0.0) + sum(coef.get(k, 0.0) * v for k, v in signals.items())
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


class FaqMatcher:
    """The FAQ base of one catalogue, ready to answer questions (built once, ~0.3 s)."""

    def __init__(self, catalog: "Catalog", semantic: bool | None = None):
        from catalog.search.analysis import query_words

        self.catalog = catalog
        self.faqs: list[_Faq] = []
        for f in catalog.store.faqs():
            texts = faq_texts(f)
            answer = normalize(f.answer)
            self.faqs.append(_Faq(
                id=f.id, question=f.question, answer=f.answer, documents=list(f.documents),
                texts=texts, bigrams=[_bigrams(t) for t in texts],
                words=[query_words(t) for t in texts], answer_text=answer,
                all_text="\n".join(texts), answer_bigrams=_bigrams(answer),
                intents=intents_of(normalize(f.question)),
                variant_intents=frozenset().union(*(intents_of(t) for t in texts))))
        self._all_text = "\n".join(f.all_text for f in self.faqs)
        self._all_answers = "\n".join(f.answer_text for f in self.faqs)
        self._df_cache: dict[str, float] = {}
        self._known_cache: dict[str, bool] = {}
        self._unit_cache: dict[tuple, float] = {}
        self.by_id = {f.id: f for f in self.faqs}
        self._build_text_index()
        self.vectors = self._load_vectors() if semantic is not False else None
        self.method = "semantic" if self.vectors is not None else "lexical"
        self.profile = Profile.named(self.method)

    def _build_text_index(self) -> None:
        """Every question and variant in one flat list, with inverted indexes of their words and
        character bigrams and one joined string to find substrings in: a question touches only
        the texts that share something with it (a scan of every text cost ~25 ms a question)."""
        import bisect

        self._flat: list[tuple[int, int]] = []  # (faq index, text index within the faq)
        self._word_index: dict[str, list[int]] = {}
        self._bigram_index: dict[str, list[int]] = {}
        starts, parts, pos = [], [], 0
        for fi, f in enumerate(self.faqs):
            for ti, (text, words, bg) in enumerate(zip(f.texts, f.words, f.bigrams)):
                t = len(self._flat)
                self._flat.append((fi, ti))
                for w in set(words):
                    self._word_index.setdefault(w, []).append(t)
                for b in bg:
                    self._bigram_index.setdefault(b, []).append(t)
                starts.append(pos)
                parts.append(text)
                pos += len(text) + 1
        self._joined = "\n".join(parts)
        self._starts = starts
        self._bisect = bisect.bisect_right

    def _texts_with(self, needle: str) -> set[int]:
        """Flat ids of the texts that contain ``needle``."""
        out: set[int] = set()
        find, starts = self._joined.find, self._starts
        at = find(needle)
        while at >= 0:
            out.add(self._bisect(starts, at) - 1)
            at = find(needle, at + 1)
        return out

    def _load_vectors(self):
        """(matrix of the FAQ texts' unit vectors, the FAQ index of each row), when the model is
        installed and the catalogue was imported with it; else None."""
        from catalog.answers import semantic

        if not semantic.available() or not self.faqs:
            return None
        import numpy as np

        keys = [(i, semantic.key(t)) for i, f in enumerate(self.faqs) for t in f.texts]
        stored = self.catalog.store.vectors([k for _, k in keys])
        if len(stored) < len({k for _, k in keys}):
            return None  # imported without the model: the lexical profile answers
        matrix = np.vstack([np.frombuffer(stored[k], dtype=np.float32) for _, k in keys])
        owner = np.array([i for i, _ in keys])
        return matrix, owner

    # weights -----------------------------------------------------------------------------
    def idf(self, word: str) -> float:
        """Rarity of ``word`` across the FAQ base (questions, variants and answers)."""
        w = self._df_cache.get(word)
        if w is None:
            n = len(self.faqs)
            df = sum(1 for f in self.faqs if word in f.all_text or word in f.answer_text)
            w = math.log(1 + (n - df + 0.5) / (df + 0.5))
            self._df_cache[word] = w
        return w

    def known(self, word: str) -> bool:
        """Whether the catalogue uses ``word`` anywhere (FAQ base or the documents' vocabulary)."""
        k = self._known_cache.get(word)
        if k is None:
            k = word in self._all_text or self.catalog.store.db.execute(
                "select 1 from vocab where word = ? limit 1", [word]).fetchone() is not None
            self._known_cache[word] = k
        return k

    def _unit_weight(self, words: list[str]) -> float:
        key = tuple(words)
        w = self._unit_cache.get(key)
        if w is None:
            w = self._unit_cache[key] = sum(self.idf(x) for x in words)
        return w

    @staticmethod
    def _found(group, text: str) -> float:
        best = 0.0
        for a in group.alternatives:
            if a.boost > best and a.text in text:
                best = a.boost
        return best

    # the signals -------------------------------------------------------------------------
    def features(self, question: str) -> Features:
        q = normalize(question)
        pending = self._embed_later(q)  # embedding runs in C on another core meanwhile
        plan = self.catalog.plan(q, correct=True) if q else None
        groups = [g for g in plan.groups if g.alternatives] if plan else []
        weights = [max(self.idf(a.text) for a in g.alternatives) for g in groups]
        total = sum(weights)
        feats = Features(question=question, groups=len(groups))
        if total <= 0:
            return feats
        feats.known_share = sum(w for g, w in zip(groups, weights)
                                if any(self.known(a.text) for a in g.alternatives)) / total
        feats.faq_share = sum(w for g, w in zip(groups, weights)
                              if any(a.text in self._all_text or a.text in self._all_answers
                                     for a in g.alternatives)) / total
        q_bigrams = _bigrams(q)
        q_intents = intents_of(q)
        q_alts = {a.text for g in groups for a in g.alternatives}
        n_flat = len(self._flat)
        cover = [0.0] * n_flat
        for g, w in zip(groups, weights):
            best: dict[int, float] = {}
            for a in g.alternatives:
                for t in self._texts_with(a.text):
                    if a.boost > best.get(t, 0.0):
                        best[t] = a.boost
            for t, boost in best.items():
                cover[t] += w * boost / total
        back = [0.0] * n_flat
        for word, ids in self._word_index.items():
            if word in q or word in q_alts:
                weight = self.idf(word)
                for t in ids:
                    back[t] += weight
        shared = [0] * n_flat
        for b in q_bigrams:
            for t in self._bigram_index.get(b, ()):
                shared[t] += 1
        nq = len(q_bigrams)
        lexical = []
        t = 0
        for f in self.faqs:
            per_text = []
            for words, bg in zip(f.words, f.bigrams):
                unit_w = self._unit_weight(words)
                dice = 2 * shared[t] / (nq + len(bg)) if nq and bg else 0.0
                per_text.append((cover[t], back[t] / unit_w if unit_w > 0 else 0.0, dice))
                t += 1
            union = sum(w * self._found(g, f.all_text) for g, w in zip(groups, weights)) / total
            ans = sum(w * self._found(g, f.answer_text) for g, w in zip(groups, weights)) / total
            ans_chars = len(q_bigrams & f.answer_bigrams) / nq if nq else 0.0
            either = q_intents | f.intents
            intent = len(q_intents & f.intents) / len(either) if either else 0.0
            lexical.append((f, per_text, union, ans, ans_chars, intent))
        # only now wait for the question's vector: it was computed meanwhile
        sem = self._semantic(pending)
        if sem is not None:
            two = sorted(sem.tolist())[-2:]
            feats.sem_top = two[-1]
            feats.sem_gap = two[-1] - two[0] if len(two) == 2 else 0.0
        for i, (f, per_text, union, ans, ans_chars, intent) in enumerate(lexical):
            rel = float(sem[i]) - feats.sem_top if sem is not None else 0.0
            feats.faqs.append((f, per_text, (union, ans, ans_chars, rel, intent)))
        return feats

    def _embed_later(self, q: str):
        if self.vectors is None or not q:
            return None
        from catalog.answers import semantic

        return semantic.embed_later(q)

    def _semantic(self, pending):
        """Per FAQ: the best similarity of the question to its question or variants."""
        if pending is None:
            return None
        import numpy as np

        matrix, owner = self.vectors
        sims = matrix @ pending.result()
        best = np.full(len(self.faqs), -1.0, dtype=np.float32)
        np.maximum.at(best, owner, sims)
        return best

    # ranking and deciding ------------------------------------------------------------------
    def rank(self, feats: Features, weights: dict | None = None) -> list[tuple[float, _Faq]]:
        """FAQs best first."""
        w = weights or self.profile.weights
        wc, wb, wch, wu, wa, wac, ws, wi = (w.get(n, 0.0) for n in WEIGHT_NAMES)
        scored = []
        for f, per_text, (union, ans, ans_chars, sem, intent) in feats.faqs:
            best = max(wc * c + wb * b + wch * ch for c, b, ch in per_text)
            scored.append((best + wu * union + wa * ans + wac * ans_chars + ws * sem + wi * intent, f))
        scored.sort(key=lambda t: (-t[0], t[1].id))
        return scored

    def signals(self, feats: Features, scored, weights: dict | None = None) -> dict[str, float]:
        """What the two curves read: the best candidate's score and lead, how much of the
        question and of that FAQ's words matched, and how much of the question the catalogue
        and the FAQ base know at all."""
        if not scored:
            return {}
        w = weights or self.profile.weights
        wc, wb, wch = w.get("cover", 0.0), w.get("back", 0.0), w.get("chars", 0.0)
        top, f = scored[0]
        per_text, extras = next((pt, ex) for x, pt, ex in feats.faqs if x is f)
        cover, back, chars = max(per_text, key=lambda t: wc * t[0] + wb * t[1] + wch * t[2])
        second = scored[1][0] if len(scored) > 1 else 0.0
        # agreement of lexical and dense: 0 when the first candidate is also the nearest by vector,
        # else how far it is behind; and how far the nearest FAQ stands from the next one
        return {"top": top, "margin": top - second, "cover": cover, "back": back, "chars": chars,
                "known": feats.known_share, "faq_known": feats.faq_share,
                "groups": math.log1p(feats.groups), "sem_top": feats.sem_top,
                "sem_rel": extras[3], "sem_gap": feats.sem_gap}

    def judge(self, feats: Features, scored, profile: Profile | None = None) -> "Judgement":
        """What ``decide`` reads, before its two thresholds: the curves' values and the guards."""
        p = profile or self.profile
        if not scored:
            return Judgement(0.0, 0.0, known=False, whole=False, guarded=True)
        sig = self.signals(feats, scored, p.weights)
        # every word of the question is in the first candidate's question (words, not a bare
        # number): offered, unsure, even when the scope curve doubts
        whole = (sig["cover"] >= settings.QA_WHOLE_COVER - 1e-9
                 and bool(_CJK_RUN.search(feats.question)))
        # Guards that read what transfers to questions the curves were not fitted on: a
        # confident answer must cover most of the question, and ask what the question asks.
        f = scored[0][1]
        asks = intents_of(normalize(feats.question))
        wrong_ask = bool(settings.QA_INTENT_GUARD and asks and not asks & (f.intents | f.variant_intents))
        # a bare number (12345 is also a hotline's name in some FAQ's answer) asks nothing
        words = bool(_LETTER.search(feats.question))
        return Judgement(_logistic(p.calibration, sig), _logistic(p.scope, sig),
                         known=words and feats.known_share >= settings.QA_MIN_KNOWN, whole=whole,
                         guarded=sig["cover"] < settings.QA_MIN_COVER_TO_ANSWER or wrong_ask)

    def decide(self, feats: Features, scored, profile: Profile | None = None) -> tuple[str, float]:
        """(status, confidence): out of scope when P(in scope) is under ``scope_min`` (or the
        catalogue knows too little of the question); answered when the confidence reaches
        ``answer_at``; else unsure, with the candidates offered as 您是不是想问."""
        p = profile or self.profile
        j = self.judge(feats, scored, p)
        return j.status(p.answer_at, p.scope_min), j.confidence

    def ask(self, question: str, limit: int = 3) -> AskResult:
        started = time.perf_counter()
        feats = self.features(question)
        scored = self.rank(feats)
        status, confidence = self.decide(feats, scored)
        shown = scored[:limit]
        answers = [AskAnswer(faq_id=f.id, question=f.question, answer=f.answer,
                             score=round(s, 4), documents=list(f.documents)) for s, f in shown]
        related: list[str] = []
        if status != "out_of_scope":
            for _, f in shown[:1] if status == "answered" else shown:
                related.extend(d for d in f.documents if d not in related)
        passages = [] if status == "answered" else self.passages(question, limit)
        related.extend(p.doc_id for p in passages if p.doc_id not in related)
        took = (time.perf_counter() - started) * 1000
        return AskResult(question=question, took_ms=round(took, 2), status=status,
                         answers=answers, related_documents=related, confidence=round(confidence, 4),
                         method=self.method, passages=passages)

    def passages(self, question: str, limit: int = 3) -> list[PassageAnswer]:
        """相关规定: the passages of the catalogue's documents that answer ``question`` when no FAQ
        does (one per document, best first), or none when none fits (catalog.answers.retrieve: a passage
        fits when it holds enough of the question's words, or, with vectors, is close enough)."""
        from catalog.answers import retrieve
        from catalog.search.documents import _mark

        q = normalize(question)
        if not q:
            return []
        plan = self.catalog.plan(q)
        if not plan.groups:
            return []
        hits = retrieve.passages(self.catalog, q, plan, limit=0)
        out: list[PassageAnswer] = []
        for _, h in retrieve.documents(hits, limit):
            if not retrieve.fits(h):
                continue
            out.append(PassageAnswer(doc_id=h.doc_id, title=h.meta.title, paragraph=h.paragraph,
                                     text=_mark(h.text, plan.marks), score=round(h.score, 4),
                                     status=h.meta.status, label=h.label, index=h.n))
        return out
