"""Masking of personal data typed into a question or query, before anything is counted, stored or
logged.

Citizens type ID-card, phone and bank-card numbers and names into the question box ("我叫王秀英，
身份证3601…，低保什么时候到账"), and they type them every way people write them: glued to letters
(tel139…, ID…X), split by dots, slashes or commas, in fullwidth digits, other scripts' digits
(①③⑨) or Chinese numerals (一三九…), a name alone (欧阳娜娜), before 的 (王秀英的低保) or anywhere
in a sentence (我妈王桂兰今年八十了), spaced out (张 秀 英), in pinyin (我叫zhangsan). Nothing about
use may identify a person, so:

* ``mask(text)`` hides every number of 7+ digits (whatever its neighbours, separators and script),
  shorter numbers a label says are a person's (军官证123456, 工号, 尾号5678, 微信号 wxid_…),
  e-mail addresses, vehicle plates (赣H12345), house numbers (进坑村3组12号: the public place
  names before them stay) and personal names (after a cue such as 我叫/户主, before 的/低保/同志…,
  a word the segmenter tags as a name, a segment that is only a plausible name, a surname and
  given-name characters anywhere the dictionary sees no other word, a pinyin name). Ordinary words
  are told from names with jieba's dictionary (which holds the catalogue's own words once a
  catalogue is open): 农村, 高龄, 江西, 景德镇, 金银花, 王家村 stay.
* ``safe_text(text)`` is what may be stored: the masked text, or None when it cannot be made safe
  (a token still holding 7+ digits, 10 digits within 24 characters however they are split — dates,
  amounts and public hotlines aside —, nothing but placeholders left). What cannot be made safe
  is not stored.
* ``install_log_masking()`` masks every log record (its message and its formatted exception) as
  it is made, so nothing identifying reaches a log file either.

Masking errs on the side of hiding.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache

# placeholders --------------------------------------------------------------------------------
NAME = "[姓名]"
EMAIL = "[邮箱]"
NUMBER = "[号码]"
HOUSE = "[门牌]"
PLATE = "[车牌]"
_PLACEHOLDER = re.compile(r"\[(?:姓名|身份证号|手机号|银行卡号|电话号码|号码|邮箱|门牌|车牌)\]")
# the placeholders that stand for a hidden number (unsafe() counts them as digits)
_NUMBER_LABELS = ("[身份证号]", "[手机号]", "[银行卡号]", "[电话号码]", NUMBER)
_NUMBER_PLACEHOLDER = re.compile("|".join(re.escape(x) for x in _NUMBER_LABELS))
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
_DATE_GROUPS = re.compile(r"^((?:19|20)\d\d)([-./])(\d{1,2})\2(\d{1,2})$")
# the software's own identifiers in its log lines, which no citizen types: sha256/sha1/md5 digests
# and catalogue generation names (g00000001-e86c3d2a)
_TECHNICAL = re.compile(r"(?<![0-9a-zA-Z])(?:[0-9a-f]{64}|[0-9a-f]{40}|[0-9a-f]{32}|g\d{8}-[0-9a-f]{8})(?![0-9a-zA-Z])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
# an address spelt out so as not to be taken for one: wangxiuying at qq dot com
_SPELT_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]{2,}\s*(?:\bat\b|\(at\)|\[at\]|艾特)\s*[A-Za-z0-9\-]+"
                          r"(?:\s*(?:\bdot\b|\(dot\)|\[dot\]|点)\s*[A-Za-z]{2,6})+", re.I)
# a text with nothing but ASCII, Chinese characters and CJK or fullwidth punctuation: nothing to fold
_PLAIN = re.compile(r"[\x00-\x7f\u3000-\u303f\u3400-\u9fff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]*")

# numbers that identify a person however short, after a word saying whose they are: 军官证123456,
# 工号8848, 尾号5678, 身份证后四位123X, 护照E12345678, 微信号 wxid_abc1234567, QQ号 10001
_ID_LABEL = re.compile(
    r"(?<![A-Za-z0-9])(?:(?:身份证|证件|护照|军官证|士兵证|警官证|驾驶证|驾照|行驶证|社保卡|医保卡|银行卡|残疾证|病历|住院|"
    r"门诊|学籍|准考证|考生|学|工|会员|客户|订单|运单|快递单|QQ|微信|VX|WX|支付宝|账|帐|卡|尾|户)号码?|"
    r"身份证|证件|护照|军官证|士兵证|警官证|驾驶证|驾照|残疾证|QQ|微信|VX|支付宝|账户|用户名|"
    r"[后末前尾][三四五六八3-8]位(?:数字|号码|数)?|尾数)(?:是|为|[:：]|\s)*", re.I)
_ID_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*")
_ACCOUNT_LABELS = ("QQ", "微信", "VX", "WX", "支付宝", "账", "帐", "用户名")
_WXID = re.compile(r"(?<![A-Za-z0-9])wxid_[A-Za-z0-9_\-]{4,}", re.I)
# what a short number before is a count of (18位, 3岁, 500元, 3个月): not an identifier
_COUNT_UNITS = set("位岁元块万千百亿角分%％个人户亩米天年月日号条款项次页期届级倍斤克吨点种本张份间层楼栋组室周")
# vehicle plates: a province's abbreviation, a letter, 5-6 letters or digits (赣H12345, 赣H·12345,
# 赣 H 1 2 3 4 5, 粤BD12345)
_PLATE = re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][\s·.\-]{0,2}[A-Za-z]"
                    r"(?:[\s·.\-]{0,2}[A-Za-z0-9]){5,6}(?![A-Za-z0-9])[挂学警]?")
# house numbers: 3组12号, 123号5栋2单元301室, 12号楼; the public place names before them stay
_HOUSE_PART = r"[0-9〇零一二三四五六七八九十百]+\s?(?:单元|[组号栋幢室楼弄巷座])(?:楼|院)?"
_HOUSE = re.compile(rf"{_HOUSE_PART}(?:[\s\-－]?{_HOUSE_PART})*(?:[\-－][0-9]{{1,4}}(?![0-9]))?")
_HOUSE_UNIT = re.compile(r"单元|[组号栋幢室楼弄巷座]")
# what a single house number follows (进坑村3组, 新厂西路123号), and the units that alone are one
_ADDRESS_ENDS = set("村路街道巷弄里苑园庄寨屯湾坊院区")
_SINGLE_HOUSE_UNITS = set("组号栋幢弄巷座")

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
              "安全感", "江西人", "温馨", "高明", "平安", "康复", "宁可", "全家", "单身", "明年",
              # places and plants the dictionary tags as names
              "高安", "祁门", "祁门红", "杜鹃", "杜鹃花", "蒲公英", "滕王阁", "龙王庙"}
# characters a given name does not hold (grammar words, measure words)
_NOT_GIVEN = set("的了是在与及或吗呢啊吧呀哦嘛么说要有没不也都就还又叫去到给把被让找问办领拿交怎什为这那哪谁啥"
                 "几个们等将从对于以而但若如即该此其之所因由每各某条款项章节号岁咋能会可想请您你我他她它下先后佰仟")
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
_CN_NUMERALS = set("一二三四五六七八九十两几半")
_MEASURES = set("克斤两吨米个只次年月天岁元块角分份张本条件项户口人位间层")
_PLACE_SUFFIXES = tuple("县市区镇乡村省局街路所站院委办处厅部队组社馆厂司行店园场港湾桥山河湖庄屯寨洲岛州府署会"
                        "校园人阁庙寺塔亭祠坞埠垄垅畈坑塘墩坳岭坪塅窑") + ("中心", "公司", "银行", "医院", "学校", "政府", "大学", "社区")
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
    r"(?:我家|我|他|她)?(?:父亲|母亲|爸爸|妈妈|老公|老婆|丈夫|妻子|爱人|儿子|女儿|孙子|孙女|爷爷|奶奶|外公|外婆|"
    r"姥姥|姥爷|哥哥|姐姐|弟弟|妹妹|公公|婆婆|孩子|老伴|女婿|儿媳|媳妇|邻居)叫|[妈爸爷奶姥]的名字[是叫]?)[:：\s]*")
_WEAK_CUE = re.compile(r"(?:我是|本人是?|姓名|叫做|帮|替|户主是?|申请人是?|联系人是?|收款人是?|持卡人是?|老人是|患者是?|当事人是?|"
                       r"家属是?)[:：\s]*")
_QUESTION_WORDS = ("什么", "啥", "谁", "多少", "哪", "怎么", "几")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_LATIN_NAME = re.compile(r"[A-Za-z]+(?:[ \u3000·.][A-Za-z]+){0,2}")
_LATIN_BEFORE = re.compile(r"([A-Za-z]+(?: [A-Za-z]+){0,2}) ?$")  # wang xiu ying 低保
_SURNAME_CHAR = re.compile("[" + "".join(sorted(SURNAMES | {c[0] for c in COMPOUND_SURNAMES})) + "]")
# 我姓王叫秀英, 我姓王，名秀英: the surname and the given name apart
_SURNAME_THEN_GIVEN = re.compile("姓(" + _SURNAME_CHAR.pattern + r")[，,、\s]*(?:名叫|名字叫|叫做|叫|名)[:：\s]*()"
                                 r"(?=[\u3400-\u9fff])")
# what people put between the characters of a name (张 秀 英, 张-秀-英, 王*英)
_NAME_SEPARATORS = " \u3000-－·.*＊_—"
# a character after which a surname and a name character are a place: 王家村, 张家港, 彭家村委会
_PLACE_AFTER = set("村庄屯寨镇乡县市区省路街巷湾坊岭桥港岛洲州坞埠垄垅畈坑塘墩坳坪塅窑")
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


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    d = unicodedata.digit(c, None)
    if d is not None:
        return str(d)  # ①, ¹, ١, 𝟏, ０
    if unicodedata.category(c) == "Cf":
        return " "  # zero-width spaces and joiners: a separator
    n = unicodedata.normalize("NFKC", c)
    return n if len(n) == 1 and n.isascii() and n.isalnum() else c  # Ｗａｎｇ


def _fold(text: str) -> str:
    """``text`` as the masker reads it, character for character (so its offsets are the text's):
    digits of every script as ASCII digits, fullwidth letters as ASCII, invisible format
    characters as spaces."""
    if _PLAIN.fullmatch(text):
        return text
    return "".join(c if c.isascii() else _fold_char(c) for c in text)


def _labelled_spans(text: str, spans: list) -> list:
    """``spans`` with the numbers and accounts a label says are a person's (军官证123456, 尾号5678,
    微信号 wxid_abc1234567): added, or widened to the whole token where a long number in it was
    found already (护照E12345678, 残疾证号36020319500101123X21)."""
    found = [(m.start(), m.end()) for m in _WXID.finditer(text)]
    for m in _ID_LABEL.finditer(text):
        t = _ID_TOKEN.match(text, m.end())
        if not t:
            continue
        token, label = t.group(), m.group().strip(" \t:：是为")
        ndigits = sum(c.isdigit() for c in token)
        account = label.upper().startswith(_ACCOUNT_LABELS)
        if not (ndigits >= 3 or (account and len(token) >= 5 and
                                 (ndigits or "_" in token or label.endswith(("号", "名", "码"))))):
            continue
        if text[t.end():t.end() + 1] in _COUNT_UNITS:
            continue  # 身份证号码是18位, 卡号123位
        found.append((t.start(), t.end()))
    out = list(spans)
    for a, b in found:
        hit = [sp for sp in out if sp[0] < b and a < sp[1]]
        if any(sp[2] not in _NUMBER_LABELS for sp in hit):
            continue  # an e-mail address, a placeholder typed in
        start, end = min([a] + [sp[0] for sp in hit]), max([b] + [sp[1] for sp in hit])
        if hit and (start, end) == (min(sp[0] for sp in hit), max(sp[1] for sp in hit)):
            continue  # the token is part of a number found already (身份证是360203 1950 0101 123X)
        if hit:
            label = hit[0][2]
        else:
            label = _digits_label(text[a:b]) if re.fullmatch(r"[0-9]+[Xx]?", text[a:b]) else NUMBER
        out = [sp for sp in out if sp not in hit]
        out.append((start, end, label))
    return out


def _plate_spans(text: str, taken: list) -> list[tuple[int, int, str]]:
    out = []
    for m in _PLATE.finditer(text):
        if sum(c.isdigit() for c in m.group()) >= 2 and not _overlaps(taken, m.start(), m.end()):
            out.append((m.start(), m.end(), PLATE))
    return out


def _house_spans(text: str, taken: list) -> list[tuple[int, int, str]]:
    """House numbers: two or more parts (3组12号, 5栋2单元301室), or one right after a village's or
    a road's name (进坑村3组, 新厂西路123号); not 3号窗口, 第12号, 1月1号, 3室2厅."""
    out = []
    for m in _HOUSE.finditer(text):
        a, b = m.span()
        if a and text[a - 1] == "第":
            continue
        units = _HOUSE_UNIT.findall(m.group())
        if len(units) < 2 and not (a and text[a - 1] in _ADDRESS_ENDS and units[0] in _SINGLE_HOUSE_UNITS):
            continue
        if not _overlaps(taken, a, b):
            out.append((a, b, HOUSE))
    return out


