#include "answer_confidence.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

namespace gleaner {

namespace {

// Function words, and the words answer frames are made of ("Based on the passage provided, ..."):
// they carry no answer.
const std::set<std::string>& frame_words() {
    static const std::set<std::string> w = {
        "a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or", "but", "is",
        "are", "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "what",
        "which", "who", "whom", "whose", "where", "when", "why", "how", "does", "do", "did", "has", "have",
        "had", "not", "no", "as", "into", "than", "then", "there", "their", "they", "he", "she", "his", "her",
        "him", "them", "you", "your", "i", "me", "my", "we", "our", "us", "name", "named", "called", "based",
        "passage", "passages", "provided", "information", "text", "book", "according", "first", "s",
        "answer", "states", "stated"};
    return w;
}

bool is_word_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

struct Word {
    size_t begin, end;
    std::string text;  // lower case
};

// Words of `s` (runs of letters, digits and non-ASCII bytes), skipping citation marks "[n]".
std::vector<Word> words_of(const std::string& s) {
    std::vector<Word> out;
    size_t i = 0;
    while (i < s.size()) {
        if (s[i] == '[') {  // a citation: "[2]" is not a word of the answer
            size_t j = i + 1;
            while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
            if (j > i + 1 && j < s.size() && s[j] == ']') {
                i = j + 1;
                continue;
            }
        }
        if (!is_word_byte(static_cast<unsigned char>(s[i]))) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < s.size() && is_word_byte(static_cast<unsigned char>(s[j]))) ++j;
        out.push_back({i, j, lower(s.substr(i, j - i))});
        i = j;
    }
    return out;
}

// The answer's new words (not in the question, not frame words) in its claim (claim_end) as token
// ranges [first, last]: the token each starts in (where the model chose it) and the token it ends in.
std::vector<std::pair<size_t, size_t>> new_word_tokens(const std::string& question, const std::vector<std::string>& pieces) {
    std::set<std::string> known = frame_words();
    for (const Word& w : words_of(question)) known.insert(w.text);
    std::string text;
    std::vector<size_t> starts;  // byte offset of each piece in text
    for (const std::string& p : pieces) {
        starts.push_back(text.size());
        text += p;
    }
    auto piece_at = [&](size_t byte) {
        return static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), byte) - starts.begin()) - 1;
    };
    const size_t claim = claim_end(text);
    std::vector<std::pair<size_t, size_t>> out;
    for (const Word& w : words_of(text)) {
        if (w.begin >= claim) break;
        if (!known.count(w.text)) out.push_back({piece_at(w.begin), piece_at(w.end - 1)});
    }
    return out;
}

}  // namespace

size_t claim_end(const std::string& answer) {
    // a full stop after these (or after a single letter, an initial) does not end a sentence
    static const std::set<std::string> abbreviations = {"mr", "mrs", "ms", "dr", "st", "mt", "capt", "col", "gen", "lt",
                                                        "messrs", "jr", "sr", "no", "vs", "etc", "e.g", "i.e"};
    for (size_t i = 0; i < answer.size(); ++i) {
        const char c = answer[i];
        if (c != '.' && c != '!' && c != '?') continue;
        size_t j = i + 1;  // closing quotes and brackets may follow
        while (j < answer.size() && (answer[j] == '"' || answer[j] == '\'' || answer[j] == ')' ||
                                     static_cast<unsigned char>(answer[j]) >= 0x80))
            ++j;
        if (j < answer.size() && !std::isspace(static_cast<unsigned char>(answer[j]))) continue;  // 3.5, e.g. "..."x
        if (c == '.') {
            size_t w = i;
            while (w > 0 && (std::isalpha(static_cast<unsigned char>(answer[w - 1])) || answer[w - 1] == '.')) --w;
            const std::string before = lower(answer.substr(w, i - w));
            if (before.size() == 1 || abbreviations.count(before)) continue;
        }
        return j;
    }
    return answer.size();
}

AnswerConfidence answer_confidence(const std::string& question, const std::vector<std::string>& pieces,
                                   const std::vector<float>& probs) {
    AnswerConfidence c;
    double sum = 0;
    for (const auto& [first, last] : new_word_tokens(question, pieces)) {
        if (first >= probs.size()) continue;
        sum += probs[first];
        ++c.new_words;
    }
    c.confidence = c.new_words > 0 ? static_cast<float>(sum / c.new_words) : 0.0f;
    return c;
}

float answer_gain(const std::string& question, const std::vector<std::string>& pieces, const std::vector<float>& probs,
                  const std::vector<float>& prior_probs) {
    constexpr double kFloor = 1e-9;  // a probability of 0 (rounding) stays finite
    double sum = 0;
    int n = 0;
    for (const auto& [first, last] : new_word_tokens(question, pieces)) {
        if (last >= probs.size() || last >= prior_probs.size()) continue;
        for (size_t t = first; t <= last; ++t)
            sum += std::log(std::max<double>(probs[t], kFloor)) - std::log(std::max<double>(prior_probs[t], kFloor));
        ++n;
    }
    return n > 0 ? static_cast<float>(sum / n) : 0.0f;
}

std::string unsupported_reason(const AnswerConfidence& c, float min_confidence) {
    char why[128];
    if (c.new_words == 0)
        std::snprintf(why, sizeof why, "adds nothing to the question");
    else if (c.confidence < min_confidence)
        std::snprintf(why, sizeof why, "came with low confidence (%.2f)", c.confidence);
    else if (c.claim_checked && !c.claim_stated)  // asked only of an answer that passed the rest
        std::snprintf(why, sizeof why, "was not found in the passages when the model was asked whether they state it");
    else
        std::snprintf(why, sizeof why, "is about as likely without the book (the passages made it %.1f times likelier)",
                      std::exp(c.gain));
    return why;
}

bool says_not_stated(const std::string& answer) {
    static const char* const kPhrases[] = {"not say", "n't say", "not mention", "not state", "not give", "not specify",
                                           "not provide", "not given", "not mentioned", "not stated", "not specified",
                                           "no information", "does not seem to say"};
    const std::string a = lower(answer);
    return std::any_of(std::begin(kPhrases), std::end(kPhrases),
                       [&](const char* p) { return a.find(p) != std::string::npos; });
}

}  // namespace gleaner
