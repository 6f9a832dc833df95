#include "rope.h"

#include <cmath>
#include <stdexcept>

namespace gleaner {

double rope_theta(const RopeParams& p, int i) {
    double th = p.freq_scale * std::pow(static_cast<double>(p.freq_base), -2.0 * i / p.n_rot);
    if (p.freq_factors) th /= p.freq_factors[i];
    return th;
}

void rotate_exact(float* x, int n_heads, int D, const RopeParams& p, int64_t pos) {
    for (int i = 0; i < p.n_rot / 2; ++i) {
        const double th = rope_theta(p, i);
        const double c = std::cos(pos * th), s = std::sin(pos * th);
        int i0, i1;
        rope_pair(p, i, i0, i1);
        for (int h = 0; h < n_heads; ++h) {
            float* v = x + static_cast<size_t>(h) * D;
            const double a = v[i0], b = v[i1];
            v[i0] = static_cast<float>(a * c - b * s);
            v[i1] = static_cast<float>(a * s + b * c);
        }
    }
}

RopeTable::RopeTable(const RopeParams& p, int n_positions) : p_(p), n_(n_positions), half_(p.n_rot / 2) {
    cos_.resize(static_cast<size_t>(n_) * half_);
    sin_.resize(static_cast<size_t>(n_) * half_);
    for (int pos = 0; pos < n_; ++pos)
        for (int i = 0; i < half_; ++i) {
            // the same float expression as the CPU backend's rope(), so positions agree exactly
            float theta = p.freq_scale * static_cast<float>(pos) *
                          std::pow(p.freq_base, -2.0f * static_cast<float>(i) / static_cast<float>(p.n_rot));
            if (p.freq_factors) theta /= p.freq_factors[i];
            cos_[static_cast<size_t>(pos) * half_ + i] = std::cos(theta);
            sin_[static_cast<size_t>(pos) * half_ + i] = std::sin(theta);
        }
    p_.freq_factors = nullptr;  // folded into the table
}

void RopeTable::rotate_one(float* x, int n_heads, int head_dim, int32_t pos) const {
    if (pos < 0 || pos >= n_) throw std::out_of_range("RoPE position outside the table");
    const float* cs = cos_.data() + static_cast<size_t>(pos) * half_;
    const float* sn = sin_.data() + static_cast<size_t>(pos) * half_;
    for (int h = 0; h < n_heads; ++h) {
        float* v = x + static_cast<size_t>(h) * head_dim;
        for (int i = 0; i < half_; ++i) {
            int i0, i1;
            rope_pair(p_, i, i0, i1);
            const float a = v[i0], c = v[i1];
            v[i0] = a * cs[i] - c * sn[i];
            v[i1] = a * sn[i] + c * cs[i];
        }
    }
}

void RopeTable::rotate(float* x, int n_tokens, int n_heads, int head_dim, const int32_t* pos) const {
    for (int t = 0; t < n_tokens; ++t) rotate_one(x + static_cast<size_t>(t) * n_heads * head_dim, n_heads, head_dim, pos[t]);
}

void RopeTable::rotate_all(float* x, int n_tokens, int n_heads, int head_dim, int32_t pos) const {
    for (int t = 0; t < n_tokens; ++t) rotate_one(x + static_cast<size_t>(t) * n_heads * head_dim, n_heads, head_dim, pos);
}

}  // namespace gleaner