# the dictionary ------------------------------------------------------------------------------
def _jieba():
    from catalog.search.analysis import jieba_module

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
    from catalog.search.synonyms import builtin_groups

    return frozenset(w for g in builtin_groups() for w in g) | frozenset(_BENEFITS) | frozenset(_HONORIFICS)


def _known_word(word: str) -> bool:
    """A word of the built-in dictionary, the benefit and honorific words, or the catalogue's own."""
    from catalog.search.analysis import _user_words

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
    if len(given) == 2 and given[0] in _CN_NUMERALS and given[1] in _MEASURES:
        return False  # 钱一克, 高一个: a numeral and a measure word
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


def _inside_words(text: str) -> tuple[set[int], set[int]]:
    """Offsets that fall inside an ordinary dictionary word of ``text`` (保管|措施: 管), and those
    inside any dictionary word, names' included (支付宝 is tagged a name's): a name does not start
    or end there."""
    jieba, _ = _jieba()
    inside, inside_any = set(), set()
    for word, start, end in jieba.tokenize(text, HMM=False):
        if end - start >= 2:
            inside_any.update(range(start + 1, end))
            if not _tag(word).startswith("nr"):
                inside.update(range(start + 1, end))
    return inside, inside_any


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
    from catalog.search.pinyin import char_readings

    out = set()
    for ch in SURNAMES:
        out.update(char_readings(ch))
    for cs in COMPOUND_SURNAMES:
        out.add("".join(char_readings(cs[0])[0] + char_readings(cs[1])[0]))
    return frozenset(out)


