"""Text normalization for read-aloud (written forms -> spoken Chinese).

Pipeline (split_sentences: :mod:`kiosk.speech.sentences`; number words: :mod:`kiosk.speech.numbers`)::

    document text -> split_sentences() -> normalize() -> to_pinyin() -> espeak-ng -v cmn-latn-pinyin

Why this pipeline (measured with espeak-ng 1.51 on Debian 12, ``espeak-ng -x -q`` for phonemes,
``soxi -D`` for durations):

* ``-v cmn`` fed Chinese characters: espeak-ng's cmn dictionary turns many characters into latin
  pinyin, and the ``cmn`` voice then reads that latin text as *English*: ``-x`` shows ``(en)``
  switches, e.g. 国 -> ``(en)gju:22@11tu:11`` ("guo two"). Unusable.
* ``-v cmn-latn-pinyin`` fed Chinese characters: Mandarin phonemes, but polyphones come from
  espeak's per-character table: 银行 -> yin2 *xing2*, 局长 -> ju2 *chang2*, 重新 -> *zhong4* xin1
  (all wrong).  The same 12-character phrase took 4.72 s with ``cmn`` and 4.27 s here.
* ``-v cmn-latn-pinyin`` fed tone-numbered pinyin ("zhong1 guo2"): every syllable is read as
  written (4.27 s for the phrase above, all readings right).  So we resolve readings ourselves
  (pypinyin's phrase dictionary + our lexicon, see :mod:`kiosk.speech.pinyin_text`) and hand
  espeak-ng only pinyin.
* Written forms are not handled by espeak: "2024" is read as a cardinal (er4 qian1 er4 shi2 si4,
  not a year), "15%" ends in English "percent", "2.5" drops the point (er4 wu3), 元 and 年 left as
  characters go through the bad per-character path.  Hence :func:`normalize` turns numbers,
  dates, 文号, phone numbers, units ... into spoken Chinese characters *before* pinyin conversion.
* Letters: "GDP" is read as one blurred word, "G D P" letter by letter -> acronyms are spaced.
* Pauses (baseline "ni3 hao3 zhong1 guo2" = 1.43 s): "," / "，" / "、" add ~0.23 s, ";" / ":" ~0.30 s,
  "。" / "?" ~0.38 s, "!" ~0.41 s.  An ASCII "." followed by a lowercase syllable adds *nothing*
  (espeak treats it as an abbreviation dot), so to_pinyin() ends a stop with ".\\n".
* Tone sandhi: espeak applies 3-3 sandhi itself (ni3 hao3 -> 35 214) but not 一/不 sandhi.
  pypinyin's phrase dictionary already stores sandhi forms of common words (一个 yi2 ge4, 不要 bu2
  yao4); its ``tone_sandhi=True`` option misreads ordinals (第一条 -> di4 yi4), so it is not used;
  to_pinyin() only adds the unambiguous 不 + tone 4 -> bu2.
* ü is written "v" (lv4, nve4), which espeak reads correctly ("lu:4" is not).  Neutral tone "ma5" works.

Reading decisions made by :func:`normalize` (documented here, tested in tests/kiosk/test_normalize.py):

* Digits of years, 文号 years and codes are read one by one with 零 (not 〇): 2024年 -> 二零二四年.
* 文号: 景府办字〔2024〕28号 -> 景府办字二零二四年第二十八号 (explicit 年 and 第: unambiguous by ear,
  and it is how the number is read out in meetings).  Brackets 〔〕 [] ［］ 【】 () （） accepted.
* Dates: 2024年3月5日 / 2024-03-05 / 2024/3/5 / 2024.3.5 -> 二零二四年三月五日 (日, not 号).
* Cardinals are read as in :func:`kiosk.speech.numbers.cardinal` (105 -> 一百零五, 2000 -> 两千);
  a bare 2 before a measure word is read 两 (2个 -> 两个, 2年 -> 两年, 2万 -> 两万); otherwise 二
  (2月 -> 二月, 第2条 -> 第二条, 2.5 -> 二点五).
* Decimals: digits after the point one by one (3.14 -> 三点一四, :func:`kiosk.speech.numbers.read_decimal`);
  money amounts drop trailing zeros after the point (1200.50元 -> 一千二百点五元, 1200.00元 -> 一千二百元).
* Percent / permille: 15% -> 百分之十五, 3.5‰ -> 千分之三点五, 15%-20% and 15-20% -> 百分之十五至百分之二十.
* Ranges (- － — – ~ ～ between numbers) -> 至: 60-70岁 -> 六十至七十岁, 3—5个工作日 -> 三至五个工作日.
* Phone numbers, hotlines, ID / account / postal codes: digit by digit with 1 as 幺 (the convention
  for reading number strings aloud, avoids 一/七 confusion); groups (area code, 3-4-4 of a mobile)
  are separated by a space, which to_pinyin() turns into a short pause.  Years and decimals keep 一.
  Service numbers (12345, 12315, 95598 ...) are read as codes unless a unit follows; 110/119/120/122
  only next to a phone word (拨打, 电话, 报警, 急救 ...), since "120人" is a count.
* Ordinals: 第3条 -> 第三条.  List markers: (一) （1） 1. 2) 3、 ① ⑵ Ⅱ iii. -> the bare number word
  followed by "、" (a short pause) when the marker starts an item: a reader says "一、..." for "（一）",
  not "第一".  Inside a sentence (第(1)项, Ⅱ类) only the number word is produced.
* Units after a number: km -> 公里, kg -> 千克, m²/㎡/m2 -> 平方米, ℃/°C -> 摄氏度 (零下 for minus),
  8:30 -> 八点三十分 (8:00 -> 八点); a colon that is not a clock time is a ratio (1:1000 -> 一比一千).
  No.5 -> 第五号.  1/3 -> 三分之一.
* All-caps acronyms are spelled with spaces: GDP -> G D P, PDF -> P D F.  Other letters, words such
  as 等, and everything not listed above are left unchanged.
"""
from __future__ import annotations

