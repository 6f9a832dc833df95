#!/usr/bin/env bash
# The main job on the bundled defaults: the desktop program on the sample book when a display is
# available, otherwise the command line asks the sample book a question and prints the answer
# with its evidence.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
book=resources/alice-in-wonderland.txt
question="What does the Cheshire Cat tell Alice about everyone in Wonderland?"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${GLEANER_NO_GUI:-}" ]; then
    exec build/bin/gleaner "$book"
fi
echo "== no display: asking $book with gleaner-cli =="
echo "Q: $question"
if build/bin/gleaner-cli --help | grep -q "^  ask "; then
    exec build/bin/gleaner-cli ask "$book" "$question"
fi
# Engines without the long-context methods: answer from the model alone.
exec build/bin/gleaner-cli generate --chat --max-tokens 120 --prompt "$question"
