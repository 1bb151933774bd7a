"""From what a citizen typed to what the engine looks for.

A query becomes *groups*: one per meaningful word, each matched by any of its alternatives — the
word itself, its synonyms (lower weight), or, for pinyin, the catalogue words it spells. Chinese runs
with a word that does not exist can be read again with same-sounding catalogue words (``correct``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from catalog.search import docnum
from catalog.search.analysis import query_tokens, query_words
from catalog.search.pinyin import is_pinyin_like
from catalog.search.synonyms import Synonyms
from catalog.search.vocab import Vocabulary

SYNONYM_BOOST = 0.7
HOMOPHONE_BOOST = 0.8
_RUNS = re.compile(r"[a-z]+|\d+|[\u3400-\u9fff]+")
# control characters, and lone surrogates (an argument or a line that was not valid UTF-8)
_UNREADABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def bounded(text: str) -> tuple[str, int | None]:
    """What of a query is read: its first settings.MAX_QUERY_CHARS characters, with control
    characters and lone surrogates as spaces; and its length when it was cut (else None)."""
    from catalog import settings

    cut = len(text) if len(text) > settings.MAX_QUERY_CHARS else None
    return _UNREADABLE.sub(" ", text[:settings.MAX_QUERY_CHARS]), cut


@dataclass
class Alternative:
    text: str
    boost: float = 1.0


@dataclass
class Group:
    label: str
    alternatives: list[Alternative]
    required: bool = True


@dataclass
class Plan:
    query: str
    groups: list[Group]
    docnum_keys: list[str] = field(default_factory=list)
    interpreted: str | None = None  # what the query was read as, when that differs (pinyin, typo)

    @property
    def highlight(self) -> list[str]:
        seen: list[str] = []
        for g in self.groups:
            for a in g.alternatives:
                if a.text not in seen:
                    seen.append(a.text)
        return seen

    @property
    def marks(self) -> list[str]:
        """The words to mark in a passage: ``highlight`` without single Chinese characters (大 of
        太大 would be marked everywhere)."""
        return [w for w in self.highlight if len(w) >= 2 or not re.match(r"[\u3400-\u9fff]", w)]

    @property
    def empty(self) -> bool:
        return not self.groups and not self.docnum_keys


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def _word_group(word: str, synonyms: Synonyms, boost: float = 1.0) -> Group:
    alts = [Alternative(word, boost)] + [Alternative(s, boost * SYNONYM_BOOST) for s in synonyms.expand(word)]
    return Group(word, alts, required=len(word) >= 2 or not re.match(r"[\u3400-\u9fff]", word))


def _merge_phrases(words: list[str], synonyms: Synonyms, max_n: int = 4) -> list[str]:
    """Join consecutive words that together are one synonym entry (危房 改造 -> 危房改造)."""
    out, i = [], 0
    while i < len(words):
        for n in range(min(max_n, len(words) - i), 1, -1):
            joined = "".join(words[i:i + n])
            if joined in synonyms:
                out.append(joined)
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return out


def plan(query: str, synonyms: Synonyms, vocab: Vocabulary, *, correct: bool = False) -> Plan:
    """The groups to search for ``query``; with ``correct`` mistyped Chinese words are replaced."""
    q = normalize(query)
    groups: list[Group] = []
    shown: list[str] = []
    changed = False
    for m in _RUNS.finditer(q):
        run = m.group()
        if is_pinyin_like(run):
            slots = vocab.from_pinyin(run) if len(run) >= 2 else []
            if not slots:
                groups.append(Group(run, [Alternative(run)]))
                shown.append(run)
                continue
            changed = True
            for slot in slots:
                alts: list[Alternative] = []
                for k, word in enumerate(slot):
                    b = 1.0 if k == 0 else HOMOPHONE_BOOST
                    for a in _word_group(word, synonyms, b).alternatives:
                        if all(a.text != x.text for x in alts):
                            alts.append(a)
                groups.append(Group(slot[0], alts))
                shown.append(slot[0])
        elif run.isdigit():
            groups.append(Group(run, [Alternative(run)], required=False))
            shown.append(run)
        else:
            text = run
            if correct:
                fixed = vocab.correct(run)
                if fixed:
                    text, changed = fixed, True
            # join adjacent words into synonym phrases before dropping stopwords
            words = query_words(text, _merge_phrases(query_tokens(text), synonyms))
            groups.extend(_word_group(w, synonyms) for w in words)
            shown.append(text)
    keys = docnum.query_keys(q)
    if keys:
        for g in groups:
            g.required = False  # a 文号 query is matched by its number first
    return Plan(query=query, groups=groups, docnum_keys=keys,
                interpreted=" ".join(shown) if changed else None)


# What a question asks, by its cue words: Q&A weighs an answer that speaks to it (catalog.answers.qa), and
# passage retrieval gives the cues no topic weight (catalog.answers.retrieve).
INTENTS = {
    "time": ("多久", "多长时间", "几天", "多少天", "期限", "时限", "什么时候", "几个工作日", "多少日", "几年",
             "多少年", "到期", "过期", "有效期", "啥时候", "何时"),
    "cost": ("钱", "多少钱", "收费", "费用", "免费", "交费", "缴费", "花费", "付费", "票"),
    "where": ("哪里", "去哪", "哪儿", "在哪", "哪个部门", "找谁", "向谁", "哪查", "何处", "什么地方", "哪个单位"),
    "material": ("材料", "证件", "带什么", "准备什么", "提供什么", "手续", "证明", "资料"),
    "who": ("谁", "哪些人", "什么人", "条件", "什么样的", "资格", "符合", "够不够", "算不算"),
    "amount": ("多少", "标准", "金额", "几成", "比例"),
    "how": ("怎么", "如何", "怎样", "流程", "程序", "步骤", "咋"),
    "can": ("能不能", "可以", "可不可以", "能否", "允许", "合法", "行吗", "行不行", "让不让", "能拦", "干涉", "强制"),
    "report": ("举报", "投诉", "不服", "告", "违规", "违法", "复议", "诉讼"),
}


def intents_of(text: str) -> frozenset:
    return frozenset(k for k, cues in INTENTS.items() if any(c in text for c in cues))
