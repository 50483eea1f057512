#!/usr/bin/env bash
# Install everything nianbao needs: system packages (LibreOffice for .doc/.wps, CJK fonts, poppler)
# and a virtual environment with the project and its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."
need_apt=()
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-writer-nogui libreoffice-calc-nogui)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need_apt+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
# Headless Chromium renders the district report page in tests (warehouse/html_report.py).
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "setup: installing ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[dev]"
echo "setup: done"
