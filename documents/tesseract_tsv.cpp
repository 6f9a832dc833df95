#include "tesseract_tsv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <string>
#include <tuple>

#include "text_util.h"

namespace gleaner {
namespace {

constexpr size_t kColumns = 12;
// Larger than any image this program renders (pdf_ocr.cpp caps a side at 12000 pixels).
constexpr long long kMaxCoordinate = 1'000'000;

enum Column { Level, PageNum, BlockNum, ParNum, LineNum, WordNum, Left, Top, Width, Height, Conf, Text };

std::vector<std::string_view> split_tabs(std::string_view row) {
    std::vector<std::string_view> fields;
    size_t start = 0;
    while (fields.size() <= kColumns) {  // one more than needed tells "too many" apart
        const size_t tab = row.find('\t', start);
        fields.push_back(row.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
        if (tab == std::string_view::npos) break;
        start = tab + 1;
    }
    return fields;
}

bool parse_int(std::string_view s, long long& out) {
    if (s.empty() || s.size() > 18) return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size() && std::llabs(out) <= kMaxCoordinate;
}

bool parse_confidence(std::string_view s, double& out) {
    if (s.empty() || s.size() > 24) return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out) && out >= -1 && out <= 100;
}

// The word as the canonical text may hold it: valid UTF-8, no control characters, no blanks.
std::string clean_ocr_word(std::string_view raw) {
    std::string out;
    const std::string utf8 = to_clean_utf8(raw);
    size_t i = 0;
    while (i < utf8.size() && out.size() < kMaxOcrWordBytes) {
        const char32_t cp = next_code_point(utf8, i);
        if (cp <= 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0xA0) || cp == 0xFEFF || cp == 0xFFFD) continue;
        append_utf8(out, cp);
    }
    return out;
}

struct PixelBox {
    long long left = 0, top = 0, width = 0, height = 0;
};

// Clips the box to the image; false when nothing of it is left.
bool clip(PixelBox& b, const OcrImageFrame& f) {
    if (b.width <= 0 || b.height <= 0) return false;
    const long long x0 = std::clamp<long long>(b.left, 0, f.image_width);
    const long long y0 = std::clamp<long long>(b.top, 0, f.image_height);
    const long long x1 = std::clamp<long long>(b.left + b.width, 0, f.image_width);
    const long long y1 = std::clamp<long long>(b.top + b.height, 0, f.image_height);
    if (x1 <= x0 || y1 <= y0) return false;
    b = {x0, y0, x1 - x0, y1 - y0};
    return true;
}

}  // namespace

TsvParseResult parse_tesseract_tsv(std::string_view tsv, const OcrImageFrame& frame) {
    TsvParseResult result;
    if (frame.image_width <= 0 || frame.image_height <= 0 || !(frame.page_width > 0) || !(frame.page_height > 0))
        return result;
    const double sx = frame.page_width / frame.image_width;
    const double sy = frame.page_height / frame.image_height;
    std::map<std::tuple<long long, long long, long long>, double> line_height;  // pixels, by block/par/line
    size_t start = 0;
    while (start < tsv.size()) {
        size_t end = tsv.find('\n', start);
        if (end == std::string_view::npos) end = tsv.size();
        std::string_view row = tsv.substr(start, end - start);
        start = end + 1;
        if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
        if (row.empty() || row.substr(0, 5) == "level") continue;  // the header
        const std::vector<std::string_view> f = split_tabs(row);
        long long n[Conf] = {};
        bool ok = f.size() == kColumns;
        for (int c = Level; ok && c < Conf; ++c) ok = parse_int(f[static_cast<size_t>(c)], n[c]);
        double conf = 0;
        ok = ok && parse_confidence(f[Conf], conf) && n[Level] >= 1 && n[Level] <= 5;
        PixelBox box{n[Left], n[Top], n[Width], n[Height]};
        if (!ok || !clip(box, frame)) {
            ++result.rejected_rows;
            continue;
        }
        const auto key = std::make_tuple(n[BlockNum], n[ParNum], n[LineNum]);
        if (n[Level] == 4) line_height[key] = static_cast<double>(box.height);
        if (n[Level] != 5 || conf < kMinWordConfidence) continue;
        std::string text = clean_ocr_word(f[Text]);
        if (text.empty()) continue;
        OcrWord w;
        w.page = frame.page;
        w.x0 = box.left * sx;
        w.y0 = box.top * sy;
        w.x1 = (box.left + box.width) * sx;
        w.y1 = (box.top + box.height) * sy;
        const auto line = line_height.find(key);
        w.font_size = (line != line_height.end() ? line->second : static_cast<double>(box.height)) * sy;
        w.text = std::move(text);
        result.words.push_back(std::move(w));
    }
    return result;
}

}  // namespace gleaner
