"""The Qt binding survives a long day at the kiosk.

PySide6 6.12.0 on Python 3.11 released a reference to None on every ``QTimer.start()`` (and to
True on some signal emits): the idle timer restarts on every touch, so a kiosk aborted with
"deallocating None" after a few thousand touches. This runs the calls the kiosk makes on every
touch many more times than that, in a child process, and checks the counts stay put."""

import subprocess
import sys

SCRIPT = r"""
import sys
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
app = QCoreApplication([])

class S(QObject):
    progress = Signal(str, int, int)
    done = Signal(object)

s = S()
s.progress.connect(lambda *a: None)
s.done.connect(lambda r: None)
t = QTimer()
t.setSingleShot(True)
t.timeout.connect(lambda: None)
none0, true0 = sys.getrefcount(None), sys.getrefcount(True)
for i in range(20000):
    t.start(90000)
    s.progress.emit("stage", i, 10)
    s.done.emit(None)
    QTimer.singleShot(0, lambda: None)
    if i % 500 == 0:
        app.processEvents()
app.processEvents()
print(sys.getrefcount(None) - none0, sys.getrefcount(True) - true0)
"""


def test_timers_and_signals_keep_reference_counts():
    r = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"the binding aborted the process: {r.stderr[-500:]}"
    none_delta, true_delta = map(int, r.stdout.split())
    assert abs(none_delta) < 200 and abs(true_delta) < 200, (none_delta, true_delta)
