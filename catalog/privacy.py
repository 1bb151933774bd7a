"""Masking of personal data typed into a question or query, before anything is counted, stored or
logged.

Citizens type ID-card, phone and bank-card numbers and names into the question box ("我叫王秀英，
身份证3601…，低保什么时候到账"), and they type them every way people write them: glued to letters
(tel139…, ID…X), split by dots, slashes or commas, in fullwidth digits or in Chinese numerals
(一三九…), a name alone (欧阳娜娜) or before 的 (王秀英的低保), in pinyin (我叫zhangsan). Nothing about
use may identify a person, so:

* ``mask(text)`` hides every number of 7+ digits (whatever its neighbours, separators and script),
  e-mail addresses and personal names (after a cue such as 我叫/户主, before 的/低保/同志…, a word
  the segmenter tags as a name, a segment that is only a plausible name, a pinyin name). Ordinary
  words are told from names with jieba's dictionary (which holds the catalogue's own words once a
  catalogue is open): 农村, 高龄, 江西, 景德镇 stay.
* ``safe_text(text)`` is what may be stored: the masked text, or None when it cannot be made safe
  (a token still holding 7+ digits, digits spread over a short stretch, nothing but placeholders
  left). What cannot be made safe is not stored.
* ``install_log_masking()`` masks every log record (its message and its formatted exception) as
  it is made, so nothing identifying reaches a log file either.

Masking errs on the side of hiding.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

# placeholders --------------------------------------------------------------------------------
NAME = "[姓名]"
EMAIL = "[邮箱]"
_PLACEHOLDER = re.compile(r"\[(?:姓名|身份证号|手机号|银行卡号|电话号码|号码|邮箱)\]")
PLACEHOLDER = _PLACEHOLDER  # what mask() puts in place of what it hides

# digits --------------------------------------------------------------------------------------
_CN_DIGITS = "〇零一二三四五六七八九幺壹贰叁肆伍陆柒捌玖"
_DIGIT_VALUE = {**{c: str(i) for i, c in enumerate("0123456789")},
                **{c: str(i) for i, c in enumerate("０１２３４５６７８９")},
                **{c: str(i) for i, c in enumerate("〇一二三四五六七八九")},
                "零": "0", "幺": "1",
                **{c: str(i + 1) for i, c in enumerate("壹贰叁肆伍陆柒捌玖")}}
_D = "0-9０-９" + _CN_DIGITS
# what people put between digit groups: spaces, dots, slashes, commas, enumeration commas, dashes
_S = r"\s\u3000.．/／,，。、\-－—–_~～·'’"
_SEPARATORS = " \t\r\n\u3000.．/／,，。、-－—–_~～·'’"
_RUN = re.compile(rf"[{_D}](?:[{_S}]{{0,3}}[{_D}])*(?:[XxＸｘ](?![A-Za-z]))?")
_UNIT = re.compile(rf"[{_D}XxＸｘ]+")
_TOKEN = re.compile(rf"[{_D}A-Za-zＡ-Ｚａ-ｚ{_S}]+")
_DIGIT_PIECE = re.compile(rf"[{_D}]{{3,}}")
_DATE_GROUPS = re.compile(r"^((?:19|20)\d\d)([-./])(\d{1,2})\2(\d{1,2})$")
# the software's own identifiers in its log lines, which no citizen types: sha256/sha1/md5 digests
# and catalogue generation names (g00000001-e86c3d2a)
_TECHNICAL = re.compile(r"(?<![0-9a-zA-Z])(?:[0-9a-f]{64}|[0-9a-f]{40}|[0-9a-f]{32}|g\d{8}-[0-9a-f]{8})(?![0-9a-zA-Z])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")

# names ---------------------------------------------------------------------------------------
# the commonest surnames (they cover most of the population)
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "熊常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单"
    "季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查"
    "麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴")
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 南宫 独孤 呼延 万俟 澹台 闻人 "
    "钟离 宗政 淳于 单于 赫连 拓跋 申屠 公冶 太叔 东郭 仲孙 羊舌 微生 左丘 梁丘 司空 巫马 公西 漆雕 乐正 壤驷 公良 "
    "颛孙 段干 谷梁 宰父 夹谷 亓官 叱干 独孤 慕容 鲜于 闾丘 司寇 子车 即墨".split())
# words the segmenter may tag as names but that are policy words
_NOT_NAMES = {"高龄", "方便", "明白", "包括", "安全", "文化", "和平", "向前", "申请", "江西", "常住",
              "成年", "华侨", "任何", "应当", "万元", "金额", "党员", "史料", "时间", "田地", "林地",
              "安全感", "江西人", "温馨", "高明", "平安", "康复", "宁可", "全家", "单身", "明年"}
# characters a given name does not hold (grammar words, measure words)
_NOT_GIVEN = set("的了是在与及或吗呢啊吧呀哦嘛么说要有没不也都就还又叫去到给把被让找问办领拿交怎什为这那哪谁啥"
                 "几个们等将从对于以而但若如即该此其之所因由每各某条款项章节号岁咋能会可想请您你我他她它下先后")
# the characters that end a name after 我叫 (grammar particles only: 我叫于和平 is a name)
_PARTICLES = set("的了是在吗呢啊吧呀哦嘛么，。、,.!?！？ ")
# single characters common as a given name: a surname + one of them, alone or before 的, is a name
_NAME_CHARS = set(
    "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信"
    "杰涛昌成康星光天达安岩茂进林坚彪博诚敬震振壮思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦"
    "亨奇固翰朗伯宏言若鸣朋斌梁维启克伦翔旭鹏泽晨辰士建家致树炎德行泰盛雄琛钧冠策腾楠榕风航弘秀娟英华"
    "慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍"
    "贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵"
    "融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希欣飘育滢馥筠柔竹凝晓欢霄枫芸菲寒伊亚宜姬舒影荔枝丽阳妮宝贝初程梵"
    "罡恒鸿桦骅剑娇纪宽灵玛媚琪晴容睿烁堂唯威韦雯萱彦宇雨洋忠宗曼紫逸贤蝶菡绿儿烟小大金银铁根水喜财旺夏"
    "冬柏鑫帆帅凯锋锐坤涵立丰铭韬祺虹姗蕾莹博轩梓萌浩然沛霖熙煜琦瑜璇婧钰岳崇兵彬武峻嵩源湘赣闽"
    "敏子诺花军静菊兰梅轩航涵萱来一二三四五六七八九")
_PLACE_SUFFIXES = tuple("县市区镇乡村省局街路所站院委办处厅部队组社馆厂司行店园场港湾桥山河湖庄屯寨洲岛州府署会"
                        "校园人") + ("中心", "公司", "银行", "医院", "学校", "政府", "大学", "社区")
# words after which, or before which, a name is expected
_BENEFITS = ("低保 低保金 低保证 补贴 津贴 补助 补助金 养老金 退休金 工资 医保 社保 医保卡 社保卡 户口 户籍 房子 房屋 "
             "住房 宅基地 五保 五保证 残疾证 残疾人证 身份证 救助 救助金 抚恤金 存折 银行卡 账户 养老保险 医疗保险 "
             "补偿款 赔偿款 补偿 赔偿 承包地 土地 贷款 电话 手机 地址 档案 申请 材料 情况").split()
_HONORIFICS = ("家的 老人 老太太 老太 老汉 大爷 大妈 大娘 大伯 大叔 奶奶 爷爷 阿姨 叔叔 伯伯 婆婆 同志 女士 先生 "
               "老师 师傅 书记 主任 村长 组长").split()
_ANCHOR = re.compile("|".join(sorted(set(_BENEFITS + _HONORIFICS + ["的"]), key=len, reverse=True)))
_STRONG_CUE = re.compile(
    r"(?:我叫|我名叫|名叫|名字叫|名字是|名字为|姓名是|姓名为|姓名叫|姓名[:：]|户主叫|户主名叫|老人叫|"
    r"[我他她][妈爸爷奶姥爹娘]叫|"
    r"我(?:父亲|母亲|爸爸|妈妈|老公|老婆|丈夫|妻子|爱人|儿子|女儿|孙子|孙女|爷爷|奶奶|外公|外婆|姥姥|姥爷|"
    r"哥哥|姐姐|弟弟|妹妹|公公|婆婆)叫|[妈爸爷奶姥]的名字[是叫]?)[:：\s]*")
_WEAK_CUE = re.compile(r"(?:我是|本人是?|姓名|叫做|帮|替|户主是?|申请人是?|联系人是?|收款人是?|持卡人是?|老人是|患者是?|当事人是?|"
                       r"家属是?)[:：\s]*")
_QUESTION_WORDS = ("什么", "啥", "谁", "多少", "哪", "怎么", "几")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_LATIN_NAME = re.compile(r"[A-Za-z]+(?:[ \u3000·.][A-Za-z]+){0,2}")
_SEGMENT_SPLIT = re.compile(r"[^\u3400-\u9fffA-Za-z0-9]+")
_NAME_TAGS = ("nr", "nrfg", "nrt")
# surname characters far more often grammar words (和, 向, 于…): a name only if the dictionary says so
_LEADING_WEAK = set("和向与时应全成单从易")
# jieba tags a surname character gets when it is a grammar word there (向 前, 和 平, 于 是)
_GRAMMAR_TAGS = {"p", "c", "d", "r", "u", "uj", "ul", "uz", "ug", "uv", "y", "v", "m", "f", "t"}
_VERBISH_TAGS = {"v", "vn", "vd", "d", "p", "c", "u", "uj", "ul", "uz", "ug", "uv", "y", "r", "f", "t", "m", "q", "mq"}


def _digits_of(run: str) -> str:
    return "".join(_DIGIT_VALUE.get(c, "X" if c in "XxＸｘ" else "") for c in run)


def _digits_label(run: str) -> str:
    digits = _digits_of(run)
    n = len(digits)
    if n in (15, 18) and (n == 15 or digits[6:8] in ("19", "20")):
        return "[身份证号]"
    if n == 11 and digits.startswith("1"):
        return "[手机号]"
    if 16 <= n <= 19:
        return "[银行卡号]"
    if digits.startswith("0") and 10 <= n <= 12:
        return "[电话号码]"
    return "[号码]"


def _count_digits(s: str) -> int:
    return sum(1 for c in s if c in _DIGIT_VALUE)


def _is_dates(run: str, before_colon: bool = False) -> bool:
    """2024-01-31, 2024.1.1, 2023/1/1 2024/12/31 (a range), 2026-11-22 12(:07, a time follows):
    dates, not a number to hide."""
    parts = re.split(rf"[{_S}]*\s[{_S}]*|[{_S}]{{2,}}|[至~～—–]", run)
    parts = [p for p in parts if p]
    if before_colon and len(parts) > 1 and re.fullmatch(r"\d{1,2}", parts[-1]):
        parts.pop()  # the hour of a time
    if not parts:
        return False
    for p in parts:
        m = _DATE_GROUPS.match("".join(_DIGIT_VALUE.get(c, c) for c in p))
        if not m or not (1 <= int(m.group(3)) <= 12 and 1 <= int(m.group(4)) <= 31):
            return False
    return True


def _trim_mixed_ends(text: str, start: int, end: int) -> tuple[int, int]:
    """A run whose end is a lone Chinese-numeral unit put next to an ASCII number by a separator
    (统一 13912345678, 13912345678，一直): that unit is a word of the sentence, not part of the number."""
    units = [(m.start() + start, m.end() + start) for m in _UNIT.finditer(text[start:end])]

    def chinese(u):
        return all(c in _CN_DIGITS for c in text[u[0]:u[1]])

    while len(units) > 1:
        if chinese(units[0]) and not chinese(units[1]) and \
                sum(_count_digits(text[a:b]) for a, b in units[1:]) >= 7:
            units.pop(0)
        elif chinese(units[-1]) and not chinese(units[-2]) and \
                sum(_count_digits(text[a:b]) for a, b in units[:-1]) >= 7:
            units.pop()
        else:
            break
    return units[0][0], units[-1][1]


def _number_spans(text: str, taken: list) -> list[tuple[int, int, str]]:
    spans = []
    technical = [(m.start(), m.end()) for m in _TECHNICAL.finditer(text)]
    for m in _RUN.finditer(text):
        if _count_digits(m.group()) < 7 or _overlaps(taken, m.start(), m.end()):
            continue
        a, b = _trim_mixed_ends(text, m.start(), m.end())
        run = text[a:b]
        if _is_dates(run, text.startswith((":", "："), b)) or any(s <= a and b <= e for s, e in technical):
            continue
        spans.append((a, b, _digits_label(run)))
    return spans


def _overlaps(spans, a: int, b: int) -> bool:
    return any(s < b and a < e for s, e, *_ in spans)


# the dictionary ------------------------------------------------------------------------------
def _jieba():
    from catalog.analysis import jieba_module

    jieba = jieba_module()
    import jieba.posseg as pseg

    return jieba, pseg


def _freq(word: str) -> int:
    jieba, _ = _jieba()
    return jieba.dt.FREQ.get(word) or 0


def _tag(word: str) -> str:
    """The dictionary's part of speech for ``word``: 'x' for a word added without one (the
    catalogue's own words), '' for no word at all."""
    if not _freq(word):
        return ""
    _, pseg = _jieba()
    return pseg.dt.word_tag_tab.get(word, "x")


