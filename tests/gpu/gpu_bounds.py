#!/usr/bin/env python3
"""The ceilings the GPU goals are measured against, on the machine itself (needs PyTorch with CUDA):
device memory bandwidth (a large device-to-device copy), and for each model the time cuBLAS takes
for the prefill's matrix products alone (fp16 inputs, fp32 accumulation, the model's own weight
shapes, T tokens, the output head for the last token only). Prints one JSON line:
{"bandwidth_gb_s": ..., "models": {name: {"decode_bytes": ..., "decode_bound_tok_s": ...,
 "cublas_prefill_s": ..., "cublas_prefill_tok_s": ..., "gemm_tflop_s": ...}}}

usage: gpu_bounds.py [--tokens T] MODEL.gguf...
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synth_gguf import TYPES, parse_header, tensor_bytes  # noqa: E402


def timed(fn, reps):
    fn()
    torch.cuda.synchronize()
    a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    a.record()
    for _ in range(reps):
        fn()
    b.record()
    torch.cuda.synchronize()
    return a.elapsed_time(b) / 1000.0 / reps


def bandwidth_gb_s():
    n = 1 << 30  # 1 GiB each way
    src = torch.empty(n, dtype=torch.uint8, device="cuda")
    dst = torch.empty_like(src)
    s = timed(lambda: dst.copy_(src), 10)
    return 2 * n / s / 1e9  # bytes read + written


def model_bounds(path, T, bw):
    with open(path, "rb") as f:
        start, tensors, _ = parse_header(f.read(64 << 20))
    names = {t[0] for t in tensors}
    shapes, decode_bytes = [], 0
    for name, dims, t, _ in tensors:
        if len(dims) != 2 or t not in TYPES:
            continue
        if name == "token_embd.weight" and "output.weight" in names:
            continue  # a lookup, not a product
        decode_bytes += tensor_bytes(dims, t)
        rows = 1 if name in ("output.weight", "token_embd.weight") else T
        shapes.append((rows, dims[0], dims[1]))
    mats = [(torch.randn(r, k, device="cuda", dtype=torch.float16),
             torch.randn(k, n, device="cuda", dtype=torch.float16)) for r, k, n in shapes]
    s = timed(lambda: [a @ b for a, b in mats], 5)
    flop = sum(2 * r * k * n for r, k, n in shapes)
    del mats
    torch.cuda.empty_cache()
    return {"decode_bytes": decode_bytes, "decode_bound_tok_s": bw * 1e9 / decode_bytes,
            "cublas_prefill_s": s, "cublas_prefill_tok_s": T / s, "gemm_tflop_s": flop / s / 1e12}


def main(argv):
    T = 1024
    if argv[:1] == ["--tokens"]:
        T, argv = int(argv[1]), argv[2:]
    torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction = False
    bw = bandwidth_gb_s()
    res = {"bandwidth_gb_s": bw, "tokens": T, "models": {}}
    for p in argv:
        res["models"][os.path.basename(p)[:-5]] = model_bounds(p, T, bw)
    print(json.dumps(res))


if __name__ == "__main__":
    main(sys.argv[1:])