import re

from kiosk.speech.numbers import cardinal, read_decimal, read_digits

__all__ = ["normalize"]

_FULLWIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
              "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ"}
_FULLWIDTH.update({ord("％"): ord("%"), ord("＋"): ord("+")})

_NUM = r"\d+(?:\.\d+)?"
_DASH = r"(?:——|--|[-－—–~～〜])"
_PUNCT = set("，。、；：！？,.;:!?）)】」』”’…—-《》“‘（(【「『 \t\r\n")

# A bare 2 before these (optionally after 多/余/来) is read 两.
_MEASURES = ("个", "名", "位", "人", "家", "项", "次", "件", "种", "天", "周", "岁", "台", "辆", "张", "本",
             "户", "套", "间", "倍", "所", "座", "块", "份", "批", "条", "只", "年", "小时", "分钟", "秒钟",
             "公里", "千米", "米", "千克", "公斤", "克", "吨", "亩", "公顷", "平方", "立方", "元", "角",
             "万", "亿", "千", "届", "轮", "道", "栋", "辆", "支", "盏", "棵", "头", "枚", "期",
             "季度", "星期", "个月", "处", "起", "例", "篇", "部", "首", "场", "点")
# ...but these are ordinal-like after a number and keep 二 (2级 -> 二级, 2期 -> 二期 are names).
_NOT_MEASURE_FOR_LIANG = ("级", "期", "节", "年级", "层", "号", "月", "日")

