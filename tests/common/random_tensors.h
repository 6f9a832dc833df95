#pragma once
// Random inputs and their comparison, for the tests that check one implementation of an op
// against another (CPU backend vs naive reference, CPU vs CUDA, shared math vs CPU).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

// n floats from N(0, scale^2), reproducible from the seed.
inline std::vector<float> randn(size_t n, uint32_t seed, float scale = 1.0f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd(0.0f, scale);
    std::vector<float> v(n);
    for (float& x : v) x = nd(rng);
    return v;
}

inline double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
    double m = 0;
    for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(static_cast<double>(a[i]) - b[i]));
    return m;
}

// max |a - b| / max(1, |b|)
inline double max_rel_diff(const std::vector<float>& a, const std::vector<float>& b) {
    double m = 0;
    for (size_t i = 0; i < a.size(); ++i)
        m = std::max(m, std::abs(static_cast<double>(a[i]) - b[i]) / std::max(1.0, std::abs(static_cast<double>(b[i]))));
    return m;
}
