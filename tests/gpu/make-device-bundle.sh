#!/usr/bin/env bash
# Packs what tests/gpu/device-check.sh needs on a GPU machine that cannot build Gleaner (no Qt,
# poppler or sentencepiece there) into .device/bundle.tar.xz, small enough to travel (< 60 MB):
# gleaner-cli and the GPU parity suite from BUILD_DIR (default build/, configured with CUDA),
# the shared libraries they load except glibc's, the installed models' headers (skeletons that
# device-check.sh fills with random weights) and the books the check reads.
#   tests/gpu/make-device-bundle.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
models_dir="${GLEANER_MODELS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/gleaner/models}"
grep -q 'GLEANER_HAVE_CUDA:INTERNAL=ON\|^CMAKE_CUDA_COMPILER:' "$build/CMakeCache.txt" \
    || { echo "make-device-bundle: $build was configured without CUDA" >&2; exit 1; }
stage="$(mktemp -d)"; trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib" "$stage/models" "$stage/books"
for b in gleaner-cli test_backend_parity; do
    [ -x "$build/bin/$b" ] || { echo "make-device-bundle: $build/bin/$b missing (build it first)" >&2; exit 1; }
    strip -o "$stage/bin/$b" "$build/bin/$b"
done
# Every library the binaries load, but the C library's own (the device has its own, newer one).
ldd "$stage"/bin/* | awk '/=> \// { print $3 }' | sort -u \
    | grep -Ev '/(libc|libm|libdl|libpthread|librt|libresolv|ld-linux[^/]*)\.so' \
    | while read -r lib; do cp -L "$lib" "$stage/lib/"; done
# The C++ runtime apart: device-check.sh uses it only where the system's is older.
mkdir -p "$stage/lib-cxx"; mv "$stage"/lib/libstdc++.so.6 "$stage"/lib/libgcc_s.so.1 "$stage/lib-cxx/"
for m in "$models_dir"/*.gguf; do
    python3 "$root/tests/gpu/synth_gguf.py" skeleton "$m" "$stage/models/$(basename "$m" .gguf).skel" > /dev/null
done
# Llama-3.1-8B's shapes (4.7 GB of Q4_K/Q6_K weights) with SmolLM2's tokenizer: decode speed
# against the bandwidth bound on a model of the size the GPU path is for.
python3 "$root/tests/gpu/synth_gguf.py" llama8b "$stage/models/SmolLM2-135M-Instruct.Q4_1.skel" \
    "$stage/models/llama-3.1-8b-shapes-q4_k.skel" > /dev/null
cp "$root/tests/data/corpus/pride-and-prejudice_pg1342.txt" "$stage/books/"
sed -n 's/^CMAKE_CUDA_ARCHITECTURES:[A-Z]*=//p' "$build/CMakeCache.txt" > "$stage/cuda-archs"
git -C "$root" describe --always --dirty > "$stage/commit"
mkdir -p "$root/.device"
tar -C "$stage" -cf - . | xz -T2 -6 > "$root/.device/bundle.tar.xz"
echo "make-device-bundle: $(du -h "$root/.device/bundle.tar.xz" | cut -f1) in .device/bundle.tar.xz ($(ls "$stage/lib" | wc -l) libraries, $(ls "$stage/models" | wc -l) model skeletons)"