_UNIT_WORDS = [
    ("km²", "平方公里"), ("km2", "平方公里"), ("㎞²", "平方公里"),
    ("m²", "平方米"), ("m2", "平方米"), ("m³", "立方米"), ("m3", "立方米"),
    ("kW·h", "千瓦时"), ("kw·h", "千瓦时"), ("kWh", "千瓦时"), ("kwh", "千瓦时"),
    ("km/h", "公里每小时"), ("m/s", "米每秒"),
    ("km", "公里"), ("cm", "厘米"), ("mm", "毫米"), ("kg", "千克"), ("mg", "毫克"),
    ("kW", "千瓦"), ("kw", "千瓦"), ("MW", "兆瓦"), ("mL", "毫升"), ("ml", "毫升"),
    ("min", "分钟"), ("ha", "公顷"),
    ("m", "米"), ("g", "克"), ("t", "吨"), ("L", "升"), ("h", "小时"),
]
_UNIT_SYMBOLS = {"㎡": "平方米", "㎥": "立方米", "㎞": "公里", "㎏": "千克", "㎎": "毫克", "㎝": "厘米",
                 "㎜": "毫米", "㏄": "毫升", "㎖": "毫升", "㎘": "千升", "℃": "摄氏度", "℉": "华氏度"}

_PHONE_WORDS = ("电话", "热线", "手机", "传真", "拨打", "致电", "联系方式", "咨询", "投诉", "举报", "报警",
                "急救", "呼叫", "求助", "号码", "座机", "Tel", "TEL", "tel", "Fax", "FAX")
_CODE_WORDS = ("身份证号码", "身份证号", "身份证", "证件号码", "证件号", "账号", "帐号", "卡号", "编号", "代码",
               "邮编", "邮政编码", "工号", "学号", "准考证号", "登记号", "流水号", "订单号", "序列号",
               "QQ", "微信号", "户号")
_SERVICE_NUMBERS = ("12345", "12315", "12333", "12366", "12348", "12320", "12388", "12358", "12319",
                    "12306", "12369", "12365", "12349", "12395", "12310", "12351", "12328", "12339",
                    "12355", "12356", "12378", "12381", "12393", "12110", "12122", "12338", "12318",
                    "95598", "95588", "95599", "95533", "95566", "95580", "10086", "10010", "10000")
_UNIT_AFTER = "元万亿千百%％‰个人名位家户件项次条款岁年月日号天周分秒度米克吨亩台辆张本套间倍余多"

_ROMAN_UPPER = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"
_ROMAN_LOWER = "ⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹⅺⅻ"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PAREN_NUM = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_DOT_NUM = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
_ROMAN_ASCII = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9,
                "x": 10, "xi": 11, "xii": 12}

# Start of a list item: start of text/line, or after 。；：, possibly after spaces.
_ITEM_START = r"(?:^|(?<=[\n。；;：:]))([ \t\u3000]*)"


def _liang_context(text: str, end: int) -> bool:
    """Is the number ending at ``end`` followed by a measure word (-> 2 is read 两)?"""
    rest = text[end:end + 6].lstrip()
    rest = re.sub(r"^[多余来]", "", rest)
    m = re.match(r"^(?:至|到)\s*\d+(?:\.\d+)?\s*", rest)  # "2至3个": look past the range
    if m:
        rest = rest[m.end():]
    for w in _NOT_MEASURE_FOR_LIANG:
        if rest.startswith(w):
            return False
    return rest.startswith(_MEASURES)


def _item_suffix(text: str, end: int) -> str:
    """"、" after a list marker unless punctuation (or the end) already follows."""
    nxt = text[end:end + 1]
    if not nxt or nxt in _PUNCT or nxt in "、":
        return ""
    return "、"


def _sub(pattern: str, repl, text: str, flags: int = 0) -> str:
    return re.sub(pattern, repl, text, flags=flags)


def _rule_doc_numbers(text: str) -> str:
    # 景府办字〔2024〕28号 / 国发[2014]21号 / 〔2024〕第3号
    def repl(m: re.Match) -> str:
        return f"{read_digits(m.group(1))}年第{cardinal(int(m.group(2)))}号"

    return _sub(r"[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*第?\s*(\d+)\s*号", repl, text)


