#!/usr/bin/env python3
"""device-check.jsonl -> device-check.json: every step's result, and the goals' ratios per model
(decode against the memory-bandwidth bound of its quantized bytes per token, prefill against
cuBLAS fp16 on the same shapes).

usage: device_summary.py RESULTS.jsonl GPU_NAME COMPUTE_CAPABILITY SYNTHETIC(true|false)
"""
import json
import sys


def main(path, gpu, cc, synthetic):
    steps = []
    for line in open(path):
        try:
            steps.append(json.loads(line))
        except ValueError:
            steps.append({"step": "unparsed", "result": line.strip()})
    bounds = next((s["result"] for s in steps if s["step"] == "bounds"), {"models": {}})
    models = {}
    for s in steps:
        if s["step"] != "bench":
            continue
        r = s["result"]
        m = {"failed": True} if r.get("failed") else {
            "prefill_tok_s": r["gguf"]["prefill_tok_s"], "decode_tok_s": r["gguf"]["decode_tok_s"],
            "backend": r["gguf"]["backend"], "memory_plan": r["gguf"]["memory_plan"]}
        b = bounds.get("models", {}).get(r["model"])
        if b and not r.get("failed"):
            m["decode_vs_bandwidth_bound"] = m["decode_tok_s"] / b["decode_bound_tok_s"]
            m["prefill_vs_cublas_fp16"] = m["prefill_tok_s"] / b["cublas_prefill_tok_s"]
            m["bounds"] = b
        models[r["model"]] = m
    summary = {"gpu": gpu, "compute_capability": cc, "random_weights": synthetic == "true",
               "bandwidth_gb_s": bounds.get("bandwidth_gb_s"), "models": models,
               "parity": [s["result"] for s in steps if s["step"] == "parity"],
               "steps": {s["step"]: s["result"] for s in steps if s["step"] not in ("bench", "bounds", "parity")}}
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main(*sys.argv[1:5])
