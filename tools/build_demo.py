#!/usr/bin/env python3
"""Build the demo catalogue package SOURCE folder from the shared real material.

    python3 tools/build_demo.py [--shared ../shared] [--out resources/demo/source]

Writes manifest.json, domains.jsonl, items.jsonl, documents.jsonl, faqs.jsonl and
terms.txt (catalogue package format version 1, see shared/DESIGN.md). The signing and
packing step adds "files"/"created" to the manifest later.

Rules this script keeps:
* stdlib only, no network, deterministic: the same input gives byte-identical output
  (everything is sorted, nothing depends on the clock or on dict/set iteration order).
* nothing is invented: a field the source does not give is null or empty. Values that
  are set by hand (seed overrides, FAQ texts) are checked against the source text and
  the build fails loudly when a check does not hold.

Sources and the decisions taken on them:
* domains: the 26 pilot domains of shared/data/domains.json, plus zwgk 政务公开 (the five
  seed documents) and jtys 交通运输 (it has real catalogue rows); descriptions are the
  ministry / guideline / note given there.
* items: the 85 real catalogue rows, ids <domain>-<nnn> in file order.
* documents: the seed texts (cleaned; every word kept, checked), the laws picked by the
  title keyword rules of tools/demo_domain_rules.json (national and provincial; city
  regulations only where a domain has nothing else), and Guangdong service guides
  whose department and name leave no doubt about the domain (GD_RULES).
  Law dates: version_date -> published (the corpus gives no separate 成文日期, so
  written is null). Law status: see build_law_documents.
* faqs: tools/demo_faqs.json, every quote checked verbatim against its document.
* terms: tools/demo_terms.txt.

--list-laws prints the laws each domain rule selects (for reviewing the rule table);
--check-only re-checks an already written folder; --no-gd leaves out the service guides.

Layout: this file is the command line; the jobs are in tools/demo_source/: domains.py (domains and
标准目录 items), seeds.py (the five seed documents), laws.py, guides.py (Guangdong service guides),
faqs.py (FAQs and terms), output.py (writing the folder), validate.py (--check-only), common.py.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
REPO = TOOLS.parent
if str(TOOLS) not in sys.path:  # there when run as a script; not when imported as tools.build_demo
    sys.path.insert(0, str(TOOLS))

from demo_source.common import BuildError, fail  # noqa: E402
from demo_source.domains import build_domains, build_items  # noqa: E402
from demo_source.faqs import build_faqs, build_terms  # noqa: E402
from demo_source.guides import build_gd_documents, load_service_items  # noqa: E402
from demo_source.laws import build_law_documents, link_items, load_laws, load_rules, print_law_list, select_laws  # noqa: E402
from demo_source.output import print_summary, public, write_source  # noqa: E402
from demo_source.seeds import build_seed_documents  # noqa: E402
from demo_source.validate import validate  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--out", type=Path, default=REPO / "resources" / "demo" / "source")
    ap.add_argument("--no-gd", action="store_true", help="leave out the Guangdong service guides")
    ap.add_argument("--list-laws", action="store_true", help="print the laws each domain selects and stop")
    ap.add_argument("--check-only", action="store_true", help="only check an already written --out folder")
    args = ap.parse_args(argv)
    if args.check_only:
        problems = validate(args.out)
        print("\n".join(problems) if problems else f"{args.out}: ok")
        return 1 if problems else 0
    shared = args.shared.resolve()
    data = shared / "data"

    domains_json = json.loads((data / "domains.json").read_text(encoding="utf-8"))
    domains = build_domains(domains_json)
    domain_ids = {d["id"] for d in domains}
    domain_order = {d["id"]: d["order"] for d in domains}
    by_name = {d["name"]: d["id"] for d in domains}

    rows = json.loads((data / "standard_catalogue_rows.json").read_text(encoding="utf-8"))
    items = build_items(rows, by_name)

    laws = load_laws(data / "laws.jsonl.gz")
    rules = load_rules(TOOLS / "demo_domain_rules.json", domain_ids)
    selected = select_laws(laws, rules)
    if args.list_laws:
        print_law_list(selected, domain_order)
        return 0

    docs = build_seed_documents(shared / "seeds")
    law_docs = build_law_documents(selected, laws, domain_order)
    link_items(items, law_docs)
    docs += law_docs
    if not args.no_gd:
        docs += build_gd_documents(load_service_items(data / "gd_service_items.jsonl.gz"), domain_order)
    docs = [public(d) for d in docs]
    docs.sort(key=lambda d: d["id"])
    docs_by_id = {d["id"]: d for d in docs}
    if len(docs_by_id) != len(docs):
        fail("duplicate document ids")
    if "中华人民共和国政府信息公开条例" not in {d["title"] for d in docs}:
        fail("the 政府信息公开条例 must be in the package")

    faqs = build_faqs(TOOLS / "demo_faqs.json", docs_by_id, domain_ids)
    terms = build_terms(TOOLS / "demo_terms.txt")

    out = args.out
    write_source(out, domains, items, docs, faqs, terms)
    problems = validate(out)
    if problems:
        fail("the written package does not check out:\n  " + "\n  ".join(problems[:50]))
    print_summary(out, domains, items, docs, faqs, terms)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BuildError as e:
        print(f"build_demo: FAILED: {e}", file=sys.stderr)
        sys.exit(1)
