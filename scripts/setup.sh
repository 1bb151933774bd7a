#!/usr/bin/env bash
# Installs what the kiosk and its tests need on a fresh Debian 12 machine:
# system packages (see ENVIRONMENT notes in README) and a .venv with the Python packages.
# Idempotent: a stamp file skips work already done for the same pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive

APT_PACKAGES=(
  # Qt offscreen and under Xvfb
  libgl1 libegl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0
  xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
  libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0
  # speech and multimedia
  libpulse0 libspeechd2 speech-dispatcher speech-dispatcher-espeak-ng espeak-ng
  # fonts, PDF and audio checks
  fonts-wqy-microhei poppler-utils poppler-data sox pulseaudio pulseaudio-utils
)

# Debian's python3 splits venv and pip into their own packages.
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null 2>&1 || APT_PACKAGES+=(python3)
"$PY" -c "import venv, ensurepip" 2>/dev/null || APT_PACKAGES+=(python3-venv python3-pip)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "安装系统软件包: ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  echo "安装 Python 软件包到 .venv（首次需要几分钟）…"
  { .venv/bin/pip install -U pip && .venv/bin/pip uninstall -y PySide6-Pdf PySide6_Pdf \
      && .venv/bin/pip install -e '.[test]'; } > .venv/pip.log 2>&1 \
    || { tail -40 .venv/pip.log; echo "安装 Python 软件包失败，详见 .venv/pip.log"; exit 1; }
  rm -f .venv/.installed-*
  touch "$stamp"
fi
