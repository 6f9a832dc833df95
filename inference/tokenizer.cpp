#include "tokenizer.h"

#include <algorithm>

#include "tokenizer_bpe.h"
#include "tokenizer_spm.h"

namespace gleaner {

Tokenizer::Tokenizer(Vocab vocab) : vocab_(std::move(vocab)) {
    // A byte trie over the special-token texts tells in one pass over the input which special
    // tokens occur, so only those are searched for. (llama.cpp searches the whole text once per
    // special token: ~30 s for a book with Gemma 3's 6,400 of them.)
    trie_.emplace_back();
    special_rank_.assign(static_cast<size_t>(vocab_.size()), -1);
    const auto& specials = vocab_.special_tokens();
    for (size_t rank = 0; rank < specials.size(); ++rank) {
        const int32_t id = specials[rank];
        special_rank_[static_cast<size_t>(id)] = static_cast<int32_t>(rank);
        int32_t node = 0;
        for (unsigned char c : vocab_.text(id)) {
            auto& next = trie_[static_cast<size_t>(node)].next;
            auto it = std::lower_bound(next.begin(), next.end(), c,
                                       [](const auto& e, unsigned char b) { return e.first < b; });
            if (it != next.end() && it->first == c) {
                node = it->second;
            } else {
                const auto child = static_cast<int32_t>(trie_.size());
                next.insert(it, {c, child});
                trie_.emplace_back();  // invalidates `next`; not used again in this iteration
                node = child;
            }
        }
        trie_[static_cast<size_t>(node)].token = id;  // texts are unique (Vocab::finalize)
    }
    for (const auto& [byte, child] : trie_[0].next) root_[byte] = child;
}

std::vector<Tokenizer::Fragment> Tokenizer::split_special(std::string_view text, bool parse_special) const {
    if (text.empty()) return {};

    // 1. Which eligible special tokens occur at all: one pass over the text with the trie.
    const auto& specials = vocab_.special_tokens();
    std::vector<bool> occurs(specials.size(), false);
    bool any = false;
    if (trie_.size() > 1) {
        for (size_t pos = 0; pos < text.size(); ++pos) {
            int32_t node = root_[static_cast<unsigned char>(text[pos])];
            for (size_t j = pos + 1; node != 0; ++j) {
                const int32_t tok = trie_[static_cast<size_t>(node)].token;
                if (tok >= 0 && (parse_special || vocab_.type(tok) == TokenType::UserDefined)) {
                    occurs[static_cast<size_t>(special_rank_[static_cast<size_t>(tok)])] = true;
                    any = true;
                }
                if (j >= text.size()) break;
                const auto& next = trie_[static_cast<size_t>(node)].next;
                const auto c = static_cast<unsigned char>(text[j]);
                auto it = std::lower_bound(next.begin(), next.end(), c,
                                           [](const auto& e, unsigned char b) { return e.first < b; });
                node = (it != next.end() && it->first == c) ? it->second : 0;
            }
        }
    }
    if (!any) return {Fragment{text, -1}};

    // 2. As llama.cpp: take the special tokens one at a time, longest first, and claim each
    // one's leftmost non-overlapping occurrences in the text not claimed yet. Earlier claims are
    // never shorter than the current token, so an occurrence overlaps a claim exactly when its
    // first or last byte is claimed, and every start position up to the end of that claimed run
    // would overlap too: the search resumes after it. Each token thus costs one pass at most.
    std::vector<uint8_t> claimed(text.size(), 0);
    auto next_free = [&](size_t i) {
        while (i < claimed.size() && claimed[i]) ++i;
        return i;
    };
    struct Match {
        size_t pos;
        int32_t token;
    };
    std::vector<Match> matches;
    for (size_t rank = 0; rank < specials.size(); ++rank) {
        if (!occurs[rank]) continue;
        const int32_t tok = specials[rank];
        const std::string& t = vocab_.text(tok);
        size_t from = 0;
        while (from < text.size()) {
            const size_t p = text.find(t, from);
            if (p == std::string_view::npos) break;
            if (claimed[p]) {
                from = next_free(p);
            } else if (claimed[p + t.size() - 1]) {
                from = next_free(p + t.size() - 1);
            } else {
                std::fill_n(claimed.begin() + static_cast<std::ptrdiff_t>(p), t.size(), uint8_t{1});
                matches.push_back({p, tok});
                from = p + t.size();
            }
        }
    }
    std::sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) { return a.pos < b.pos; });

    std::vector<Fragment> out;
    size_t cursor = 0;
    for (const Match& m : matches) {
        if (m.pos > cursor) out.push_back({text.substr(cursor, m.pos - cursor), -1});
        const size_t len = vocab_.text(m.token).size();
        out.push_back({text.substr(m.pos, len), m.token});
        cursor = m.pos + len;
    }
    if (cursor < text.size()) out.push_back({text.substr(cursor), -1});
    return out;
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids) const {
    std::string out;
    const bool strip_first_space = vocab_.kind == TokenizerKind::SentencePiece && vocab_.add_space_prefix;
    for (size_t i = 0; i < ids.size(); ++i) {
        std::string piece = decode_token(ids[i]);
        // Only the very first piece: after a leading BOS the space stays, as in llama.cpp.
        if (i == 0 && strip_first_space && !piece.empty() && piece[0] == ' ') piece.erase(0, 1);
        out += piece;
    }
    return out;
}

std::unique_ptr<Tokenizer> make_tokenizer(Vocab vocab) {
    switch (vocab.kind) {
    case TokenizerKind::ByteLevelBpe: return std::make_unique<BpeTokenizer>(std::move(vocab));
    case TokenizerKind::SentencePiece: return std::make_unique<SpmTokenizer>(std::move(vocab));
    }
    throw VocabError("unsupported tokenizer kind");
}

}  // namespace gleaner