@lru_cache(maxsize=1)
def _builtin_words() -> frozenset[str]:
    from catalog.synonyms import builtin_groups

    return frozenset(w for g in builtin_groups() for w in g) | frozenset(_BENEFITS) | frozenset(_HONORIFICS)


def _known_word(word: str) -> bool:
    """A word of the built-in dictionary, the benefit and honorific words, or the catalogue's own."""
    from catalog.analysis import _user_words

    return word in _builtin_words() or word in _user_words


def _surname_of(span: str) -> str | None:
    if span[:2] in COMPOUND_SURNAMES and len(span) > 2:
        return span[:2]
    if span[0] in SURNAMES:
        return span[0]
    return None


def _name_like(span: str, alone: bool = False) -> bool:
    """Could ``span`` (2-4 Chinese characters) be a person's full name? A surname, then one or two
    characters, and not an ordinary word of the dictionary (农村, 高龄, 江西, 金额, 韩文) nor a place
    or an organisation (景德镇, 王村, 林业局). ``alone``: nothing around it says it is a name (a
    segment by itself, a word the segmenter guessed): then every character of the given name must
    be one names are commonly made of; before 的/低保 or after 户主是, one of them."""
    if not 2 <= len(span) <= 4 or not _CJK_RUN.fullmatch(span):
        return False
    sur = _surname_of(span)
    if sur is None:
        return False
    given = span[len(sur):]
    if not 1 <= len(given) <= 2 or span in _NOT_NAMES:
        return False
    if span.endswith(_PLACE_SUFFIXES) or any(c in _NOT_GIVEN for c in given):
        return False
    if _known_word(span) or _known_word(given):
        return False
    single = len(sur) == 1
    if single and sur in _LEADING_WEAK and not _tag(span).startswith("nr"):
        return False  # 和王芳, 向东方: more often a grammar word before a name or a word
    tag = _tag(span)
    if tag:  # a dictionary word: a name only if the dictionary says so, and not a common word
        if not tag.startswith("nr"):
            return False
        if len(span) == 2:
            return _freq(span) < 20 and given in _NAME_CHARS  # 韩文, 刘海, 高清, 谢谢: words
        glue, gfreq = span[:2], _freq(span[:2])
        if single and (gfreq >= 500 or (gfreq >= 30 and not _tag(glue).startswith("nr"))):
            return False  # 安全感, 江西人, 荣誉权, 吉祥物: an ordinary word with one more character
        gtag = _tag(given)
        if len(given) == 2 and gtag and not gtag.startswith(("nr", "ns", "nz")) and _freq(given) >= 50:
            return False  # 付定金: a surname character before an ordinary word
        return True
    named = [c in _NAME_CHARS for c in given]
    if not (all(named) if alone or len(given) == 1 else any(named)):
        return False  # 房补, 安卓版, 钱包里, 付定金: not characters names are made of
    if len(given) == 2:
        gtag, gfreq = _tag(given), _freq(given)
        if gtag in _VERBISH_TAGS and gfreq >= (1000 if gtag == "t" else 100):
            return False  # 王申请, 李今年: a surname character before a verb, a time word
        # a surname character before a common word (马老板, 房养老): a name only where something says
        # so (before 的/低保, after 户主是) — 江金花的低保, 邵文明的补贴
        if alone and gtag.startswith("nr") and gfreq >= 500:
            return False
        if gtag and not gtag.startswith(("nr", "ns", "nz")) and gfreq >= (500 if alone else 3000):
            return False  # 房重建补助, 管措施: a surname character before a very common word
    if single and len(span) >= 3:
        glue, gfreq = span[:2], _freq(span[:2])
        if gfreq >= 30 and not _tag(glue).startswith("nr") and \
                not (_tag(given).startswith("nr") and gfreq < 1000):
            return False  # 高龄费: an ordinary word, not 高 + a given name
    return True


