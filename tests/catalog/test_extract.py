"""Printed extracts (catalog.extract): read the PDFs back with pypdf and poppler's tools."""

import re
import shutil
import subprocess
import sys
import unicodedata
from collections import Counter
from datetime import datetime

import pypdf
import pytest

from catalog import extract as ex
from catalog.catalogue import Catalog
from catalog.errors import CatalogError
from catalog.extract.font import REPLACEMENT, get_font
from catalog.extract.linebreak import NO_LINE_END, NO_LINE_START
from catalog.model import Document, Domain
from pkgtools import REPO

NOW = datetime(2025, 3, 5, 9, 30)
KIOSK = "某某镇便民服务中心查询机"

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


@pytest.fixture(scope="module")
def store(demo_dir):
    with Catalog.open(demo_dir) as cat:
        yield cat.store


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdftext(path, *, layout=False) -> list[str]:
    """The text of each page (pdftotext; pages are separated by form feeds)."""
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(path), "-"]
    out = subprocess.run(args, capture_output=True, check=True).stdout.decode("utf-8")
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def longest_law(store):
    return max((d for d in store.documents() if d.id.startswith("law-")), key=lambda d: len(d.body))


# ---------------------------------------------------------------------------------------------
# paragraphs and ranges

def test_paragraph_numbering_is_the_documents(store):
    for doc in list(store.documents())[:80]:
        assert ex.paragraphs(doc.body) == [p.strip() for p in doc.paragraphs]
    assert ex.paragraphs("　　甲\n\n  \n乙 \r\n") == ["甲", "乙"]
    assert ex.paragraphs("") == [] and ex.paragraphs(None) == []


@pytest.mark.parametrize("spec, expected", [
    ("3-7,9", [3, 4, 5, 6, 7, 9]),
    ("9,3-4,4", [3, 4, 9]),
    ("３－５，８", [3, 4, 5, 8]),       # full-width, as a pinyin keyboard types it
    ("2至4、6", [2, 3, 4, 6]),
    (" 1 - 2 ; 5 ", [1, 2, 5]),
    ("7", [7]),
])
def test_parse_ranges(spec, expected):
    assert ex.parse_ranges(spec, total=10) == expected


@pytest.mark.parametrize("spec, words", [
    ("", "填写"), ("abc", "看不懂"), ("7-3", "不能大于"), ("0-2", "从 1 开始"),
    ("3-12", "只有 10 段"), ("3-", "看不懂"), ("1-2-3", "看不懂"), (",", "填写"),
])
def test_parse_ranges_refuses_in_chinese(spec, words):
    with pytest.raises(ex.ExtractError) as e:
        ex.parse_ranges(spec, total=10)
    assert isinstance(e.value, CatalogError)
    assert words in str(e.value) and re.search(r"[\u4e00-\u9fff]", str(e.value))


def test_unknown_ids_and_bad_paragraphs_refuse(store, tmp_path):
    with pytest.raises(ex.ExtractError, match="找不到"):
        ex.extract_document(store, "no-such-doc", tmp_path / "x.pdf")
    with pytest.raises(ex.ExtractError, match="找不到"):
        ex.extract_faq(store, "no-such-faq", tmp_path / "x.pdf")
    with pytest.raises(ex.ExtractError, match="找不到"):
        ex.extract_item(store, "no-such-item", tmp_path / "x.pdf")
    doc = store.document("seed-2021-lp")
    n = len(ex.paragraphs(doc.body))
    with pytest.raises(ex.ExtractError, match=f"只有 {n} 段"):
        ex.extract_document(store, doc.id, tmp_path / "x.pdf", paragraphs=f"1-{n + 1}")
    with pytest.raises(ex.ExtractError, match=f"只有 {n} 段"):
        ex.extract_document(store, doc.id, tmp_path / "x.pdf", paragraphs=[0, 2])
    assert not (tmp_path / "x.pdf").exists()


# ---------------------------------------------------------------------------------------------
# a document extract