_word_pinyin_cache: dict[str, tuple[int, frozenset[str]]] = {}


def _words_pinyin(words) -> frozenset[str]:
    from catalog.search.pinyin import syllables

    return frozenset(p for p in ("".join(syllables(w)) for w in words if _CJK_RUN.fullmatch(w)) if len(p) >= 4)


def _word_pinyin() -> frozenset[str]:
    """The pinyin of the built-in dictionary's words and the open catalogue's (dibao, yiliao,
    baoxian): what a pinyin search for a policy is made of, not a name."""
    from catalog.search.analysis import _user_words

    cached = _word_pinyin_cache.get("words")
    if cached is None or cached[0] != len(_user_words):  # the catalogue's words only ever grow
        cached = (len(_user_words), _words_pinyin(_builtin_words() | _user_words.copy()))
        _word_pinyin_cache["words"] = cached
    return cached[1]


def _pinyin_words(letters: str) -> bool:
    """Is ``letters`` (lower case, no spaces) the pinyin of one or more dictionary words
    (dibaoshenqing, yiliaobaoxian)?"""
    known, n = _word_pinyin(), len(letters)
    ok = [True] + [False] * n
    for j in range(1, n + 1):
        ok[j] = any(ok[i] and letters[i:j] in known for i in range(max(0, j - 24), j - 3))
    return ok[n]


