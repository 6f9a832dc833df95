#include "xml_limit_watch.h"

#include <libxml/globals.h>

#include <string_view>

namespace gleaner {
namespace {

bool contains(const char* message, std::string_view needle) {
    return message && std::string_view(message).find(needle) != std::string_view::npos;
}

// The first number in the message ("Excessive depth in document: 256 use XML_PARSE_HUGE").
std::string first_number(const char* message) {
    std::string digits;
    for (const char* p = message; p && *p; ++p) {
        if (*p >= '0' && *p <= '9') digits += *p;
        else if (!digits.empty()) break;
    }
    return digits;
}

}  // namespace

std::string xml_limit_reason(const xmlError& error) {
    // libxml2 2.9 reports depth as an internal error and later versions as a resource limit,
    // with the same message in both, so the message decides.
    if (contains(error.message, "xcessive depth")) {
        const std::string n = first_number(error.message);
        return n.empty() ? "nesting too deep" : "nesting deeper than " + n + " levels";
    }
    if (error.code == XML_ERR_ENTITY_LOOP || contains(error.message, "amplification"))
        return "entity expansion limit exceeded";
    if (contains(error.message, "uge input lookup") || contains(error.message, "huge text node"))
        return "a text node over libxml2's size limit";
    return {};
}

XmlLimitWatch::XmlLimitWatch()
    : previous_handler_(xmlStructuredError), previous_context_(xmlStructuredErrorContext) {
    xmlSetStructuredErrorFunc(this, &XmlLimitWatch::on_error);
}

XmlLimitWatch::~XmlLimitWatch() { xmlSetStructuredErrorFunc(previous_context_, previous_handler_); }

void XmlLimitWatch::on_error(void* self, ErrorArg error) {
    auto* watch = static_cast<XmlLimitWatch*>(self);
    if (!error || !watch->reason_.empty()) return;
    watch->reason_ = xml_limit_reason(*error);
}

}  // namespace gleaner
