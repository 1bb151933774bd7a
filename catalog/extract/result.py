"""What asking for an extract gives back: the ``ExtractResult`` of a printed PDF, or an
``ExtractError`` saying in Chinese why it cannot be made."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from catalog.errors import CatalogError


class ExtractError(CatalogError):
    """An extract cannot be made as asked (unknown id, bad paragraph range)."""


@dataclass
class ExtractResult:
    path: Path
    pages: int
    paragraphs: list[int] = field(default_factory=list)  # paragraph numbers printed (documents)
    replaced: list[str] = field(default_factory=list)  # characters the font lacks, printed as □

    def to_json(self) -> dict:
        """``extract --json`` (the contract's three fields)."""
        return {"path": str(self.path), "pages": self.pages, "paragraphs": self.paragraphs}