def _valid_date(y: str, mo: str, d: str | None) -> bool:
    if not (1000 <= int(y) <= 2999 and 1 <= int(mo) <= 12):
        return False
    return d is None or 1 <= int(d) <= 31


def _rule_dates(text: str) -> str:
    # 2024-03-05 / 2024/3/5 / 2024.3.5 (same separator twice), optional trailing 日
    def full(m: re.Match) -> str:
        y, mo, d = m.group(1), m.group(3), m.group(4)
        if not _valid_date(y, mo, d):
            return m.group(0)
        return f"{read_digits(y)}年{cardinal(int(mo))}月{cardinal(int(d))}日"

    text = _sub(r"(?<![\d.])(\d{4})\s*([-/.－])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?:\s*日)?(?![\d.])", full, text)

    # 2024-03 / 2024.3 followed by 月? rarely; keep to the explicit forms above.
    # Year ranges: 2021-2025年, 2021年—2025年, 2021至2025年
    def year_range(m: re.Match) -> str:
        a, b = m.group(1), m.group(3)
        return f"{read_digits(a)}{'年' if m.group(2) else ''}至{read_digits(b)}年"

    text = _sub(r"(?<![\d.])(1\d{3}|2[01]\d{2})\s*(年)?\s*(?:" + _DASH + r"|至|到)\s*(1\d{3}|2[01]\d{2})\s*年", year_range, text)
    # 4-digit year before 年 (also 2024年度)
    text = _sub(r"(?<![\d.])(1\d{3}|20\d{2}|21\d{2})\s*年(?!级)", lambda m: read_digits(m.group(1)) + "年", text)
    # Leading zeros in month/day/clock units: 03月05日 -> 3月5日
    text = _sub(r"(?<![\d.])0(\d)(?=\s*[月日号时点分秒])", r"\1", text)
    return text


def _digits_of(s: str) -> str:
    return re.sub(r"\D", "", s)


def _rule_phones(text: str) -> str:
    # Mobile: (+86) 138 0000 0000 / 138-0000-0000 / 13800000000
    def mobile(m: re.Match) -> str:
        d = _digits_of(m.group(1))
        return " ".join(read_digits(p, yao=True) for p in (d[:3], d[3:7], d[7:]))

    text = _sub(r"(?<![\d.])(?:\+?86[-\s]?)?(1[3-9]\d[-\s]?\d{4}[-\s]?\d{4})(?![\d.])", mobile, text)

    # Landline: 0791-88888888(-123 / 转123), (0791)88888888
    def landline(m: re.Match) -> str:
        out = read_digits(m.group(1), yao=True) + " " + read_digits(m.group(2), yao=True)
        if m.group(3):
            out += "转" + read_digits(m.group(3), yao=True)
        return out

    text = _sub(r"(?<![\d.])[(（]?(0\d{2,3})[)）]?\s*[-－—]?\s*(\d{7,8})(?:\s*(?:[-－—]|转)\s*(\d{1,5}))?(?![\d.])",
                landline, text)
    # 400-123-4567 / 800 123 4567
    text = _sub(r"(?<![\d.])([48]00)[-\s]?(\d{3})[-\s]?(\d{4})(?![\d.])",
                lambda m: " ".join(read_digits(g, yao=True) for g in m.groups()), text)

    # Any digit string right after a phone word: 拨打110、120 / 电话：8888888 / 热线12345
    words = "|".join(sorted(map(re.escape, _PHONE_WORDS), key=len, reverse=True))
    num = r"\d{3,}(?:[-－\s]\d{2,})*"

    def keyword(m: re.Match) -> str:
        nums = re.sub(num, lambda n: read_digits(n.group(0), yao=True), m.group(2))
        return m.group(1) + nums

    text = _sub(r"((?:" + words + r")[：:\s为是号码（(）)]{0,4})(" + num + r"(?:\s*[、/或和及，,]\s*" + num + r")*)(?![\d.])"
                r"(?!\s*[" + _UNIT_AFTER + r"])", keyword, text)
    # 110/119/120/122 followed by an emergency word
    text = _sub(r"(?<![\d.第])(110|119|120|122)(?=报警|急救|火警|求助|指挥|电话|热线)",
                lambda m: read_digits(m.group(1), yao=True), text)
    # Well-known service numbers, unless a unit follows (12345元 is an amount)
    services = "|".join(_SERVICE_NUMBERS)
    text = _sub(r"(?<![\d.第])(" + services + r")(?![\d.])(?!\s*[" + _UNIT_AFTER + r"])",
                lambda m: read_digits(m.group(1), yao=True), text)
    return text


