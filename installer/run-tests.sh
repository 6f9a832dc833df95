#!/usr/bin/env bash
# Sets up whatever is missing (packages, models, build), then runs every test suite except the
# slow ones. Extra arguments go to ctest, e.g. `-L unit` or `-R tokenizer`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash installer/setup.sh
export QT_QPA_PLATFORM=offscreen
ctest --test-dir build -LE slow --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" "$@"
