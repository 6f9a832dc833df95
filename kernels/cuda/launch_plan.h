#pragma once
// Launch shapes of the CUDA backend's kernels, as plain C++ (no CUDA headers) so that the host
// side of every launch is unit-tested on machines without a GPU (tests/unit/test_device_plan).
#include <cstddef>
#include <cstdint>

namespace gleaner::gpu {

// ---- matmul ---------------------------------------------------------------------------------
// Batches of at least this many tokens dequantize the weight to fp16 and run cuBLAS (compute
// bound: tensor cores); smaller ones run the mat-vec kernel on the quantized weight
// (bandwidth bound: each weight byte read once per call).
constexpr int kGemmMinTokens = 16;
// The mat-vec kernel: one warp per output row, kMatvecWarps rows per block, up to
// kMatvecMaxTokens tokens per launch (their sums stay in registers).
constexpr int kMatvecWarps = 4;
constexpr int kMatvecMaxTokens = 8;
// The fp16 weight scratch holds at most this many elements; bigger matrices (an LM head) are
// converted and multiplied in row chunks. 64 Mi elements = 128 MiB, more than Llama-3-8B's
// largest layer matrix (14336 x 4096 = 56 Mi).
constexpr int64_t kGemmScratchElems = int64_t{64} << 20;

enum class MatmulPath { MatVec, Gemm };
inline MatmulPath matmul_path(int n_tokens) { return n_tokens >= kGemmMinTokens ? MatmulPath::Gemm : MatmulPath::MatVec; }

// Rows of the weight converted per GEMM chunk (>= 1).
inline int64_t gemm_chunk_rows(int64_t n_in, int64_t n_out) {
    const int64_t rows = n_in > 0 ? kGemmScratchElems / n_in : n_out;
    return rows < 1 ? 1 : (rows > n_out ? n_out : rows);
}

// Blocks of kMatvecWarps warps covering n_out rows.
inline int64_t matvec_blocks(int64_t n_out) { return (n_out + kMatvecWarps - 1) / kMatvecWarps; }

// The staged mat-vec (Q4_0, Q4_1, Q5_0, Q8_0, Q4_K, Q6_K; math/matvec_unit.h): a block of
// kStagedWarps warps; the warps form groups of `split` that share kStagedRows rows, each warp
// of a group taking every split-th step (1024 weights) of the rows, summed at the end. Enough
// steps per row: split 4 (4 rows per block, many blocks in flight even for 1024-row matrices);
// rows of 1-3 steps (small models): fewer warps per row, more rows per block.
constexpr int kStagedWarps = 4;
constexpr int kStagedRows = 4;
inline int staged_split(int64_t steps) { return steps >= 4 ? 4 : (steps >= 2 ? 2 : 1); }
inline int64_t staged_rows_per_block(int split) { return int64_t{kStagedRows} * (kStagedWarps / split); }
inline int64_t staged_blocks(int64_t n_out, int split) {
    const int64_t rows = staged_rows_per_block(split);
    return (n_out + rows - 1) / rows;
}

// ---- elementwise ----------------------------------------------------------------------------
constexpr int kElementwiseThreads = 256;
// A grid-stride loop covers the rest, so the grid is capped (at 65535 blocks x 256 threads).
inline unsigned elementwise_blocks(size_t n) {
    const size_t b = (n + kElementwiseThreads - 1) / kElementwiseThreads;
    return static_cast<unsigned>(b == 0 ? 1 : (b > 65535 ? 65535 : b));
}

// ---- attention ------------------------------------------------------------------------------
// Tiled attention: a block of kAttnWarps warps takes a tile of queries of one head and walks the
// keys in shared-memory tiles of key_tile keys, keeping an online softmax per query (no T x n_kv
// score matrix). Long key ranges are split over blocks (split-K, "flash decoding") so that a
// decode step still fills the GPU; a second kernel merges the splits' partial softmax states.
constexpr int kAttnWarps = 4;

struct AttentionShape {
    bool supported = false;    // head_dim is 64, 128 or 256 (else the backend runs it on the CPU)
    int head_dim = 0;
    int key_tile = 0;          // keys per shared-memory tile (32, or 16 for head_dim 256)
    int queries_per_warp = 0;  // queries each warp keeps in registers (4, or 2 for head_dim 256)
    int query_tile = 0;        // queries per block: kAttnWarps * queries_per_warp
    int q_tiles = 0;           // grid.x
    int heads = 0;             // grid.y
    int splits = 1;            // grid.z: key ranges processed by separate blocks
    int keys_per_split = 0;    // a multiple of key_tile
    size_t smem_bytes = 0;     // dynamic shared memory per block
    size_t partial_floats = 0; // scratch for split partials: splits * T * H * (D + 2)
};

// n_sm: the device's multiprocessor count (the split aims at two blocks per SM).
AttentionShape plan_attention(int n_tokens, int n_heads, int n_kv, int head_dim, int n_sm);

// Shared memory of one attention block for a shape (K tile transposed with one float of
// padding per row against bank conflicts, V tile, the warps' queries).
inline size_t attention_smem_bytes(int head_dim, int key_tile, int queries_per_warp) {
    return sizeof(float) * (static_cast<size_t>(head_dim) * (key_tile + 1) + static_cast<size_t>(key_tile) * head_dim +
                            static_cast<size_t>(kAttnWarps) * queries_per_warp * head_dim + key_tile);
}

}  // namespace gleaner::gpu
