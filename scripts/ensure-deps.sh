#!/usr/bin/env bash
# Installs what the project needs on a fresh machine, and nothing when it is already there.
# Sourced by scripts/start.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need_install=0
[ -d node_modules ] || need_install=1
if [ $need_install = 0 ] && [ package-lock.json -nt node_modules/.package-lock.json ]; then need_install=1; fi
if [ $need_install = 1 ]; then
  echo "› npm install (dépendances du projet)"
  # npm ci rejects this lock file because npm omits other platforms' optional binaries;
  # npm install honours the lock file all the same.
  npm install --no-audit --no-fund --loglevel=error
fi

# Debian packages: Chromium renders the PDFs (puppeteer-core drives /usr/bin/chromium; npm's
# browser download does not work here), poppler-utils extracts PDF text in tests.
missing_debs=()
[ -x /usr/bin/chromium ] || missing_debs+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing_debs+=(poppler-utils)
if [ ${#missing_debs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "› apt-get install ${missing_debs[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_debs[@]}" >/dev/null
  else
    echo "Paquets manquants: ${missing_debs[*]} — installez-les (Debian: sudo apt-get install -y ${missing_debs[*]})." >&2
    exit 1
  fi
fi
