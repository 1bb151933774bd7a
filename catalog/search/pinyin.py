"""Pinyin keys for words and queries: full spelling, fuzzy spelling and initials.

Fuzzy spelling folds the confusions that Chinese input methods call 模糊音 (zh/z, ch/c, sh/s,
ang/an, eng/en, ing/in, n/l), so 危房改照 (gai zhao) meets 改造 (gai zao).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Toneless syllables, generated once from pypinyin's character table (pypinyin.constants.PINYIN_DICT).
# pypinyin writes ü as v (lv, nv, lve, nve), which the table's accents hide: added by hand.
SYLLABLES = frozenset(["lv", "nv", "lve", "nve"] + """a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bong bu ca cai can cang cao ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao die din ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fiao fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hm hng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei len leng li lia lian liang liao lie lin ling liu lo long lou lu luan lue lun luo m ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu n na nai nan nang nao ne nei nen neng ng ni nia nian niang niao nie nin ning niu nong nou nu nuan nue nun nuo o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wong wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo""".split())
_MAX_SYL = max(len(s) for s in SYLLABLES)
_ASCII_WORD = re.compile(r"^[a-z]+$")


def _pypinyin():
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin, Style


@lru_cache(maxsize=65536)
def syllables(text: str) -> tuple[str, ...]:
    """Toneless pinyin of each character (non-Chinese characters are kept as they are)."""
    lazy_pinyin, Style = _pypinyin()
    return tuple(s.lower().replace("ü", "v") for s in lazy_pinyin(text, style=Style.NORMAL, errors="default"))


def fuzzy_syllable(s: str) -> str:
    for a, b in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if s.startswith(a):
            s = b + s[2:]
            break
    if s.startswith("n"):
        s = "l" + s[1:]
    for a, b in (("ang", "an"), ("eng", "en"), ("ing", "in")):
        if s.endswith(a):
            s = s[: -len(a)] + b
            break
    return s


def fuzzy_key(sylls) -> str:
    return "".join(fuzzy_syllable(s) for s in sylls)


def initials(sylls) -> str:
    return "".join(s[0] for s in sylls if s)


def word_keys(word: str) -> tuple[str, str, str]:
    """(full pinyin, fuzzy pinyin, initials) of a word."""
    sy = syllables(word)
    return "".join(sy), fuzzy_key(sy), initials(sy)


@lru_cache(maxsize=65536)
def char_readings(ch: str) -> tuple[str, ...]:
    """Every toneless reading of one character, the most common first."""
    from pypinyin import Style, pinyin

    return tuple(dict.fromkeys(p.replace("ü", "v") for p in
                               pinyin(ch, style=Style.NORMAL, heteronym=True, errors="default")[0]))


def quick_syllables(text: str) -> list[str]:
    """Each character's most common reading: no phrase analysis, for keys built in bulk
    (suggestions) where a rare polyphone reading costs little."""
    return [char_readings(ch)[0] for ch in text]


def word_readings(word: str, limit: int = 4) -> list[tuple[str, str, str]]:
    """Keys of the word's likely reading and of other readings of its polyphonic characters
    (献血: xian xie as pypinyin reads it, and xian xue as people type it), at most ``limit``."""
    from itertools import product

    out = [word_keys(word)]
    per_char = [char_readings(ch)[:3] for ch in word]
    if all(len(r) == 1 for r in per_char):
        return out
    for combo in product(*per_char):
        keys = ("".join(combo), fuzzy_key(combo), initials(combo))
        if keys not in out:
            out.append(keys)
        if len(out) >= limit:
            break
    return out


def is_pinyin_like(text: str) -> bool:
    return bool(_ASCII_WORD.match(text))


def split_pinyin(text: str) -> list[str] | None:
    """Split a run of letters into pinyin syllables (fewest syllables wins), or None."""
    splits = split_pinyin_all(text, 1)
    return splits[0] if splits else None


def split_pinyin_all(text: str, limit: int = 4) -> list[list[str]]:
    """Up to ``limit`` splits of a run of letters into syllables, fewest syllables first
    (shipinanquan: shi pin an quan / shi pi nan quan)."""
    text = text.lower()
    n = len(text)
    ways: list[list[list[str]]] = [[] for _ in range(n + 1)]
    ways[0] = [[]]
    for i in range(n):
        if not ways[i]:
            continue
        for j in range(i + 1, min(n, i + _MAX_SYL) + 1):
            piece = text[i:j]
            if piece in SYLLABLES:
                ways[j].extend(w + [piece] for w in ways[i])
                ways[j] = sorted(ways[j], key=len)[:8]
    return ways[n][:limit]
