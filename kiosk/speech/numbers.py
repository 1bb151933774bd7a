"""Chinese number words for read-aloud: digit strings, cardinals and decimals as spoken Chinese.

Used by the rules in :mod:`kiosk.speech.normalize`, which decide *which* reading a number in the text
gets (tested in tests/kiosk/test_normalize.py):

* :func:`read_digits`: one digit at a time with 零 (not 〇): 2024 -> 二零二四; ``yao=True`` reads 1 as 幺
  (phone numbers, codes).
* :func:`cardinal`: 10 -> 十, 12 -> 十二 (a leading 一十 becomes 十), 105 -> 一百零五, 1010 -> 一千零一十,
  20000 -> 两万, 2000 -> 两千, 200 -> 二百, 100000000 -> 一亿.  两 is used for a leading 2 before
  千/万/亿, and for a bare 2 only with ``liang=True`` (the caller knows a measure word follows).
* :func:`read_decimal`: digits after the point one by one (3.14 -> 三点一四), 2.5 -> 二点五.
"""
from __future__ import annotations

import re

__all__ = ["read_digits", "cardinal", "read_decimal"]

_DIGIT_WORDS = "零一二三四五六七八九"
_POS_UNITS = ("", "十", "百", "千")
_GROUP_UNITS = ("", "万", "亿", "万亿")


def read_digits(digits: str, yao: bool = False) -> str:
    """Read a digit string one digit at a time ("2024" -> 二零二四; yao: 1 -> 幺)."""
    out = []
    for ch in digits:
        if ch.isdigit():
            word = _DIGIT_WORDS[int(ch)]
            out.append("幺" if yao and ch == "1" else word)
        elif ch.isalpha():
            out.append(f" {ch.upper()} ")
        elif ch in " -－—":
            out.append(" ")
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def _section(n: int, leading: bool) -> str:
    """0 < n < 10000 -> Chinese, without the leading 零 (handled by the caller)."""
    digits = f"{n:04d}"
    out = []
    zero_pending = False
    for idx, ch in enumerate(digits):
        d = int(ch)
        pos = 3 - idx
        if d == 0:
            if out:
                zero_pending = True
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        if d == 2 and pos == 3:
            word = "两"
        else:
            word = _DIGIT_WORDS[d]
        out.append(word + _POS_UNITS[pos])
    text = "".join(out)
    if leading and text.startswith("一十"):
        text = text[1:]  # 10..19 at the start of a number: 十, 十二
    return text


def cardinal(n: int, liang: bool = False) -> str:
    """Integer -> Chinese cardinal.  ``liang``: a bare 2 is read 两 (before a measure word)."""
    if n < 0:
        return "负" + cardinal(-n, liang)
    if n == 0:
        return "零"
    if n == 2:
        return "两" if liang else "二"
    if n >= 10**16:
        return read_digits(str(n))
    groups = []
    m = n
    while m:
        groups.append(m % 10000)
        m //= 10000
    out = []
    zero_pending = False
    for gi in range(len(groups) - 1, -1, -1):
        g = groups[gi]
        if g == 0:
            if out:
                zero_pending = True
            continue
        if out and (zero_pending or g < 1000):
            out.append("零")
        zero_pending = False
        if g == 2 and gi > 0:
            sec = "两"
        else:
            sec = _section(g, leading=not out)
        out.append(sec + _GROUP_UNITS[gi])
    return "".join(out)


def read_decimal(number: str, liang: bool = False) -> str:
    """'3.14' -> 三点一四, '1200' -> 一千二百; a leading '-' -> 负."""
    sign = ""
    if number[:1] in "-−－":
        sign, number = "负", number[1:]
    number = number.lstrip("+")
    if "." in number:
        int_part, frac = number.split(".", 1)
        head = cardinal(int(int_part or "0"))
        return sign + head + "点" + read_digits(frac)
    return sign + cardinal(int(number), liang=liang)
