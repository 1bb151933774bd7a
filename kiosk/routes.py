"""Where the kiosk can go: every page a citizen can be on is a route, the screen that shows it
and what it shows, so that 返回 can take them back to exactly that page.

A route is a small frozen value (it goes into the window's history and compares by value).
``open`` puts its page on its screen from nothing; ``showing`` says whether the screen still
shows it (going back to a page the screen never left costs nothing and keeps its scroll
position); ``reopen`` puts it back when the screen shows another page by then, keeping what the
citizen chose there (the document's text size). The window (kiosk.window.MainWindow.go) switches screens, keeps the history, and
calls these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from kiosk.window import MainWindow


@dataclass(frozen=True)
class Route:
    screen: ClassVar[str]

    def open(self, win: MainWindow) -> None:
        """Show this page on its screen (the screen is current already)."""

    def showing(self, win: MainWindow) -> bool:
        """Whether the screen still shows this page, as it was left."""
        return False

    def reopen(self, win: MainWindow) -> None:
        """Back to this page when its screen shows another one now."""
        self.open(win)


@dataclass(frozen=True)
class Home(Route):
    screen: ClassVar[str] = "home"

    def showing(self, win: MainWindow) -> bool:
        return True


@dataclass(frozen=True)
class Staff(Route):
    screen: ClassVar[str] = "staff"

    def showing(self, win: MainWindow) -> bool:
        return True


@dataclass(frozen=True)
class Results(Route):
    """The documents found for a query."""

    query: str
    screen: ClassVar[str] = "results"

    def open(self, win: MainWindow) -> None:
        win.results.run(self.query)

    def showing(self, win: MainWindow) -> bool:
        return win.results.query == self.query


@dataclass(frozen=True)
class Listing(Route):
    """Named documents under a title (a domain's item, the documents an answer cites)."""

    title: str
    ids: tuple[str, ...]
    screen: ClassVar[str] = "results"

    def open(self, win: MainWindow) -> None:
        win.results.show_listing(self.title, list(self.ids))


@dataclass(frozen=True)
class Document(Route):
    """A document; with ``at`` (first paragraph, paragraphs) opened there, the passage marked."""

    doc_id: str
    at: tuple[int, int] | None = None
    screen: ClassVar[str] = "document"

    def open(self, win: MainWindow) -> None:
        win.document.reset()
        self.reopen(win)

    def reopen(self, win: MainWindow) -> None:
        win.document.open(self.doc_id, self.at)

    def showing(self, win: MainWindow) -> bool:
        return win.document.doc is not None and win.document.doc.id == self.doc_id


@dataclass(frozen=True)
class Domain(Route):
    domain_id: str
    screen: ClassVar[str] = "domain"

    def open(self, win: MainWindow) -> None:
        win.domain.reset()
        self.reopen(win)

    def reopen(self, win: MainWindow) -> None:
        win.domain.open(self.domain_id)

    def showing(self, win: MainWindow) -> bool:
        return win.domain.domain is not None and win.domain.domain.id == self.domain_id


@dataclass(frozen=True)
class Popular(Route):
    """The ask screen's popular questions."""

    screen: ClassVar[str] = "ask"

    def open(self, win: MainWindow) -> None:
        win.ask.show_popular()


@dataclass(frozen=True)
class Question(Route):
    """The answer to a question in the citizen's words."""

    question: str
    screen: ClassVar[str] = "ask"

    def open(self, win: MainWindow) -> None:
        win.ask.ask(self.question)


@dataclass(frozen=True)
class Answer(Route):
    """One FAQ's answer, with its sources and 有用/没用."""

    faq_id: str
    screen: ClassVar[str] = "ask"

    def open(self, win: MainWindow) -> None:
        win.ask.show_answer_of(self.faq_id)


@dataclass(frozen=True)
class PrintDocument(Route):
    """Choose paragraphs of a document (``paragraphs``, from 1, ticked already), preview, print."""

    doc_id: str
    paragraphs: tuple[int, ...] = ()
    screen: ClassVar[str] = "print"

    def open(self, win: MainWindow) -> None:
        win.print.reset()
        win.print.open(self.doc_id, list(self.paragraphs) or None)

    def showing(self, win: MainWindow) -> bool:
        return win.print.doc is not None and win.print.doc.id == self.doc_id


@dataclass(frozen=True)
class PrintAnswer(Route):
    faq_id: str
    screen: ClassVar[str] = "print"

    def open(self, win: MainWindow) -> None:
        win.print.reset()
        win.print.open_answer(self.faq_id)


@dataclass(frozen=True)
class PrintItem(Route):
    """A 标准目录 item with the documents filed under it."""

    item_id: str
    screen: ClassVar[str] = "print"

    def open(self, win: MainWindow) -> None:
        win.print.reset()
        win.print.open_item(self.item_id)
