"""The three kinds of extract: a document (all of it or chosen paragraphs, with a header of its
目录 fields and a warning band when it is not 现行有效), a FAQ answer with the documents it cites,
and a 基层政务公开标准目录 item with the documents filed under it; ``extract`` picks one for the CLI."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Iterable

from reportlab.pdfbase import pdfmetrics

from catalog.extract.builder import Builder
from catalog.extract.font import FONT_NAME
from catalog.packaging.records import IN_FORCE
from catalog.extract.ranges import omission_mark, parse_ranges
from catalog.extract.ranges import paragraphs as _split  # a parameter of extract_document hides it
from catalog.extract.result import ExtractError, ExtractResult

MISSING = "—"  # printed for a header field the catalogue does not give


def _status_warning(status: str | None) -> str | None:
    """The warning band's text, or None for a document in force."""
    status = (status or "").strip()
    if not status or status == IN_FORCE:
        return None
    if "废止" in status or "失效" in status:
        return "注意：本文件已废止，仅供查阅"
    if "修改" in status or "修订" in status or "修正" in status:
        return "注意：本文件已被修改，请以修改后的现行文本为准"
    if "未生效" in status:
        return "注意：本文件尚未生效"
    return f"注意：本文件的有效性为“{status}”，请向工作人员核实"


def _status_mark(status: str | None) -> str:
    return "" if not status or status == IN_FORCE else status


def _domain_names(store, ids: Iterable[str]) -> str | None:
    names = {d.id: d.name for d in store.domains()}
    out = [names.get(i, i) for i in ids]
    return "、".join(out) or None


def _date(value: str | None) -> str | None:
    """ISO dates print as 2024年3月5日; anything else prints as it is."""
    if not value:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", value.strip())
    if m:
        return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日"
    return value


def _version(store, catalogue_version):
    if catalogue_version is not None:
        return catalogue_version
    try:
        return store.meta().get("sequence")
    except Exception:  # a store without meta still prints
        return None


def _choose(total: int, chosen) -> list[int]:
    if chosen is None:
        return list(range(1, total + 1))
    if isinstance(chosen, str):
        return parse_ranges(chosen, total)
    numbers = sorted({int(x) for x in chosen})
    if not numbers:
        raise ExtractError("请至少选择一段。", "no paragraphs chosen")
    if numbers[0] < 1 or numbers[-1] > total:
        bad = numbers[-1] if numbers[-1] > total else numbers[0]
        raise ExtractError(f"这份文件只有 {total} 段，没有第 {bad} 段，请重新选择段落。",
                           f"paragraph {bad} outside 1..{total}")
    return numbers


def extract_document(store, doc_id: str, out_path: Path | str, *,
                     paragraphs: str | Iterable[int] | None = None, large: bool = False,
                     kiosk_name: str | None = None, catalogue_version=None,
                     now: datetime | None = None) -> ExtractResult:
    """Print document ``doc_id`` (all of it, or the paragraphs chosen: a range string such as
    "3-7,9" or paragraph numbers, counted as ``paragraphs()`` counts them) to ``out_path``.

    ``catalogue_version`` defaults to the store's package sequence; ``now`` is the print time shown
    (fix it for reproducible output)."""
    doc = store.document(doc_id)
    if doc is None:
        raise ExtractError("找不到这份文件，可能已随目录更新被删除。", f"no document {doc_id}")
    paras = _split(doc.body)
    numbers = _choose(len(paras), paragraphs) if paras else []

    b = Builder(large)
    b.kind_line(f"文件摘录 · {doc.kind}" if doc.kind else "文件摘录")
    b.title(doc.title)
    warning = _status_warning(doc.status)
    if warning:
        b.band(warning)
    # The 目录系统 metadata fields print even when empty ("—"), so every extract reads alike.
    dates = []
    if doc.written:
        dates.append(("成文日期", _date(doc.written)))
    if doc.published or not doc.written:
        dates.append(("发布日期", _date(doc.published) or MISSING))
    b.header([("文号", doc.doc_number or MISSING), ("发文机关", doc.issuer or MISSING), *dates,
              ("有效性", doc.status or MISSING), ("索引号", doc.index_number or MISSING),
              ("领域", _domain_names(store, doc.domains) or MISSING)], doc.url)

    if not paras:
        b.note("（本文件没有正文。）")
    else:
        if len(numbers) < len(paras):
            b.note(f"本摘录只含第{_ranges_text(numbers)}段，共{len(paras)}段。")
        gutter = pdfmetrics.stringWidth(f"第{len(paras)}段", FONT_NAME, b.s.label)
        prev = 0
        for n in numbers:
            if n > prev + 1:
                b.note(omission_mark(prev + 1, n - 1))
            b.body(paras[n - 1], label=f"第{n}段", gutter=gutter)
            prev = n
        if prev < len(paras):
            b.note(omission_mark(prev + 1, len(paras)))
    path, pages = b.write(out_path, title=doc.title, running_title=doc.title,
                          status_mark=_status_mark(doc.status), kiosk_name=kiosk_name,
                          catalogue_version=_version(store, catalogue_version), now=now)
    return ExtractResult(path, pages, numbers, sorted(b.replaced))