@needs_poppler
def test_document_header_chosen_paragraphs_and_omission_marks(store, tmp_path):
    doc = store.document("seed-2021-lp")
    paras = ex.paragraphs(doc.body)
    total = len(paras)
    r = ex.extract_document(store, doc.id, tmp_path / "d.pdf", paragraphs="2-3,9", kiosk_name=KIOSK, now=NOW)
    assert r.pages == 1 and r.paragraphs == [2, 3, 9] and r.replaced == []
    (page,) = pdftext(r.path)
    text = squash(page)
    domains = {d.id: d.name for d in store.domains()}
    for label, value in [("文号", doc.doc_number), ("发文机关", doc.issuer), ("成文日期", "2021年7月30日"),
                         ("有效性", "现行有效"), ("索引号", "—"), ("领域", domains[doc.domains[0]])]:
        assert squash(f"{label}：{value}") in text, label
    assert squash(doc.title) in text
    for n in (2, 3, 9):
        assert f"第{n}段" in text and squash(paras[n - 1]) in text
    body = text[text.index("……（此处略去第1段）……"):text.index(ex.DISCLAIMER)]  # below the header
    shown = squash(" ".join(paras[n - 1] for n in (2, 3, 9)))
    for n in set(range(1, total + 1)) - {2, 3, 9}:
        p = squash(paras[n - 1])
        if p not in shown:
            assert p not in body, f"paragraph {n} should be left out"
    assert re.findall(r"^\s*第(\d+)段\s*$", page, re.M) == ["2", "3", "9"]  # the margin numbers
    assert "……（此处略去第1段）……" in text
    assert "……（此处略去第4–8段）……" in text
    assert f"……（此处略去第10–{total}段）……" in text
    assert ex.DISCLAIMER in text
    assert "第1页/共1页" in text
    assert KIOSK in text and "目录第1版" in text and "打印时间：2025-03-0509:30" in text
    assert "注意：" not in text  # in force: no warning band


@needs_poppler
def test_whole_document_has_no_omission_mark(store, tmp_path):
    doc = store.document("seed-2021-lp")
    r = ex.extract_document(store, doc.id, tmp_path / "d.pdf", now=NOW)
    text = squash("".join(pdftext(r.path)))
    assert "略去" not in text and r.paragraphs == list(range(1, len(doc.paragraphs) + 1))
    assert squash(ex.paragraphs(doc.body)[-1]) in text


@needs_poppler
def test_long_law_numbers_every_page(store, tmp_path):
    law = longest_law(store)
    r = ex.extract_document(store, law.id, tmp_path / "law.pdf", kiosk_name=KIOSK, now=NOW)
    pages = pdftext(r.path)
    assert r.pages > 10 and len(pages) == r.pages == len(pypdf.PdfReader(r.path).pages)
    for k, page in enumerate(pages, 1):
        text = squash(page)
        assert f"第{k}页/共{r.pages}页" in text
        assert ex.DISCLAIMER in text and KIOSK in text
        if k > 1:
            assert squash(law.title) in text  # running header
    whole = squash("".join(pages))
    for p in ex.paragraphs(law.body)[::25]:
        assert squash(p)[:15] in whole


