"""What every part of the demo build shares: the error a failed check raises, the date format."""
from __future__ import annotations

import re

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BuildError(Exception):
    """A check on the source material or on the hand-written FAQ/seed data failed."""


def fail(msg: str) -> None:
    raise BuildError(msg)


def iso_date(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"
