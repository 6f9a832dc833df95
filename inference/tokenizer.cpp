#include "tokenizer.h"

#include <algorithm>

#include "tokenizer_bpe.h"
#include "tokenizer_spm.h"

namespace gleaner {

Tokenizer::Tokenizer(Vocab vocab) : vocab_(std::move(vocab)) {
    // A byte trie over the special-token texts finds every occurrence of every special token in
    // one pass over the input. (llama.cpp instead searches the whole text once per special
    // token, which costs minutes on a book for vocabularies with thousands of them.)
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

    // 1. Every occurrence of every eligible special token, as (rank, position).
    struct Occurrence {
        int32_t rank;
        size_t pos;
        int32_t token;
    };
    std::vector<Occurrence> found;
    if (trie_.size() > 1) {
        for (size_t pos = 0; pos < text.size(); ++pos) {
            int32_t node = root_[static_cast<unsigned char>(text[pos])];
            for (size_t j = pos + 1; node != 0; ++j) {
                const int32_t tok = trie_[static_cast<size_t>(node)].token;
                if (tok >= 0 && (parse_special || vocab_.type(tok) == TokenType::UserDefined)) {
                    found.push_back({special_rank_[static_cast<size_t>(tok)], pos, tok});
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
    if (found.empty()) return {Fragment{text, -1}};

    // 2. llama.cpp takes the special tokens one at a time, longest first, and claims each
    // token's leftmost non-overlapping occurrences in the text not yet claimed. Replaying the
    // occurrences in (rank, position) order and rejecting any that overlap an earlier claim
    // gives the same result. A counting sort by rank keeps positions ascending within a rank,
    // since the scan produced them in that order.
    const size_t n_ranks = vocab_.special_tokens().size();
    std::vector<size_t> first(n_ranks + 1, 0);
    for (const Occurrence& o : found) ++first[static_cast<size_t>(o.rank) + 1];
    for (size_t r = 0; r < n_ranks; ++r) first[r + 1] += first[r];
    std::vector<Occurrence> ordered(found.size());
    for (const Occurrence& o : found) ordered[first[static_cast<size_t>(o.rank)]++] = o;

    // Earlier claims are never shorter than the candidate (ranks go by decreasing length), so a
    // candidate overlaps a claim exactly when its first or last byte is already claimed.
    std::vector<uint8_t> claimed_byte(text.size(), 0);
    std::vector<Occurrence> claimed;
    for (const Occurrence& o : ordered) {
        const size_t len = vocab_.text(o.token).size();
        if (claimed_byte[o.pos] || claimed_byte[o.pos + len - 1]) continue;
        std::fill_n(claimed_byte.begin() + static_cast<std::ptrdiff_t>(o.pos), len, uint8_t{1});
        claimed.push_back(o);
    }
    std::sort(claimed.begin(), claimed.end(), [](const Occurrence& a, const Occurrence& b) { return a.pos < b.pos; });

    std::vector<Fragment> out;
    size_t cursor = 0;
    for (const Occurrence& c : claimed) {
        if (c.pos > cursor) out.push_back({text.substr(cursor, c.pos - cursor), -1});
        const size_t len = vocab_.text(c.token).size();
        out.push_back({text.substr(c.pos, len), c.token});
        cursor = c.pos + len;
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
