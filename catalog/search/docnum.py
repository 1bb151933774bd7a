"""文号 (document numbers) in the forms people type them.

景府办字〔2024〕28号, 景府办字[2024]28号, 景府办字（2024）28号, 景府办字2024年28号 and "2024 28号" all
mean the same number; 国务院令第711号 and 国务院令711号 too. Both the catalogue's numbers and the
query are reduced to the same keys: ``2024-28`` and ``景府办字2024-28``; ``令711`` and ``国务院令711``.
"""

from __future__ import annotations

import re
import unicodedata

_OPEN = "〔[［(（【{｛〖<《"
_CLOSE = "〕]］)）】}｝〗>》"
_YEAR_NUM = re.compile(r"^(?P<prefix>.*?)[" + re.escape(_OPEN) + r"]?\s*(?P<year>(?:19|20)\d{2})\s*["
                       + re.escape(_CLOSE) + r"年]?\s*第?\s*(?P<num>\d{1,5})\s*号?$")
_ORDER = re.compile(r"^(?P<prefix>.*?令)\s*第?\s*(?P<num>\d{1,5})\s*号?$")
_ORDER_AFTER = re.compile(r"^(?P<prefix>.*?)第?\s*(?P<num>\d{1,5})\s*号令$")  # 国务院第271号令


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    return re.sub(r"\s+", " ", text)


def keys(text: str | None) -> list[str]:
    """Normalised keys of a 文号, or [] when ``text`` is not one."""
    if not text:
        return []
    t = _clean(text)
    m = _YEAR_NUM.match(t)
    if m:
        prefix = m.group("prefix").strip().replace(" ", "")
        core = f"{m.group('year')}-{int(m.group('num'))}"
        return [core] + ([prefix + core] if prefix else [])
    m = _ORDER.match(t) or _ORDER_AFTER.match(t)
    if m:
        prefix = m.group("prefix").strip().replace(" ", "")
        if not prefix.endswith("令"):
            prefix += "令"
        core = f"令{int(m.group('num'))}"
        out = [core]
        if len(prefix) > 1:
            out.append(prefix[:-1] + core)
            if prefix.startswith("中华人民共和国") and len(prefix) > 8:
                out.append(prefix[7:-1] + core)
        return out
    return []


def query_keys(query: str) -> list[str]:
    """Keys when the whole query looks like a 文号 (the most specific key first)."""
    ks = keys(query)
    return sorted(ks, key=len, reverse=True)
