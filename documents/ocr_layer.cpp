#include "ocr_layer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "importer.h"
#include "regular_file.h"
#include "text_util.h"

namespace gleaner {
namespace {

constexpr const char* kMagic = "gleaner-ocr-layer 1";
constexpr int kMaxPages = 100000;
constexpr double kMaxPoints = 200000;  // PDF pages are at most 14400 points a side

std::vector<std::string_view> split(std::string_view line, char sep) {
    std::vector<std::string_view> out;
    size_t start = 0;
    for (;;) {
        const size_t at = line.find(sep, start);
        out.push_back(line.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
        if (at == std::string_view::npos || out.size() > 16) return out;
        start = at + 1;
    }
}

bool to_int(std::string_view s, int& v, int lo, int hi) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size() && v >= lo && v <= hi;
}

bool to_double(std::string_view s, double& v) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size() && std::isfinite(v) && v >= 0 && v <= kMaxPoints;
}

bool valid_word_text(std::string_view t) {
    if (t.empty() || t.size() > kMaxOcrWordBytes || !is_valid_utf8(t)) return false;
    return std::none_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F; });
}

}  // namespace

std::string ocr_layer_path(const std::string& root, const std::string& document_id) {
    if (root.empty() || document_id.size() != 64) return {};
    if (!std::all_of(document_id.begin(), document_id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }))
        return {};
    return root + "/" + document_id + ".ocr";
}

void save_ocr_layer(const OcrLayer& layer, const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    if (ec) throw std::runtime_error("cannot create " + fs::path(path).parent_path().string() + ": " + ec.message());
    const std::string tmp = path + ".tmp" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + tmp);
        out << kMagic << '\n' << "pages\t" << layer.page_count << '\n' << "done";
        for (int p : layer.pages_done) out << '\t' << p;
        out << '\n';
        char num[64];
        for (const OcrWord& w : layer.words) {
            out << w.page;
            for (double v : {w.x0, w.y0, w.x1, w.y1, w.font_size}) {
                const auto r = std::to_chars(num, num + sizeof num, v, std::chars_format::fixed, 2);
                out << '\t' << std::string_view(num, static_cast<size_t>(r.ptr - num));
            }
            out << '\t' << w.text << '\n';
        }
        out.flush();
        if (!out) {
            out.close();
            fs::remove(tmp, ec);
            throw std::runtime_error("cannot write " + tmp + " (disk full?)");
        }
    }
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw std::runtime_error("cannot save " + path);
    }
}

bool load_ocr_layer(const std::string& path, OcrLayer& layer, std::string& error) {
    layer = {};
    std::string bytes;
    try {
        bytes = read_file_bytes(path, kMaxOcrLayerBytes);
    } catch (const ImportError& e) {
        error = e.what();
        return false;
    }
    auto fail = [&](size_t line_no, const char* why) {
        layer = {};
        error = "OCR text layer " + path + " line " + std::to_string(line_no) + ": " + why;
        return false;
    };
    size_t start = 0, line_no = 0;
    while (start < bytes.size()) {
        size_t end = bytes.find('\n', start);
        if (end == std::string::npos) end = bytes.size();
        const std::string_view line(bytes.data() + start, end - start);
        start = end + 1;
        ++line_no;
        if (line_no == 1) {
            if (line != kMagic) return fail(line_no, "not a Gleaner OCR layer");
            continue;
        }
        const std::vector<std::string_view> f = split(line, '\t');
        if (line_no == 2) {
            if (f.size() != 2 || f[0] != "pages" || !to_int(f[1], layer.page_count, 1, kMaxPages))
                return fail(line_no, "bad page count");
            continue;
        }
        if (line_no == 3) {
            if (f.empty() || f[0] != "done") return fail(line_no, "bad page list");
            for (size_t i = 1; i < f.size() && !f[i].empty(); ++i) {
                int p = 0;
                if (!to_int(f[i], p, 0, layer.page_count - 1)) return fail(line_no, "bad page number");
                layer.pages_done.push_back(p);
            }
            continue;
        }
        OcrWord w;
        if (f.size() != 7 || !to_int(f[0], w.page, 0, layer.page_count - 1) || !to_double(f[1], w.x0) ||
            !to_double(f[2], w.y0) || !to_double(f[3], w.x1) || !to_double(f[4], w.y1) || !to_double(f[5], w.font_size) ||
            w.x1 < w.x0 || w.y1 < w.y0 || !valid_word_text(f[6]))
            return fail(line_no, "malformed word");
        w.text = std::string(f[6]);
        layer.words.push_back(std::move(w));
    }
    if (line_no < 3) return fail(line_no, "truncated");
    return true;
}

}  // namespace gleaner
