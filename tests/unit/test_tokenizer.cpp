// Tokenizers on vocabularies the tests write (no downloaded model): byte-level BPE merges in rank
// order, SentencePiece's scored merges and byte fallback, lossless decoding, BOS/EOS and
// special-token rules, and clear refusals of broken tokenizer metadata. Token ids identical to
// llama.cpp on the real models' vocabularies are checked in integration.tokenizer_models.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "gguf.h"
#include "test_support.h"
#include "tiny_gguf.h"
#include "tokenizer.h"
#include "tokenizer_checks.h"

using namespace gleaner;

namespace {

// The tokenizer of a tiny model's vocabulary (tiny_gguf.h): byte-level BPE, or SentencePiece.
std::unique_ptr<Tokenizer> tiny_tokenizer(const QString& kind) {
    QTemporaryDir dir;
    test::TinyGguf model;
    if (kind == "spm") model.sentencePieceVocab();
    const std::string path = (dir.path() + "/tiny.gguf").toStdString();
    model.write(path);
    return make_tokenizer(Vocab::from_gguf(GgufFile::open(path)));
}

QString excerpt(const std::string& text) {
    QString s = QString::fromStdString(text.substr(0, 40));
    s.replace('\n', "\\n").replace('\r', "\\r").replace('\t', "\\t");
    return s;
}

// Writes a GGUF file holding only the given metadata (no tensors), so tests can feed the
// vocabulary loader precisely the broken input they want.
class MetadataWriter {
public:
    void string(const std::string& key, const std::string& v) {
        kv(key, 8);
        str(v);
        ++n_;
    }
    void u32(const std::string& key, uint32_t v) {
        kv(key, 4);
        put(v);
        ++n_;
    }
    void strings(const std::string& key, const std::vector<std::string>& v) {
        kv(key, 9);
        put<uint32_t>(8);
        put<uint64_t>(v.size());
        for (const auto& s : v) str(s);
        ++n_;
    }
    void i32s(const std::string& key, const std::vector<int32_t>& v) {
        kv(key, 9);
        put<uint32_t>(5);
        put<uint64_t>(v.size());
        for (int32_t x : v) put(x);
        ++n_;
    }
    std::string write(const QTemporaryDir& dir) const {
        std::string file("GGUF", 4);
        auto append = [&](auto v) { file.append(reinterpret_cast<const char*>(&v), sizeof v); };
        append(uint32_t{3});
        append(uint64_t{0});  // tensors
        append(uint64_t(n_));
        file += body_;
        const std::string path = (dir.path() + "/vocab.gguf").toStdString();
        std::ofstream(path, std::ios::binary).write(file.data(), static_cast<std::streamsize>(file.size()));
        return path;
    }

private:
    template <typename T>
    void put(T v) { body_.append(reinterpret_cast<const char*>(&v), sizeof v); }
    void str(const std::string& s) {
        put<uint64_t>(s.size());
        body_ += s;
    }
    void kv(const std::string& key, uint32_t type) {
        str(key);
        put(type);
    }
    std::string body_;
    uint64_t n_ = 0;
};

// A valid little SentencePiece vocabulary to break one field at a time.
MetadataWriter spm_metadata() {
    MetadataWriter w;
    w.string("tokenizer.ggml.model", "llama");
    w.strings("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>", "a", "b"});
    w.i32s("tokenizer.ggml.token_type", {2, 3, 3, 1, 1});
    return w;
}

}  // namespace

class TestTokenizer : public QObject {
    Q_OBJECT
private slots:








    // ---- the tiny vocabularies --------------------------------------------------------------
    // Byte-level BPE applies merges by rank: "hello" is one token, " world" stops at " wor" (no
    // merge makes " worl"), and a word the merges do not cover falls back to its bytes.
    void bpeMergesFollowTheirRanks() {
        const auto tok = tiny_tokenizer("bpe");
        const Vocab& v = tok->vocab();
        QCOMPARE(v.kind, TokenizerKind::ByteLevelBpe);
        QCOMPARE(tok->encode("hello", false, false), std::vector<int32_t>{v.find("hello")});
        QCOMPARE(v.find("hello"), 259);
        // The GPT-2 byte alphabet: token i is byte i, the space written as U+0120.
        QCOMPARE(tok->encode("hello world", false, false),
                 (std::vector<int32_t>{259, v.find("\xC4\xA0wor"), 'l', 'd'}));
        QCOMPARE(tok->encode("hell", false, false), (std::vector<int32_t>{v.find("he"), v.find("ll")}));
        QCOMPARE(tok->encode("xyz", false, false), (std::vector<int32_t>{'x', 'y', 'z'}));
        QCOMPARE(tok->encode(" ", false, false), std::vector<int32_t>{v.find("\xC4\xA0")});
        QCOMPARE(tok->decode_token(v.find("\xC4\xA0")), std::string(" "));
        QCOMPARE(tok->decode_token(v.find("\xC4\x8A")), std::string("\n"));  // U+010A is the newline byte
        QCOMPARE(tok->decode_token(0xE2), std::string("\xE2"));             // a lone byte of a longer character
        QVERIFY(!v.add_bos);  // a GPT-2 vocabulary asks for none
        QCOMPARE(tok->encode("hello", true, false), tok->encode("hello", false, false));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, tok->decode_token(-1));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, tok->decode_token(v.size()));
    }

    // SentencePiece merges the best-scored pair first (ll, llo, _h, _he, _hello), adds the leading
    // space and BOS, and spells characters it has no piece for as byte pieces.
    void sentencePieceMergesByScoreWithByteFallback() {
        const auto tok = tiny_tokenizer("spm");
        const Vocab& v = tok->vocab();
        QCOMPARE(v.kind, TokenizerKind::SentencePiece);
        QVERIFY(v.add_bos);
        QCOMPARE(tok->encode("hello world", true, false),
                 (std::vector<int32_t>{v.bos, test::TinyGguf::kSpmHello, test::TinyGguf::kSpmWorld}));
        QCOMPARE(v.text(test::TinyGguf::kSpmHello), std::string("\xE2\x96\x81hello"));
        // No piece holds the accented character: it is spelled as its byte pieces (id 3 + byte).
        const auto ids = tok->encode("caf\xC3\xA9", false, false);
        QVERIFY(std::find(ids.begin(), ids.end(), 3 + 0xC3) != ids.end());
        QVERIFY(std::find(ids.begin(), ids.end(), 3 + 0xA9) != ids.end());
        QCOMPARE(tok->decode_token(3 + 0xC3), std::string("\xC3"));
        QCOMPARE(tok->decode(ids), std::string("caf\xC3\xA9"));
        QCOMPARE(tok->decode({test::TinyGguf::kSpmHello, test::TinyGguf::kSpmWorld}), std::string("hello world"));
    }

    void roundTripsText_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("text");
        for (const QString& kind : {QStringLiteral("bpe"), QStringLiteral("spm")})
            for (const QByteArray& s : test::kRoundTripTexts)
                QTest::addRow("%s '%s'", qPrintable(kind), qPrintable(excerpt(s.toStdString()))) << kind << s;
    }
    void roundTripsText() {
        QFETCH(QString, kind);
        QFETCH(QByteArray, text);
        const auto tok = tiny_tokenizer(kind);
        const std::string t = text.toStdString();
        const auto ids = tok->encode(t, false, false);
        QCOMPARE(tok->decode(ids), t);
        // Never more tokens than bytes (SentencePiece may add its leading-space piece).
        QVERIFY(ids.size() <= t.size() + (kind == "spm" ? 1 : 0));
        // BPE: special tokens parsed from the text render as their text. (SentencePiece gives
        // each fragment after a special token its own leading space, as llama.cpp does.)
        if (kind == "bpe") QCOMPARE(tok->decode(tok->encode(t, false, true)), t);
    }

    // Control tokens are one token only when the caller parses specials; otherwise they are text.
    void parsesControlTokensOnlyOnRequest_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("special");
        QTest::addColumn<int>("id");
        QTest::newRow("bpe <|im_start|>") << "bpe" << QByteArray("<|im_start|>") << int(test::TinyGguf::kBpeImStart);
        QTest::newRow("bpe <|im_end|>") << "bpe" << QByteArray("<|im_end|>") << int(test::TinyGguf::kBpeImEnd);
        QTest::newRow("spm <start_of_turn>") << "spm" << QByteArray("<start_of_turn>")
                                             << int(test::TinyGguf::kSpmStartOfTurn);
    }
    void parsesControlTokensOnlyOnRequest() {
        QFETCH(QString, kind);
        QFETCH(QByteArray, special);
        QFETCH(int, id);
        const auto tok = tiny_tokenizer(kind);
        QCOMPARE(tok->vocab().find(special.toStdString()), id);
        test::checkControlTokenParsedOnlyOnRequest(*tok, special.toStdString(), id);
    }

    // End of generation: the vocabulary's EOS plus the well-known terminators, never a turn start.
    void endOfGenerationTokens() {
        {
            const auto tok = tiny_tokenizer("bpe");
            const Vocab& v = tok->vocab();
            QCOMPARE(v.eos, test::TinyGguf::kBpeEndOfText);
            QVERIFY(v.is_eog(v.eos));
            QVERIFY(v.is_eog(test::TinyGguf::kBpeImEnd));
            QVERIFY(!v.is_eog(test::TinyGguf::kBpeImStart));
            QVERIFY(!v.is_eog(v.find("hello")));
        }
        const auto tok = tiny_tokenizer("spm");
        const Vocab& v = tok->vocab();
        QCOMPARE(v.text(v.eos), std::string("</s>"));
        QVERIFY(v.is_eog(v.eos));
        QCOMPARE(v.eot, test::TinyGguf::kSpmEndOfTurn);
        QVERIFY(v.is_eog(v.eot));
        QVERIFY(!v.is_eog(test::TinyGguf::kSpmStartOfTurn));
    }

    // llama.cpp splits on special tokens one at a time, longest first: with "ab" and "bcd" both
    // special, "abcd" becomes "a" + <bcd>, not <ab> + "cd".
    void splitsSpecialTokensLongestFirst() {
        Vocab v;
        v.kind = TokenizerKind::ByteLevelBpe;
        v.pre = "gpt2";
        v.tokens = {"a", "b", "c", "d", "ab", "bcd"};
        v.types = {TokenType::Normal, TokenType::Normal, TokenType::Normal, TokenType::Normal,
                   TokenType::UserDefined, TokenType::UserDefined};
        v.finalize();
        const auto tok = make_tokenizer(v);
        QCOMPARE(tok->encode("abcd", false, false), (std::vector<int32_t>{0, 5}));
        QCOMPARE(tok->encode("abab", false, false), (std::vector<int32_t>{4, 4}));
        QCOMPARE(tok->encode("abcdab", false, false), (std::vector<int32_t>{0, 5, 4}));
    }

    // ---- untrusted metadata ---------------------------------------------------------------
    void loadsValidHandBuiltVocab() {
        QTemporaryDir dir;
        const Vocab v = Vocab::from_gguf(GgufFile::open(spm_metadata().write(dir)));
        QCOMPARE(v.kind, TokenizerKind::SentencePiece);
        QCOMPARE(v.size(), 5);
        QCOMPARE(v.bos, 1);  // SentencePiece defaults
        QCOMPARE(v.eos, 2);
        QCOMPARE(v.unk, 0);
        QVERIFY(v.add_bos);
        QVERIFY(v.add_space_prefix);
        QCOMPARE(v.eot, -1);
        QCOMPARE(v.pad, -1);
        // Without byte pieces SentencePiece maps unknown characters (here the leading U+2581
        // space marker) to <unk>.
        const auto tok = make_tokenizer(v);
        QCOMPARE(tok->encode("ab", true, false), (std::vector<int32_t>{1, 0, 3, 4}));
        QCOMPARE(tok->decode({3, 4}), std::string("ab"));
    }

    void rejectsBrokenMetadata_data() {
        QTest::addColumn<int>("variant");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unsupported-model") << 0 << "unsupported tokenizer 't5'";
        QTest::newRow("no-tokenizer") << 1 << "tokenizer.ggml.model";
        QTest::newRow("short-token-types") << 2 << "token_type";
        QTest::newRow("bos-out-of-range") << 3 << "outside the vocabulary";
        QTest::newRow("duplicate-tokens") << 4 << "same text";
        QTest::newRow("bpe-without-merges") << 5 << "merges";
        QTest::newRow("unknown-pre-tokenizer") << 6 << "unsupported pre-tokenizer 'mystery'";
    }
    void rejectsBrokenMetadata() {
        QFETCH(int, variant);
        QFETCH(QString, expected);
        MetadataWriter w;
        switch (variant) {
        case 0:
            w.string("tokenizer.ggml.model", "t5");
            w.strings("tokenizer.ggml.tokens", {"a"});
            break;
        case 1:
            w.string("general.architecture", "llama");
            break;
        case 2:
            w.string("tokenizer.ggml.model", "llama");
            w.strings("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>"});
            w.i32s("tokenizer.ggml.token_type", {2, 3});
            break;
        case 3:
            w = spm_metadata();
            w.u32("tokenizer.ggml.bos_token_id", 99);
            break;
        case 4:
            w.string("tokenizer.ggml.model", "llama");
            w.strings("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>", "a", "a"});
            break;
        case 5:
            w.string("tokenizer.ggml.model", "gpt2");
            w.string("tokenizer.ggml.pre", "gpt2");
            w.strings("tokenizer.ggml.tokens", {"a", "b"});
            break;
        case 6:
            w.string("tokenizer.ggml.model", "gpt2");
            w.string("tokenizer.ggml.pre", "mystery");
            w.strings("tokenizer.ggml.tokens", {"a", "b"});
            w.strings("tokenizer.ggml.merges", {"a b"});
            break;
        }
        QTemporaryDir dir;
        const std::string path = w.write(dir);
        try {
            make_tokenizer(Vocab::from_gguf(GgufFile::open(path)));
            QFAIL("broken tokenizer metadata was accepted");
        } catch (const VocabError& e) {
            QVERIFY2(QString(e.what()).contains(expected), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"