def _rule_codes(text: str) -> str:
    # ID card number (18, last may be X)
    text = _sub(r"(?<![\dA-Za-z])(\d{17}[\dXx])(?![\dA-Za-z])", lambda m: read_digits(m.group(1), yao=True), text)
    # Alphanumeric codes (统一社会信用代码 91360100MA35XXXXX): digits + capital letters, >= 8 chars
    text = _sub(r"(?<![\dA-Za-z])(?=[0-9A-Z]*\d)(?=[0-9A-Z]*[A-Z])([0-9A-Z]{8,})(?![\dA-Za-z])",
                lambda m: read_digits(m.group(1), yao=True), text)
    # Digit strings after a code word: 邮编：330000 / 账号 6222 0000 1111
    words = "|".join(sorted(map(re.escape, _CODE_WORDS), key=len, reverse=True))
    text = _sub(r"((?:" + words + r")[：:\s为是（(）)]{0,4})(\d[\d\s-]*\d)(?![\d.])",
                lambda m: m.group(1) + read_digits(m.group(2), yao=True), text)
    # Very long digit strings (bank cards ...): beyond any amount in a disclosure document
    text = _sub(r"(?<![\d.])(\d{13,})(?![\d.])", lambda m: read_digits(m.group(1), yao=True), text)
    return text


def _rule_ranges(text: str) -> str:
    # 15%-20% / 15-20% -> 15%至20%
    text = _sub(r"(?<![\d.])(" + _NUM + r")\s*([%％‰])?\s*" + _DASH + r"\s*(" + _NUM + r")\s*([%％‰])",
                lambda m: f"{m.group(1)}{m.group(2) or m.group(4)}至{m.group(3)}{m.group(4)}", text)
    # 60-70岁 / 60岁-70岁 / 3—5个 / 8:30-12:00 (unit kept on the left if written)
    text = _sub(r"(?<=\d)([岁元个天人年月日号次℃%‰]?)\s*" + _DASH + r"\s*(?=[-−]?\d)", r"\1至", text)
    return text


def _rule_times(text: str) -> str:
    def repl(m: re.Match) -> str:
        h, mi, s = int(m.group(1)), int(m.group(2)), m.group(3)
        if h > 24 or mi > 59 or (s is not None and int(s) > 59):
            return m.group(0)
        out = ("两" if h == 2 else cardinal(h)) + "点"
        if mi or s:
            out += ("零" + cardinal(mi) if 0 < mi < 10 else cardinal(mi)) + "分"
        if s and int(s):
            out += cardinal(int(s)) + "秒"
        return out

    text = _sub(r"(?<![\d.])(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?(?![\d])", repl, text)
    # What is left between two numbers is a ratio: 1:1000 -> 1比1000
    return _sub(r"(?<=\d)\s*[:：]\s*(?=\d)", "比", text)


