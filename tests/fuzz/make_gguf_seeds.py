#!/usr/bin/env python3
"""Writes small but complete GGUF files (a 2-layer llama with a byte-level BPE vocabulary, and a
SentencePiece one) as seeds for fuzz_gguf, so mutations reach the model-config, weight-table and
tokenizer code and not only the header parser. Usage: make_gguf_seeds.py OUT_DIR"""
import struct, sys, os

def s(x): b = x.encode(); return struct.pack('<Q', len(b)) + b
def kv_str(k, v): return s(k) + struct.pack('<I', 8) + s(v)
def kv_u32(k, v): return s(k) + struct.pack('<II', 4, v)
def kv_f32(k, v): return s(k) + struct.pack('<If', 6, v)
def kv_bool(k, v): return s(k) + struct.pack('<IB', 7, v)
def kv_arr_str(k, xs): return s(k) + struct.pack('<IIQ', 9, 8, len(xs)) + b''.join(s(x) for x in xs)
def kv_arr_f32(k, xs): return s(k) + struct.pack('<IIQ', 9, 6, len(xs)) + b''.join(struct.pack('<f', x) for x in xs)
def kv_arr_i32(k, xs): return s(k) + struct.pack('<IIQ', 9, 5, len(xs)) + b''.join(struct.pack('<i', x) for x in xs)

def model(tokenizer):
    E, F, L, V = 32, 64, 2, 300
    if tokenizer == 'gpt2':
        toks = [bytes([b]).decode('latin-1') for b in range(256)] + ['Ġt', 'he', 'Ġthe', '<|im_start|>', '<|im_end|>'] + [f'x{i}' for i in range(V - 261)]
        tok_kv = [kv_str('tokenizer.ggml.model', 'gpt2'), kv_str('tokenizer.ggml.pre', 'smollm'), kv_arr_str('tokenizer.ggml.tokens', toks),
                  kv_arr_i32('tokenizer.ggml.token_type', [1] * 259 + [3, 3] + [1] * (V - 261)),
                  kv_arr_str('tokenizer.ggml.merges', ['Ġ t', 'h e', 'Ġt he']), kv_u32('tokenizer.ggml.bos_token_id', 259),
                  kv_u32('tokenizer.ggml.eos_token_id', 260)]
    else:
        toks = ['<unk>', '<s>', '</s>'] + [f'<0x{b:02X}>' for b in range(256)] + ['▁', '▁the', 'he'] + [f'▁w{i}' for i in range(V - 262)]
        tok_kv = [kv_str('tokenizer.ggml.model', 'llama'), kv_arr_str('tokenizer.ggml.tokens', toks),
                  kv_arr_f32('tokenizer.ggml.scores', [0.0] * 3 + [0.0] * 256 + [-1.0 - i * 0.01 for i in range(V - 259)]),
                  kv_arr_i32('tokenizer.ggml.token_type', [2, 3, 3] + [6] * 256 + [1] * (V - 259)), kv_bool('tokenizer.ggml.add_bos_token', True)]
    kvs = [kv_str('general.architecture', 'llama'), kv_u32('llama.block_count', L), kv_u32('llama.embedding_length', E),
           kv_u32('llama.feed_forward_length', F), kv_u32('llama.attention.head_count', 4), kv_u32('llama.attention.head_count_kv', 2),
           kv_u32('llama.context_length', 128), kv_f32('llama.attention.layer_norm_rms_epsilon', 1e-5)] + tok_kv
    tensors = [('token_embd.weight', [E, V]), ('output_norm.weight', [E])]
    for i in range(L):
        p = f'blk.{i}.'
        tensors += [(p + 'attn_norm.weight', [E]), (p + 'attn_q.weight', [E, E]), (p + 'attn_k.weight', [E, E // 2]),
                    (p + 'attn_v.weight', [E, E // 2]), (p + 'attn_output.weight', [E, E]), (p + 'ffn_norm.weight', [E]),
                    (p + 'ffn_gate.weight', [E, F]), (p + 'ffn_up.weight', [E, F]), (p + 'ffn_down.weight', [F, E])]
    head = b'GGUF' + struct.pack('<IQQ', 3, len(tensors), len(kvs)) + b''.join(kvs)
    info, data, off = b'', b'', 0
    for name, ne in tensors:
        n = 1
        for d in ne: n *= d
        info += s(name) + struct.pack('<I', len(ne)) + b''.join(struct.pack('<q', d) for d in ne) + struct.pack('<IQ', 0, off)
        blob = b''.join(struct.pack('<f', ((i * 7919) % 97 - 48) / 480.0) for i in range(n))
        blob += b'\0' * ((-len(blob)) % 32)
        data += blob
        off += len(blob)
    out = head + info
    out += b'\0' * ((-len(out)) % 32)
    return out + data

os.makedirs(sys.argv[1], exist_ok=True)
for t in ('gpt2', 'spm'):
    open(os.path.join(sys.argv[1], f'tiny_{t}.gguf'), 'wb').write(model(t))
