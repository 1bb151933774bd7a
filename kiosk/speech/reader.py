"""The read-aloud service the screens use: sentences spoken one after another, each announced
(``sentence_started``) so the screen highlights it; pause, resume, stop, previous/next sentence,
start anywhere, speed 0.5x–2x and volume.

Two back ends, chosen by what the machine has (``choose_backend``):
- ``espeak``: kiosk.speech.engine synthesizes each sentence (on a helper thread, the next one
  while the current one plays) and the app plays the PCM itself through QtMultimedia's
  QAudioSink — the audio leaves the app at the system's default output.
- ``qt``: QTextToSpeech, where it offers a Mandarin voice (Windows SAPI/WinRT). Also usable with
  Qt's own ``mock`` engine, which is how its path is tested here.
If neither is there, ``available`` is False and the screens say so instead of a silent button.

Speech that makes no sound is stopped and said (``failed``, NO_SOUND): no output device, a player
whose position stops moving for SPEECH_STALL_S (a speaker unplugged, a sound server that
suspended its sink), synthesis that does not finish within SPEECH_SYNTH_WAIT_S, a Qt voice that
never starts speaking. Otherwise ``is_speaking`` would hold the kiosk's idle reset for ever.
"""

from __future__ import annotations

import logging
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QTimer, Signal
# QtAudio, not QAudio: the sink's state() and error() are QtAudio enums, never equal to QAudio's
from PySide6.QtMultimedia import QAudioFormat, QAudioSink, QMediaDevices, QtAudio

from kiosk.settings import SPEECH_STALL_S, SPEECH_SYNTH_WAIT_S
from kiosk.speech import engine
from kiosk.speech.sentences import Sentence, split_sentences

log = logging.getLogger("kiosk")

RATES = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)  # the speed steps offered on screen
POLL_MS = 15  # how often playback is checked (QAudioSink's stateChanged does not reach Python)
NO_SOUND = "本机声音暂不可用，请看屏幕文字。"
FATAL = (QtAudio.Error.OpenError, QtAudio.Error.IOError, QtAudio.Error.FatalError)


def mandarin_voice(tts) -> object | None:
    for v in tts.availableVoices():
        name, locale = v.name().lower(), v.locale().name()
        if locale.startswith("zh") or "chinese" in name or "mandarin" in name:
            return v
    return None


def choose_backend() -> str | None:
    """"qt" where Qt TextToSpeech has a Mandarin voice on Windows, else "espeak" when
    espeak-ng is installed, else None (no speech on this machine)."""
    if sys.platform == "win32":
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech

            for name in QTextToSpeech.availableEngines():
                if name != "mock" and mandarin_voice(QTextToSpeech(name)) is not None:
                    return "qt"
        except Exception:  # noqa: BLE001 - speech is optional; espeak next
            log.exception("Qt TextToSpeech unavailable")
    return "espeak" if engine.available() else None


