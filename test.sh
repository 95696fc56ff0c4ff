#!/usr/bin/env bash
# Run every test: sets up .venv with the test tools and Debian's chromium when missing.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh test
scripts/install-browser.sh
scripts/install-test-tools.sh
.venv/bin/ruff check --quiet .
# A process per core, each taking whole test files (their module fixtures build once):
# 7 min instead of 10 on 2 cores.
.venv/bin/python -m pytest -q -n auto --dist loadfile "$@"