def _ranges_text(numbers: list[int]) -> str:
    """[3,4,5,9] -> "3–5、9"."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return "、".join(str(a) if a == z else f"{a}–{z}" for a, z in spans)


def extract(store, out_path: Path | str, *, doc_id: str | None = None, faq_id: str | None = None,
            item_id: str | None = None, paragraphs: str | Iterable[int] | None = None,
            large: bool = False, kiosk_name: str | None = None, catalogue_version=None,
            now: datetime | None = None) -> ExtractResult:
    """One entry point for the CLI (``extract (DOC_ID | --faq ID | --item ID) [--paragraphs ..]``):
    exactly one of ``doc_id``, ``faq_id``, ``item_id``; ``paragraphs`` only with a document."""
    if sum(x is not None for x in (doc_id, faq_id, item_id)) != 1:
        raise ExtractError("请指定一份文件、一条问答或一个公开事项（只选一个）。",
                           f"doc={doc_id} faq={faq_id} item={item_id}")
    common = dict(large=large, kiosk_name=kiosk_name, catalogue_version=catalogue_version, now=now)
    if doc_id is not None:
        return extract_document(store, doc_id, out_path, paragraphs=paragraphs, **common)
    if paragraphs is not None:
        raise ExtractError("只有文件可以按段落打印；问答和公开事项会整篇打印。", "paragraphs without a document")
    if faq_id is not None:
        return extract_faq(store, faq_id, out_path, **common)
    return extract_item(store, item_id, out_path, **common)


def _cited(store, doc_ids: list[str]) -> list[str]:
    out = []
    for d in store.documents(doc_ids):
        text = f"《{d.title}》" if not d.title.startswith("《") else d.title
        if d.doc_number:
            text += f"（{d.doc_number}）"
        if d.issuer:
            text += f"，{d.issuer}"
        if d.status and d.status != IN_FORCE:
            text += f"〔{d.status}〕"
        out.append(text)
    return out


def extract_faq(store, faq_id: str, out_path: Path | str, *, large: bool = False,
                kiosk_name: str | None = None, catalogue_version=None,
                now: datetime | None = None) -> ExtractResult:
    """Print a FAQ: its question, its answer and the documents it cites (政策依据)."""
    faq = store.faq(faq_id)
    if faq is None:
        raise ExtractError("找不到这条问答，可能已随目录更新被删除。", f"no faq {faq_id}")
    b = Builder(large)
    b.kind_line("常见问题解答")
    b.title(faq.question)
    b.header([("领域", _domain_names(store, faq.domains))], None)
    b.heading("解答")
    for para in _split(faq.answer):
        b.body(para)
    cited = _cited(store, faq.documents)
    if cited:
        b.heading("政策依据")
        b.listing(cited)
    path, pages = b.write(out_path, title=faq.question, running_title=faq.question, status_mark="",
                          kiosk_name=kiosk_name, catalogue_version=_version(store, catalogue_version), now=now)
    return ExtractResult(path, pages, [], sorted(b.replaced))


def extract_item(store, item_id: str, out_path: Path | str, *, large: bool = False,
                 kiosk_name: str | None = None, catalogue_version=None,
                 now: datetime | None = None) -> ExtractResult:
    """Print a 基层政务公开标准目录 item: its fields and the documents filed under it."""
    item = store.item(item_id)
    if item is None:
        raise ExtractError("找不到这个公开事项，可能已随目录更新被删除。", f"no item {item_id}")
    name = " — ".join(x for x in (item.level1, item.level2) if x) or item.id
    b = Builder(large)
    b.kind_line("基层政务公开标准目录 · 公开事项")
    b.title(name)
    rows = [("领域", _domain_names(store, [item.domain])),
            ("一级事项", item.level1), ("二级事项", item.level2),
            ("公开内容", item.content), ("公开依据", item.basis), ("公开时限", item.time_limit),
            ("公开主体", item.subject), ("公开渠道", "、".join(item.channels) or None),
            ("公开对象", item.audience), ("公开方式", item.method),
            ("公开层级", "、".join(item.level) or None)]
    source = (item.extra or {}).get("source_url")
    b.header(rows, source if isinstance(source, str) and source else None, url_label="来源网址")
    docs = _cited(store, store.documents_for_item(item_id))
    b.heading("相关文件")
    if docs:
        b.listing(docs)
    else:
        b.note("（本事项下暂无文件。）")
    path, pages = b.write(out_path, title=name, running_title=name, status_mark="",
                          kiosk_name=kiosk_name, catalogue_version=_version(store, catalogue_version), now=now)
    return ExtractResult(path, pages, [], sorted(b.replaced))
