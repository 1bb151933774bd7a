"""Synonym groups: the built-in dictionary (resources/terms/synonyms.txt) merged with the
catalogue's own terms.txt. Applied at query time, so a dictionary update needs no re-index."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from catalog import settings

log = logging.getLogger(__name__)
BUILTIN = settings.RESOURCES / "terms" / "synonyms.txt"


def read_groups(path: Path) -> list[list[str]]:
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        words = line.split()
        if len(words) >= 2:
            groups.append(words)
    return groups


@lru_cache(maxsize=1)
def builtin_groups() -> tuple[tuple[str, ...], ...]:
    if not BUILTIN.exists():  # a build that left it out: search works, with fewer everyday words
        log.error("the built-in synonym dictionary %s is missing", BUILTIN)
        return ()
    return tuple(tuple(g) for g in read_groups(BUILTIN))


class Synonyms:
    """word -> the other words of every group it belongs to (built-in and catalogue groups)."""

    def __init__(self, groups: Iterable[Iterable[str]]):
        self._map: dict[str, set[str]] = {}
        for group in groups:
            words = [w for w in group if w]
            for w in words:
                self._map.setdefault(w, set()).update(x for x in words if x != w)

    @classmethod
    def for_catalogue(cls, catalogue_groups: Iterable[Iterable[str]]) -> "Synonyms":
        return cls(list(builtin_groups()) + [list(g) for g in catalogue_groups])

    def expand(self, word: str) -> list[str]:
        """The other names of ``word`` (sorted, longest first), empty when it has none."""
        return sorted(self._map.get(word, ()), key=lambda w: (-len(w), w))

    def __contains__(self, word: str) -> bool:
        return word in self._map

    def words(self) -> set[str]:
        return set(self._map)
