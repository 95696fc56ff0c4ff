#!/usr/bin/env bash
# Run every test: sets up .venv with the test tools and Debian's chromium when missing.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh test
scripts/install-browser.sh
scripts/install-test-tools.sh
.venv/bin/ruff check --quiet .
.venv/bin/python -m pytest -q "$@"