def _inside_words(text: str) -> set[int]:
    """Offsets that fall inside an ordinary dictionary word of ``text`` (保管|措施: 管): a name does
    not start or end there."""
    jieba, _ = _jieba()
    inside = set()
    for word, start, end in jieba.tokenize(text, HMM=False):
        if end - start >= 2 and not _tag(word).startswith("nr"):
            inside.update(range(start + 1, end))
    return inside


def _cjk_len(text: str, i: int) -> int:
    n = 0
    while i + n < len(text) and _CJK_CHAR.match(text[i + n]):
        n += 1
    return n


def _starts_word(text: str, i: int) -> bool:
    """Does an ordinary word (or a word a name is followed by) start at ``i``?"""
    for k in (4, 3, 2):
        w = text[i:i + k]
        if len(w) < k:
            continue
        if _known_word(w) or _ANCHOR.match(w):
            return True
        tag = _tag(w)
        if tag and not tag.startswith("nr") and _freq(w) >= 300:
            return True
    return bool(_ANCHOR.match(text, i))


def _name_after_cue(text: str, i: int, strong: bool) -> tuple[int, int] | None:
    """The span of a name that starts at ``i`` (right after a cue), or None."""
    if text.startswith(_QUESTION_WORDS, i):
        return None
    m = _LATIN_NAME.match(text, i)
    if m:
        end = _latin_name_end(text, i, m.end(), strong)
        return (i, end) if end else None
    avail = _cjk_len(text, i)
    stop = _PARTICLES if strong else _NOT_GIVEN
    if avail == 0 or _PLACEHOLDER.match(text, i) or text[i] in _PARTICLES:
        return None
    sur = 2 if text[i:i + 2] in COMPOUND_SURNAMES and avail > 2 else 1
    rest = avail - sur  # characters there are for the given name
    if rest <= 0 or text[i + sur] in stop:
        given = 0
    elif rest == 1 or text[i + sur + 1] in stop:
        given = 1
    elif _starts_word(text, i + sur + 1) and not _tag(text[i:i + sur + 2]).startswith("nr"):
        given = 1  # 我叫张三低保…, 我叫王伟今年…: the name ends where a word starts
    else:
        given = 2
    if strong:
        span = text[i:i + sur + given]
        tag = _tag(span)
        if _known_word(span) or (tag and not tag.startswith("nr") and _freq(span) >= 300):
            return None  # 名叫低保 is not a name
        return i, i + sur + given
    for end in range(i + sur + given, i + 1, -1):  # a weak cue (我是, 户主): only a plausible name
        if _name_like(text[i:end]):
            return i, end
    return None


