"""The masker before issue 13 (catalog/privacy.py at 2b47f86), kept verbatim as the baseline
bench/privacy.py measures the current one against, in the same run. Not used by the product."""


from __future__ import annotations

import re

# digits possibly split by spaces or dashes, as people type long numbers
_DIGITS = re.compile(r"(?<![0-9A-Za-z])\d(?:[\d\s\-－—]{5,30}[\dXx])(?![0-9A-Za-z])")
_NAME_CUES = re.compile(
    r"(我叫|我是|本人|名叫|叫做|姓名[:：]?\s*|名字[是叫:：]?\s*|户主[是:：]?\s*|老人[叫是]|我[妈爸爷奶姥]叫|"
    r"[妈爸爷奶姥]的名字[是叫]?)\s*([\u4e00-\u9fff]{2,3})")
# the commonest surnames (they cover most of the population); a word the segmenter tags as a
# person's name is masked when it starts with one
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "熊常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单"
    "季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查"
    "麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴")
# words the segmenter may tag as names but that are policy words
_NOT_NAMES = {"高龄", "方便", "明白", "包括", "安全", "文化", "和平", "向前", "申请", "江西", "常住",
              "成年", "华侨", "任何", "应当", "万元", "金额", "党员", "史料", "时间", "田地", "林地"}


def _digits_label(run: str) -> str:
    digits = re.sub(r"[^\dXx]", "", run)
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


def mask(text: str) -> str:
    """``text`` with ID-card, phone and bank-card numbers and personal names replaced."""
    if not text:
        return text
    out = _DIGITS.sub(lambda m: _digits_label(m.group()), text)
    out = _NAME_CUES.sub(lambda m: m.group(1) + "[姓名]", out)
    return _mask_tagged_names(out)


def _mask_tagged_names(text: str) -> str:
    from catalog.search.analysis import jieba_module

    jieba_module()
    import jieba.posseg as pseg

    parts = []
    for word, flag in pseg.cut(text):
        if (flag == "nr" and 2 <= len(word) <= 4 and word[0] in SURNAMES and word not in _NOT_NAMES):
            parts.append("[姓名]")
        else:
            parts.append(word)
    return "".join(parts)
