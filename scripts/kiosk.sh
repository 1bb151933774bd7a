#!/usr/bin/env bash
# Quick start: install what is needed, then run the kiosk on the bundled demo catalogue.
# Extra arguments go to `python -m kiosk` (e.g. --windowed, --portrait, --data-dir DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export LANG=C.UTF-8
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "没有检测到显示器：在虚拟屏幕 (Xvfb) 上运行查询机。按 Ctrl+C 结束。"
  exec xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python -m kiosk --demo "$@"
fi
exec .venv/bin/python -m kiosk --demo "$@"
