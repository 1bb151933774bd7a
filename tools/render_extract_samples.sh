#!/usr/bin/env bash
# Sample extracts, normal and large print, rendered to PNG for docs/extracts/ (look at them).
# Usage: bash tools/render_extract_samples.sh DATA_DIR   (a data folder with the demo imported)
set -euo pipefail
cd "$(dirname "$0")/.."
DD=${1:?data folder with the demo catalogue}
OUT=docs/extracts
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PY=${PYTHON:-.venv/bin/python}
# 政府信息公开条例, articles chosen with gaps; the same in large print; a 废止 law; an answer; an item
"$PY" -m catalog --data-dir "$DD" extract law-a232c94b84 --paragraphs 3-6,20-21 -o "$TMP/document.pdf"
"$PY" -m catalog --data-dir "$DD" extract law-a232c94b84 --paragraphs 3-6,20-21 --large -o "$TMP/document-large.pdf"
"$PY" -m catalog --data-dir "$DD" extract --faq faq-ylfw-03 -o "$TMP/answer.pdf"
"$PY" -m catalog --data-dir "$DD" extract --item "$("$PY" -c "
import sys; sys.path.insert(0, '.')
from catalog.catalogue import Catalog
print(Catalog.open('$DD').store.items('shjz')[0].id)")" -o "$TMP/item.pdf"
rm -f "$OUT"/*.png
for f in "$TMP"/*.pdf; do
  pdftoppm -r 70 -png -f 1 -l 2 "$f" "$OUT/$(basename "$f" .pdf)"
done
ls "$OUT"
