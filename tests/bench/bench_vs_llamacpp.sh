#!/usr/bin/env bash
# Speed of gleaner-cli bench against llama.cpp's llama-bench on the same GGUF and thread count,
# measured in the same run (alternating, so both see the same machine load). llama.cpp is a peer
# you build yourself; pass its llama-bench binary:
#   LLAMA_BENCH=/path/to/llama-bench tests/bench/bench_vs_llamacpp.sh [MODEL.gguf] [THREADS] [ROUNDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
model="${1:-${XDG_DATA_HOME:-$HOME/.local/share}/gleaner/models/SmolLM2-135M-Instruct.Q4_1.gguf}"
threads="${2:-2}"
rounds="${3:-3}"
: "${LLAMA_BENCH:?set LLAMA_BENCH to a llama-bench binary}"

ours_pp=(); ours_tg=(); peer_pp=(); peer_tg=()
for r in $(seq "$rounds"); do
    o=$(build/bin/gleaner-cli bench --model "$model" --prompt-tokens 512 --gen-tokens 128 --threads "$threads" --reps 3 --json)
    ours_pp+=("$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["prefill_tok_s"])' "$o")")
    ours_tg+=("$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["decode_tok_s"])' "$o")")
    p=$("$LLAMA_BENCH" -m "$model" -p 512 -n 128 -t "$threads" -r 3 -o json 2>/dev/null)
    peer_pp+=("$(python3 -c 'import json,sys; print([x["avg_ts"] for x in json.loads(sys.argv[1]) if x["n_prompt"]>0][0])' "$p")")
    peer_tg+=("$(python3 -c 'import json,sys; print([x["avg_ts"] for x in json.loads(sys.argv[1]) if x["n_gen"]>0][0])' "$p")")
    echo "round $r: gleaner pp512 ${ours_pp[-1]} tg128 ${ours_tg[-1]} | llama.cpp pp512 ${peer_pp[-1]} tg128 ${peer_tg[-1]}"
done
python3 - "${ours_pp[*]}" "${ours_tg[*]}" "${peer_pp[*]}" "${peer_tg[*]}" <<'PY'
import sys, statistics as st
op, ot, pp, pt = ([float(x) for x in a.split()] for a in sys.argv[1:5])
print(f"median  gleaner pp512 {st.median(op):.1f} tok/s, tg128 {st.median(ot):.1f} tok/s")
print(f"median  llama.cpp pp512 {st.median(pp):.1f} tok/s, tg128 {st.median(pt):.1f} tok/s")
print(f"ratio (gleaner / llama.cpp): prefill {st.median(op)/st.median(pp):.2f}x, decode {st.median(ot)/st.median(pt):.2f}x")
PY
