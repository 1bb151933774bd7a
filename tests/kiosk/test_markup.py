"""Catalogue, package, settings and typed text is shown as plain text on every screen.

A package whose every text field holds markup is imported for real, and each screen is rendered
with it: home, results, document, domain, ask (answer, 您是不是想问, out of scope with the help
contact), print (document, answer, item) and the staff package list, where an unsigned package
tries to pass for a signed one. On each screen the tags must appear as characters: wherever the
marked word is displayed, the ">" of the tag before it is displayed too (a label that rendered the markup
would show the word alone, in red)."""

import copy
import json
import shutil

import pytest
from PySide6.QtGui import QTextDocument
from PySide6.QtGui import Qt  # QtGui's Qt carries mightBeRichText
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QListWidget, QTextEdit, QWidget

from catalog.packaging.datadir import DataDir
from catalog.packaging.packages import import_package
from catalog.packaging.pack import pack
from kiosk import tasks
from kiosk.settings import Settings
from pkgtools import FAQS, build, records, write_source

WORD = "注入"
MARK = f'<b style="color:red">{WORD}</b>'  # rendered as rich text, only 注入 would show, in red
PUBLISHER = f"乙县政务公开办{MARK}"
FILE_MARK = f'<b style="color:red">{WORD}'  # a file name cannot hold the "/" of a closing tag
# an unsigned package trying to pass for a signed one on the staff list
SPOOF = ('乙县<br><font color="green">已签名（签名人可信）</font><!--')


def _mark(value):
    if isinstance(value, str) and value:
        return value + MARK
    if isinstance(value, list):
        return [_mark(v) for v in value]
    return value