# pinyin names --------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _surname_pinyin() -> frozenset[str]:
    from catalog.pinyin import char_readings

    out = set()
    for ch in SURNAMES:
        out.update(char_readings(ch))
    for cs in COMPOUND_SURNAMES:
        out.add("".join(char_readings(cs[0])[0] + char_readings(cs[1])[0]))
    return frozenset(out)


def _pinyin_name(words: list[str]) -> bool:
    """zhangsan, zhang san, ouyang nana: 2-4 syllables, the first a surname's."""
    from catalog.pinyin import split_pinyin_all

    sylls = []
    for w in words:
        splits = split_pinyin_all(w.lower(), 4)
        if not splits:
            return False
        sylls.append(splits)
    surnames = _surname_pinyin()
    for first in sylls[0]:
        total = len(first) + sum(len(s[0]) for s in sylls[1:])
        if 2 <= total <= 4 and (first[0] in surnames or "".join(first[:2]) in surnames):
            return True
    return False


def _latin_name_end(text: str, i: int, end: int, strong: bool) -> int | None:
    words = re.split(r"[ \u3000·.]", text[i:end])
    # after a strong cue the first word is a name whatever it is (我叫Tom); the words after it only
    # if they are pinyin (我叫 zhang san, not 我叫Tom and ...)
    keep = 1 if strong else 0
    for k in range(len(words), 0, -1):
        if _pinyin_name(words[:k]):
            keep = max(keep, k)
            break
    if not keep:
        return None
    return i + len(" ".join(words[:keep]))


