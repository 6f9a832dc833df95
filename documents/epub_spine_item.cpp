#include "epub_spine_item.h"

#include <array>

#include "text_util.h"

namespace gleaner {
namespace {

// "application/xhtml+xml; charset=utf-8" -> "application/xhtml+xml"
std::string bare_media_type(std::string_view media_type) {
    return to_lower_ascii(trim(media_type.substr(0, media_type.find(';'))));
}

bool is_content_media_type(const std::string& type) {
    // Any HTML flavour (application/xhtml+xml, text/html and misspellings of them).
    if (type.find("html") != std::string::npos) return true;
    static constexpr std::array<std::string_view, 5> kContent{
        "image/svg+xml",
        "application/x-dtbook+xml", "text/x-oeb1-document",  // EPUB 2 / OEB 1 legacy content
        "application/xml", "text/xml"};
    for (std::string_view t : kContent)
        if (type == t) return true;
    return false;
}

bool has_content_extension(std::string_view path) {
    return ends_with_ci(path, ".xhtml") || ends_with_ci(path, ".html") || ends_with_ci(path, ".htm");
}

}  // namespace

std::string spine_item_problem(std::string_view path, std::string_view media_type, std::string_view opf_path,
                               std::string_view ncx_path) {
    if (to_lower_ascii(path) == to_lower_ascii(opf_path)) return "the package document itself";
    const std::string type = bare_media_type(media_type);
    if ((!ncx_path.empty() && to_lower_ascii(path) == to_lower_ascii(ncx_path)) || type == "application/x-dtbncx+xml")
        return "the NCX table of contents";
    if (type.empty()) return has_content_extension(path) ? std::string() : "no media type";
    if (is_content_media_type(type)) return {};
    return "media type '" + type + "' is not a content document";
}

}  // namespace gleaner