def hostile_records() -> dict:
    recs = records(8)
    for d in recs["domain"]:
        d["name"] = _mark(d["name"])
        d["description"] = _mark(d.get("description") or "本领域说明")
    for it in recs["item"]:
        for f in ("level1", "level2", "content", "basis", "time_limit", "subject", "audience", "method"):
            it[f] = _mark(it.get(f) or "内容")
        it["channels"] = _mark(it.get("channels") or ["政府网站"])
        it["level"] = _mark(it.get("level") or ["县级"])
    for doc in recs["document"]:
        for f in ("title", "doc_number", "index_number", "issuer", "region"):
            doc[f] = _mark(doc.get(f) or "文字")
        doc["body"] = "\n".join(p + MARK for p in doc["body"].splitlines() if p.strip())
    recs["document"][0]["attachments"] = [{"path": "files/form.txt", "title": f"申请表{MARK}"}]
    faqs = copy.deepcopy(FAQS)
    for f in faqs:
        f["question"], f["answer"], f["variants"] = _mark(f["question"]), _mark(f["answer"]), _mark(f["variants"])
    recs["faq"] = [f for f in faqs if set(f["documents"]) <= {d["id"] for d in recs["document"]}]
    assert recs["faq"], "the fixture's FAQs cite documents of the first eight"
    return recs


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, keys):
    tmp = tmp_path_factory.mktemp("markup")
    recs = hostile_records()
    pkg = build(tmp, "v1", recs, key=keys.key, publisher=PUBLISHER,
                extra_files={"files/form.txt": "申请表".encode()})
    import_package(tmp / "data", pkg, trust=[keys.pub])
    # an unsigned package on the stick whose publisher tries to fake the signature line
    stick = tmp / "stick"
    stick.mkdir()
    src = write_source(tmp / "src-spoof", recs, sequence=2, publisher=SPOOF,
                       extra_files={"files/form.txt": "申请表".encode()})
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    manifest["region"] = f"乙县{MARK}"
    (src / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    pack(src, stick / f"更新{FILE_MARK}.zip", key=None, vectors=False)
    shutil.copyfile(keys.other_pub, stick / f"公钥{FILE_MARK}.pub")
    return DataDir(tmp / "data"), stick, recs


def shown(widget: QWidget) -> list[str]:
    """The text each visible widget under ``widget`` displays, as a person reads it."""
    out = []
    for w in [widget, *widget.findChildren(QWidget)]:
        if not w.isVisible():
            continue
        if isinstance(w, QLabel):
            text = w.text()
            rich = w.textFormat() == Qt.RichText or (w.textFormat() == Qt.AutoText and Qt.mightBeRichText(text))
            out.append(_plain(text) if rich else text)
        elif isinstance(w, QAbstractButton):
            out.append(w.text().replace("&&", "\0").replace("&", "").replace("\0", "&"))
        elif isinstance(w, QTextEdit):
            out.append(w.toPlainText())
        elif isinstance(w, QLineEdit):
            out.append(w.text())
        elif isinstance(w, QListWidget):
            out += [w.item(i).text() for i in range(w.count())]
        tip = w.toolTip()
        if tip:
            out.append(_plain(tip) if Qt.mightBeRichText(tip) else tip)
    return out


def _plain(html: str) -> str:
    doc = QTextDocument()
    doc.setHtml(html)
    return doc.toPlainText()


def assert_plain(widget: QWidget, where: str, at_least: int = 1) -> str:
    texts = shown(widget)
    joined = "\n".join(texts)
    assert joined.count(WORD) >= at_least, f"{where}: the marked text is not on the screen"
    for t in texts:  # where the word shows, the tag before it shows too, as characters
        assert t.count(WORD) == t.count(f">{WORD}"), f"{where}: markup interpreted in {t!r}"
    return joined


def settle(qtbot, cond=lambda: True, timeout=20000):
    qtbot.waitUntil(lambda: (tasks.wait_idle() or True) and cond(), timeout=timeout)
    qtbot.wait(30)
    tasks.wait_idle()


@pytest.fixture(scope="module")
def win(hostile, qapp):
    from kiosk.window import MainWindow

    data_dir, stick, _ = hostile
    conf = Settings(usb_dirs=str(stick), help_contact=f"请到 3 号窗口{MARK}", kiosk_name=f"一号机{MARK}")
    conf.set_pin("246810")
    w = MainWindow(data_dir, demo=False, settings=conf, kiosk_mode=True)
    w.resize(1920, 1080)
    w.show()
    deadline = 300
    while not getattr(w.home, "tiles", None) and deadline:
        qapp.processEvents()
        tasks.wait_idle()
        deadline -= 1
        import time

        time.sleep(0.1)
    yield w
    w.close()
    w.deleteLater()


def test_home_and_header(qtbot, win):
    settle(qtbot, lambda: bool(win.home.tiles))
    assert_plain(win.home, "home", at_least=3)
    assert_plain(win.header_bar, "header (目录：publisher)")


def test_results(qtbot, win):
    win.show_results("户口")
    settle(qtbot, lambda: win.results.result is not None and win.results.query == "户口")
    assert win.results.result.hits
    assert_plain(win.results, "results", at_least=2)


def test_document(qtbot, win, hostile):
    doc = hostile[2]["document"][0]
    win.show_document(doc["id"])
    settle(qtbot, lambda: win.document.doc is not None and win.document.doc.id == doc["id"])
    text = assert_plain(win.document, "document", at_least=5)
    assert f"申请表{MARK}" in text


def test_domain(qtbot, win, hostile):
    dom = hostile[2]["item"][0]["domain"]
    win.show_domain(dom)
    settle(qtbot, lambda: win.domain.domain is not None and win.domain.domain.id == dom)
    assert_plain(win.domain, "domain", at_least=5)


@pytest.mark.parametrize("question,status", [
    ("新生儿出生后多久要申报户口", "answered"), ("户口", None), ("明天天气怎么样", "out_of_scope")])
def test_ask(qtbot, win, question, status):
    win.show_ask(question)
    settle(qtbot, lambda: win.ask.result is not None and win.ask.question == question)
    if status:
        assert win.ask.result.status == status
    assert_plain(win.ask, f"ask {question}")


def pdf_text(path) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_print_screens(qtbot, win, hostile):
    """The paragraph chooser and attachment list as widgets; the answer and item extracts (shown
    as page images) read back from the real PDF: reportlab draws their text, never parses it."""
    recs = hostile[2]
    win.show_print(recs["document"][0]["id"])
    settle(qtbot, lambda: win.print.list.count() > 0)
    assert_plain(win.print, "print document", at_least=3)
    for show, ref in ((win.show_print_answer, recs["faq"][0]["id"]), (win.show_print_item, recs["item"][0]["id"])):
        win.print.pdf_path = None
        show(ref)
        settle(qtbot, lambda: getattr(win.print, "pdf_path", None) is not None)
        text = pdf_text(win.print.pdf_path)
        assert text.count(WORD) >= 1 and text.count(WORD) == text.count(f">{WORD}"), text


def test_staff_package_list_cannot_be_spoofed(qtbot, win):
    win.enter_staff()
    staff = win.staff_screen
    settle(qtbot, lambda: len(staff.update_tab.packages) == 1 and staff.update_tab.package_box.count() == 1)
    text = assert_plain(staff, "staff package list")
    assert "未签名" in text and "<!--" in text and "<font" in text
    card = "\n".join(shown(staff.update_tab.package_box.itemAt(0).widget()))
    assert card.count("已签名（签名人可信）") == 1 and "未签名" in card  # the fake one, in plain sight
    staff.show_tab("keys")
    settle(qtbot, lambda: bool(staff.keys_tab.stick_keys))
    assert_plain(staff, "staff keys (a key file named with markup)")
    win.leave_staff()
