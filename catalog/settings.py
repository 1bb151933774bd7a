"""Constants a person may want to change, in one place."""

from pathlib import Path

APP_NAME = "gov-disclosure-kiosk"
RESOURCES = Path(__file__).resolve().parents[1] / "resources"  # fonts, the built-in terms, the demo

# Package format
PACKAGE_FORMAT = "gov-disclosure-catalogue"
PACKAGE_FORMAT_VERSION = 1

# Sequences (README "Trust"): never above MAX_SEQUENCE; a package may be at most MAX_SEQUENCE_STEP
# above the last one of its publisher on this kiosk unless staff confirm the jump, so that a
# mistaken or forged 2^63-1 cannot make every later genuine package "not newer".
MAX_SEQUENCE = 2**31 - 1
MAX_SEQUENCE_STEP = 1000

# Zip safety limits: a package is text plus a few attachments (forms, tables).
ZIP_MAX_ENTRIES = 20_000
ZIP_MAX_ENTRY_BYTES = 512 * 1024 * 1024        # one uncompressed entry
ZIP_MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024   # all entries together, uncompressed
ZIP_MAX_RATIO = 200                            # uncompressed / compressed, for entries above:
ZIP_RATIO_MIN_BYTES = 1024 * 1024
PACKAGE_MAX_DEPTH = 16                         # folders within folders in a package
MANIFEST_MAX_BYTES = 16 * 1024 * 1024          # manifest.json, read before any signature check

# Keep this many applied packages in data_dir/packages (the current one and the previous).
KEEP_PACKAGES = 2

# Search
DEFAULT_SEARCH_LIMIT = 10
SNIPPET_CHARS = 90            # characters of context in a snippet
SNIPPET_MAX_SCAN = 200_000    # never scan more than this many characters of a body for a snippet
RERANK_DEPTH = 60             # hits re-ranked by validity status
# A query of at least this many Chinese characters is read as a question in words: hybrid passage
# retrieval (catalog.answers.retrieve); shorter ones, 文号 and pinyin go to the document index.
QUESTION_MIN_CHARS = 8
# A passage is offered as 相关规定 (catalog.answers.retrieve.fits) when it holds this share of the
# question's word weight, or when its cosine with the question reaches PASSAGE_MIN_COSINE.
PASSAGE_MIN_COVER = 0.55
PASSAGE_MIN_COSINE = 0.89  # fit halves: off-topic (LCQMC) p95 0.868, bench/qa out-of-scope p90 0.886, in-scope median 0.894
# The region the demo catalogue stands for (its seeds are from 景德镇 and its counties).
DEMO_REGION = "江西省景德镇市"
STATUS_WEIGHT = {"现行有效": 1.0, "已修改": 0.6, "失效": 0.4, "废止": 0.4}

# Full-text engine for new imports: "tantivy" or "whoosh" (the environment variable CATALOG_ENGINE
# overrides). See README "Search engines" for the measurements behind the default.
DEFAULT_ENGINE = "tantivy"

# Policy Q&A (catalog/answers/qa.py): a profile with sentence vectors and one without, each fitted on
# bench/qa's dev half by bench/qa.py --fit (the test half checks them). The semantic profile's
# curves and thresholds were fitted on bench/qa's dev half together with the fit half of
# shared/devsets/bank-faq-bq (--with-devsets --keep-weights --max-wrong 0.025, calibration on
# top,margin,cover,back,sem_top,sem_rel,sem_gap): fitted on our own set alone they held 1.6%
# confident wrong on its test half but 7.8% on the real users' paraphrases of another field.
QA_PROFILES = {
    "semantic": {
     "weights": {
      "cover": 1.0,
      "back": 0.0,
      "chars": 0.1,
      "union": 0.75,
      "answer": 0.25,
      "answer_chars": 0.0,
      "sem": 12.0,
      "intent": 0.25
     },
     "calibration": {
      "bias": -24.959,
      "top": 5.674,
      "margin": 1.511,
      "cover": -10.528,
      "back": 1.265,
      "sem_top": 25.162,
      "sem_rel": 8.28,
      "sem_gap": 22.557
     },
     "scope": {
      "bias": -72.443,
      "top": 1.82,
      "known": 0.453,
      "groups": 0.195,
      "sem_top": 79.056
     },
     "answer_at": 0.88,
     "scope_min": 0.88
    },
    "lexical": {
     "weights": {
      "cover": 1.0,
      "back": 0.0,
      "chars": 2.0,
      "union": 3.0,
      "answer": 2.0,
      "answer_chars": 2.0,
      "sem": 0.0,
      "intent": 0.25
     },
     "calibration": {
      "bias": -2.638,
      "top": 0.227,
      "margin": 0.552,
      "back": 6.096
     },
     "scope": {
      "bias": -13.197,
      "top": 1.158,
      "known": 1.971,
      "groups": 5.961
     },
     "answer_at": 0.8,
     "scope_min": 0.94
    },
}
QA_MIN_KNOWN = 0.3  # below this share of the question's weight in known words: out of scope
# Guards on the fitted curves (catalog.answers.qa.FaqMatcher.decide), for questions unlike the fit set: an
# answer is given with confidence only when its FAQ covers this share of the question's word weight
# and asks what the question asks (how long, how much, where …, when the question says);
# a question whose words the first candidate's question holds (synonyms at their 0.7) is offered it (unsure),
# never told 没有.
QA_MIN_COVER_TO_ANSWER = 0.3
QA_WHOLE_COVER = 0.7
QA_INTENT_GUARD = True  # the "asks what the question asks" half


# A query (search, ask, a --batch line) is read up to this many characters; the rest is cut and
# the result says so (``cut_from``). Citizens' questions are 5-60 characters; a pasted paragraph
# still fits. Reading is then bounded whatever is typed or piped in (30,000 letters of pinyin took
# 24 s and 3.6 GB before the cut).
MAX_QUERY_CHARS = 200
