#!/usr/bin/env bash
# The GPU check in one call: parity of every op CPU vs CUDA (ctest -L gpu's suite), speed of every
# installable model on the GPU against its memory-bandwidth and cuBLAS bounds, a whole book read
# and asked on the GPU, and the GPU's memory figures. Writes device-check.json and
# device-check.log to the output folder ($OUT, else the first argument, else ./device-check-out)
# and stops cleanly at its own time limit (DEVICE_CHECK_LIMIT seconds, default 360).
#
# Binaries: a bundle made by tests/gpu/make-device-bundle.sh (.device/bundle.tar.xz: binaries,
# their libraries, model skeletons, books) when one is there, because a device machine usually
# has no Qt/poppler to build with; otherwise it configures and builds gleaner-cli and the parity
# suite for the compute capability nvidia-smi reports. Models: GLEANER_MODELS_DIR when it holds
# the real files; otherwise models of the same shapes with random weights (tests/gpu/synth_gguf.py):
# valid for speed and for CPU-vs-GPU agreement, not for the passkey answers.
# Without a GPU it says so in one line and exits 0.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${OUT:-${1:-$root/device-check-out}}"
limit="${DEVICE_CHECK_LIMIT:-360}"
work="${DEVICE_CHECK_WORK:-/tmp/gleaner-device}"
mkdir -p "$out" "$work"
results="$out/device-check.jsonl"
: > "$results"
start=$SECONDS

gpu_line="not installed"
command -v nvidia-smi > /dev/null 2>&1 \
    && gpu_line="$(nvidia-smi --query-gpu=name,compute_cap,memory.total,driver_version --format=csv,noheader,nounits 2>&1 | head -1)"
if ! [[ "$gpu_line" =~ ^[^,]+,\ *[0-9]+\.[0-9]+, ]]; then
    echo "device-check: no NVIDIA GPU found (nvidia-smi: ${gpu_line:-no answer}); nothing to check on this machine"
    printf '{"gpu": null, "reason": "no NVIDIA GPU found"}\n' > "$out/device-check.json"
    exit 0
fi
exec > >(tee -a "$out/device-check.log") 2>&1

IFS=',' read -r gpu_name gpu_cc gpu_mem_mib driver <<< "$gpu_line"
gpu_cc="${gpu_cc// /}"
arch="${gpu_cc/./}"
echo "device-check: $gpu_name (sm_$arch, ${gpu_mem_mib// /} MiB, driver ${driver// /}), limit ${limit}s"

left() { echo $((limit - (SECONDS - start))); }
# record NAME JSON: one line of results.
record() { printf '{"step": "%s", "result": %s}\n' "$1" "$2" >> "$results"; }
# run_step NAME CAP_SECONDS CMD...: runs CMD under what is left of the time limit (at most CAP),
# its stdout into $work/NAME.out (and the log); records rc and seconds.
run_step() {
    local name="$1" cap="$2"; shift 2
    local t; t=$(($(left) - 10)); [ "$t" -gt "$cap" ] && t="$cap"
    if [ "$t" -lt 15 ]; then
        echo "device-check: $name skipped (time limit)"
        record "$name" '{"skipped": "time limit"}'
        return 124
    fi
    echo "== $name (up to ${t}s): $*"
    local t0=$SECONDS rc
    timeout -k 5 "$t" "$@" > "$work/$name.out"
    rc=$?
    cat "$work/$name.out"
    echo "== $name: rc=$rc in $((SECONDS - t0))s"
    return $rc
}