# the masker ----------------------------------------------------------------------------------
def mask(text: str) -> str:
    """``text`` with ID-card, phone, bank-card and other long numbers, e-mail addresses and
    personal names replaced by placeholders ([身份证号], [手机号], [姓名] …)."""
    if not text:
        return text
    spans: list[tuple[int, int, str]] = [(m.start(), m.end(), m.group()) for m in _PLACEHOLDER.finditer(text)]
    spans += [(m.start(), m.end(), EMAIL) for m in _EMAIL.finditer(text) if not _overlaps(spans, m.start(), m.end())]
    spans += _number_spans(text, spans)
    if _CJK_CHAR.search(text) or len(text) <= 40:
        spans += _name_spans(text, spans)
    return _apply(text, spans)


def _apply(text: str, spans) -> str:
    out, pos = [], 0
    for a, b, label in sorted(spans):
        if a < pos:  # overlapping: the earlier one covers it
            if b > pos:
                pos = b
            continue
        out.append(text[pos:a])
        out.append(label)
        pos = b
    out.append(text[pos:])
    return "".join(out)


def _name_spans(text: str, taken: list) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []

    def add(a: int, b: int) -> None:
        if b > a and not _overlaps(taken, a, b) and not _overlaps(found, a, b):
            found.append((a, b, NAME))

    has_cjk = bool(_CJK_CHAR.search(text))
    inside = _inside_words(text) if has_cjk else set()
    # 1. after a cue: 我叫王秀英, 户主是张三, 我叫zhangsan
    for cue, strong in ((_STRONG_CUE, True), (_WEAK_CUE, False)):
        for m in cue.finditer(text):
            if _overlaps(taken, m.start(), m.end()):
                continue
            span = _name_after_cue(text, m.end(), strong)
            if span and (strong or span[0] not in inside):
                add(*span)
    # 2. before 的, a benefit or a form of address: 王秀英的低保, 欧阳娜娜低保, zhangsan的低保
    if has_cjk:
        for m in _ANCHOR.finditer(text):
            p = m.start()
            lm = re.search(r"([A-Za-z]+(?: [A-Za-z]+)?) ?$", text[max(0, p - 30):p])
            if lm and _pinyin_name(lm.group(1).split()):
                add(p - len(lm.group()), p - (1 if lm.group().endswith(" ") else 0))
                continue
            for a in _anchor_candidates(text, p, inside):
                add(a, p)
                break
    # 3. words the segmenter tags as a person's name (村支书王大明违规), or a surname then such a word
    if has_cjk:
        _, pseg = _jieba()
        pos, prev = 0, None
        for word, flag in pseg.cut(text):
            start, end = pos, pos + len(word)
            pos = end
            if flag in _NAME_TAGS and 2 <= len(word) <= 4 and start not in inside and _name_like(word, alone=True):
                add(start, end)
            elif (prev is not None and flag in _NAME_TAGS and 1 <= len(word) <= 2
                  and prev[1] not in _GRAMMAR_TAGS and prev[2] not in inside and _name_like(prev[0] + word, alone=True)):
                add(prev[2], end)
            prev = (word, flag, start) if len(word) == 1 and word in SURNAMES else None
    # 4. a segment that is only a plausible name: 欧阳娜娜, 低保 王秀英; a text that is only a pinyin name
    pos = 0
    for seg in _SEGMENT_SPLIT.split(text):
        start = text.find(seg, pos) if seg else pos
        pos = start + len(seg)
        if seg and _name_like(seg, alone=True):
            add(start, start + len(seg))
    stripped = text.strip()
    if re.fullmatch(r"[A-Za-z]+(?:\s+[A-Za-z]+){0,2}", stripped) and _pinyin_name(stripped.split()):
        start = text.find(stripped)
        add(start, start + len(stripped))
    return found


