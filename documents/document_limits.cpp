#include "document_limits.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace gleaner {
namespace {

// Rough figures for the message, not for any decision: English text runs about 4 bytes a
// token, and a CPU reads about a million tokens an hour (~280 tokens/s, between the 140 and 550
// measured on two threads in docs/long-context.md).
constexpr double kBytesPerToken = 4;
constexpr double kTokensPerHour = 1e6;
constexpr double kWarAndPeaceBytes = 3.36e6;  // Project Gutenberg's #2600, as plain UTF-8 text

std::string mebibytes(uint64_t bytes) {
    char s[32];
    std::snprintf(s, sizeof s, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
    return s;
}

std::string millions(double n) {
    return std::to_string(static_cast<long long>(std::llround(n / 1e6))) + " million";
}

// "about 9 hours", "about 2 days".
std::string reading_time(double tokens) {
    const long long hours = std::max(1LL, std::llround(tokens / kTokensPerHour));
    if (hours < 48) return "about " + std::to_string(hours) + (hours == 1 ? " hour" : " hours");
    return "about " + std::to_string(std::llround(hours / 24.0)) + " days";
}

// ", over Gleaner's limit of 32 MiB of text (about 8 million tokens, 10 times War and Peace):
// reading its ~50 million tokens would take about 2 days on a CPU"
std::string over_the_limit(uint64_t bytes) {
    const double limit = static_cast<double>(kMaxDocumentTextBytes);
    const double tokens = static_cast<double>(bytes) / kBytesPerToken;
    return ", over Gleaner's limit of " + std::to_string(kMaxDocumentTextBytes >> 20) + " MiB of text (about " +
           millions(limit / kBytesPerToken) + " tokens, " + std::to_string(std::llround(limit / kWarAndPeaceBytes)) +
           " times War and Peace): reading its ~" + millions(tokens) + " tokens would take " + reading_time(tokens) +
           " on a CPU";
}

}  // namespace

ImportError file_too_large_error(const std::string& path, uint64_t file_bytes) {
    return ImportError(ImportErrorKind::TooLarge, "'" + path + "' is " + mebibytes(file_bytes) + over_the_limit(file_bytes));
}

ImportError text_too_large_error(const std::string& path, uint64_t text_bytes) {
    return ImportError(ImportErrorKind::TooLarge,
                       "'" + path + "' holds " + mebibytes(text_bytes) + " of text" + over_the_limit(text_bytes));
}

}  // namespace gleaner