# ---- binaries -----------------------------------------------------------------------------
bundle="${DEVICE_BUNDLE:-$root/.device/bundle.tar.xz}"
if [ -f "$bundle" ]; then
    rm -rf "$work/bundle" && mkdir -p "$work/bundle" && tar -C "$work/bundle" -xJf "$bundle" || exit 1
    bin="$work/bundle/bin"
    # The bundle's libraries for its binaries only (python3 and torch keep the system's). The C++
    # runtime it carries is used only when the system's is older than the one it was built with.
    libs="$work/bundle/lib"
    sys_cxx="$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ { print $NF; exit }')"
    newest_needed="$(grep -ao 'GLIBCXX_3\.4\.[0-9]*' "$bin"/* | sed 's/.*GLIBCXX_//' | sort -V | tail -1)"
    if [ -n "$sys_cxx" ] && grep -qa "GLIBCXX_$newest_needed" "$sys_cxx"; then
        echo "device-check: system C++ runtime $sys_cxx (has GLIBCXX_$newest_needed)"
    else
        libs="$libs:$work/bundle/lib-cxx"
    fi
    echo "device-check: prebuilt bundle of commit $(cat "$work/bundle/commit"), CUDA archs $(cat "$work/bundle/cuda-archs")"
    grep -qw "$arch" <<< "$(tr ';' ' ' < "$work/bundle/cuda-archs")" \
        || echo "device-check: WARNING: the bundle has no sm_$arch code; the driver compiles its PTX (slower start)"
    skeletons="$work/bundle/models"
    books="$work/bundle/books"
else
    echo "device-check: no bundle; building gleaner-cli and the parity suite for sm_$arch"
    bdir="$root/build-gpu-sm$arch"
    cmake -S "$root" -B "$bdir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGLEANER_CUDA=ON \
        -DCMAKE_CUDA_ARCHITECTURES="$arch" > "$work/configure.log" 2>&1 \
        || { tail -30 "$work/configure.log"; echo "device-check: configure failed"; exit 1; }
    cmake --build "$bdir" -j "$(nproc)" --target gleaner-cli test_backend_parity || { echo "device-check: build failed"; exit 1; }
    bin="$bdir/bin"
    libs=""
    skeletons=""
    books="$root/tests/data/corpus"
fi
record build "{\"seconds\": $((SECONDS - start))}"

# cuBLAS is loaded at run time: make the toolkit's or the Python wheels' copy findable.
cublas_dir=""
for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib $(ls -d /usr/local/cuda-*/lib64 2>/dev/null) \
         $(python3 -c 'import nvidia, os; print(" ".join(os.path.join(p, s) for p in nvidia.__path__ for s in ("cublas/lib", "cu13/lib")))' 2>/dev/null); do
    if ls "$d"/libcublas.so* > /dev/null 2>&1; then cublas_dir="$d"; echo "device-check: cuBLAS from $d"; break; fi
done

# "${run[@]}" BINARY ARGS: one of the binaries, with the bundle's libraries and cuBLAS findable.
run=(env "LD_LIBRARY_PATH=${libs:+$libs:}$cublas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")

