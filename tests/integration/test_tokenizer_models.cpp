// The downloaded models' tokenizers (label `model`): token ids identical to llama.cpp for SmolLM2
// and Gemma 3 (fixtures generated with llama.cpp's tokenizer), lossless decoding, and their
// BOS/EOS and special-token rules. The tokenizers on vocabularies the tests write are unit.tokenizer.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gguf.h"
#include "test_support.h"
#include "tokenizer.h"
#include "tokenizer_checks.h"

using namespace gleaner;

namespace {

struct FixtureCase {
    std::string text;
    std::vector<int32_t> ids;
};

// tests/data/fixtures/tokenizer_<name>.json: {"model": ..., "cases": [{"text", "ids"}]}, ids
// from llama.cpp without BOS and without parsing special tokens.
std::vector<FixtureCase> load_fixture(const QString& name) {
    QFile f(test::dataFile("fixtures/tokenizer_" + name + ".json"));
    if (!f.open(QIODevice::ReadOnly)) return {};
    std::vector<FixtureCase> out;
    for (const QJsonValue& c : QJsonDocument::fromJson(f.readAll()).object().value("cases").toArray()) {
        const QJsonObject o = c.toObject();
        FixtureCase fc;
        fc.text = o.value("text").toString().toStdString();
        for (const QJsonValue& id : o.value("ids").toArray()) fc.ids.push_back(id.toInt());
        out.push_back(std::move(fc));
    }
    return out;
}

QString model_path(const QString& name) { return name == "smollm2" ? test::smollm2Path() : test::gemma3Path(); }

// Tokenizers are loaded once per model and shared by the tests (Gemma's has 262k tokens).
const Tokenizer* tokenizer_for(const QString& name) {
    static std::map<QString, std::unique_ptr<Tokenizer>> cache;
    auto it = cache.find(name);
    if (it == cache.end()) {
        const QString path = model_path(name);
        if (!QFileInfo::exists(path)) return nullptr;
        const GgufFile f = GgufFile::open(path.toStdString());
        it = cache.emplace(name, make_tokenizer(Vocab::from_gguf(f))).first;
    }
    return it->second.get();
}

#define REQUIRE_TOKENIZER(var, name)                                                         \
    GLEANER_REQUIRE_MODEL(model_path(name));                                                 \
    const Tokenizer* var = tokenizer_for(name);                                              \
    QVERIFY(var)

QString ids_to_string(const std::vector<int32_t>& ids) {
    QStringList parts;
    for (int32_t id : ids) parts << QString::number(id);
    return "[" + parts.join(", ") + "]";
}

QString excerpt(const std::string& text) {
    QString s = QString::fromStdString(text.substr(0, 40));
    s.replace('\n', "\\n").replace('\r', "\\r").replace('\t', "\\t");
    return s;
}

}  // namespace