class Reader(QObject):
    sentence_started = Signal(int)   # index into ``sentences``
    finished = Signal()              # the last sentence was spoken
    state_changed = Signal(str)      # "playing", "paused", "stopped"
    failed = Signal(str)             # a plain-Chinese reason

    def __init__(self, parent: QObject | None = None, backend: str | None = "auto",
                 qt_engine: str | None = None):
        super().__init__(parent)
        self.backend = choose_backend() if backend == "auto" else backend
        self.sentences: list[Sentence] = []
        self.index = -1
        self.rate = 1.0
        self.volume = 1.0
        self.state = "stopped"
        self._audio: dict[tuple[int, float], Future] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="speech")
        self._sink: QAudioSink | None = None
        self._buffer: QBuffer | None = None
        self._waiting = False
        self._expected_us = 0
        self._progress_us = -1  # how far the sink had played, and when that last moved
        self._progress_at = 0.0
        self._tts_started = False
        self._tts_watch = QTimer(self, singleShot=True, interval=int(SPEECH_SYNTH_WAIT_S * 1000))  # it synthesizes first
        self._tts_watch.timeout.connect(self._tts_silent)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check)
        self._tts = None
        if self.backend == "qt":
            from PySide6.QtTextToSpeech import QTextToSpeech

            self._tts = QTextToSpeech(qt_engine, self) if qt_engine else QTextToSpeech(self)
            voice = mandarin_voice(self._tts)
            if voice is not None:
                self._tts.setVoice(voice)
            self._tts.stateChanged.connect(self._tts_state)

    @property
    def available(self) -> bool:
        return self.backend is not None

    def is_speaking(self) -> bool:
        """Playing now (a person listening is not touching: the idle countdown waits)."""
        return self.state == "playing"

    # control -----------------------------------------------------------------------------
    def speak(self, text: str, start_at: int = 0) -> None:
        self.speak_sentences(split_sentences(text), start_at)

    def speak_sentences(self, sentences: list[Sentence], start_at: int = 0) -> None:
        self.stop()
        if not self.available:
            self.failed.emit("本机暂时无法朗读，请联系工作人员。")
            return
        if self.backend == "espeak" and not QMediaDevices.audioOutputs():
            log.warning("no audio output device: nothing is read aloud")
            self.failed.emit(NO_SOUND)
            return
        self.sentences = list(sentences)
        if not self.sentences:
            return
        self._set_state("playing")
        self._play(max(0, min(start_at, len(self.sentences) - 1)))

    def pause(self) -> None:
        if self.state != "playing":
            return
        if self._sink is not None:
            self._sink.suspend()
        if self._tts is not None:
            self._tts.pause()
        self._set_state("paused")

    def resume(self) -> None:
        if self.state != "paused":
            return
        self._set_state("playing")
        self._progress_at = time.monotonic()  # a pause is no stall
        if self._sink is not None:
            self._sink.resume()
        elif self._tts is not None:
            self._tts.resume()
        else:
            self._play(self.index)

    def stop(self) -> None:
        self._poll.stop()
        self._tts_watch.stop()
        self._waiting = False
        self._release_sink()
        if self._tts is not None:
            self._tts.stop()
        was = self.state
        self.index = -1
        self.sentences = []
        self._audio.clear()
        if was != "stopped":
            self._set_state("stopped")

    def next(self) -> None:
        if self.sentences and self.index + 1 < len(self.sentences):
            self._jump(self.index + 1)

    def previous(self) -> None:
        if self.sentences:
            self._jump(max(0, self.index - 1))

    def start_at(self, index: int) -> None:
        """Go on speaking from sentence ``index`` (a tapped paragraph)."""
        if self.sentences:
            self._jump(max(0, min(index, len(self.sentences) - 1)))

    def set_rate(self, rate: float) -> None:
        """0.5 to 2.0; takes effect from the sentence being spoken (it restarts)."""
        self.rate = engine.clamp_rate(rate)
        if self._tts is not None:
            self._tts.setRate(max(-1.0, min(1.0, self.rate - 1.0)))
        if self.state == "playing" and self.index >= 0:
            self._jump(self.index)

    def set_volume(self, volume: float) -> None:
        self.volume = max(0.0, min(1.0, volume))
        if self._sink is not None:
            self._sink.setVolume(self.volume)
        if self._tts is not None:
            self._tts.setVolume(self.volume)

    # playing -----------------------------------------------------------------------------
    def _jump(self, index: int) -> None:
        self._release_sink()
        if self._tts is not None:
            self._tts.stop()
        self._set_state("playing")
        self._play(index)

    def _play(self, index: int) -> None:
        self.index = index
        if self._tts is not None:
            self.sentence_started.emit(index)
            self._tts_started = False
            self._tts_watch.start()
            self._tts.say(self.sentences[index].text)
            return
        self._fetch(index)
        self._fetch(index + 1)  # the next sentence synthesizes while this one plays
        self._waiting = True
        self._progress_at = time.monotonic()
        self._poll.start()
        self._check()

    def _fetch(self, index: int) -> Future | None:
        if not 0 <= index < len(self.sentences):
            return None
        key = (index, self.rate)
        if key not in self._audio:
            self._audio[key] = self._pool.submit(engine.synthesize, self.sentences[index].text, self.rate)
        return self._audio[key]

    def _no_sound(self, why: str) -> None:
        log.warning("read-aloud stopped: %s", why)
        self.stop()
        self.failed.emit(NO_SOUND)

    def _check(self) -> None:
        now = time.monotonic()
        if self._waiting:
            fut = self._fetch(self.index)
            if fut is None or not fut.done():
                if self.state == "playing" and now - self._progress_at > SPEECH_SYNTH_WAIT_S:
                    self._no_sound(f"synthesis took over {SPEECH_SYNTH_WAIT_S} s")
                return
            self._waiting = False
            try:
                audio = fut.result()
            except Exception as exc:  # noqa: BLE001 - told to the citizen, logged for staff
                log.exception("speech synthesis failed")
                self.stop()
                self.failed.emit(str(exc) if isinstance(exc, engine.SpeechUnavailable)
                                 else "朗读出错了，请再试一次。")
                return
            self._start_sink(audio)
            self.sentence_started.emit(self.index)
            return
        if self._sink is None or self.state != "playing":
            return
        if self._sink.error() in FATAL:  # an underrun clears itself: the stall check judges it
            self._no_sound(f"audio output error {self._sink.error()}")
            return
        done = self._sink.processedUSecs()
        if done >= self._expected_us or self._sink.state() == QtAudio.State.StoppedState:
            # (the sink does not always report IdleState at the end of its buffer: count time)
            self._advance()
        elif done > self._progress_us:
            self._progress_us, self._progress_at = done, now
        elif now - self._progress_at > SPEECH_STALL_S and self._buffer is not None and self._buffer.atEnd() \
                and self._sink.state() != QtAudio.State.ActiveState:
            self._advance()  # the sentence ended a little short of its counted length
        elif now - self._progress_at > SPEECH_STALL_S:
            self._no_sound(f"the player stood still at {done} us for {SPEECH_STALL_S} s")

    def _start_sink(self, audio: engine.Audio) -> None:
        self._release_sink()
        fmt = QAudioFormat()
        fmt.setSampleRate(audio.sample_rate)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(audio.pcm))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._sink = QAudioSink(QMediaDevices.defaultAudioOutput(), fmt, self)
        self._sink.setVolume(self.volume)
        self._expected_us = int(audio.seconds * 1_000_000) - 20_000
        self._progress_us, self._progress_at = -1, time.monotonic()
        self._sink.start(self._buffer)
        if self.state == "paused":
            self._sink.suspend()

    def _advance(self) -> None:
        self._audio.pop((self.index, self.rate), None)
        if self.index + 1 < len(self.sentences):
            self._play(self.index + 1)
        else:
            self._release_sink()
            self._poll.stop()
            self.index = -1
            self._set_state("stopped")
            self.finished.emit()

    def _release_sink(self) -> None:
        if self._sink is not None:
            self._sink.stop()
            self._sink.deleteLater()
            self._sink = None
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None

    def _tts_state(self, state) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if state == QTextToSpeech.State.Speaking:
            self._tts_started = True
            self._tts_watch.stop()
        elif state == QTextToSpeech.State.Ready and self.state == "playing" and self.index >= 0:
            self._tts_watch.stop()
            self._advance()
        elif state == QTextToSpeech.State.Error:
            self.stop()
            self.failed.emit("朗读出错了，请再试一次。")

    def _tts_silent(self) -> None:
        if self.state == "playing" and not self._tts_started:
            self._no_sound(f"the Qt voice did not start within {SPEECH_SYNTH_WAIT_S} s")

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def warm_up(self) -> None:
        """Load the pinyin tables off the GUI thread before the first 朗读 tap."""
        if self.backend == "espeak":
            self._pool.submit(engine.synthesize, "您好", 1.0)
