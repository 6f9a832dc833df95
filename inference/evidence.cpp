#include "evidence.h"

#include <algorithm>

namespace gleaner {

namespace {
// The start of the UTF-8 character holding byte `offset` (text.size() stays): a byte-level BPE
// token can end inside a character (the 3 bytes of a curly quote in two tokens), and a span that
// cut it would show a replacement character and not round-trip to character offsets.
size_t character_start(std::string_view text, size_t offset) {
    offset = std::min(offset, text.size());
    while (offset > 0 && offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) --offset;
    return offset;
}
}  // namespace

std::vector<int64_t> token_offsets(const Tokenizer& tok, const std::vector<int32_t>& ids, std::string_view text) {
    const int64_t n_text = static_cast<int64_t>(text.size());
    std::vector<int64_t> off(ids.size() + 1, n_text);
    int64_t cur = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
        off[i] = std::min(cur, n_text);
        std::string piece = tok.decode_token(ids[i]);
        std::string_view p(piece);
        if (p.empty()) continue;
        if (text.compare(cur, p.size(), p) == 0) {
            cur += static_cast<int64_t>(p.size());
            continue;
        }
        // SentencePiece's added space prefix (or a space the text does not have)
        if (p.front() == ' ' && text.compare(cur, p.size() - 1, p.substr(1)) == 0) {
            cur += static_cast<int64_t>(p.size()) - 1;
            continue;
        }
        // Resynchronise: look for the piece a little further on, else step over its length.
        const size_t found = p.size() >= 2 ? text.find(p, cur) : std::string_view::npos;
        if (found != std::string_view::npos && static_cast<int64_t>(found) - cur <= 16) {
            off[i] = static_cast<int64_t>(found);
            cur = static_cast<int64_t>(found + p.size());
        } else {
            cur += static_cast<int64_t>(p.size());
        }
    }
    for (size_t i = 0; i + 1 < off.size(); ++i) off[i] = std::min(off[i], n_text);
    // keep offsets monotone
    for (size_t i = 1; i < off.size(); ++i) off[i] = std::max(off[i], off[i - 1]);
    return off;
}

std::vector<Passage> build_passages(const std::vector<TokenScore>& tokens, int doc_begin,
                                    const std::vector<int64_t>& offsets, std::string_view text,
                                    const EvidenceOptions& opt) {
    const int n_doc = static_cast<int>(offsets.size()) - 1;
    std::vector<std::pair<int, const TokenScore*>> doc;  // (document token, its score)
    for (const TokenScore& t : tokens) {
        const int i = t.pos - doc_begin;
        if (i >= 0 && i < n_doc && t.score > 0.0f) doc.push_back({i, &t});
    }
    std::sort(doc.begin(), doc.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<Passage> out;
    for (size_t a = 0; a < doc.size();) {
        Passage p;
        size_t b = a;
        p.score = 0.0f;
        do {
            const TokenScore& t = *doc[b].second;
            p.score = std::max(p.score, t.score);
            p.attention = std::max(p.attention, t.attention);
            p.lexical = std::max(p.lexical, t.lexical);
            p.second_look = std::max(p.second_look, t.second_look);
            if (t.cite > 0 && (p.cites.empty() || p.cites.back() != t.cite)) p.cites.push_back(t.cite);
            ++b;
        } while (b < doc.size() && doc[b].first - doc[b - 1].first <= std::max(1, opt.merge_gap));
        std::sort(p.cites.begin(), p.cites.end());
        p.cites.erase(std::unique(p.cites.begin(), p.cites.end()), p.cites.end());
        p.first_token = doc[a].first;
        p.last_token = doc[b - 1].first;
        p.begin = character_start(text, static_cast<size_t>(offsets[p.first_token]));
        p.end = character_start(text, static_cast<size_t>(offsets[p.last_token + 1]));
        p.text = std::string(text.substr(p.begin, p.end - p.begin));
        out.push_back(std::move(p));
        a = b;
    }
    std::stable_sort(out.begin(), out.end(), [](const Passage& x, const Passage& y) { return x.score > y.score; });
    if (opt.max_passages > 0 && static_cast<int>(out.size()) > opt.max_passages) out.resize(opt.max_passages);
    return out;
}

}  // namespace gleaner
