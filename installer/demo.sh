#!/usr/bin/env bash
# The main job on the bundled defaults: the desktop program on the sample book when a display is
# available, otherwise the command line on it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
book=resources/alice-in-wonderland.txt
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec build/bin/gleaner "$book"
fi
echo "== no display: running gleaner-cli on $book =="
build/bin/gleaner-cli info
