// A pass key in a document twice as long as the default model's context (2 x 8192 tokens), at a
// few depths, answered by the long-context methods (label `slow`: minutes on two cores). The
// haystack is the standard pass-key filler (InfLLM's and Landmark Attention's "The grass is
// green..."): a book's own keys and numbers are distractors for another evaluation (eval niah).
#include <QTemporaryDir>
#include <QtTest>


#include "context_method.h"
#include "model.h"
#include "qa_prompt.h"
#include "reading.h"
#include "test_support.h"

using namespace gleaner;

class TestPasskeyLong : public QObject {
    Q_OBJECT

    std::unique_ptr<Model> model_;
    std::unique_ptr<Backend> backend_;
    QTemporaryDir tmp_;

    // `tokens` tokens of filler with the pass key sentence inserted at `depth` percent.
    std::string haystack(int tokens, int depth, const std::string& key) {
        const std::string filler = "The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again. ";
        const std::string needle = "The pass key is " + key + ". Remember it. " + key + " is the pass key. ";
        const int per = static_cast<int>(tokenize_document(model_->tokenizer(), filler + filler).size()) / 2;
        const int n = (tokens - static_cast<int>(tokenize_document(model_->tokenizer(), needle).size())) / per;
        std::string text;
        for (int i = 0; i < n; ++i) {
            if (i == n * depth / 100) text += needle;
            text += filler;
        }
        return text;
    }

    std::string answer(ContextMethod& m, const std::vector<int32_t>& doc_ids) {
        const QaPrompt p = build_qa_prompt(*model_, doc_ids, "What is the pass key?");
        GenerationOptions opt;
        opt.max_tokens = 24;
        return answer_question(m, model_->tokenizer(), p, opt).text;
    }

private slots:
    void initTestCase() {
        GLEANER_REQUIRE_MODEL(test::smollm2Path());
        model_ = Model::load(test::smollm2Path().toStdString());
        backend_ = make_cpu_backend(0);
    }

    // How many of the depths the method answers (the pass key appears in its answer); the
    // answers themselves in `answers` when given.
    int answered(const std::string& method, const MethodSettings& settings, std::vector<std::string>* answers = nullptr) {
        const int n_ctx = model_->config().n_ctx_train;
        int ok = 0;
        for (int depth : {25, 50, 75}) {
            const std::string key = std::to_string(40517 + 1111 * depth);
            const std::string text = haystack(2 * n_ctx, depth, key);
            std::string got;
            if (method == "gleaner") {
                auto mem = ReadingMemory::open(tmp_.path().toStdString(), test::smollm2Path().toStdString(), *model_,
                                               *backend_, text, reading_settings(*model_, settings));
                mem->read();
                if (mem->doc_ids().size() < static_cast<size_t>(2 * n_ctx - 64) ||
                    mem->doc_ids().size() > static_cast<size_t>(2 * n_ctx + 64))
                    qFatal("the haystack is not twice the context");
                auto m = make_gleaner_method(*model_, *backend_, *mem, settings);
                got = answer(*m, mem->doc_ids());
            } else {
                auto m = make_context_method(method, *model_, *backend_, settings);
                got = answer(*m, tokenize_document(model_->tokenizer(), text));
            }
            if (answers) answers->push_back(got);
            const bool hit = got.find(key) != std::string::npos;
            ok += hit;
            qInfo("%s, depth %d%%: %s [%s]", method.c_str(), depth, got.c_str(), hit ? "ok" : "missed");
        }
        return ok;
    }

    void gleaner() { QCOMPARE(answered("gleaner", {}), 3); }

    void qllm() { QVERIFY(answered("qllm", {}) >= 2); }

    // GemFilter as specified (last prompt token's raw query-key logits, single tokens) does not
    // find a pass key on this 135M model: docs/long-context.md ("Needle in a haystack") measures
    // 0 of 3 with its depth-scaled default filter layer (12 = 13/32 of 30), and layer 15, where
    // the filter-layer query attends to the needle most, answered 0 of 3 here too when this test
    // was made to assert (2026-12-04; an earlier build found 1 of 3). This is the model, not the
    // port (test_infllm_memory checks the score against a brute-force reference; with k >= n the
    // method equals the plain forward; gpu.backend_parity has it find a key in a short text).
    // What it reaches is asserted: it answers the question at every depth ("The pass key is
    // ..."), and the count is pinned at the documented 0, so a change that makes GemFilter find
    // pass keys fails here until the table in docs/long-context.md and this line are updated.
    void gemfilter() {
        MethodSettings s;
        s.set("filter_layer", "15");
        std::vector<std::string> answers;
        const int n = answered("gemfilter", s, &answers);
        QCOMPARE(answers.size(), size_t(3));
        for (const std::string& a : answers)
            QVERIFY2(a.find("pass key") != std::string::npos, qPrintable("not an answer to the question: " + QString::fromStdString(a)));
        QCOMPARE(n, 0);
    }
};

QTEST_APPLESS_MAIN(TestPasskeyLong)
#include "test_passkey_long.moc"
