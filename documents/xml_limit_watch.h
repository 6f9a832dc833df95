#pragma once
// Which of libxml2's safety limits, if any, stopped a parse.
//
// Without XML_PARSE_HUGE libxml2 stops at 256 levels of nesting and at entity expansion that
// grows too much (billion laughs); the XML and HTML parsers then halt and keep only what came
// before. Importers reported the result as "contains no text" or "no spine"; with this they say
// why. libxml2 gives the reason only through its error callback, so the watch installs a
// structured error handler on the current thread (libxml2 keeps it per thread) for its lifetime
// and restores the previous one afterwards.
#include <libxml/xmlerror.h>

#include <string>

namespace gleaner {

// The one-line reason for a limit error ("nesting deeper than 256 levels", "entity expansion
// limit exceeded"), or empty for any other parser error.
std::string xml_limit_reason(const xmlError& error);

class XmlLimitWatch {
public:
    XmlLimitWatch();
    ~XmlLimitWatch();
    XmlLimitWatch(const XmlLimitWatch&) = delete;
    XmlLimitWatch& operator=(const XmlLimitWatch&) = delete;

    // The first limit hit since construction, or empty.
    const std::string& reason() const { return reason_; }

private:
#if LIBXML_VERSION >= 21200
    using ErrorArg = const xmlError*;
#else
    using ErrorArg = xmlErrorPtr;
#endif
    static void on_error(void* self, ErrorArg error);

    xmlStructuredErrorFunc previous_handler_;
    void* previous_context_;
    std::string reason_;
};

}  // namespace gleaner