# ---- models -------------------------------------------------------------------------------
models="${GLEANER_MODELS_DIR:-}"
synthetic=false
if [ -z "$models" ] || ! ls "$models"/*.gguf > /dev/null 2>&1; then
    [ -n "$skeletons" ] && ls "$skeletons"/*.skel > /dev/null 2>&1 || { echo "device-check: no models and no skeletons"; exit 1; }
    models="$work/models"; mkdir -p "$models"; synthetic=true
    for s in "$skeletons"/*.skel; do
        m="$models/$(basename "$s" .skel).gguf"
        [ -f "$m" ] || python3 "$here/synth_gguf.py" expand "$s" "$m" || exit 1
    done
fi
export GLEANER_MODELS_DIR="$models"
# Random weights answer nothing: the parity suite's pass-key rows skip, saying so, on them.
if [ "$synthetic" = true ]; then export GLEANER_SYNTHETIC_MODELS=1; fi
default_model="$models/SmolLM2-135M-Instruct.Q4_1.gguf"
echo "device-check: models in $models (random weights: $synthetic): $(cd "$models" && ls *.gguf | tr '\n' ' ')"

# GPU memory while the checks run (peak used MiB).
nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 > "$work/memory.txt" 2>/dev/null &
mem_pid=$!
trap 'kill $mem_pid 2>/dev/null' EXIT

# ---- 1. parity: every op, whole-model logits, passkey per method ---------------------------
# One process per test function: a kernel fault spoils its CUDA context, not the whole suite.
for f in $("${run[@]}" "$bin/test_backend_parity" -functions | sed -n 's/()$//p'); do
    QTEST_FUNCTION_TIMEOUT=600000 run_step "parity-$f" 90 "${run[@]}" "$bin/test_backend_parity" "$f"
    rc=$?
    record parity "{\"function\": \"$f\", \"rc\": $rc, \"pass\": $(grep -c '^PASS' "$work/parity-$f.out"), \"fail\": $(grep -c '^FAIL' "$work/parity-$f.out"), \"skip\": $(grep -c '^SKIP' "$work/parity-$f.out")}"
done

# ---- 2. bounds: device copy bandwidth and cuBLAS fp16 GEMM time for each model's prefill -----
run_step bounds 60 python3 "$here/gpu_bounds.py" --tokens 1024 "$models"/*.gguf
[ -s "$work/bounds.out" ] && record bounds "$(tail -1 "$work/bounds.out")"

# ---- 3. speed of every model on the GPU --------------------------------------------------
for m in "$models"/*.gguf; do
    name="$(basename "$m" .gguf)"
    if run_step "bench-$name" 45 "${run[@]}" "$bin/gleaner-cli" bench --model "$m" --device cuda:0 \
        --prompt-tokens 1024 --gen-tokens 128 --reps 3 --json; then
        record "bench" "{\"model\": \"$name\", \"file_bytes\": $(stat -c %s "$m"), \"gguf\": $(tail -1 "$work/bench-$name.out")}"
    else
        record "bench" "{\"model\": \"$name\", \"failed\": true}"
    fi
done

# ---- 4. a whole book read and asked on the GPU (default model and method) ----------------
book="$books/pride-and-prejudice_pg1342.txt"
if [ -f "$book" ]; then
    cache="$work/cache"; rm -rf "$cache"
    if run_step read 120 "${run[@]}" "$bin/gleaner-cli" read "$book" --model "$default_model" --device cuda:0 \
        --cache-dir "$cache" --json --quiet; then
        record read "$(tail -1 "$work/read.out")"
        run_step ask 45 "${run[@]}" "$bin/gleaner-cli" ask "$book" "Who is Mr. Darcy?" --model "$default_model" \
            --device cuda:0 --cache-dir "$cache" --json --max-tokens 32 \
            && record ask "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("evidence",None); print(json.dumps(d))' "$work/ask.out")"
    elif [ $? -ne 124 ] || [ -s "$work/read.out" ]; then
        record read '{"failed": true}'
    fi
    run_step qllm 60 "${run[@]}" "$bin/gleaner-cli" ask "$root/resources/alice-in-wonderland.txt" "Who is the Cheshire Cat?" \
        --model "$default_model" --device cuda:0 --method qllm --json --max-tokens 16 \
        && record qllm "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("evidence",None); print(json.dumps(d))' "$work/qllm.out")"
fi

# ---- 5. where decode time goes: per-kernel time and DRAM throughput on the largest model ---
ncu_bin="$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu /usr/local/cuda/bin/ncu 2>/dev/null | head -1)"
big="$(ls -S "$models"/*.gguf | head -1)"
if [ -n "$ncu_bin" ] && [ "$(left)" -gt 60 ]; then
    run_step profile 90 "${run[@]}" "$ncu_bin" --clock-control none --csv --launch-skip 600 --launch-count 400 \
        --metrics gpu__time_duration.sum,dram__throughput.avg.pct_of_peak_sustained_elapsed \
        "$bin/gleaner-cli" bench --model "$big" --device cuda:0 --prompt-tokens 0 --gen-tokens 8 --reps 1
    python3 "$here/profile_summary.py" "$work/profile.out" > "$out/decode-profile.txt" \
        && cat "$out/decode-profile.txt" && record profile "{\"model\": \"$(basename "$big")\", \"file\": \"decode-profile.txt\"}"
fi

# ---- summary -----------------------------------------------------------------------------
kill $mem_pid 2>/dev/null
peak=$(grep -E '^ *[0-9]+ *$' "$work/memory.txt" 2>/dev/null | sort -n | tail -1)
record memory "{\"peak_used_mib\": ${peak:-null}, \"total_mib\": ${gpu_mem_mib// /}}"
python3 "$here/device_summary.py" "$results" "$gpu_name" "$gpu_cc" "$synthetic" > "$out/device-check.json"
cat "$out/device-check.json"
echo "device-check: done in $((SECONDS - start))s"
