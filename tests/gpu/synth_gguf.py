#!/usr/bin/env python3
"""Model files of a real model's shape with random weights, for GPU checks on a machine the real
files cannot reach (a device machine takes 64 MiB of files; the models are 93 MB to 1.1 GB).

  synth_gguf.py skeleton REAL.gguf OUT.skel   the header of REAL.gguf (metadata, tokenizer,
                                               tensor table) without the tensor data
  synth_gguf.py expand OUT.skel OUT.gguf      a whole GGUF: that header and random tensor data
                                               [--seed N]
  synth_gguf.py llama8b LLAMA.skel OUT.skel    Llama-3.1-8B's shapes (32 layers, 4096 wide,
                                               32/8 heads, FFN 14336; Q4_K layers, Q6_K head)
                                               with LLAMA.skel's tokenizer: the decode
                                               bandwidth figure on a model of a realistic size

The random data is valid for every weight type: each block's f16 scale fields are set so that a
row's dot product with a unit-RMS input has a standard deviation of about 1 (weights ~ 1/sqrt(n)),
so activations stay finite through every layer; the quantized bits are uniform. Norm weights are
~1, biases ~0.02. The logits of such a model are meaningless; its speed and the agreement of two
backends on it are what the checks use it for.
"""
import struct
import sys

import numpy as np

# ggml type id -> (name, elements per block, bytes per block, [(byte offset, multiple of d)] f16
#                  fields (d itself, or the min that centres the block's values on zero), typical
#                  |dequantized value| for a scale of 1, from the quant's integer range)
TYPES = {
    0: ("F32", 1, 4, [], 0),
    1: ("F16", 1, 2, [], 0),
    30: ("BF16", 1, 2, [], 0),
    2: ("Q4_0", 32, 18, [(0, 1)], 4.6),
    3: ("Q4_1", 32, 20, [(0, 1), (2, -8)], 4.6),
    6: ("Q5_0", 32, 22, [(0, 1)], 9.2),
    7: ("Q5_1", 32, 24, [(0, 1), (2, -16)], 9.2),
    8: ("Q8_0", 32, 34, [(0, 1)], 74.0),
    20: ("IQ4_NL", 32, 18, [(0, 1)], 60.0),
    10: ("Q2_K", 256, 84, [(80, 1), (82, 1.5)], 9.0),
    11: ("Q3_K", 256, 110, [(108, 1)], 46.0),
    12: ("Q4_K", 256, 144, [(0, 1), (2, 7.5)], 140.0),
    13: ("Q5_K", 256, 176, [(0, 1), (2, 15.5)], 280.0),
    14: ("Q6_K", 256, 210, [(208, 1)], 1300.0),
}

SCALAR = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}


class Reader:
    def __init__(self, data):
        self.b, self.p = data, 0

    def take(self, fmt):
        v = struct.unpack_from("<" + fmt, self.b, self.p)
        self.p += struct.calcsize("<" + fmt)
        return v[0] if len(v) == 1 else v

    def string(self):
        n = self.take("Q")
        s = bytes(self.b[self.p:self.p + n]).decode("utf-8", "replace")
        self.p += n
        return s

    def value(self, t):
        if t == 8:
            return self.string()
        if t == 9:
            et, n = self.take("I"), self.take("Q")
            if et in SCALAR:  # skip scalar arrays in one step
                size = struct.calcsize("<" + SCALAR[et])
                self.p += size * n
                return None
            return [self.value(et) for _ in range(n)]
        return self.take(SCALAR[t])


def parse_header(data):
    """(header length up to the aligned data start, [(name, dims, type, offset)], alignment)."""
    r = Reader(data)
    if bytes(data[:4]) != b"GGUF":
        sys.exit("not a GGUF file")
    r.p = 4
    version, n_tensors, n_kv = r.take("I"), r.take("Q"), r.take("Q")
    if version < 2:
        sys.exit(f"GGUF version {version} not supported")
    alignment = 32
    for _ in range(n_kv):
        key, t = r.string(), r.take("I")
        v = r.value(t)
        if key == "general.alignment":
            alignment = int(v)
    tensors = []
    for _ in range(n_tensors):
        name, nd = r.string(), r.take("I")
        dims = [r.take("Q") for _ in range(nd)]
        tensors.append((name, dims, r.take("I"), r.take("Q")))
    start = (r.p + alignment - 1) // alignment * alignment
    return start, tensors, alignment


def kv_spans(data):
    """[(key, value type, bytes of the whole key/value entry)], the header's tail offset."""
    r = Reader(data)
    r.p = 4
    _, _, n_kv = r.take("I"), r.take("Q"), r.take("Q")
    spans = []
    for _ in range(n_kv):
        p0 = r.p
        key, t = r.string(), r.take("I")
        r.value(t)
        spans.append((key, t, bytes(data[p0:r.p])))
    return spans


