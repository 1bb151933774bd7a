#!/usr/bin/env bash
# Rebuild the bundled demo catalogue package from the real material in ../shared, reproducibly:
#   bash tools/build_demo_package.sh [SHARED_DIR]
# Output: resources/demo/demo.zip, signed with the DEMO key tools/demo-signing.key, whose public half
# is resources/demo/demo.pub. The demo key is public on purpose (it is in this repository): a real
# deployment trusts only its county publisher's own key (python -m catalog keygen / import --trust).
# The demo carries the vectors of its 28,336 passages and FAQ texts (vectors.bin), as a county office's
# package would: they take about 45 minutes to embed on 2 cores the first time; after that they come
# from the publisher's cache (~/.cache/gov-disclosure-kiosk/vectors.db, or CATALOG_VECTOR_CACHE), so a
# rebuild takes a minute and is byte for byte the same. DEMO_VECTORS=--no-vectors leaves them out.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${1:-../shared}
PY=${PYTHON:-.venv/bin/python}
rm -rf build/demo-source
"$PY" tools/build_demo.py --shared "$SHARED" --out build/demo-source
# A fixed creation time keeps the package byte-for-byte reproducible.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1763769600} \
  "$PY" -m catalog pack build/demo-source resources/demo/demo.zip --key tools/demo-signing.key ${DEMO_VECTORS:-}
"$PY" -m catalog fingerprint resources/demo/demo.pub
