"""Constants a person may want to change, in one place."""

APP_NAME = "gov-disclosure-kiosk"

# Package format
PACKAGE_FORMAT = "gov-disclosure-catalogue"
PACKAGE_FORMAT_VERSION = 1

# Zip safety limits: a package is text plus a few attachments (forms, tables).
ZIP_MAX_ENTRIES = 20_000
ZIP_MAX_ENTRY_BYTES = 512 * 1024 * 1024        # one uncompressed entry
ZIP_MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024   # all entries together, uncompressed
ZIP_MAX_RATIO = 200                            # uncompressed / compressed, for entries above:
ZIP_RATIO_MIN_BYTES = 1024 * 1024

# Keep this many applied packages in data_dir/packages (the current one and the previous).
KEEP_PACKAGES = 2

# Search
DEFAULT_SEARCH_LIMIT = 10
SNIPPET_CHARS = 90            # characters of context in a snippet
SNIPPET_MAX_SCAN = 200_000    # never scan more than this many characters of a body for a snippet
RERANK_DEPTH = 60             # hits re-ranked by validity status
STATUS_WEIGHT = {"现行有效": 1.0, "已修改": 0.6, "失效": 0.4, "废止": 0.4}

# Full-text engine for new imports: "tantivy" or "whoosh" (the environment variable CATALOG_ENGINE
# overrides). See README "Search engines" for the measurements behind the default.
DEFAULT_ENGINE = "tantivy"
