#include "launch_plan.h"

namespace gleaner::gpu {

AttentionShape plan_attention(int n_tokens, int n_heads, int n_kv, int head_dim, int n_sm) {
    AttentionShape s;
    s.head_dim = head_dim;
    s.supported = head_dim == 64 || head_dim == 128 || head_dim == 256;
    if (!s.supported || n_tokens <= 0 || n_heads <= 0) return s;
    s.key_tile = head_dim == 256 ? 16 : 32;
    s.queries_per_warp = head_dim == 256 ? 2 : 4;
    s.query_tile = kAttnWarps * s.queries_per_warp;
    s.q_tiles = (n_tokens + s.query_tile - 1) / s.query_tile;
    s.heads = n_heads;
    s.smem_bytes = attention_smem_bytes(head_dim, s.key_tile, s.queries_per_warp);
    const int kv = n_kv > 0 ? n_kv : 1;
    // Split the keys when the (query tile, head) blocks alone would leave SMs idle, but keep at
    // least 8 tiles of keys per split so the merge stays cheap compared with the work.
    const long long base = static_cast<long long>(s.q_tiles) * s.heads;
    const long long target = 2LL * (n_sm > 0 ? n_sm : 1);
    long long splits = base >= target ? 1 : (target + base - 1) / base;
    const long long max_splits = (kv + 8LL * s.key_tile - 1) / (8LL * s.key_tile);
    if (splits > max_splits) splits = max_splits;
    if (splits < 1) splits = 1;
    const long long tiles = (kv + s.key_tile - 1) / s.key_tile;
    const long long tiles_per_split = (tiles + splits - 1) / splits;
    s.keys_per_split = static_cast<int>(tiles_per_split * s.key_tile);
    s.splits = static_cast<int>((kv + s.keys_per_split - 1) / s.keys_per_split);
    s.partial_floats = s.splits > 1 ? static_cast<size_t>(s.splits) * n_tokens * n_heads * (head_dim + 2) : 0;
    return s;
}

}  // namespace gleaner::gpu