class TestTokenizerModels : public QObject {
    Q_OBJECT
private slots:
    // ---- identical to llama.cpp -----------------------------------------------------------
    void matchesLlamaCppFixture_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("index");
        for (const QString& model : {QStringLiteral("smollm2"), QStringLiteral("gemma3")}) {
            const auto cases = load_fixture(model);
            QVERIFY2(!cases.empty(), qPrintable("missing or empty fixture tokenizer_" + model + ".json"));
            for (size_t i = 0; i < cases.size(); ++i) {
                QTest::addRow("%s/%02d '%s'", qPrintable(model), int(i), qPrintable(excerpt(cases[i].text)))
                    << model << int(i);
            }
        }
    }
    void matchesLlamaCppFixture() {
        QFETCH(QString, model);
        QFETCH(int, index);
        REQUIRE_TOKENIZER(tok, model);
        const FixtureCase c = load_fixture(model).at(size_t(index));
        const auto got = tok->encode(c.text, false, false);
        QVERIFY2(got == c.ids, qPrintable("got " + ids_to_string(got) + "\nwant " + ids_to_string(c.ids)));
        // Decoding llama.cpp's ids gives the text back.
        QCOMPARE(tok->decode(c.ids), c.text);
    }

    // The fixtures include real book passages (several hundred tokens each), not only probes.
    void fixturesCoverBookExcerpts() {
        for (const QString& model : {QStringLiteral("smollm2"), QStringLiteral("gemma3")}) {
            REQUIRE_TOKENIZER(tok, model);
            int books = 0;
            for (const FixtureCase& c : load_fixture(model)) {
                if (c.text.size() < 500) continue;
                ++books;
                QCOMPARE(tok->encode(c.text, false, false), c.ids);
            }
            QVERIFY2(books >= 1, qPrintable(model + " fixture has no book excerpt"));
        }
    }

    // ---- decoding -------------------------------------------------------------------------
    void roundTripsText_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QByteArray>("text");
        for (const QString& model : {QStringLiteral("smollm2"), QStringLiteral("gemma3")}) {
            for (const QByteArray& s : test::kRoundTripTexts) {
                QTest::addRow("%s '%s'", qPrintable(model), qPrintable(excerpt(s.toStdString()))) << model << s;
            }
        }
    }
    void roundTripsText() {
        QFETCH(QString, model);
        QFETCH(QByteArray, text);
        REQUIRE_TOKENIZER(tok, model);
        const std::string t = text.toStdString();
        QCOMPARE(tok->decode(tok->encode(t, false, false)), t);
        QCOMPARE(tok->decode(tok->encode(t, false, true)), t);  // special tokens render as their text
    }

    void decodesSingleTokensToRawBytes() {
        {
            REQUIRE_TOKENIZER(tok, "smollm2");
            const Vocab& v = tok->vocab();
            QCOMPARE(tok->decode_token(v.find("\xC4\xA0")), std::string(" "));  // 'Ġ' is the space byte
            QCOMPARE(tok->decode_token(v.find("\xC4\x8A")), std::string("\n"));  // 'Ċ' is the newline byte
            QCOMPARE(tok->decode_token(v.find("\xC4\xA0Hello")), std::string(" Hello"));
            QCOMPARE(tok->decode_token(v.find("<|im_end|>")), std::string("<|im_end|>"));
        }
        {
            REQUIRE_TOKENIZER(tok, "gemma3");
            const Vocab& v = tok->vocab();
            // A byte-fallback token is one byte, here the start of a 3-byte character.
            QCOMPARE(tok->decode_token(v.find("<0xE2>")), std::string("\xE2"));
            QCOMPARE(tok->decode_token(v.find("\xE2\x96\x81" "Hello")), std::string(" Hello"));
            QCOMPARE(tok->decode_token(v.find("<start_of_turn>")), std::string("<start_of_turn>"));
        }
        REQUIRE_TOKENIZER(tok, "smollm2");
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, tok->decode_token(-1));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, tok->decode_token(tok->vocab().size()));
    }

    // ---- BOS/EOS and special tokens -------------------------------------------------------
    void addsBosOnlyWhenTheModelWantsIt() {
        {
            REQUIRE_TOKENIZER(tok, "gemma3");
            QVERIFY(tok->vocab().add_bos);
            const auto plain = tok->encode("Hello", false, false);
            const auto with_bos = tok->encode("Hello", true, false);
            QCOMPARE(with_bos.size(), plain.size() + 1);
            QCOMPARE(with_bos.front(), tok->vocab().bos);
            QCOMPARE(tok->vocab().text(with_bos.front()), std::string("<bos>"));
            QCOMPARE(std::vector<int32_t>(with_bos.begin() + 1, with_bos.end()), plain);
            QCOMPARE(tok->encode("", true, false), std::vector<int32_t>{tok->vocab().bos});
        }
        {
            // SmolLM2's metadata says add_bos_token = false: no BOS even when asked for specials.
            REQUIRE_TOKENIZER(tok, "smollm2");
            QVERIFY(!tok->vocab().add_bos);
            QCOMPARE(tok->encode("Hello", true, false), tok->encode("Hello", false, false));
        }
    }

    void parsesControlTokensOnlyOnRequest_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QByteArray>("special");
        QTest::newRow("smollm2 <|im_start|>") << "smollm2" << QByteArray("<|im_start|>");
        QTest::newRow("smollm2 <|im_end|>") << "smollm2" << QByteArray("<|im_end|>");
        QTest::newRow("gemma3 <start_of_turn>") << "gemma3" << QByteArray("<start_of_turn>");
        QTest::newRow("gemma3 <end_of_turn>") << "gemma3" << QByteArray("<end_of_turn>");
    }
    void parsesControlTokensOnlyOnRequest() {
        QFETCH(QString, model);
        QFETCH(QByteArray, special);
        REQUIRE_TOKENIZER(tok, model);
        const int32_t id = tok->vocab().find(special.toStdString());
        QVERIFY(id >= 0);
        test::checkControlTokenParsedOnlyOnRequest(*tok, special.toStdString(), id);
    }

    // Gemma's USER_DEFINED tokens (runs of newlines or spaces, HTML tags) are matched even
    // without parse_special, as in llama.cpp.
    void matchesUserDefinedTokensAlways() {
        REQUIRE_TOKENIZER(tok, "gemma3");
        const Vocab& v = tok->vocab();
        const int32_t table = v.find("<table>");
        QCOMPARE(v.type(table), TokenType::UserDefined);
        QCOMPARE(tok->encode("<table>", false, false), std::vector<int32_t>{table});
        QCOMPARE(tok->encode("\n\n", false, false), std::vector<int32_t>{v.find("\n\n")});
    }

    void endOfGenerationTokens() {
        {
            REQUIRE_TOKENIZER(tok, "smollm2");
            const Vocab& v = tok->vocab();
            QVERIFY(v.is_eog(v.eos));
            QVERIFY(v.is_eog(v.find("<|im_end|>")));
            QVERIFY(v.is_eog(v.find("<|endoftext|>")));
            QVERIFY(!v.is_eog(v.find("<|im_start|>")));
            QVERIFY(!v.is_eog(tok->encode("Hello", false, false).front()));
        }
        REQUIRE_TOKENIZER(tok, "gemma3");
        const Vocab& v = tok->vocab();
        QCOMPARE(v.text(v.eos), std::string("<eos>"));
        QVERIFY(v.is_eog(v.eos));
        QVERIFY(v.is_eog(v.find("<end_of_turn>")));
        QCOMPARE(v.eot, v.find("<end_of_turn>"));
        QVERIFY(!v.is_eog(v.find("<start_of_turn>")));
    }



};

QTEST_APPLESS_MAIN(TestTokenizerModels)
#include "test_tokenizer_models.moc"
