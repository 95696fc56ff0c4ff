#!/usr/bin/env bash
# The benchmark's own environment: ratsinfo-site, Pelican and psutil in benchmarks/.venv,
# and Debian's hugo. Idempotent: a second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || python3 -m venv .venv
if ! .venv/bin/python -c "import pelican, psutil, ratsinfo_site" 2>/dev/null; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .. "pelican>=4.9" \
    "psutil>=5.9" python-frontmatter 2>&1 | grep -v '^WARNING: Location' || true
fi
if ! command -v hugo >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null
fi
