"""A document cut into passages: the pieces a question is answered from.

A law or regulation is cut at its articles (a paragraph that starts 第…条, with the paragraphs up
to the next article); any other text at its paragraphs, joined while they stay short and cut at
sentence ends where one paragraph alone is long. A passage knows the paragraph it starts at (the
document screen opens there) and a label a citizen can read (第十条, 第3段).

Passages are derived from a document's body alone, deterministically, so the publisher's ``pack``
and the kiosk cut them alike and a passage's vector (catalog.answers.vectors) can be keyed by its text.
"""

from __future__ import annotations

import re

from catalog.model import Document, Passage

# Lengths in characters. A passage aims at TARGET and never goes above MAX; a shorter paragraph
# is joined to the next one while the sum stays under TARGET.
TARGET = 200
MAX = 320
MIN = 40

_NUM = "一二三四五六七八九十百千零〇两0-9０-９"
ARTICLE = re.compile(rf"^\s*(第[{_NUM}]+条(?:之[{_NUM}]+)?)[\s　]*")
HEADING = re.compile(rf"^\s*第[{_NUM}]+[编章节](?:\s|　|$)")
_SENTENCE_END = re.compile(r"(?<=[。；！？!?;])")


def _pieces(text: str) -> list[str]:
    """``text`` cut at sentence ends into pieces of at most MAX characters."""
    if len(text) <= MAX:
        return [text]
    out, cur = [], ""
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > MAX:  # a sentence longer than MAX: cut it hard
            if cur:
                out.append(cur)
                cur = ""
            out.append(sentence[:MAX])
            sentence = sentence[MAX:]
        if len(cur) + len(sentence) > TARGET and cur:
            out.append(cur)
            cur = ""
        cur += sentence
    if cur:
        if len(cur) < MIN and out and len(out[-1]) + len(cur) <= MAX:
            out[-1] += cur
        else:
            out.append(cur)
    return out


def split(doc: Document) -> list[Passage]:
    return split_text(doc.id, doc.body)


def split_text(doc_id: str, body: str) -> list[Passage]:
    paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
    articles = sum(1 for p in paragraphs if ARTICLE.match(p))
    # (start paragraph, label, text) before numbering
    raw: list[tuple[int, str, str]] = []
    if articles >= 2:
        current: tuple[int, str, list[str]] | None = None
        preamble: list[tuple[int, str]] = []
        for i, p in enumerate(paragraphs):
            m = ARTICLE.match(p)
            if m:
                if current:
                    raw.append((current[0], current[1], "\n".join(current[2])))
                current = (i, m.group(1), [p])
            elif HEADING.match(p) and len(p) <= 40:
                if current:
                    raw.append((current[0], current[1], "\n".join(current[2])))
                    current = None
            elif current:
                current[2].append(p)
            else:
                preamble.append((i, p))
        if current:
            raw.append((current[0], current[1], "\n".join(current[2])))
        if preamble:
            raw[:0] = _joined(preamble)
    else:
        raw = _joined(list(enumerate(paragraphs)))
    out: list[Passage] = []
    for start, label, text in raw:
        for piece in _pieces(text):
            out.append(Passage(doc_id, len(out), start, label, piece))
    return out


def _joined(paragraphs: list[tuple[int, str]]) -> list[tuple[int, str, str]]:
    """Consecutive short paragraphs joined up to TARGET characters."""
    out: list[tuple[int, str, str]] = []
    start, buf = None, []
    for i, p in paragraphs:
        if buf and sum(len(b) for b in buf) + len(p) > TARGET:
            out.append((start, f"第{start + 1}段", "\n".join(buf)))
            start, buf = None, []
        if start is None:
            start = i
        buf.append(p)
    if buf:
        out.append((start, f"第{start + 1}段", "\n".join(buf)))
    return out


def indexed_text(doc_title: str, text: str) -> str:
    """What the passage index and the vectors see: the document's title, then the passage's text
    (a question that names the law should find that law's articles)."""
    return f"{doc_title}\n{text}"
