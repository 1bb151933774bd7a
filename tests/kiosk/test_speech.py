"""Read-aloud for real: espeak-ng synthesizes audio that is measured (sox), the reader plays it
into a PulseAudio null sink standing in for the speaker and the audio is recorded where it leaves
the app (the sink's monitor); highlighting follows the sentences in order; speech stops on
navigation and on the idle reset, and the idle countdown waits while it plays."""

import shutil
import subprocess
import sys
import time

import pytest
from PySide6.QtCore import Qt

from kiosk import tasks
from kiosk.settings import Settings
from kiosk.speech import engine
from kiosk.speech.sentences import split_sentences
from kiosk.speech.reader import Reader
from pkgtools import REPO, records

pytestmark = pytest.mark.skipif(not engine.available(), reason="espeak-ng is not installed")
SINK = "kiosk_test_sink"


def stat(wav_or_raw: list[str]) -> dict[str, float]:
    r = subprocess.run(["sox", *wav_or_raw, "-n", "stat"], capture_output=True, text=True)
    out = {}
    for line in r.stderr.splitlines():
        key, _, value = line.partition(":")
        try:
            out[key.strip()] = float(value.strip())
        except ValueError:
            pass
    return out


@pytest.fixture(scope="session")
def null_sink():
    """PulseAudio with a null sink as the default output (no speaker needed)."""
    if not shutil.which("pulseaudio") or not shutil.which("parec"):
        pytest.skip("pulseaudio is not installed")
    subprocess.run(["pulseaudio", "--start", "--exit-idle-time=-1"], capture_output=True)
    for _ in range(50):
        if subprocess.run(["pactl", "info"], capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    sinks = subprocess.run(["pactl", "list", "short", "sinks"], capture_output=True, text=True).stdout
    if SINK not in sinks:
        subprocess.run(["pactl", "load-module", "module-null-sink", f"sink_name={SINK}"], check=True,
                       capture_output=True)
    subprocess.run(["pactl", "set-default-sink", SINK], check=True)
    yield SINK


class Recorder:
    """Records what reaches the sink, as the speaker would get it."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        self.proc = subprocess.Popen(["parec", "-d", f"{SINK}.monitor", "--format=s16le", "--rate=22050",
                                      "--channels=1", str(self.path)])
        time.sleep(0.3)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(5)

    def stats(self):
        return stat(["-t", "raw", "-r", "22050", "-e", "signed", "-b", "16", "-c", "1", str(self.path)])


# the engine ------------------------------------------------------------------------------------
def speak_cli(tmp_path, name, *args):
    out = tmp_path / f"{name}.wav"
    r = subprocess.run([sys.executable, "-m", "kiosk", "speak", *args, "-o", str(out)], cwd=REPO,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return out


def duration(path) -> float:
    return float(subprocess.run(["soxi", "-D", str(path)], capture_output=True, text=True).stdout)


def test_speak_writes_real_speech_that_grows_with_text_and_shrinks_with_speed(tmp_path):
    short = speak_cli(tmp_path, "short", "--text", "申请低保要准备什么材料？")
    long = speak_cli(tmp_path, "long", "--text", "申请低保要准备什么材料？" * 4)
    fast = speak_cli(tmp_path, "fast", "--text", "申请低保要准备什么材料？" * 4, "--rate", "2.0")
    slow = speak_cli(tmp_path, "slow", "--text", "申请低保要准备什么材料？" * 4, "--rate", "0.5")
    info = subprocess.run(["soxi", str(short)], capture_output=True, text=True).stdout
    assert "Channels       : 1" in info and "16-bit" in info  # 16-bit mono PCM WAV
    assert duration(long) > 3 * duration(short)
    assert duration(fast) < 0.7 * duration(long) < duration(slow) * 0.7
    s = stat([str(short)])
    assert s["RMS     amplitude"] > 0.02 and s["Maximum amplitude"] > 0.2  # not silence


def test_speak_reads_a_document(tmp_path, demo_dir):
    out = speak_cli(tmp_path, "doc", "--data-dir", str(demo_dir), "--doc", "law-a232c94b84", "--rate", "2.0")
    assert duration(out) > 60  # a whole regulation


def test_speak_refuses_bad_input(tmp_path):
    r = subprocess.run([sys.executable, "-m", "kiosk", "speak", "--text", "低保", "--rate", "3", "-o",
                        str(tmp_path / "x.wav")], cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 2 and "0.5 到 2.0" in r.stderr


# the reader ------------------------------------------------------------------------------------
def test_reader_plays_every_sentence_in_order_into_the_speaker(qtbot, null_sink, tmp_path):
    reader = Reader()
    assert reader.backend == "espeak"
    started, done = [], []
    reader.sentence_started.connect(started.append)
    reader.finished.connect(lambda: done.append(True))
    with Recorder(tmp_path / "out.raw") as rec:
        reader.speak("第一句。第二句稍微长一些，有一个逗号。第三句。")
        qtbot.waitUntil(lambda: bool(done), timeout=30000)
    assert started == [0, 1, 2] and reader.state == "stopped"
    s = rec.stats()
    assert s["Length (seconds)"] > 2 and s["RMS     amplitude"] > 0.01  # the app's audio, recorded


def test_pause_resume_next_previous_and_stop(qtbot, null_sink):
    reader = Reader()
    started = []
    reader.sentence_started.connect(started.append)
    reader.speak("第一句话。第二句话。第三句话。第四句话。")
    qtbot.waitUntil(lambda: started == [0], timeout=5000)
    reader.pause()
    assert reader.state == "paused" and not reader.is_speaking()
    qtbot.wait(800)
    assert started == [0]  # paused: nothing goes on
    reader.resume()
    reader.next()
    qtbot.waitUntil(lambda: started[-1] == 1, timeout=5000)
    reader.previous()
    qtbot.waitUntil(lambda: started[-1] == 0 and len(started) == 3, timeout=5000)
    reader.start_at(3)
    qtbot.waitUntil(lambda: started[-1] == 3, timeout=5000)
    reader.stop()
    assert reader.state == "stopped"
    qtbot.wait(500)
    assert started == [0, 1, 0, 3]


def test_speed_and_volume_are_bounded():
    reader = Reader()
    reader.set_rate(5)
    assert reader.rate == 2.0
    reader.set_rate(0.1)
    assert reader.rate == 0.5
    reader.set_volume(1.7)
    assert reader.volume == 1.0


def test_qt_speech_path_with_qts_own_mock_engine(qtbot):
    """The Qt TextToSpeech back end (Windows voices) drives the same signals."""
    reader = Reader(backend="qt", qt_engine="mock")
    started, done = [], []
    reader.sentence_started.connect(started.append)
    reader.finished.connect(lambda: done.append(True))
    reader.speak("第一句话。第二句话。第三句。")
    qtbot.waitUntil(lambda: bool(done), timeout=20000)
    assert started == [0, 1, 2]


def test_first_sentence_starts_fast(qtbot, null_sink):
    reader = Reader()
    reader.warm_up()
    qtbot.wait(1500)
    started = []
    t0 = time.perf_counter()
    reader.sentence_started.connect(lambda i: started.append(time.perf_counter() - t0))
    reader.speak("申请政府信息公开，应当向行政机关的政府信息公开工作机构提出。后面还有很多句。")
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    reader.stop()
    assert started[0] < 1.0  # the benchmark measures the real figure (target 300 ms)


# in the kiosk ------------------------------------------------------------------------------------
@pytest.fixture
def win(qtbot, data, null_sink):
    from kiosk.window import MainWindow

    w = MainWindow(data, demo=False, settings=Settings(idle_timeout_s=1, countdown_s=2), kiosk_mode=True)
    qtbot.addWidget(w)
    w.resize(1920, 1080)
    w.show()
    qtbot.waitUntil(lambda: bool(getattr(w.home, "tiles", None)), timeout=30000)
    return w


def open_doc(qtbot, win, title):
    doc_id = next(d["id"] for d in records(25)["document"] if d["title"] == title)
    win.show_document(doc_id)
    qtbot.waitUntil(lambda: win.document.doc is not None, timeout=5000)
    tasks.wait_idle()
    return win.document.doc


def test_highlight_follows_the_sentences_and_navigation_stops(qtbot, win):
    win.idle_timer.stop()
    doc = open_doc(qtbot, win, "户口登记条例")
    expected = [s.text for p in [doc.title, *doc.paragraphs] for s in split_sentences(p)]
    seen = []
    win.reader.sentence_started.connect(lambda i: seen.append(win.document.highlighted))
    qtbot.mouseClick(win.document.read_btn, Qt.LeftButton)
    assert win.document.speech_bar.isVisible()
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=30000)
    assert seen[:3] == expected[:3]  # the highlighted text is the sentence spoken, in order
    qtbot.mouseClick(win.document.speech_bar.pause_btn, Qt.LeftButton)
    assert win.reader.state == "paused" and win.document.speech_bar.pause_btn.text() == "继续"
    qtbot.mouseClick(win.home_btn, Qt.LeftButton)
    assert win.reader.state == "stopped" and win.document.highlighted == ""


def test_tapping_a_paragraph_reads_from_there(qtbot, win):
    win.idle_timer.stop()
    doc = open_doc(qtbot, win, "户口登记条例")
    win.document.read_aloud()
    qtbot.waitUntil(lambda: win.document.highlighted != "", timeout=10000)
    last = doc.paragraphs[-1]
    start, _ = win.document.spans[-1]
    from PySide6.QtGui import QTextCursor

    cur = QTextCursor(win.document.body.document())
    cur.setPosition(start)
    win.document.body.setTextCursor(cur)
    win.document.body.ensureCursorVisible()
    point = win.document.body.cursorRect(cur).center()
    qtbot.mouseClick(win.document.body.viewport(), Qt.LeftButton, pos=point)
    qtbot.waitUntil(lambda: win.document.highlighted and win.document.highlighted in last, timeout=10000)
    win.reader.stop()


def test_countdown_waits_while_reading_and_reset_stops_it(qtbot, win):
    doc = open_doc(qtbot, win, "社会保险法")
    win.document.read_aloud()
    win.touched()
    qtbot.wait(2500)  # longer than the 1 s idle timeout
    assert win.reader.is_speaking() and not win.countdown.isVisible()
    win.reader.pause()  # a paused reading no longer holds the kiosk
    qtbot.waitUntil(lambda: win.countdown.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: not win.countdown.isVisible(), timeout=5000)
    assert win.reader.state == "stopped" and win.stack.currentWidget() is win.home
    assert doc is not None


def test_an_answer_is_read_with_its_sentence_highlighted(qtbot, win):
    win.idle_timer.stop()
    win.show_faq("faq-hukou-newborn")
    qtbot.waitUntil(lambda: win.ask.result is not None, timeout=10000)
    qtbot.wait(100)
    answer = win.ask.result.answers[0].answer
    seen = []
    win.reader.sentence_started.connect(lambda i: seen.append(win.ask.highlighted))
    button = next(b for b in win.ask.findChildren(type(win.home_btn)) if b.text() == "朗读这个回答")
    qtbot.mouseClick(button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    assert seen[0] == split_sentences(answer)[0].text
    assert "text-decoration: underline" in win.ask.answer_label.text()
    win.go_home()
    assert win.reader.state == "stopped"


def test_a_catalogue_item_is_read_field_by_field(qtbot, win):
    win.idle_timer.stop()
    domain = next(i["domain"] for i in records(25)["item"])
    win.show_domain(domain)
    qtbot.waitUntil(lambda: win.domain.domain is not None, timeout=10000)
    qtbot.wait(100)
    seen = []
    win.reader.sentence_started.connect(lambda i: seen.append(win.domain.highlighted))
    button = next(b for b in win.domain.findChildren(type(win.home_btn)) if b.text() == "朗读这一项")
    qtbot.mouseClick(button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(seen) >= 2, timeout=20000)
    assert seen[1].startswith("公开内容：") or "：" in seen[1]
    win.reset_all()
    assert win.reader.state == "stopped" and win.domain.highlighted == ""


# visits that end whatever the speaker does ----------------------------------------------------------
@pytest.fixture
def suspended(null_sink):
    """The sound server's sink suspended: the player starts and never moves, as with a speaker
    unplugged under a sound server that suspends its sink."""
    subprocess.run(["pactl", "suspend-sink", null_sink, "1"], check=True)
    yield
    subprocess.run(["pactl", "suspend-sink", null_sink, "0"], check=True)


def reaches_the_reset(qtbot, win, doc):
    """Within idle timeout + countdown + 5 s of the last touch, everything is cleared."""
    bound = (win.settings.idle_timeout_s + win.settings.countdown_s + 5) * 1000
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.home and win.document.doc is None, timeout=bound)
    assert win.reader.state == "stopped" and doc is not None


def test_a_player_that_never_starts_is_said_and_the_visit_still_ends(qtbot, win, suspended):
    """朗读 stayed on the title with no message, and since the countdown waited for the reading the
    last person's document stayed on screen: now the reader stops it within SPEECH_STALL_S."""
    from kiosk.speech.reader import NO_SOUND

    doc = open_doc(qtbot, win, "社会保险法")
    qtbot.mouseClick(win.document.read_btn, Qt.LeftButton)  # a real tap: the visit is someone's
    qtbot.waitUntil(lambda: win.alert.isVisible() and win.alert.text() == NO_SOUND, timeout=5000)
    reaches_the_reset(qtbot, win, doc)


def test_no_audio_device_is_said_at_once_and_the_visit_ends(qtbot, win, monkeypatch):
    from kiosk.speech import reader as reader_module

    monkeypatch.setattr(reader_module.QMediaDevices, "audioOutputs", staticmethod(lambda: []))
    doc = open_doc(qtbot, win, "社会保险法")
    qtbot.mouseClick(win.document.read_btn, Qt.LeftButton)
    assert win.alert.text() == reader_module.NO_SOUND and win.reader.state == "stopped"
    reaches_the_reset(qtbot, win, doc)


def test_a_reading_holds_the_countdown_only_so_long(qtbot, win, monkeypatch):
    import kiosk.window

    monkeypatch.setattr(kiosk.window, "SPEECH_HOLD_MAX_S", 2)
    doc = open_doc(qtbot, win, "社会保险法")
    qtbot.mouseClick(win.document.read_btn, Qt.LeftButton)
    qtbot.waitUntil(win.reader.is_speaking, timeout=5000)
    qtbot.waitUntil(win.countdown.isVisible, timeout=8000)  # the reading plays on, the count begins
    assert win.reader.is_speaking()
    reaches_the_reset(qtbot, win, doc)


def test_the_help_contact_is_read_aloud(qtbot, win):
    win.idle_timer.stop()
    tap_help = win.help_btn
    qtbot.mouseClick(tap_help, Qt.LeftButton)
    started = []
    win.reader.sentence_started.connect(lambda i: started.append(win.reader.sentences[i].text))
    qtbot.mouseClick(win.help.read_btn, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(started), timeout=10000)
    assert started[0] in win.help.text.text() and win.reader.is_speaking()
    qtbot.mouseClick(win.help.close_btn, Qt.LeftButton)  # closing stops the voice with it
    assert win.reader.state == "stopped"
