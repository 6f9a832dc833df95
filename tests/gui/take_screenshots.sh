#!/bin/sh
# Saves PNGs of Gleaner's main states into resources/screenshots/ (or the folder given), running
# the screenshot tour under Xvfb with an empty library and default settings in a temporary home.
#   tests/gui/take_screenshots.sh [BUILD_DIR] [OUTPUT_DIR]
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
out=${2:-$here/resources/screenshots}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
models=${GLEANER_MODELS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/gleaner/models}
mkdir -p "$out"
env XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" GLEANER_MODELS_DIR="$models" \
    xvfb-run -a -s "-screen 0 1600x1000x24 -dpi 96" "$build/bin/gleaner_screenshot_tour" "$out"