def _rule_percent_temperature(text: str) -> str:
    def per(prefix: str):
        def repl(m: re.Match) -> str:
            neg = "负" if m.group(1) else ""
            return neg + prefix + read_decimal(m.group(2))
        return repl

    sign = r"((?<![^\s\u3000-\u303f\u4e00-\u9fff（(：:，,至])[-−])?"
    text = _sub(sign + r"(?<![\d.])(" + _NUM + r")\s*[%％]", per("百分之"), text)
    text = _sub(sign + r"(?<![\d.])(" + _NUM + r")\s*‰", per("千分之"), text)

    def temp(m: re.Match) -> str:
        sign = "零下" if m.group(1) else ""
        return sign + read_decimal(m.group(2)) + "摄氏度"

    text = _sub(r"(?<![\d.])([-−－]|零下)?(" + _NUM + r")\s*(?:℃|°\s?C)", temp, text)
    text = _sub(r"(?<![\d.])([-−－])(?=" + _NUM + r"\s*摄氏度)", "零下", text)
    text = _sub(r"(?<![\d.])(" + _NUM + r")\s*°", lambda m: read_decimal(m.group(1)) + "度", text)
    return text


def _rule_money(text: str) -> str:
    # ¥500 / ￥1200.00万 / $30
    def sym(m: re.Match) -> str:
        unit = "美元" if m.group(1) == "$" else ("欧元" if m.group(1) == "€" else "元")
        return f"{m.group(2)}{m.group(3) or ''}{unit}"

    text = _sub(r"([¥￥$€])\s*(" + _NUM + r")\s*([万亿]?)(?:\s*元)?", sym, text)
    # Drop trailing zeros after the point of amounts: 1200.50元 -> 1200.5元
    def strip(m: re.Match) -> str:
        frac = m.group(2).rstrip("0")
        return m.group(1) + ("." + frac if frac else "")

    text = _sub(r"(?<![\d.])(\d+)\.(\d+)(?=\s*[万亿]?\s*(?:元|美元|欧元))", strip, text)
    return text


def _rule_units(text: str) -> str:
    for sym, word in _UNIT_SYMBOLS.items():
        text = text.replace(sym, word)
    text = text.replace("°C", "摄氏度")
    alts = "|".join(re.escape(u) for u, _ in _UNIT_WORDS)
    table = dict(_UNIT_WORDS)
    # Only right after a number (with an optional space), and not inside a longer word.
    return _sub(r"(?<=\d)(\s?)(" + alts + r")(?![A-Za-z])", lambda m: table[m.group(2)], text)


def _rule_ordinals(text: str) -> str:
    text = _sub(r"(?<![A-Za-z])(?:No|NO|no)\s*[.．]?\s*(\d+)", lambda m: f"第{cardinal(int(m.group(1)))}号", text)
    return _sub(r"第\s*(\d+)", lambda m: "第" + cardinal(int(m.group(1))), text)


def _marker_context(src: str, start: int, end: int) -> tuple[bool, bool]:
    """(at_item_start, inline_reference) for a list marker at src[start:end]."""
    k = start - 1
    while k >= 0 and src[k] in " \t\u3000":
        k -= 1
    at_start = k < 0 or src[k] in "\n。；;：:，,、"
    inline = (k >= 0 and src[k] == "第") or src[end:end + 1] in _REFERENCE_AFTER
    return at_start, inline


_REFERENCE_AFTER = ("类", "级", "期", "型", "号", "项", "款", "条", "段", "区", "档", "目")


def _marker(word: str, m: re.Match) -> str:
    at_start, inline = _marker_context(m.string, m.start(), m.end())
    if inline or not at_start:
        return word
    return word + _item_suffix(m.string, m.end())