def _anchor_candidates(text: str, p: int, inside: set[int]):
    """Starts of a plausible name ending at ``p`` (where 的/低保/同志 begins), longest first."""
    for length in (4, 3, 2):
        a = p - length
        if a >= 0 and a not in inside and p not in inside and _name_like(text[a:p]):
            yield a


# what may be stored --------------------------------------------------------------------------
MAX_SAFE_INPUT = 400  # characters: a longer text is not stored at all


def unsafe(text: str) -> bool:
    """Does ``text`` (already masked) still hold something that could identify a person: a token
    with 7+ digits (139a1234b5678), 10+ digits close together (139的1234的5678), an e-mail?"""
    if _EMAIL.search(text):
        return True
    for m in _TOKEN.finditer(text):
        token = m.group().strip(_SEPARATORS)
        if _count_digits(token) >= 7 and not _is_dates(token):
            return True
    total, last_end = 0, None
    for m in _DIGIT_PIECE.finditer(text):
        if last_end is not None and m.start() - last_end > 2:
            total = 0
        total += len(m.group())
        last_end = m.end()
        if total >= 10:
            return True
    return False


def safe_text(text: str | None, limit: int = 200) -> str | None:
    """What may be stored of ``text``: its masked form, cut to ``limit`` characters, or None
    when it cannot be made safe or holds nothing once masked."""
    if not text or not text.strip():
        return None
    if len(text) > MAX_SAFE_INPUT:
        return None  # not a question anyone types; masking it costs too much to be worth storing
    out = mask(text.strip())[:limit]
    cut = out.rfind("[")
    if cut >= 0 and "]" not in out[cut:]:
        out = out[:cut]  # never half a placeholder
    out = out.strip()
    if not out or unsafe(out):
        return None
    if not re.sub(r"[\W_]+", "", _PLACEHOLDER.sub("", out)):
        return None  # nothing but placeholders and punctuation
    return out


