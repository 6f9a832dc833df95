#include "lexical_scores.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

namespace gleaner {

namespace {

bool word_byte(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80; }

std::string normalise(std::string_view w) {
    std::string s(w);
    for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (s.size() > 2 && s.compare(s.size() - 2, 2, "'s") == 0) s.resize(s.size() - 2);
    if (s.size() > 3 && s.back() == 's' && s[s.size() - 2] != 's') s.pop_back();
    return s;
}

// Calls f(word) for each word of text (apostrophes inside words kept: "Alice's").
template <typename F>
void for_each_word(std::string_view text, F&& f) {
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && !word_byte(static_cast<unsigned char>(text[i]))) ++i;
        size_t j = i;
        while (j < text.size() && (word_byte(static_cast<unsigned char>(text[j])) ||
                                   (text[j] == '\'' && j + 1 < text.size() && word_byte(static_cast<unsigned char>(text[j + 1])))))
            ++j;
        if (j > i) f(text.substr(i, j - i));
        i = j;
    }
}

const std::unordered_set<std::string>& question_stop_words() {
    static const std::unordered_set<std::string> words = [] {
        std::unordered_set<std::string> s;
        for (const char* w : {"a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "and", "or",
                              "but", "is", "are", "wa", "was", "were", "be", "been", "being", "do", "doe", "does", "did",
                              "what", "who", "whom", "whose", "which", "when", "where", "why", "how", "that", "this",
                              "these", "those", "it", "its", "a", "as", "into", "than", "then", "there", "their",
                              "they", "them", "he", "she", "his", "her", "him", "i", "you", "your", "we", "our", "u",
                              "not", "no", "yes", "book", "story", "novel", "document", "text", "name", "named",
                              "called", "tell", "me", "about", "say", "said", "first", "one", "ha", "has", "have",
                              "had", "kind", "after", "before", "during", "s"})
            s.insert(normalise(w));
        return s;
    }();
    return words;
}

}  // namespace

std::vector<std::string> content_words(std::string_view question) {
    std::vector<std::string> out;
    for_each_word(question, [&](std::string_view w) {
        const std::string n = normalise(w);
        if (n.size() < 2 || question_stop_words().count(n)) return;
        if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
    });
    return out;
}

std::vector<float> bm25_scores(std::string_view text, const std::vector<std::pair<int64_t, int64_t>>& ranges,
                               const std::vector<std::string>& words) {
    std::vector<float> score(ranges.size(), 0.0f);
    if (words.empty() || ranges.empty()) return score;
    std::unordered_map<std::string, int> index;
    for (size_t w = 0; w < words.size(); ++w) index[words[w]] = static_cast<int>(w);
    const size_t W = words.size();
    std::vector<int> tf(ranges.size() * W, 0), len(ranges.size(), 0), df(W, 0);
    for (size_t r = 0; r < ranges.size(); ++r) {
        const int64_t b = std::clamp<int64_t>(ranges[r].first, 0, static_cast<int64_t>(text.size()));
        const int64_t e = std::clamp<int64_t>(ranges[r].second, b, static_cast<int64_t>(text.size()));
        for_each_word(text.substr(b, e - b), [&](std::string_view w) {
            ++len[r];
            const auto it = index.find(normalise(w));
            if (it != index.end()) ++tf[r * W + it->second];
        });
        for (size_t w = 0; w < W; ++w) df[w] += tf[r * W + w] > 0;
    }
    double avg = 0;
    for (int l : len) avg += l;
    avg = std::max(1.0, avg / static_cast<double>(ranges.size()));
    const double N = static_cast<double>(ranges.size()), k1 = 1.2, bb = 0.75;
    for (size_t r = 0; r < ranges.size(); ++r) {
        double s = 0;
        for (size_t w = 0; w < W; ++w) {
            const int f = tf[r * W + w];
            if (f == 0) continue;
            const double idf = std::log(1.0 + (N - df[w] + 0.5) / (df[w] + 0.5));
            s += idf * f * (k1 + 1) / (f + k1 * (1 - bb + bb * len[r] / avg));
        }
        score[r] = static_cast<float>(s);
    }
    return score;
}

}  // namespace gleaner
