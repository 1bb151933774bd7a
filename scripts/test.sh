#!/usr/bin/env bash
# Quick start: install what is needed, then run the test suite (arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
