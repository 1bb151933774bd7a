"""Data classes for what crosses the boundary between catalog/ and its users (CLI, kiosk)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

# what long operations report: (stage, done, total); catalog.packaging.packages.STAGES names the stages
Progress = Callable[[str, int, int], None]


@dataclass
class Domain:
    id: str
    name: str
    order: int
    pilot: bool
    description: str | None = None


@dataclass
class Item:
    """One row of a 基层政务公开标准目录."""

    id: str
    domain: str
    level1: str | None
    level2: str | None
    content: str | None
    basis: str | None
    time_limit: str | None
    subject: str | None
    channels: list[str]
    audience: str | None
    method: str | None
    level: list[str]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Attachment:
    path: str
    title: str


@dataclass
class Document:
    id: str
    title: str
    kind: str
    doc_number: str | None
    index_number: str | None
    issuer: str | None
    region: str | None
    written: str | None
    published: str | None
    status: str
    domains: list[str]
    items: list[str]
    interprets: str | None
    url: str | None
    body: str
    attachments: list[Attachment]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n") if p.strip()]


@dataclass(frozen=True)
class DocumentBrief:
    """A document's light metadata, without its body: what result lists, the home page's 最新公开,
    a document's 政策解读 and an answer's cited documents show (``Store.document_meta``). In JSON
    (the pages' ``to_json``) its fields in this order, ``domains`` a list."""

    id: str
    title: str
    kind: str
    status: str
    published: str | None
    written: str | None
    domains: tuple[str, ...]
    issuer: str | None
    region: str | None

    @property
    def date(self) -> str | None:
        """The date a citizen sees: published, else written."""
        return self.published or self.written


@dataclass(frozen=True)
class Passage:
    """A piece of a document a question is answered from (catalog.answers.passages cuts them)."""

    doc_id: str
    n: int           # position within the document, from 0
    paragraph: int   # index into Document.paragraphs where it starts
    label: str       # 第十条, or 第3段 (paragraphs counted from 1)
    text: str

    @property
    def key(self) -> str:
        return f"{self.doc_id}#{self.n}"


@dataclass
class Faq:
    id: str
    question: str
    variants: list[str]
    answer: str
    domains: list[str]
    documents: list[str]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Status:
    """What ``status`` reports: which catalogue this kiosk serves."""

    sequence: int | None
    publisher: str | None
    region: str | None
    applied_at: str | None
    domains: int
    items: int
    documents: int
    faqs: int
    previous_sequence: int | None
    unsigned: bool
    engine: str
    created: str | None = None
    signer: str | None = None
    # the keys this kiosk trusts: [{"fingerprint", "publishers", "demo"}]
    trusted_keys: list[dict[str, Any]] = field(default_factory=list)
    demo_key_trusted: bool = False
    # passage vectors: the model id when every passage has its vector (dense retrieval on), else
    # null; and how far the kiosk is (passages with a vector, passages)
    vectors: str | None = None
    vectors_done: int = 0
    vectors_total: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an applied package changed; screens refresh from this."""

    sequence: int
    previous_sequence: int | None
    publisher: str
    region: str
    kind: str
    unsigned: bool
    signer: str | None
    took_s: float
    changes: dict[str, Changes]
    demo_key_retired: bool = False     # this import retired the demo key
    replaced_publisher: str | None = None  # the publisher whose catalogue this one replaced

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchHit:
    id: str
    title: str
    kind: str
    domains: list[str]
    status: str
    published: str | None
    score: float
    snippet: str
    # the passage the hit was found by: {"index", "text" (matches in 【】), "paragraph" (into
    # Document.paragraphs, where the document screen opens), "label" (第十条, 第3段)}
    passage: dict[str, Any] | None = None


@dataclass
class PassageAnswer:
    """A passage offered as 相关规定 when no FAQ answers (``ask --json`` ``passages``)."""

    doc_id: str
    title: str
    paragraph: int
    text: str
    score: float
    status: str
    label: str = ""
    index: int = 0


@dataclass
class RelatedQuestion:
    faq_id: str
    question: str


@dataclass
class AskAnswer:
    faq_id: str
    question: str
    answer: str
    score: float
    documents: list[str]


@dataclass
class AskResult:
    """``ask --json``: the contract's fields first; ``confidence`` (the calibrated probability that
    the first candidate is right) and ``method`` are additions.

    ``status``: "answered" (the first candidate is the answer), "unsure" (the candidates are the
    您是不是想问 choices) or "out_of_scope" (the kiosk shows none of them)."""

    question: str
    took_ms: float
    status: str
    answers: list[AskAnswer]
    related_documents: list[str]
    confidence: float = 0.0
    method: str = "lexical"  # "semantic" when sentence vectors took part
    passages: list[PassageAnswer] = field(default_factory=list)
    cut_from: int | None = None  # the question's length when only its first characters were read

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchResult:
    """``search --json``: the contract's fields first; the rest are additions.

    ``suggestion``: what the query was read as when that differs from what was typed (a corrected
    typo, or the words a pinyin query spells); ``corrected``: the hits are for the suggestion;
    ``filters_dropped``: filters that emptied the list and were removed; ``related_questions``:
    FAQ questions offered when nothing (or only a loosened query) matched.
    """

    query: str
    total: int
    took_ms: float
    relaxed: bool
    suggestion: str | None
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]]
    corrected: bool = False
    filters_dropped: list[str] = field(default_factory=list)
    related_questions: list[RelatedQuestion] = field(default_factory=list)
    cut_from: int | None = None  # the query's length when only its first characters were read

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
