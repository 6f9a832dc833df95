#include "tokenizer_spm.h"

#include <sentencepiece_processor.h>

#include <cstring>
#include <stdexcept>

namespace gleaner {

namespace {

// ---- minimal protobuf writer -----------------------------------------------------------------
// Debian's libsentencepiece-dev ships no sentencepiece_model.pb.h, so the ModelProto is written
// directly in protobuf wire format and handed to LoadFromSerializedProto. Field numbers are
// those of sentencepiece_model.proto.
class ProtoWriter {
public:
    void varint_field(uint32_t field, uint64_t v) {
        tag(field, 0);
        varint(v);
    }
    void int32_field(uint32_t field, int32_t v) {
        // Negative int32 values are sign-extended to 64 bits on the wire.
        varint_field(field, static_cast<uint64_t>(static_cast<int64_t>(v)));
    }
    void bool_field(uint32_t field, bool v) { varint_field(field, v ? 1 : 0); }
    void float_field(uint32_t field, float v) {
        tag(field, 5);
        uint32_t bits;
        std::memcpy(&bits, &v, sizeof bits);
        for (int i = 0; i < 4; ++i) out_ += static_cast<char>((bits >> (8 * i)) & 0xFF);  // little-endian
    }
    void bytes_field(uint32_t field, std::string_view v) {
        tag(field, 2);
        varint(v.size());
        out_.append(v);
    }
    const std::string& str() const { return out_; }

private:
    void tag(uint32_t field, uint32_t wire_type) { varint((static_cast<uint64_t>(field) << 3) | wire_type); }
    void varint(uint64_t v) {
        while (v >= 0x80) {
            out_ += static_cast<char>((v & 0x7F) | 0x80);
            v >>= 7;
        }
        out_ += static_cast<char>(v);
    }
    std::string out_;
};

// sentencepiece.ModelProto.SentencePiece.Type
enum PieceType : int { kNormal = 1, kUnknown = 2, kByte = 6 };

std::string byte_piece_text(int b) {
    static const char* hex = "0123456789ABCDEF";
    return std::string("<0x") + hex[b >> 4] + hex[b & 15] + ">";
}

// -1 unless `text` is "<0xXX>".
int parse_byte_piece(std::string_view text) {
    if (text.size() != 6 || text.substr(0, 3) != "<0x" || text[5] != '>') return -1;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    const int hi = nibble(text[3]), lo = nibble(text[4]);
    return (hi < 0 || lo < 0) ? -1 : hi * 16 + lo;
}

}  // namespace

std::string SpmTokenizer::model_proto(const Vocab& vocab) {
    const int32_t n = vocab.size();

    // SentencePiece accepts BYTE pieces only with byte_fallback on, and then demands all 256.
    bool byte_fallback = true;
    for (int b = 0; b < 256 && byte_fallback; ++b) {
        const int32_t id = vocab.find(byte_piece_text(b));
        byte_fallback = id >= 0 && vocab.type(id) == TokenType::Byte;
    }

    // Exactly one UNKNOWN piece is required.
    int32_t unk = vocab.valid_id(vocab.unk) ? vocab.unk : -1;
    for (int32_t id = 0; id < n && unk < 0; ++id) {
        if (vocab.type(id) == TokenType::Unknown) unk = id;
    }
    if (unk < 0) throw VocabError("tokenizer metadata: SentencePiece vocabulary has no unknown token");

    ProtoWriter model;
    for (int32_t id = 0; id < n; ++id) {
        // Every piece other than <unk> and the byte pieces is typed NORMAL on purpose. llama.cpp
        // merges into any vocabulary entry whose text appears, CONTROL and USER_DEFINED ones
        // included; SentencePiece would instead never merge into CONTROL pieces, match
        // USER_DEFINED ones greedily before merging and re-split UNUSED ones. Special tokens are
        // cut out of the text before SentencePiece sees it, so this changes nothing else.
        int type = kNormal;
        if (id == unk) type = kUnknown;
        else if (byte_fallback && vocab.type(id) == TokenType::Byte && parse_byte_piece(vocab.text(id)) >= 0) type = kByte;

        std::string_view text = vocab.text(id);
        std::string renamed;
        if (text.find('\0') != std::string_view::npos) {
            // SentencePiece cannot hold NUL in a piece; such a token could only match raw NULs.
            renamed = "[NUL_" + std::to_string(id) + "]";
            text = renamed;
        }
        ProtoWriter piece;
        piece.bytes_field(1, text);
        piece.float_field(2, vocab.scores[static_cast<size_t>(id)]);
        piece.varint_field(3, static_cast<uint64_t>(type));
        model.bytes_field(1, piece.str());
    }

    auto piece_or = [&](int32_t id, const char* fallback) -> std::string {
        return vocab.valid_id(id) ? vocab.text(id) : std::string(fallback);
    };
    ProtoWriter trainer;
    trainer.varint_field(3, 2);  // model_type = BPE: score-ordered pair merges, as llama.cpp's SPM
    trainer.int32_field(4, n);   // vocab_size
    trainer.bool_field(35, byte_fallback);
    trainer.int32_field(40, unk);
    trainer.int32_field(41, vocab.valid_id(vocab.bos) ? vocab.bos : -1);
    trainer.int32_field(42, vocab.valid_id(vocab.eos) ? vocab.eos : -1);
    trainer.int32_field(43, vocab.valid_id(vocab.pad) ? vocab.pad : -1);
    trainer.bytes_field(45, piece_or(unk, "<unk>"));
    trainer.bytes_field(46, piece_or(vocab.bos, "<s>"));
    trainer.bytes_field(47, piece_or(vocab.eos, "</s>"));
    trainer.bytes_field(48, piece_or(vocab.pad, "<pad>"));
    model.bytes_field(2, trainer.str());

    // GGUF vocabularies are used without normalization; only ' ' -> U+2581 and the optional
    // leading space remain, exactly what llama.cpp does before merging.
    ProtoWriter normalizer;
    normalizer.bytes_field(1, "identity");
    normalizer.bool_field(3, vocab.add_space_prefix);  // add_dummy_prefix
    normalizer.bool_field(4, false);                   // remove_extra_whitespaces
    normalizer.bool_field(5, true);                    // escape_whitespaces
    model.bytes_field(3, normalizer.str());
    return model.str();
}

SpmTokenizer::SpmTokenizer(Vocab vocab)
    : Tokenizer(std::move(vocab)), sp_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {
    const auto status = sp_->LoadFromSerializedProto(model_proto(vocab_));
    if (!status.ok()) throw VocabError("SentencePiece rejected the vocabulary: " + status.ToString());

    decoded_.resize(static_cast<size_t>(vocab_.size()));
    for (int32_t id = 0; id < vocab_.size(); ++id) {
        const std::string& text = vocab_.text(id);
        std::string& out = decoded_[static_cast<size_t>(id)];
        switch (vocab_.type(id)) {
        case TokenType::Normal:
            for (size_t i = 0; i < text.size();) {
                if (text.compare(i, 3, "\xE2\x96\x81") == 0) {  // U+2581 stands for a space
                    out += ' ';
                    i += 3;
                } else {
                    out += text[i++];
                }
            }
            break;
        case TokenType::Byte:
            if (const int b = parse_byte_piece(text); b >= 0) out = std::string(1, static_cast<char>(b));
            else out = text;
            break;
        case TokenType::Control:
        case TokenType::UserDefined:
        case TokenType::Unknown:
            out = text;
            break;
        case TokenType::Unused:
        case TokenType::Undefined:
            break;  // renders as nothing, as in llama.cpp
        }
    }
}

SpmTokenizer::~SpmTokenizer() = default;

std::vector<int32_t> SpmTokenizer::encode(std::string_view text, bool add_bos, bool parse_special) const {
    std::vector<int32_t> out;
    if (add_bos && vocab_.add_bos) out.push_back(vocab_.bos);

    std::vector<int> ids;
    for (const Fragment& f : split_special(text, parse_special)) {
        if (f.token >= 0) {
            out.push_back(f.token);
            continue;
        }
        // Each text fragment gets the dummy prefix (when enabled): in llama.cpp every fragment
        // is either the first one or follows a special token, and both get the space.
        const auto status = sp_->Encode(f.text, &ids);
        if (!status.ok()) throw std::runtime_error("SentencePiece failed to encode text: " + status.ToString());
        out.insert(out.end(), ids.begin(), ids.end());
    }

    if (add_bos && vocab_.add_eos) out.push_back(vocab_.eos);
    return out;
}

std::string SpmTokenizer::decode_token(int32_t id) const {
    if (!vocab_.valid_id(id)) throw std::out_of_range("token id " + std::to_string(id) + " is outside the vocabulary");
    return decoded_[static_cast<size_t>(id)];
}

}  // namespace gleaner
