"""Speech synthesis without Qt: espeak-ng's Mandarin voice, synthesized to 16-bit PCM that the
app plays itself (kiosk.speech.reader) or writes to a WAV file (``python -m kiosk speak``).

Why not only Qt TextToSpeech: on Linux the PySide6 wheel offers just speech-dispatcher, which
needs a running daemon and hangs in Speaking without an audio device (ENVIRONMENT.md); espeak-ng
needs nothing but its package. The reader uses Qt TextToSpeech where that has a Mandarin voice
(Windows SAPI/WinRT) and this engine everywhere else, so the kiosk never goes silent.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from dataclasses import dataclass

from kiosk.speech.pinyin_text import speakable

VOICE = "cmn-latn-pinyin"   # reads tone-numbered pinyin (kiosk.speech.pinyin_text)
BASE_WPM = 200              # espeak-ng syllables per minute at speed 1.0: calm (~3.3 a second), for older listeners
MIN_RATE, MAX_RATE = 0.5, 2.0


class SpeechUnavailable(RuntimeError):
    """No speech engine on this machine (the reader says so in plain Chinese)."""


@dataclass
class Audio:
    pcm: bytes          # 16-bit signed little-endian mono
    sample_rate: int

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate

    def wav_bytes(self) -> bytes:
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.sample_rate)
            w.writeframes(self.pcm)
        return out.getvalue()


def espeak_path() -> str | None:
    return shutil.which("espeak-ng")


def available() -> bool:
    return espeak_path() is not None


def clamp_rate(rate: float) -> float:
    return max(MIN_RATE, min(MAX_RATE, float(rate)))


def synthesize(text: str, rate: float = 1.0) -> Audio:
    """``text`` (Chinese as written) spoken at ``rate`` (0.5 to 2.0 times normal)."""
    exe = espeak_path()
    if exe is None:
        raise SpeechUnavailable("本机没有安装朗读引擎（espeak-ng）。")
    pinyin = speakable(text).strip()
    if not pinyin:
        return Audio(b"", 22050)
    wpm = round(BASE_WPM * clamp_rate(rate))
    r = subprocess.run([exe, "-v", VOICE, "-s", str(wpm), "--stdout", pinyin],
                       capture_output=True, timeout=60)
    if r.returncode != 0 or not r.stdout:
        raise SpeechUnavailable("朗读引擎出错：" + r.stderr.decode("utf-8", "replace")[:200])
    with wave.open(io.BytesIO(r.stdout)) as w:
        # espeak-ng streams: its header does not know the length, so read what is there
        rate_hz, pcm = w.getframerate(), w.readframes(10 ** 9)
    return Audio(pcm, rate_hz)


def synthesize_all(texts: list[str], rate: float = 1.0, gap_s: float = 0.25) -> Audio:
    """Several sentences as one recording, with a short pause between them."""
    parts, sr = [], 22050
    for t in texts:
        a = synthesize(t, rate)
        if a.pcm:
            sr = a.sample_rate
            parts.append(a.pcm)
            parts.append(b"\x00\x00" * int(sr * gap_s))
    return Audio(b"".join(parts), sr)
