#pragma once
// RoPE's per-element math: the angle of pair i at a position (with Llama 3 frequency factors)
// and which two elements of a head the pair rotates (Norm: adjacent, Neox: half apart). The
// same float expression as the CPU backend's cos/sin table.
#include <math.h>

#include "quant/hd.h"

namespace gleaner::gpu {

// theta_i = pos * base^(-2i/n_rot) * freq_scale / factor_i (factor: 1 without rope_freqs).
GLEANER_HD inline float rope_theta(int pos, int i, int n_rot, float freq_base, float freq_scale, const float* factors) {
    float theta = freq_scale * static_cast<float>(pos) *
                  powf(freq_base, -2.0f * static_cast<float>(i) / static_cast<float>(n_rot));
    if (factors) theta /= factors[i];
    return theta;
}

// Elements (i0, i1) of a head that pair i of n_rot/2 rotates.
GLEANER_HD inline void rope_pair(bool neox, int i, int half, int* i0, int* i1) {
    *i0 = neox ? i : 2 * i;
    *i1 = neox ? i + half : 2 * i + 1;
}

// (a, c) rotated by the angle whose cosine and sine are cs, sn.
GLEANER_HD inline void rope_rotate(float a, float c, float cs, float sn, float* o0, float* o1) {
    *o0 = a * cs - c * sn;
    *o1 = a * sn + c * cs;
}

}  // namespace gleaner::gpu
