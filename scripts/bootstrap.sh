#!/usr/bin/env bash
# Create .venv and install the package (with test tools when asked); quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=".venv/.installed${extras:+-$extras}"
want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  # a .venv left half-made (set-up interrupted while venv installed pip): made anew
  .venv/bin/python -m pip --version > /dev/null 2>&1 || "$python" -m venv --clear .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  spec="."
  [ -n "$extras" ] && spec=".[$extras]"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec" 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -c "import ratsinfo_site, pagefind" # fail loudly if the install did not work
  echo "$want" > "$stamp"
fi
