"""A floor under search quality on the judged queries of bench/relevance (written before tuning).
The figures and the plain-BM25 comparison are reported by ``python bench/relevance.py``."""

import sys

from catalog.catalogue import Catalog
from pkgtools import REPO

sys.path.insert(0, str(REPO))
from bench.relevance import evaluate, load_queries  # noqa: E402

FLOOR = {"ndcg@10": 0.78, "mrr": 0.88, "recall@10": 0.75}
CATEGORY_NDCG_FLOOR = {"pinyin": 0.75, "initials": 0.70, "typo": 0.70, "doc_number": 0.95,
                       "two_char": 0.78, "title": 0.85}


def test_relevance_floor(demo_dir):
    queries = load_queries()
    assert len(queries) >= 200
    with Catalog.open(demo_dir) as cat:
        res = evaluate(lambda q: [h.id for h in cat.search(q, limit=10).hits], queries)
    for metric, floor in FLOOR.items():
        assert res["overall"][metric] >= floor, (metric, res["overall"])
    for cat_name, floor in CATEGORY_NDCG_FLOOR.items():
        assert res["by_category"][cat_name]["ndcg@10"] >= floor, (cat_name, res["by_category"][cat_name])
