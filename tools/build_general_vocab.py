"""Build resources/general_vocab.tsv.gz: everyday Chinese words with their pinyin, for the
on-screen keyboard's candidates beside the catalogue's own words (catalog/search/general.py).

Source: jieba 0.42.1's dictionary (MIT; ``jieba/dict.txt``: word, frequency, tag), the one the
catalogue's segmenter already uses. Kept: words of Han characters only, of 2 to 6 characters, with
a frequency of at least 30; and words of 3 or 4 characters with any frequency (jieba gives many
everyday phrases only its placeholder frequency 3: 多少钱, 营业时间), which are offered only when
their whole spelling is typed. Each line: word, frequency, full pinyin, 模糊音 key, initials (the
columns of the catalogue's ``vocab`` table), of the word's likely reading (pypinyin's phrase
analysis, as for the catalogue). Deterministic: the same jieba and pypinyin give the same file.

    .venv/bin/python tools/build_general_vocab.py [OUT]
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from catalog.search.pinyin import word_keys  # noqa: E402

HAN = re.compile(r"^[\u4e00-\u9fff]{2,6}$")
MIN_FREQ = 30          # any length
PHRASE_LENGTHS = (3, 4)  # these at any frequency, for their whole spelling only


def main(argv: list[str] | None = None) -> int:
    import jieba

    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else REPO / "resources" / "general_vocab.tsv.gz"
    source = Path(jieba.__file__).parent / "dict.txt"
    lines = []
    for raw in source.read_text(encoding="utf-8").splitlines():
        parts = raw.split()
        if len(parts) < 2 or not HAN.match(parts[0]):
            continue
        word, freq = parts[0], int(parts[1])
        if freq < MIN_FREQ and len(word) not in PHRASE_LENGTHS:
            continue
        py, fz, ini = word_keys(word)
        if py.isascii() and py.isalpha():
            lines.append(f"{word}\t{freq}\t{py}\t{fz}\t{ini}")
    lines.sort()
    data = ("\n".join(lines) + "\n").encode("utf-8")
    with open(out, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
        gz.write(data)
    print(f"{len(lines)} words from {source} (jieba {jieba.__version__}) -> {out} "
          f"({out.stat().st_size / 2**20:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