def gguf_string(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def llama8b(src, dst):
    with open(src, "rb") as f:
        data = f.read()
    spans = kv_spans(data)
    arch = next(bytes(sp[2][-5:]) for sp in spans if sp[0] == "general.architecture")
    if arch != b"llama":
        sys.exit("llama8b needs a llama-architecture skeleton (its tokenizer is kept)")
    n_vocab = next(struct.unpack("<I", sp[2][-4:])[0] for sp in spans if sp[0] == "llama.vocab_size")
    E, L, F, H, HKV = 4096, 32, 14336, 32, 8
    u32 = {"llama.embedding_length": E, "llama.block_count": L, "llama.feed_forward_length": F,
           "llama.attention.head_count": H, "llama.attention.head_count_kv": HKV,
           "llama.rope.dimension_count": E // H, "general.file_type": 15}
    kv = b""
    for key, t, raw in spans:
        if key in u32 and t == 4:
            raw = gguf_string(key) + struct.pack("<II", 4, u32[key])
        kv += raw
    Q4K, Q6K, F32 = 12, 14, 0
    tensors = [("token_embd.weight", [E, n_vocab], Q4K), ("output_norm.weight", [E], F32),
               ("output.weight", [E, n_vocab], Q6K)]
    for i in range(L):
        b = f"blk.{i}."
        tensors += [(b + "attn_norm.weight", [E], F32), (b + "attn_q.weight", [E, E], Q4K),
                    (b + "attn_k.weight", [E, E // H * HKV], Q4K), (b + "attn_v.weight", [E, E // H * HKV], Q6K),
                    (b + "attn_output.weight", [E, E], Q4K), (b + "ffn_norm.weight", [E], F32),
                    (b + "ffn_gate.weight", [E, F], Q4K), (b + "ffn_up.weight", [E, F], Q4K),
                    (b + "ffn_down.weight", [F, E], Q6K)]
    info, off = b"", 0
    for name, dims, t in tensors:
        info += gguf_string(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        info += struct.pack("<IQ", t, off)
        off = (off + tensor_bytes(dims, t) + 31) // 32 * 32
    head = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(spans)) + kv + info
    head += b"\0" * ((-len(head)) % 32)
    with open(dst, "wb") as f:
        f.write(head)
    print(f"{dst}: Llama-3.1-8B shapes, {off / 1e9:.2f} GB of weights")


def tensor_bytes(dims, t):
    _, per_block, block_bytes, _, _ = TYPES[t]
    n = int(np.prod(dims))
    return n // per_block * block_bytes


def random_tensor(name, dims, t, rng):
    n_in = dims[0]
    n = int(np.prod(dims))
    target = 1.0 / np.sqrt(n_in)
    kind, per_block, block_bytes, fields, typical = TYPES[t]
    if kind in ("F32", "F16", "BF16"):
        if "norm" in name or "rope_freqs" in name:
            v = 1.0 + 0.05 * rng.standard_normal(n, dtype=np.float32)
        elif len(dims) == 1:
            v = 0.02 * rng.standard_normal(n, dtype=np.float32)
        else:
            v = target * rng.standard_normal(n, dtype=np.float32)
        if kind == "F32":
            return v.astype("<f4").tobytes()
        if kind == "F16":
            return v.astype("<f2").tobytes()
        return (v.astype("<f4").view("<u4") >> 16).astype("<u2").tobytes()
    blocks = rng.integers(0, 256, size=(n // per_block, block_bytes), dtype=np.uint8)
    d = (target / typical) * rng.uniform(0.5, 1.5, size=blocks.shape[0])
    for off, times_d in fields:
        blocks[:, off:off + 2] = (d * times_d).astype("<f2").view(np.uint8).reshape(-1, 2)
    return blocks.tobytes()


def skeleton(src, dst):
    with open(src, "rb") as f:
        head = f.read(64 << 20)
    start, tensors, _ = parse_header(head)
    with open(dst, "wb") as f:
        f.write(head[:start])
    print(f"{dst}: header of {len(tensors)} tensors, {start} bytes")


def expand(src, dst, seed):
    with open(src, "rb") as f:
        head = f.read()
    start, tensors, alignment = parse_header(head)
    rng = np.random.default_rng(seed)
    with open(dst, "wb") as f:
        f.write(head[:start])
        pos = 0
        for name, dims, t, offset in sorted(tensors, key=lambda x: x[3]):
            if t not in TYPES:
                sys.exit(f"{name}: ggml type {t} not supported here")
            if offset < pos:
                sys.exit(f"{name}: overlapping tensor offsets")
            f.write(b"\0" * (offset - pos))
            data = random_tensor(name, dims, t, rng)
            assert len(data) == tensor_bytes(dims, t)
            f.write(data)
            pos = offset + len(data)
        f.write(b"\0" * ((-pos) % alignment))
    print(f"{dst}: {len(tensors)} random tensors, {start + pos} bytes")


if __name__ == "__main__":
    args = sys.argv[1:]
    seed = 1
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i:i + 2]
    if len(args) == 3 and args[0] == "skeleton":
        skeleton(args[1], args[2])
    elif len(args) == 3 and args[0] == "llama8b":
        llama8b(args[1], args[2])
    elif len(args) == 3 and args[0] == "expand":
        expand(args[1], args[2], seed)
    else:
        sys.exit(__doc__)
