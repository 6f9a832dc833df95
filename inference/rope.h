#pragma once
// RoPE on the host for the long-context methods, on top of the backend's rope(): a method that
// rotates keys at positions of its own (slots of a window, InfLLM's distant tokens) uses a table,
// and scoring over a whole book uses double-precision angles so that any distance is exact.
// The pair and angle formulas live here once; RopeTable uses the float angle of the CPU
// backend's rope() so that its rotations agree with the forward pass bit for bit.
#include <cstdint>
#include <vector>

#include "backend.h"

namespace gleaner {

// The two dimensions of a head that pair i (< n_rot/2) rotates together.
inline void rope_pair(const RopeParams& p, int i, int& i0, int& i1) {
    const bool norm = p.style == RopeStyle::Norm;
    i0 = norm ? 2 * i : i;
    i1 = norm ? 2 * i + 1 : i + p.n_rot / 2;
}

// theta_i of pair i in double: the angle per position (freq_scale, base^(-2i/n_rot), factors).
double rope_theta(const RopeParams& p, int i);

// Rotates x (n_heads, D) in place by pos * theta_i per pair, with double trigonometry.
void rotate_exact(float* x, int n_heads, int D, const RopeParams& p, int64_t pos);

// A table of RoPE rotations for positions [0, n), shared by the layers with the same RoPE.
class RopeTable {
public:
    RopeTable(const RopeParams& p, int n_positions);
    // x (n_tokens, n_heads, head_dim) in place, token i at position pos[i] (< size()).
    void rotate(float* x, int n_tokens, int n_heads, int head_dim, const int32_t* pos) const;
    // Every token at the same position.
    void rotate_all(float* x, int n_tokens, int n_heads, int head_dim, int32_t pos) const;
    int size() const { return n_; }
    const RopeParams& params() const { return p_; }

private:
    void rotate_one(float* v, int n_heads, int head_dim, int32_t pos) const;
    RopeParams p_;
    int n_ = 0;
    int half_ = 0;
    std::vector<float> cos_, sin_;  // (n, half)
};

}  // namespace gleaner
