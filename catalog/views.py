"""The pages the kiosk shows, composed here so that the command line shows exactly the same
(``python -m catalog show ...``): the home page, a document, a domain, the popular questions and
an answer. Each is a dataclass with ``to_json``; the screens only lay them out."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from catalog.model import AskAnswer, AskResult, Document, DocumentBrief, Domain, Faq, Item

if TYPE_CHECKING:
    from catalog.catalogue import Catalog

HOME_QUESTIONS = 6
HOME_LATEST = 6


class _Page:
    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class HomePage(_Page):
    domains: list[Domain]
    documents_per_domain: dict[str, int]
    questions: list[Faq]          # one per domain first, so the list covers many needs
    latest: list[DocumentBrief]   # the newest documents


def home(cat: "Catalog", questions: int = HOME_QUESTIONS, latest: int = HOME_LATEST) -> HomePage:
    domains = cat.store.domains()
    counts = {d.id: len(cat.store.documents_for_domain(d.id)) for d in domains}
    seen, picked = set(), []
    for f in cat.store.faqs():
        key = f.domains[0] if f.domains else ""
        if key not in seen:
            seen.add(key)
            picked.append(f)
    return HomePage(domains, counts, picked[:questions], cat.store.latest_documents(latest))


@dataclass
class DocumentPage(_Page):
    document: Document
    domain_names: dict[str, str]
    interpretations: list[DocumentBrief]   # 政策解读 that explain it
    faqs: list[Faq]                        # questions whose answers cite it


def document(cat: "Catalog", doc_id: str) -> DocumentPage | None:
    doc = cat.store.document(doc_id)
    if doc is None:
        return None
    names = {d.id: d.name for d in cat.store.domains()}
    return DocumentPage(doc, names, cat.store.interpretations_of(doc_id), cat.store.faqs_citing(doc_id))


@dataclass
class DomainPage(_Page):
    domain: Domain
    items: list[Item]                     # its 标准目录 rows
    item_documents: dict[str, list[str]]  # item id -> the documents published under it
    documents: list[str]                  # every document of the domain


def domain(cat: "Catalog", domain_id: str) -> DomainPage | None:
    d = cat.store.domain(domain_id)
    if d is None:
        return None
    items = cat.store.items(domain_id)
    return DomainPage(d, items, {it.id: cat.store.documents_for_item(it.id) for it in items},
                      cat.store.documents_for_domain(domain_id))


@dataclass
class PopularQuestions(_Page):
    by_domain: dict[str, list[Faq]]  # each FAQ under its first domain
    order: list[str]                 # the domains that have questions, in the catalogue's order
    busiest: str | None              # shown first: the domain with the most questions
    names: dict[str, str]            # domain id -> name


def popular_questions(cat: "Catalog") -> PopularQuestions:
    by_domain: dict[str, list[Faq]] = {}
    for f in cat.store.faqs():
        for d in f.domains[:1]:
            by_domain.setdefault(d, []).append(f)
    domains = cat.store.domains()
    order = [d.id for d in domains if d.id in by_domain]
    busiest = max(order, key=lambda d: len(by_domain[d]), default=None)
    return PopularQuestions(by_domain, order, busiest, {d.id: d.name for d in domains})


@dataclass
class AnswerPage(_Page):
    result: AskResult
    documents: dict[str, DocumentBrief] = field(default_factory=dict)  # the cited documents
    cites: list[dict[str, Any]] = field(default_factory=list)  # the passages the answer quotes


def answer(cat: "Catalog", question: str) -> AnswerPage:
    """What the ask screen shows for a question in words."""
    return _with_details(cat, cat.ask(question))


def answer_of(cat: "Catalog", faq_id: str, question: str | None = None) -> AnswerPage | None:
    """A question tapped from a list: its FAQ's answer, as certain as a confident match."""
    f = cat.store.faq(faq_id)
    if f is None:
        return None
    result = AskResult(question=question or f.question, took_ms=0.0, status="answered",
                       answers=[AskAnswer(f.id, f.question, f.answer, 1.0, list(f.documents))],
                       related_documents=[], confidence=1.0)
    return _with_details(cat, result)


def _with_details(cat: "Catalog", result: AskResult) -> AnswerPage:
    meta = cat.store.document_meta(sorted({d for a in result.answers for d in a.documents}))
    cites: list[dict] = []
    if result.status == "answered" and result.answers:
        f = cat.store.faq(result.answers[0].faq_id)
        cites = (f.extra.get("cites") if f else None) or []
    return AnswerPage(result, meta, cites)