# logs ----------------------------------------------------------------------------------------
_guard = threading.local()
_install_lock = threading.Lock()
_HIDDEN = "(log message withheld: it could not be masked)"


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask a log record in place: its formatted message, its exception and stack text. The
    exception itself is dropped (only its masked text stays), so no formatter can print it again."""
    if getattr(record, "_privacy_masked", False) or getattr(_guard, "busy", False):
        return record  # already masked, or logged by the masker itself (the segmenter loading)
    _guard.busy = True
    try:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string: keep what there is, masked
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = mask(str(message)), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
    except Exception:  # noqa: BLE001 - a record that cannot be masked is not written as it was
        record.msg, record.args, record.exc_info, record.exc_text, record.stack_info = _HIDDEN, None, None, None, None
    finally:
        _guard.busy = False
    record._privacy_masked = True
    return record


class MaskingFilter(logging.Filter):
    """For a handler: masks each record it writes (a second guard besides the record factory)."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


def install_log_masking() -> None:
    """Mask every log record made in this process from now on (idempotent)."""
    with _install_lock:
        current = logging.getLogRecordFactory()
        if getattr(current, "_privacy_masking", False):
            return

        def factory(*args, **kwargs):
            return mask_record(current(*args, **kwargs))

        factory._privacy_masking = True
        factory._previous = current
        logging.setLogRecordFactory(factory)


def uninstall_log_masking() -> None:
    """Undo install_log_masking (for tests)."""
    with _install_lock:
        current = logging.getLogRecordFactory()
        if getattr(current, "_privacy_masking", False):
            logging.setLogRecordFactory(current._previous)
