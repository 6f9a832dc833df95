// A pass key in a document twice as long as the default model's context (2 x 8192 tokens), at a
// few depths, answered by the long-context methods (label `slow`: minutes on two cores).
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>

#include "context_method.h"
#include "evidence.h"
#include "model.h"
#include "qa_prompt.h"
#include "reading.h"
#include "test_support.h"

using namespace gleaner;

class TestPasskeyLong : public QObject {
    Q_OBJECT

    std::unique_ptr<Model> model_;
    std::unique_ptr<Backend> backend_;
    std::string book_;
    QTemporaryDir tmp_;

    // The book cut to `tokens` tokens with the pass key sentence inserted at `depth` percent.
    std::string haystack(int tokens, int depth, const std::string& key) {
        const std::string needle = " The pass key is " + key + ". Remember it. " + key + " is the pass key. ";
        const auto ids = tokenize_document(model_->tokenizer(), book_);
        const auto off = token_offsets(model_->tokenizer(), ids, book_);
        const int body = tokens - static_cast<int>(tokenize_document(model_->tokenizer(), needle).size());
        std::string text = book_.substr(0, off[body]);
        size_t at = off[static_cast<size_t>(body) * depth / 100];
        const size_t dot = text.find(". ", at);
        if (dot != std::string::npos && dot - at < 300) at = dot + 1;
        text.insert(at, needle);
        return text;
    }

    std::string answer(ContextMethod& m, const std::vector<int32_t>& doc_ids) {
        const QaPrompt p = build_qa_prompt(*model_, doc_ids, "What is the pass key?");
        GenerationOptions opt;
        opt.max_tokens = 12;
        return answer_question(m, model_->tokenizer(), p, opt).text;
    }

private slots:
    void initTestCase() {
        GLEANER_REQUIRE_MODEL(test::smollm2Path());
        model_ = Model::load(test::smollm2Path().toStdString());
        backend_ = make_cpu_backend(0);
        std::ifstream f(GLEANER_SOURCE_DIR "/resources/alice-in-wonderland.txt", std::ios::binary);
        std::stringstream ss;
        ss << f.rdbuf();
        book_ = ss.str();
        QVERIFY(book_.size() > 100000);
    }

    void passkey_data() {
        QTest::addColumn<QString>("method");
        QTest::addColumn<int>("depth");
        QTest::addColumn<QString>("key");
        for (const char* m : {"gleaner", "qllm", "gemfilter"})
            for (int d : {25, 75}) QTest::newRow(qPrintable(QString("%1 depth %2%").arg(m).arg(d))) << m << d << (d == 25 ? "40517" : "86241");
    }

    void passkey() {
        QFETCH(QString, method);
        QFETCH(int, depth);
        QFETCH(QString, key);
        const int n_ctx = model_->config().n_ctx_train;
        const std::string text = haystack(2 * n_ctx, depth, key.toStdString());
        std::string got;
        if (method == "gleaner") {
            auto mem = ReadingMemory::open(tmp_.path().toStdString(), test::smollm2Path().toStdString(), *model_,
                                           *backend_, text, reading_settings(*model_));
            mem->read();
            QVERIFY(mem->doc_ids().size() >= static_cast<size_t>(2 * n_ctx - 64));
            auto m = make_gleaner_method(*model_, *backend_, *mem);
            got = answer(*m, mem->doc_ids());
        } else {
            auto m = make_context_method(method.toStdString(), *model_, *backend_);
            got = answer(*m, tokenize_document(model_->tokenizer(), text));
        }
        qInfo("%s, depth %d%%: %s", qPrintable(method), depth, got.c_str());
        QVERIFY2(got.find(key.toStdString()) != std::string::npos, got.c_str());
    }
};

QTEST_APPLESS_MAIN(TestPasskeyLong)
#include "test_passkey_long.moc"
