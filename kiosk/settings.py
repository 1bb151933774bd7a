"""Kiosk settings: a TOML file in the data folder (``kiosk.toml``), editable from staff mode.

Missing file or keys mean defaults; a damaged file is logged and the defaults are used, so a kiosk
always starts.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tomllib
from dataclasses import asdict, dataclass, field

from catalog.packaging.datadir import DataDir, atomic_write

log = logging.getLogger("kiosk")
FILE = "kiosk.toml"
# behaviour defaults (looks - colours, sizes, fonts - are in kiosk/theme.py)
IDLE_TIMEOUT_S = 90       # no touch for this long: the countdown starts
COUNTDOWN_S = 15          # 还需要更多时间吗？ before everything is reset
SEARCH_DEBOUNCE_MS = 250  # typing pause before suggestions/search refresh
PINYIN_MAX_LETTERS = 32   # letters the on-screen keyboard's pinyin buffer holds (kiosk/widgets/keyboard.py)
# what the staff screen's steppers allow, and what a settings file is held to
IDLE_TIMEOUT_RANGE = (30, 600)   # seconds without a touch before the countdown
IDLE_TIMEOUT_STEP = 15
PAGE_LIMIT_RANGE = (0, 200)      # pages one visit may print (0: printing off)
PAGE_LIMIT_STEP = 5
ALERT_MS = 8000           # how long a failure's message stays under the header
# read-aloud (kiosk/speech/reader.py) and how long it may hold a visit open
SPEECH_STALL_S = 2.0      # a player standing still this long makes no sound: stopped and said
SPEECH_SYNTH_WAIT_S = 5.0  # a sentence not synthesized by then: the same
SPEECH_HOLD_MAX_S = 300   # reading aloud postpones the idle countdown by at most this much
# the staff gate (kiosk/staff_gate.py) and staff mode
STAFF_TAPS, STAFF_TAP_WINDOW_S = 5, 4.0  # taps on the header's title that open the PIN pad
PIN_MIN, PIN_MAX = 6, 12  # digits of a staff PIN
PIN_TRIES, PIN_LOCK_S = 5, 300  # this many wrong PINs lock the pad for this long
STAFF_IDLE_S = 300        # staff mode leaves by itself after this long without a touch


def pin_problem(pin: str) -> str | None:
    """Why ``pin`` cannot be the staff PIN (in plain Chinese), or None: 6 to 12 digits, and not
    one that is guessed first (one digit repeated, a run such as 123456 or 654321, or a short
    group repeated such as 121212 or 520520)."""
    if not (PIN_MIN <= len(pin) <= PIN_MAX and pin.isascii() and pin.isdigit()):
        return f"密码须是 {PIN_MIN} 到 {PIN_MAX} 位数字。"
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:])}
    if steps == {0}:
        return "这个密码太容易被猜到（同一个数字重复）。"
    if steps in ({1}, {-1}):
        return "这个密码太容易被猜到（连续的数字）。"
    if any(len(pin) % n == 0 and pin == pin[:n] * (len(pin) // n) for n in (2, 3)):
        return "这个密码太容易被猜到（几个数字反复出现）。"
    return None


@dataclass
class Settings:
    kiosk_name: str = "政务公开专区查询机"
    location: str = ""
    idle_timeout_s: int = IDLE_TIMEOUT_S
    countdown_s: int = COUNTDOWN_S
    orientation: str = "landscape"  # or "portrait"
    help_contact: str = "如需帮助，请咨询大厅工作人员。"
    printer: str = ""          # "" the system default, a printer's name, or "file:/path.pdf"
    page_limit: int = 20       # pages one person may print before the idle reset
    usb_dirs: str = ""         # extra folders to save to, separated by ";" (mount points are found)
    pin_salt: str = ""
    pin_hash: str = ""
    extra: dict = field(default_factory=dict)

    # PIN ----------------------------------------------------------------------------------
    @staticmethod
    def _hash(pin: str, salt: bytes) -> str:
        # scrypt: a salted, deliberately slow hash, so a copied settings file does not give the PIN away
        return hashlib.scrypt(pin.encode(), salt=salt, n=2 ** 14, r=8, p=1).hex()

    def set_pin(self, pin: str) -> None:
        salt = os.urandom(16)
        self.pin_salt, self.pin_hash = salt.hex(), self._hash(pin, salt)

    def check_pin(self, pin: str) -> bool:
        """Whether ``pin`` is the staff PIN; always false while none is set (the first use sets
        one: kiosk.staff_gate), so there is no default PIN to try."""
        if not self.pin_hash or not self.pin_salt:
            return False
        return self._hash(pin, bytes.fromhex(self.pin_salt)) == self.pin_hash


def load(data_dir: DataDir) -> Settings:
    path = data_dir.root / FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        log.error("settings file %s unreadable, using defaults: %s", path, exc)
        return Settings()
    known = {k for k in Settings.__dataclass_fields__ if k != "extra"}
    flat = {**raw.get("kiosk", {}), **raw.get("staff", {})}
    values = {k: v for k, v in flat.items() if k in known}
    s = Settings(**values)
    s.extra = {k: v for k, v in flat.items() if k not in known}
    if s.orientation not in ("landscape", "portrait"):
        s.orientation = "landscape"
    s.idle_timeout_s = _within(s.idle_timeout_s, IDLE_TIMEOUT_RANGE, IDLE_TIMEOUT_S)
    s.page_limit = _within(s.page_limit, PAGE_LIMIT_RANGE, Settings.page_limit)
    return s


def _within(value, bounds: tuple[int, int], default: int) -> int:
    """A number from the settings file, within what the staff screen's stepper allows (a hand-edited
    file may say anything: text, a float, a negative number)."""
    try:
        n = int(value)
    except (TypeError, ValueError, OverflowError):
        log.error("setting %r is not a number, using %s", value, default)
        return default
    return min(max(n, bounds[0]), bounds[1])


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    # a JSON string literal is a valid TOML basic string (same escapes)
    return json.dumps(str(v), ensure_ascii=False)


def save(data_dir: DataDir, s: Settings) -> None:
    """Write the settings atomically (a power cut leaves the old or the new file)."""
    d = asdict(s)
    staff = {k: d.pop(k) for k in ("pin_salt", "pin_hash")}
    extra = d.pop("extra")
    lines = ["[kiosk]"] + [f"{k} = {_toml_value(v)}" for k, v in {**d, **extra}.items()]
    lines += ["", "[staff]"] + [f"{k} = {_toml_value(v)}" for k, v in staff.items()]
    data_dir.ensure()
    atomic_write(data_dir.root / FILE, ("\n".join(lines) + "\n").encode("utf-8"))
