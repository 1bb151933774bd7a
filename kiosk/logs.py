"""The kiosk's log file: ``DATA_DIR/logs/kiosk.log``, rotated (about 1 MB, 3 old files kept).

Every record is masked before it is written (catalog.privacy): a traceback whose message holds
what a citizen typed reaches the file with the name and the numbers hidden. Uncaught exceptions
(in a Qt slot, say) are logged the same way instead of being printed raw to stderr.
"""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler

from catalog.packaging.datadir import DataDir
from catalog.privacy import MaskingFilter, install_log_masking

LOG_FILE = "kiosk.log"
MAX_BYTES = 1_000_000
BACKUPS = 3

log = logging.getLogger("kiosk")


def setup_logging(data_dir: DataDir, hook_exceptions: bool = True) -> logging.Handler | None:
    """Log the kiosk's and the catalogue's INFO records (and every library's warnings) to
    ``data_dir/logs/kiosk.log``, masked. Idempotent; returns the handler (None when the folder
    cannot be written: the kiosk runs without a log file rather than not at all)."""
    install_log_masking()
    path = data_dir.logs / LOG_FILE
    root = logging.getLogger()
    for h in root.handlers:
        if getattr(h, "kiosk_log", None) == str(path):
            return h
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError as exc:
        log.warning("no log file (%s): %r", path, exc)
        return None
    handler.kiosk_log = str(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter())
    root.addHandler(handler)
    for name in ("kiosk", "catalog"):
        if logging.getLogger(name).getEffectiveLevel() > logging.INFO:
            logging.getLogger(name).setLevel(logging.INFO)
    if hook_exceptions:
        sys.excepthook = _log_uncaught
    return handler


def remove_logging(handler: logging.Handler | None) -> None:
    """Take the handler setup_logging added off again (tests)."""
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.close()


def _log_uncaught(exc_type, exc, tb) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    log.critical("uncaught exception", exc_info=(exc_type, exc, tb))