def _rule_list_markers(text: str) -> str:
    # (一) （十二） (1) （12）
    text = _sub(r"[(（]\s*([一二三四五六七八九十]+)\s*[)）]", lambda m: _marker(m.group(1), m), text)
    text = _sub(r"[(（]\s*(\d{1,2})\s*[)）]", lambda m: _marker(cardinal(int(m.group(1))), m), text)

    # 1. / 2) / 3、 / 4． at the start of a line or after 。；： (not a decimal)
    def arabic(m: re.Match) -> str:
        return m.group(1) + cardinal(int(m.group(2))) + "、"

    text = _sub(_ITEM_START + r"(\d{1,2})[ \t]*(?:[.．](?!\d)|[)）、])[ \t\u3000]*", arabic, text, flags=re.M)

    # Roman numerals in ASCII as item markers: "iii." / "II、" at an item start, "(iv)" anywhere
    romans = r"(?:viii|vii|iii|xii|ii|iv|vi|ix|xi|i|v|x|VIII|VII|III|XII|II|IV|VI|IX|XI|I|V|X)"
    text = _sub(_ITEM_START + r"(" + romans + r")[ \t]*[.．)）、][ \t\u3000]*",
                lambda m: m.group(1) + cardinal(_ROMAN_ASCII[m.group(2).lower()]) + "、", text, flags=re.M)
    text = _sub(r"[(（](" + romans + r")[)）]",
                lambda m: _marker(cardinal(_ROMAN_ASCII[m.group(1).lower()]), m), text)

    # ① ⑵ ⒊ Ⅱ ⅲ
    table = {}
    for seq in (_CIRCLED, _PAREN_NUM, _DOT_NUM, _ROMAN_UPPER, _ROMAN_LOWER):
        for idx, ch in enumerate(seq):
            table[ch] = idx + 1
    return re.sub("[" + "".join(table) + "]", lambda m: _marker(cardinal(table[m.group(0)]), m), text)


def _rule_fractions(text: str) -> str:
    return _sub(r"(?<![\d./])(\d+)\s*/\s*(\d+)(?![\d./])",
                lambda m: f"{cardinal(int(m.group(2)))}分之{cardinal(int(m.group(1)))}", text)


def _rule_numbers(text: str) -> str:
    def repl(m: re.Match) -> str:
        sign, digits, frac = m.group(1), m.group(2), m.group(3)
        neg = "负" if sign else ""
        if frac is None and len(digits) > 1 and digits.startswith("0"):
            return neg + read_digits(digits, yao=True)   # 007, 0791: a code
        if frac is None and len(digits) >= 13:
            return neg + read_digits(digits, yao=True)
        if frac is not None:
            return neg + read_decimal(digits + "." + frac)
        return neg + cardinal(int(digits), liang=_liang_context(m.string, m.end()))

    # A minus sign only counts at the start or after a space / Chinese text (not "A-3").
    return _sub(r"((?<![^\s\u3000-\u303f\u4e00-\u9fff（(：:，,])[-−](?=\d))?(?<![\d.])(\d+)(?:\.(\d+))?(?![\d])",
                repl, text)


def _rule_acronyms(text: str) -> str:
    return _sub(r"(?<![A-Za-z])([A-Z]{2,6})(?![A-Za-z])", lambda m: " ".join(m.group(1)), text)


def _rule_symbols(text: str) -> str:
    text = text.replace("&", "和")
    return text


def normalize(text: str) -> str:
    """Rewrite written forms as the Chinese a Mandarin speaker would read aloud.

    See the module docstring for the reading decisions.  Text that no rule matches is returned
    unchanged.
    """
    text = text.translate(_FULLWIDTH)
    text = _sub(r"(?<![\d,])(\d{1,3}(?:,\d{3})+)(?![\d,])", lambda m: m.group(1).replace(",", ""), text)
    text = _rule_doc_numbers(text)
    text = _rule_dates(text)
    text = _rule_phones(text)
    text = _rule_codes(text)
    text = _rule_ranges(text)
    text = _rule_times(text)
    text = _rule_percent_temperature(text)
    text = _rule_money(text)
    text = _rule_units(text)
    text = _rule_ordinals(text)
    text = _rule_list_markers(text)
    text = _rule_fractions(text)
    text = _rule_numbers(text)
    text = _rule_acronyms(text)
    text = _rule_symbols(text)
    return text
