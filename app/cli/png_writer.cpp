#include "cli/png_writer.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace gleaner::cli {

namespace {

void put32(std::string& s, uint32_t v) {
    for (int i = 3; i >= 0; --i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void chunk(std::string& out, const char* type, const std::string& data) {
    put32(out, static_cast<uint32_t>(data.size()));
    std::string td(type, 4);
    td += data;
    out += td;
    put32(out, static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(td.data()), static_cast<uInt>(td.size()))));
}

// 3x5 digit font (and '%', 'k', '.') for axis labels.
const char* glyph(char c) {
    switch (c) {
        case '0': return "111101101101111";
        case '1': return "010110010010111";
        case '2': return "111001111100111";
        case '3': return "111001111001111";
        case '4': return "101101111001001";
        case '5': return "111100111001111";
        case '6': return "111100111101111";
        case '7': return "111001010010010";
        case '8': return "111101111101111";
        case '9': return "111101111001111";
        case 'k': return "100101110101101";
        case '%': return "101001010100101";
        case '.': return "000000000000010";
        default: return "000000000000000";
    }
}

}  // namespace

void write_png(const std::string& path, int w, int h, const std::vector<uint8_t>& rgb) {
    std::string raw;
    raw.reserve(static_cast<size_t>(h) * (w * 3 + 1));
    for (int y = 0; y < h; ++y) {
        raw.push_back(0);  // filter: none
        raw.append(reinterpret_cast<const char*>(rgb.data()) + static_cast<size_t>(y) * w * 3, static_cast<size_t>(w) * 3);
    }
    uLongf zlen = compressBound(static_cast<uLong>(raw.size()));
    std::string z(zlen, '\0');
    if (compress2(reinterpret_cast<Bytef*>(z.data()), &zlen, reinterpret_cast<const Bytef*>(raw.data()),
                  static_cast<uLong>(raw.size()), 9) != Z_OK)
        throw std::runtime_error("zlib failed");
    z.resize(zlen);
    std::string out("\x89PNG\r\n\x1a\n", 8);
    std::string ihdr;
    put32(ihdr, static_cast<uint32_t>(w));
    put32(ihdr, static_cast<uint32_t>(h));
    ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit, RGB, deflate, no filter, no interlace
    chunk(out, "IHDR", ihdr);
    chunk(out, "IDAT", z);
    chunk(out, "IEND", "");
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error("cannot write " + path);
    const bool ok = std::fwrite(out.data(), 1, out.size(), f) == out.size();
    if (std::fclose(f) != 0 || !ok) throw std::runtime_error("cannot write " + path);
}

void write_heat_map(const std::string& path, const std::vector<std::string>& cols, const std::vector<std::string>& rows,
                    const std::vector<std::vector<double>>& values) {
    const int cw = 48, ch = 28, scale = 2;               // cell size, font scale
    const int left = 8 * 4 * scale + 8, bottom = 5 * scale + 12, top = 6, right = 6;
    const int W = left + cw * static_cast<int>(cols.size()) + right;
    const int H = top + ch * static_cast<int>(rows.size()) + bottom;
    std::vector<uint8_t> img(static_cast<size_t>(W) * H * 3, 255);
    auto px = [&](int x, int y, uint8_t r, uint8_t g, uint8_t b) {
        if (x < 0 || y < 0 || x >= W || y >= H) return;
        uint8_t* p = img.data() + (static_cast<size_t>(y) * W + x) * 3;
        p[0] = r, p[1] = g, p[2] = b;
    };
    auto text = [&](int x, int y, const std::string& s) {
        for (char c : s) {
            const char* g = glyph(c);
            for (int gy = 0; gy < 5; ++gy)
                for (int gx = 0; gx < 3; ++gx)
                    if (g[gy * 3 + gx] == '1')
                        for (int sy = 0; sy < scale; ++sy)
                            for (int sx = 0; sx < scale; ++sx) px(x + gx * scale + sx, y + gy * scale + sy, 40, 40, 40);
            x += 4 * scale;
        }
    };
    for (size_t r = 0; r < rows.size(); ++r)
        for (size_t c = 0; c < cols.size(); ++c) {
            const double v = r < values.size() && c < values[r].size() ? values[r][c] : NAN;
            uint8_t R = 200, G = 200, B = 200;
            if (!std::isnan(v)) {  // red (215,48,39) - yellow (254,224,139) - green (26,152,80)
                const double t = std::clamp(v, 0.0, 1.0);
                auto lerp = [](double a, double b, double u) { return static_cast<uint8_t>(a + (b - a) * u + 0.5); };
                if (t < 0.5) R = lerp(215, 254, t * 2), G = lerp(48, 224, t * 2), B = lerp(39, 139, t * 2);
                else R = lerp(254, 26, t * 2 - 1), G = lerp(224, 152, t * 2 - 1), B = lerp(139, 80, t * 2 - 1);
            }
            const int x0 = left + static_cast<int>(c) * cw, y0 = top + static_cast<int>(r) * ch;
            for (int y = 1; y < ch; ++y)
                for (int x = 1; x < cw; ++x) px(x0 + x, y0 + y, R, G, B);
        }
    for (size_t r = 0; r < rows.size(); ++r)
        text(4, top + static_cast<int>(r) * ch + (ch - 5 * scale) / 2, rows[r]);
    for (size_t c = 0; c < cols.size(); ++c)
        text(left + static_cast<int>(c) * cw + 2, top + static_cast<int>(rows.size()) * ch + 6, cols[c]);
    write_png(path, W, H, img);
}

}  // namespace gleaner::cli
