#!/usr/bin/env bash
# Build the example archive into public/ (sets up .venv on first use).
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
.venv/bin/ratsinfo build "$@"
echo "Look at it: .venv/bin/python -m http.server --directory public 8000  →  http://localhost:8000/"
