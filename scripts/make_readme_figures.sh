#!/usr/bin/env bash
# Re-make the README's figures with the project's own commands:
# the headline solo-vs-chorus comparison and a dashboard screenshot.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p docs/img
.venv/bin/cogov compare solo chorus --replications 10 --workers 2 --out out/readme --overwrite
cp out/readme/rates.png docs/img/solo_vs_chorus.png
cp out/readme/daily.png docs/img/solo_vs_chorus_daily.png
COGOV_SCREENSHOT=docs/img/dashboard.png .venv/bin/python -m pytest -q tests/browser
