#include "excerpt_selection.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace gleaner {

namespace {

const std::unordered_set<std::string>& stop_words() {
    static const std::unordered_set<std::string> words = {
        "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was", "one", "our",
        "out", "has", "him", "his", "how", "its", "who", "did", "does", "what", "when", "where", "which", "why",
        "with", "this", "that", "from", "they", "them", "then", "than", "there", "their", "these", "those", "have",
        "been", "were", "will", "would", "could", "should", "about", "into", "some", "such", "only", "also", "very",
        "just", "said", "say", "says", "book", "text", "tell", "does", "did", "doing", "whom", "whose", "she"};
    return words;
}

bool is_word_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

// The blocks to choose among: body paragraphs and headings in order, or blank-line paragraphs;
// inside `within` when it is not empty (a question about a chapter or a passage).
std::vector<TextRange> passages_of(const Document& doc, TextRange within) {
    TextRange body = doc.body_range();
    if (!within.empty()) {
        const TextRange both{std::max(body.begin, within.begin), std::min(body.end, within.end)};
        body = both.empty() ? within : both;
    }
    std::vector<TextRange> out;
    if (!doc.blocks.empty()) {
        for (const Block& b : doc.blocks)
            if (b.range.begin >= body.begin && b.range.end <= body.end && !b.range.empty()) out.push_back(b.range);
    }
    if (out.empty()) {
        size_t start = body.begin;
        while (start < body.end) {
            size_t end = doc.text.find("\n\n", start);
            if (end == std::string::npos || end > body.end) end = body.end;
            if (end > start) out.push_back({start, end});
            start = end + 2;
        }
    }
    // A single enormous block (a text file without blank lines) is cut into ~1000-byte pieces at
    // spaces, so the window can still move through it.
    std::vector<TextRange> pieces;
    for (const TextRange& r : out) {
        size_t start = r.begin;
        while (r.end - start > 1500) {
            size_t cut = doc.text.find(' ', start + 1000);
            if (cut == std::string::npos || cut >= r.end) break;
            pieces.push_back({start, cut});
            start = cut + 1;
        }
        pieces.push_back({start, r.end});
    }
    return pieces;
}

}  // namespace

std::vector<std::string> match_terms(std::string_view text) {
    std::vector<std::string> terms;
    std::string word;
    auto flush = [&] {
        if (word.size() >= 3 && !stop_words().count(word)) terms.push_back(word);
        word.clear();
    };
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (is_word_byte(c)) word.push_back(c < 0x80 ? static_cast<char>(std::tolower(c)) : ch);
        else flush();
    }
    flush();
    return terms;
}

Excerpt choose_excerpt(const Document& doc, const std::string& question, size_t max_chars, TextRange within) {
    const std::vector<TextRange> passages = passages_of(doc, within);
    Excerpt ex;
    if (passages.empty()) return ex;

    // Score each passage: sum over the question's distinct terms it contains of the term's idf,
    // so a rare name counts more than a word every paragraph has.
    const std::vector<std::string> q = match_terms(question);
    const std::set<std::string> qterms(q.begin(), q.end());
    std::vector<std::set<std::string>> present(passages.size());
    std::unordered_map<std::string, int> df;
    for (size_t i = 0; i < passages.size(); ++i) {
        for (const std::string& t : match_terms(doc.slice(passages[i])))
            if (qterms.count(t) && present[i].insert(t).second) ++df[t];
    }
    std::vector<double> score(passages.size(), 0.0);
    const double n = static_cast<double>(passages.size());
    for (size_t i = 0; i < passages.size(); ++i)
        for (const std::string& t : present[i]) score[i] += std::log(1.0 + n / df[t]);

    // The window of consecutive passages within the budget with the largest total score
    // (two pointers; ties keep the earliest).
    size_t best_lo = 0, best_hi = 0, lo = 0;
    double best = -1, sum = 0;
    for (size_t hi = 0; hi < passages.size(); ++hi) {
        sum += score[hi];
        while (lo < hi && passages[hi].end - passages[lo].begin > max_chars) sum -= score[lo++];
        if (sum > best) {
            best = sum;
            best_lo = lo;
            best_hi = hi;
        }
    }
    // Extend a short best window with its neighbours while the budget allows: context around the
    // match helps the model, and the evidence shows it with a low score.
    while (best_hi + 1 < passages.size() && passages[best_hi + 1].end - passages[best_lo].begin <= max_chars) ++best_hi;
    while (best_lo > 0 && passages[best_hi].end - passages[best_lo - 1].begin <= max_chars) --best_lo;

    size_t end = std::min(passages[best_hi].end, passages[best_lo].begin + max_chars);
    while (end > passages[best_lo].begin && end < doc.text.size() &&
           (static_cast<unsigned char>(doc.text[end]) & 0xC0) == 0x80)
        --end;  // never cut a UTF-8 character
    ex.range = {passages[best_lo].begin, end};
    const double top = *std::max_element(score.begin() + long(best_lo), score.begin() + long(best_hi) + 1);
    for (size_t i = best_lo; i <= best_hi; ++i) {
        EvidencePassage p;
        p.begin = passages[i].begin;
        p.end = std::min(passages[i].end, ex.range.end);
        if (p.end <= p.begin) break;
        // Every passage of the excerpt was read by the model; matching ones stand out.
        p.score = top > 0 ? static_cast<float>(0.1 + 0.9 * score[i] / top) : 0.1f;
        p.page = doc.page_of_char(p.begin);
        ex.passages.push_back(p);
    }
    return ex;
}

}  // namespace gleaner