@needs_poppler
def test_font_is_embedded(store, tmp_path):
    r = ex.extract_document(store, "seed-2021-lp", tmp_path / "d.pdf", now=NOW)
    out = subprocess.run(["pdffonts", str(r.path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows
    for row in rows:
        assert "WenQuanYiMicroHei" in row[0]
        assert row[-5] == "yes", row  # emb
    assert (REPO / "resources/fonts/LICENSE-wqy-microhei.txt").exists()


def test_output_is_deterministic_with_a_fixed_clock(store, tmp_path):
    a = ex.extract_document(store, "seed-2021-lp", tmp_path / "a.pdf", paragraphs="1-5", now=NOW)
    b = ex.extract_document(store, "seed-2021-lp", tmp_path / "b.pdf", paragraphs="1-5", now=NOW)
    assert a.path.read_bytes() == b.path.read_bytes()
    c = ex.extract_document(store, "seed-2021-lp", tmp_path / "c.pdf", paragraphs="1-5",
                            now=datetime(2025, 3, 6, 9, 30))
    assert c.path.read_bytes() != a.path.read_bytes()


# ---------------------------------------------------------------------------------------------
# glyphs

def demo_characters(store) -> set[str]:
    chars: set[str] = set()
    for d in store.documents():
        for v in (d.title, d.body, d.doc_number, d.issuer, d.index_number, d.url, d.status, d.kind):
            chars |= set(v or "")
    for f in store.faqs():
        for v in (f.question, f.answer, *f.variants):
            chars |= set(v or "")
    for i in store.items():
        for v in (i.level1, i.level2, i.content, i.basis, i.time_limit, i.subject, i.audience, i.method,
                  *i.channels, *i.level):
            chars |= set(v or "")
    chars |= {c for d in store.domains() for c in d.name}
    return chars - {"\n", "\t"}  # line ends split paragraphs; a tab prints as a space


def test_font_covers_every_printable_character_of_the_demo(store):
    missing = sorted(c for c in demo_characters(store) if not ex.font_covers(c))
    # The demo has one private-use character (U+E723, in 河南省实施《招标投标法》办法), which has no
    # standard meaning and so no glyph in any font; it prints as a visible □ (next test). Any other
    # gap would be a real hole in the font.
    assert all(unicodedata.category(c) == "Co" for c in missing), [hex(ord(c)) for c in missing]
    for ch in "第页共段—–…（）《》〔〕：；，。、？！□":
        assert ex.font_covers(ch), ch


@needs_poppler
def test_a_character_the_font_lacks_prints_as_a_visible_box(store, tmp_path):
    doc = next((d for d in store.documents() if any(not ex.font_covers(c) for c in d.body if c not in "\n\t")),
               None)
    if doc is None:
        pytest.skip("the demo has no character the font lacks")
    bad = [c for c in doc.body if c not in "\n\t" and not ex.font_covers(c)]
    n = next(k for k, p in enumerate(ex.paragraphs(doc.body), 1) if bad[0] in p)
    r = ex.extract_document(store, doc.id, tmp_path / "d.pdf", paragraphs=[n], now=NOW)
    assert r.replaced == sorted(set(bad) & set(ex.paragraphs(doc.body)[n - 1]))
    text = squash("".join(pdftext(r.path)))
    expected = squash(ex.paragraphs(doc.body)[n - 1]).replace(bad[0], REPLACEMENT)
    assert expected in text


# ---------------------------------------------------------------------------------------------
# Chinese line breaking

SIZE = 10.0


def naive_lines(text: str, width: float) -> list[str]:
    """Cut where the line is full, as if there were no rules."""
    face = get_font().face
    lines, cur, used = [], "", 0.0
    for ch in text:
        w = face.charWidths.get(ord(ch), face.defaultWidth) * SIZE / 1000
        if cur and used + w > width + 1e-6:
            lines.append(cur)
            cur, used = "", 0.0
        cur += ch
        used += w
    return lines + [cur] if cur else lines


def check_rules(lines: list[str]) -> None:
    for k, line in enumerate(lines):
        assert line, lines
        if k > 0:
            assert line[0] not in NO_LINE_START, (k, lines)
        if k < len(lines) - 1:
            assert line[-1] not in NO_LINE_END, (k, lines)
            assert not (line[-1] in "…—" and lines[k + 1][0] == line[-1]), lines


FILL = "政务公开查询机打印摘录"


def crafted() -> list[str]:
    """Paragraphs whose natural break at a 10-character measure lands on a forbidden character."""
    out = []
    for ch in "。，、；：？！）》」』":  # must not start a line: put it 11th
        out.append(FILL[:10] + ch + FILL * 2)
    for ch in "（《「『":  # must not end a line: put it 10th
        out.append(FILL[:9] + ch + "示例" + ch.translate(str.maketrans("（《「『", "）》」』")) + FILL * 2)
    out.append(FILL[:9] + "）。" + FILL)  # two closing marks in a row
    out.append(FILL[:9] + "……" + FILL)  # an ellipsis is never split
    out.append(FILL[:9] + "——" + FILL)
    return out


@pytest.mark.parametrize("text", crafted())
def test_line_breaking_keeps_the_chinese_rules(text):
    width = 10 * SIZE
    naive = naive_lines(text, width)
    with pytest.raises(AssertionError):  # the test text really is a trap
        check_rules(naive)
    lines = ex.break_lines(text, [width], SIZE)
    check_rules(lines)
    assert "".join(lines) == text
    font = get_font()
    for line in lines:
        assert font.stringWidth(line, SIZE) <= width + 1e-6


def test_line_breaking_keeps_numbers_whole():
    text = FILL[:8] + "2024年" + FILL  # "2024" straddles the natural break
    lines = ex.break_lines(text, [10 * SIZE], SIZE)
    assert any(line.startswith("2024") or line.endswith("2024年") for line in lines), lines
    assert not any(re.search(r"\d$", line) for line in lines[:-1]), lines
    url = "https://www.example.gov.cn/" + "a" * 200  # longer than a line: cut where full
    lines = ex.break_lines(url, [50 * SIZE], SIZE)
    assert "".join(lines) == url and len(lines) > 1


class FakeStore:
    """Just enough of Store for extract_document, holding one crafted document."""

    def __init__(self, body: str):
        self.doc = Document(id="t-1", title="断行测试", kind="政策文件", doc_number="测试〔2025〕1号",
                            index_number="000000000/2025-00001", issuer="测试机关", region=None,
                            written="2025-01-02", published="2025-01-03", status="现行有效", domains=["x"],
                            items=[], interprets=None, url=None, body=body, attachments=[])

    def document(self, doc_id):
        return self.doc if doc_id == self.doc.id else None

    def domains(self):
        return [Domain("x", "测试领域", 1, True)]

    def meta(self):
        return {"sequence": 7}


@needs_poppler
def test_line_breaking_rules_hold_in_the_printed_pdf(tmp_path):
    # long paragraphs with a forbidden character every few characters, at both sizes
    marks = "。，、；：？！）》」』（《「『"
    body = "\n".join(
        "".join(FILL[(k * 7 + j) % len(FILL)] + (marks[(k + j) % len(marks)] if j % 3 == 0 else "")
                for j in range(150))
        for k in range(12))
    store = FakeStore(body)
    for large in (False, True):
        r = ex.extract_document(store, "t-1", tmp_path / f"t{large}.pdf", large=large, now=NOW)
        lines = []
        for page in pdftext(r.path):
            for line in page.splitlines():
                line = line.replace(" ", "")
                if line and set(line) <= set(FILL + marks):  # a line of the crafted body
                    lines.append(line)
        assert len(lines) > 30
        for k, line in enumerate(lines):
            assert line[0] not in NO_LINE_START, line
            assert line[-1] not in NO_LINE_END, line
        assert "".join(lines) == body.replace("\n", "")  # every character, in order, once
        assert "测试〔2025〕1号" in squash("".join(pdftext(r.path)))
        assert "目录第7版" in squash("".join(pdftext(r.path)))


@needs_poppler
def test_a_paragraph_longer_than_a_page_flows_on(tmp_path):
    body = "第一段很短。\n" + "".join(FILL[k % len(FILL)] + ("，" if k % 13 == 12 else "") for k in range(6000))
    body += "\n最后一段。"
    r = ex.extract_document(FakeStore(body), "t-1", tmp_path / "long.pdf", paragraphs="2-3", now=NOW)
    pages = pdftext(r.path)
    assert r.pages >= 3 == len(ex.paragraphs(body))
    text = squash("".join(pages))
    assert "……（此处略去第1段）……" in text and "最后一段。" in text and "第一段很短" not in text
    for page in pages[:-1]:
        assert re.search(r"^\s*第2段\s*$", page, re.M)  # its number again on each page it reaches
    lines = [line.replace(" ", "") for page in pages for line in page.splitlines()
             if line.strip() and set(line.replace(" ", "")) <= set(FILL + "，")]
    assert "".join(lines) == ex.paragraphs(body)[1]


def test_extract_dispatches_by_kind(store, tmp_path):
    faq = store.faqs()[0]
    assert ex.extract(store, tmp_path / "f.pdf", faq_id=faq.id, now=NOW).pages == 1
    assert ex.extract(store, tmp_path / "d.pdf", doc_id="seed-2021-lp", paragraphs="1", now=NOW).paragraphs == [1]
    with pytest.raises(ex.ExtractError, match="只选一个"):
        ex.extract(store, tmp_path / "x.pdf", doc_id="seed-2021-lp", faq_id=faq.id)
    with pytest.raises(ex.ExtractError, match="按段落"):
        ex.extract(store, tmp_path / "x.pdf", faq_id=faq.id, paragraphs="1-2")


# ---------------------------------------------------------------------------------------------
# QR code, warning band, rendering, large print

@needs_poppler
def test_qr_code_and_url_for_a_document_with_a_url(store, tmp_path):
    doc = max((d for d in store.documents() if d.url), key=lambda d: len(d.url))
    r = ex.extract_document(store, doc.id, tmp_path / "u.pdf", now=NOW)
    text = squash(pdftext(r.path)[0])
    assert "扫码查看原文" in text and squash(doc.url) in text
    content = pypdf.PdfReader(r.path).pages[0].get_contents().get_data()
    assert content.count(b" re") > 100  # the QR code's modules, drawn as rectangles
    plain = ex.extract_document(store, "seed-2021-lp", tmp_path / "p.pdf", now=NOW)
    assert "扫码" not in squash(pdftext(plain.path)[0])
    assert pypdf.PdfReader(plain.path).pages[0].get_contents().get_data().count(b" re") < 20


@needs_poppler
def test_warning_band_for_an_abolished_document(store, tmp_path):
    abolished = [d for d in store.documents() if "废止" in d.status]
    assert len(abolished) >= 1
    doc = abolished[0]
    r = ex.extract_document(store, doc.id, tmp_path / "a.pdf", now=NOW)
    pages = pdftext(r.path)
    assert "注意：本文件已废止，仅供查阅" in squash(pages[0])
    assert f"有效性：{doc.status}" in squash(pages[0])
    content = pypdf.PdfReader(r.path).pages[0].get_contents().get_data()
    assert b".85 .85 .85 rg" in content  # the grey box behind it
    for later in pages[1:]:
        assert f"【{doc.status}】" in squash(later)  # the running header says so on every page
    amended = next((d for d in store.documents() if "修改" in d.status), None)
    if amended:
        r = ex.extract_document(store, amended.id, tmp_path / "m.pdf", paragraphs="1", now=NOW)
        assert "注意：本文件已被修改" in squash(pdftext(r.path)[0])


def gray_pages(pdf, tmp_path, dpi=50):
    """Each page rendered to 8-bit grey (PGM, P5), as (width, height, pixels)."""
    prefix = tmp_path / "render"
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(pdf), str(prefix)], check=True)  # -gray: PGM
    out = []
    for f in sorted(tmp_path.glob("render*.pgm")):
        data = f.read_bytes()
        fields = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
        w, h = int(fields[1]), int(fields[2])
        out.append((w, h, data[fields.end():fields.end() + w * h]))
    return out


@needs_poppler
def test_rendered_pages_are_not_blank(store, tmp_path):
    law = longest_law(store)
    r = ex.extract_document(store, law.id, tmp_path / "law.pdf", paragraphs="1-60", now=NOW)
    pages = gray_pages(r.path, tmp_path)
    assert len(pages) == r.pages >= 2
    for w, h, pixels in pages:
        assert len(pixels) == w * h
        above_footer = pixels[:w * int(h * 0.85)]
        inked = sum(1 for p in above_footer if p < 250)
        assert inked / len(above_footer) > 0.002  # text above the footer, not a blank sheet
    assert sum(1 for p in pages[0][2] if p < 250) / len(pages[0][2]) > 0.05  # a full page is well inked


@needs_poppler
def test_large_print(store, tmp_path):
    law = longest_law(store)
    normal = ex.extract_document(store, law.id, tmp_path / "n.pdf", paragraphs="1-80", now=NOW)
    large = ex.extract_document(store, law.id, tmp_path / "l.pdf", paragraphs="1-80", large=True, now=NOW)
    assert large.pages > normal.pages

    def body_size(path):
        sizes = Counter()
        for page in pypdf.PdfReader(path).pages:
            for m in re.finditer(rb"/F\d+\+0 ([\d.]+) Tf", page.get_contents().get_data()):
                sizes[float(m[1])] += 1
        return sizes.most_common(1)[0][0]

    assert 11 <= body_size(normal.path) <= 12
    assert body_size(large.path) >= 18

    def longest_line(path):
        return max(len(line.strip()) for page in pdftext(path, layout=True) for line in page.splitlines()
                   if line.strip().startswith("第") is False and len(line.strip()) > 5)

    assert longest_line(large.path) < longest_line(normal.path)
    text = squash("".join(pdftext(large.path)))
    for p in ex.paragraphs(law.body)[:80:10]:
        assert squash(p) in text


# ---------------------------------------------------------------------------------------------
# FAQ and 标准目录 item

@needs_poppler
def test_faq_extract(store, tmp_path):
    faq = next(f for f in store.faqs() if f.documents)
    r = ex.extract_faq(store, faq.id, tmp_path / "f.pdf", kiosk_name=KIOSK, now=NOW)
    text = squash("".join(pdftext(r.path)))
    assert squash(faq.question) in text and squash(faq.answer) in text
    assert "政策依据" in text and ex.DISCLAIMER in text and "第1页/共1页" in text
    for d in store.documents(faq.documents):
        assert squash(d.title) in text
        if d.doc_number:
            assert squash(d.doc_number) in text


@needs_poppler
def test_item_extract(store, tmp_path):
    item = next(i for i in store.items() if store.documents_for_item(i.id) and i.content and i.basis)
    r = ex.extract_item(store, item.id, tmp_path / "i.pdf", large=True, now=NOW)
    text = squash("".join(pdftext(r.path))).replace("扫码查看原文", "")  # the QR's caption, beside the fields
    for label, value in [("一级事项", item.level1), ("二级事项", item.level2), ("公开内容", item.content),
                         ("公开依据", item.basis), ("公开时限", item.time_limit), ("公开主体", item.subject),
                         ("公开渠道", "、".join(item.channels)), ("公开对象", item.audience),
                         ("公开方式", item.method), ("公开层级", "、".join(item.level))]:
        if value:
            assert squash(f"{label}：{value}") in text, label
    assert "相关文件" in text
    for d in store.documents(store.documents_for_item(item.id)):
        assert squash(d.title) in text
    assert ex.DISCLAIMER in text


def test_extract_does_not_import_qt():
    code = ("import sys, catalog.extract; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6', 'shiboken6')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