def _pinyin_name(words: list[str]) -> bool:
    """zhangsan, zhang san, ouyang nana: 2-4 syllables, the first a surname's; not the pinyin of
    a policy word (dibao, yiliao baoxian)."""
    from catalog.search.pinyin import split_pinyin_all

    if _pinyin_words("".join(words).lower()):
        return False
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
    """``text`` with ID-card, phone, bank-card and other long numbers, labelled short ones (工号,
    尾号, 军官证), e-mail addresses, vehicle plates, house numbers and personal names replaced by
    placeholders ([身份证号], [手机号], [号码], [车牌], [门牌], [姓名] …)."""
    if not text:
        return text
    view = _fold(text)  # offsets are the text's
    spans: list[tuple[int, int, str]] = [(m.start(), m.end(), m.group()) for m in _PLACEHOLDER.finditer(view)]
    for pattern in (_EMAIL, _SPELT_EMAIL):
        spans += [(m.start(), m.end(), EMAIL) for m in pattern.finditer(view)
                  if not _overlaps(spans, m.start(), m.end())]
    spans += _plate_spans(view, spans)
    spans += _number_spans(view, spans)
    spans = _labelled_spans(view, spans)
    spans += _house_spans(view, spans)
    if _CJK_CHAR.search(view) or len(view) <= 40:
        spans += _name_spans(view, spans)
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


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Name spans that overlap made one (王德|德发 → 王德发): no part of a name is left beside
    its placeholder."""
    out: list[list] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b, NAME) for a, b in out]


def _name_spans(text: str, taken: list) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int]] = []

    def add(a: int, b: int) -> None:
        if b - a == 2 and ((b < len(text) and text[b] in _PLACE_AFTER) or text[a + 1] == "家"):
            return  # 彭家村委会, 李庄村: a village; 姚家, 王家的地: a family, not a person
        if b > a and not _overlaps(taken, a, b):
            found.append((a, b))

    has_cjk = bool(_CJK_CHAR.search(text))
    inside, inside_any = _inside_words(text) if has_cjk else (set(), set())
    # 1. after a cue: 我叫王秀英, 户主是张三, 我叫zhangsan, 我姓王叫秀英
    for cue, strong in ((_STRONG_CUE, True), (_WEAK_CUE, False)):
        for m in cue.finditer(text):
            if _overlaps(taken, m.start(), m.end()):
                continue
            span = _name_after_cue(text, m.end(), strong)
            if span and (strong or span[0] not in inside):
                add(*span)
    for m in _SURNAME_THEN_GIVEN.finditer(text):
        a = m.start(2)
        b = a + min(_cjk_len(text, a), 2)
        if b - a == 2 and (text[a + 1] in _PARTICLES or _starts_word(text, a + 1)):
            b -= 1
        if text[a] not in _PARTICLES and not text.startswith(_QUESTION_WORDS, a):
            add(*m.span(1))
            add(a, b)
    # 2. before 的, a benefit or a form of address: 王秀英的低保, 欧阳娜娜低保, zhangsan的低保
    if has_cjk:
        for m in _ANCHOR.finditer(text):
            p = m.start()
            lm = _LATIN_BEFORE.search(text[max(0, p - 40):p])
            if lm and _pinyin_name(lm.group(1).split()):
                add(p - len(lm.group()), p - (1 if lm.group().endswith(" ") else 0))
                continue
            for a in _anchor_candidates(text, p, inside):
                add(a, p)
                break
    # 3. words the segmenter tags as a person's name (村支书王大明违规), or a surname then such a word
    cut: dict[int, tuple[int, str]] = {}
    if has_cjk:
        _, pseg = _jieba()
        pos, prev = 0, None
        for word, flag in pseg.cut(text):
            start, end = pos, pos + len(word)
            pos = end
            cut[start] = (end, flag)
            if (prev is not None and flag in _NAME_TAGS and 1 <= len(word) <= 2
                    and prev[1] not in _GRAMMAR_TAGS and prev[2] not in inside
                    and (_name_like(prev[0] + word, alone=True)
                         # both tagged a name's: 李|卫东
                         or (prev[1] in _NAME_TAGS and len(word) == 2 and _name_like(prev[0] + word)))):
                add(prev[2], end)
            elif flag in _NAME_TAGS and 2 <= len(word) <= 4 and start not in inside and _name_like(word, alone=True):
                add(start, end)
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
    # 5. a name anywhere else (王桂兰能办低保吗, 我妈王桂兰今年八十了, 周建华在村里当会计), also
    # spaced out (张 秀 英的低保, 我叫王 秀英) or with a hyphen (张-秀-英)
    if has_cjk:
        for span in _free_names(text, inside_any, cut):
            add(*span)
    # a surname and one character before a third that names are made of: the name is likely the
    # three (袁玉|英发补贴 → 袁玉英): no character of it is left
    for k, (a, b) in enumerate(found):
        if b - a == 2 and b < len(text) and text[a] in SURNAMES and text[b] in _NAME_CHARS \
                and text[b] not in _NOT_GIVEN and _name_like(text[a:b + 1], alone=True):
            found[k] = (a, b + 1)
    return _merged(found)


def _anchor_candidates(text: str, p: int, inside: set[int]):
    """Starts of a plausible name ending at ``p`` (where 的/低保/同志 begins), longest first."""
    for length in (4, 3, 2):
        a = p - length
        if a >= 0 and a not in inside and p not in inside and _name_like(text[a:p]):
            yield a


def _free_name(span: str) -> bool:
    """A plausible name where nothing around it says it is one: a surname, then one or two
    characters all common in given names, the whole no word of the dictionary (高新, 金银花,
    文化馆) nor a place (王家村)."""
    sur = _surname_of(span)
    if sur is None or not all(c in _NAME_CHARS for c in span[len(sur):]):
        return False
    if _freq(span) and not _tag(span).startswith("nr"):
        return False
    return _name_like(span, alone=True)


def _free_names(text: str, inside: set[int], cut: dict[int, tuple[int, str]]):
    """Spans of names not next to a cue or an anchor (see _name_spans, 5.). ``inside``: offsets
    inside any dictionary word (支付宝: no name starts at 付); ``cut``: the segmenter's words,
    {start: (end, tag)}: a name starts where one of them does (和高德: no name at 高), not where it
    reads another word (一|毛五)."""
    n = len(text)
    for m in _SURNAME_CHAR.finditer(text):
        i = m.start()
        if i in inside:
            continue  # 保管: 管 is no surname here
        if i not in cut:
            continue  # 和高德: the segmenter reads 和 as the surname
        # the segmenter reads another word there (一|毛五, 国|华月|月盈), or the surname character
        # as a word by itself before no name (钱|才到帐, 把|钱|全垫上)
        word_end, tag = cut.get(i, (i, ""))
        other_word = tag not in _NAME_TAGS and (
            (word_end - i >= 2 and tag != "ns")
            or (word_end - i == 1 and cut.get(word_end, (0, ""))[1] not in _NAME_TAGS + ("ns", "nz")))
        if other_word and text[i:word_end] in COMPOUND_SURNAMES and _freq(text[i:word_end]) < 1000:
            other_word = False  # 鲜于|娟, 漆雕|文: a compound surname the dictionary knows as a word
        # the characters of the name, skipping separators between them (张 秀 英, 张-秀-英, 欧 阳 娜 娜)
        chars, j = [i], i + 1
        while len(chars) < 4 and j < n:
            k = j
            while k < n and k - j < 3 and text[k] in _NAME_SEPARATORS:
                k += 1
            if k >= n or not _CJK_CHAR.match(text[k]):
                break
            chars.append(k)
            j = k + 1
        sur = 2 if len(chars) > 2 and text[i] + text[chars[1]] in COMPOUND_SURNAMES else 1
        for glen in (2, 1):
            if len(chars) < sur + glen:
                continue
            picked = chars[:sur + glen]
            end = picked[-1] + 1
            span = "".join(text[c] for c in picked)
            given = span[sur:]
            gapped = end - i > len(span)
            if glen == 2 and picked[sur] == picked[sur - 1] + 1 and picked[sur + 1] > picked[sur] + 1:
                continue  # 乐平 政务: a gap inside the given name only, after a character glued to the surname
            if gapped:
                # spaced out: what follows is no further character of it (张 大 妈)
                rest = text[end:end + 4].lstrip(_NAME_SEPARATORS)
                if end < n and text[end] in _NAME_SEPARATORS and rest and _CJK_CHAR.match(rest[0]) \
                        and rest[0] not in _NOT_GIVEN and rest[0] not in _PARTICLES:
                    continue
            elif other_word or end in inside:
                continue  # not a surname here, or the name would end inside a word
            if end < n and text[end] in _PLACE_AFTER:
                continue  # 王家村, 彭家村委会
            if end < n and given[-1] in _CN_NUMERALS and text[end] in _MEASURES:
                continue  # 多少钱一克
            if _free_name(span):
                if tag in _NAME_TAGS and end < word_end <= i + 4 and not gapped:
                    end = word_end  # 张根|硕: the segmenter reads a longer name
                yield i, end
                break


# what may be stored --------------------------------------------------------------------------
MAX_SAFE_INPUT = 400  # characters: a longer text is not stored at all


# digits that are a date, a time, an amount or a count, or a public hotline, not part of a number:
# unsafe() does not count them (2024年1月1日, 2024-01-01, 9:30, 780元, 第12条, 3个月, 12345, 95588)
_NOT_COUNTED = re.compile(
    r"(?<![0-9])(?:(?:12\d{3}|9[56]\d{3})(?![0-9])"
    r"|(?:19|20)\d\d\s?(?:年|[-./])\s?\d{1,2}\s?(?:月|[-./])\s?\d{1,2}(?![0-9])(?:\s?[日号])?"
    r"|(?:19|20)\d\d\s?年(?:\s?\d{1,2}\s?月)?|\d{1,2}\s?月\s?\d{1,2}\s?[日号]?|\d{1,2}[:：]\d\d(?![0-9:：])"
    r"|\d+(?:\.\d+)?(?=[位岁元块万千百亿角%％个人户亩米天年月日条款项次页期届级倍斤克吨种本张份间层周]))")
_DIGIT_PIECES = re.compile(rf"[0-9]+[Xx]?|[{_CN_DIGITS}]{{3,}}|" + _NUMBER_PLACEHOLDER.pattern)
WINDOW = 24  # characters: 10 digits within them are a number however they are split
PLACEHOLDER_DIGITS = 6  # a hidden number counts as this many digits beside the digits left


def unsafe(text: str) -> bool:
    """Does ``text`` (already masked) still hold something that could identify a person: a token
    with 7+ digits (139a1234b5678), an e-mail, or 10+ digits within 24 characters however they
    are split (139的1234的5678, 电话139 和 1234 和 5678; a hidden number beside them counts as 6:
    电话[号码] 号 5678)? Dates, times and amounts (2024年1月1日, 780元) are not counted."""
    text = _fold(text)
    if _EMAIL.search(text) or _SPELT_EMAIL.search(text):
        return True
    for m in _TOKEN.finditer(text):
        token = m.group().strip(_SEPARATORS)
        if _count_digits(token) >= 7 and not _is_dates(token, text.startswith((":", "："), m.end())):
            return True
    counted = _NOT_COUNTED.sub(lambda m: "~" * len(m.group()), text)
    pieces = [(m.start(), m.end(), m.group()) for m in _DIGIT_PIECES.finditer(counted)]
    for i, (start, _, _) in enumerate(pieces):
        digits, hidden = 0, False
        for a, b, piece in pieces[i:]:
            if b - start > WINDOW:
                break
            if piece.startswith("["):
                hidden = True
            else:
                digits += len(piece)
            if digits + (PLACEHOLDER_DIGITS if hidden else 0) >= 10:
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
