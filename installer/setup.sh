#!/usr/bin/env bash
# Sets up Gleaner on Debian 12: system packages (only the missing ones), the default models,
# and a Release build in build/. Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packages=(
    build-essential cmake ninja-build pkg-config python3 python3-pip
    qt6-base-dev qt6-base-dev-tools libgl-dev
    libpoppler-cpp-dev libpoppler-private-dev poppler-data libsentencepiece-dev libsqlite3-dev libpcre2-dev libzip-dev libxml2-dev
    libcurl4-openssl-dev
    xvfb xauth
    # OCR of scanned PDFs (optional at run time, never needed to build; the `tesseract` suites use it)
    tesseract-ocr tesseract-ocr-eng
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "gleaner setup: installing ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        || { echo "gleaner setup: apt-get failed; install these packages by hand: ${missing[*]}" >&2; exit 1; }
else
    echo "gleaner setup: system packages already installed"
fi

bash installer/fetch-models.sh

jobs="$(nproc 2>/dev/null || echo 2)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release ${GLEANER_CMAKE_ARGS:-} > build-configure.log 2>&1 \
    || { cat build-configure.log >&2; echo "gleaner setup: configure failed (log above)" >&2; exit 1; }
rm -f build-configure.log
cmake --build build -j "$jobs"
echo "gleaner setup: done; binaries in build/bin/"
