// Generation on the downloaded SmolLM2 (label `model`): its chat template and default system
// prompt are recognised, and it answers a factual question and stops at its end of turn. The
// generation loop itself (determinism, caching, streaming, cancellation, limits) is
// unit.generation, on a tiny model the test writes.
#include <QtTest>

#include "chat_template.h"
#include "generator.h"
#include "model.h"
#include "test_support.h"
#include "transformer.h"
#include "vocab.h"

using namespace gleaner;

class TestGenerationModels : public QObject {
    Q_OBJECT

    std::unique_ptr<Model> model_;
    std::unique_ptr<Backend> backend_;

    std::vector<int32_t> chatPrompt(const std::string& question) {
        const Tokenizer& tok = model_->tokenizer();
        const ChatStyle style = chat_style_for(model_->chat_template(), tok.vocab().tokens);
        const std::string text = render_chat(style.format, {{"system", style.default_system}, {"user", question}});
        return tok.encode(text, tok.vocab().add_bos, true);
    }

private slots:
    void initTestCase() {
        GLEANER_REQUIRE_MODEL(test::smollm2Path());
        model_ = Model::load(test::smollm2Path().toStdString());
        backend_ = make_cpu_backend(2);
    }

    void chatStyleComesFromTheModelsTemplate() {
        QCOMPARE(detect_chat_format(model_->chat_template()), ChatFormat::ChatML);
        const ChatStyle st = chat_style_for(model_->chat_template(), model_->tokenizer().vocab().tokens);
        QVERIFY(QString::fromStdString(st.default_system).startsWith("You are a helpful AI assistant named SmolLM"));
    }

    void answersAFactualQuestionAndStopsAtEndOfTurn() {
        Transformer tf(*model_, *backend_, 1024);
        GenerationOptions opt;
        opt.max_tokens = 64;
        std::string streamed;
        opt.on_text = [&](const std::string& s) { streamed += s; };
        const GenerationResult r = generate(tf, chatPrompt("What is the capital of France? Answer in one sentence."), opt);
        QVERIFY2(QString::fromStdString(r.text).contains("Paris"), r.text.c_str());
        QVERIFY(r.stopped_by_eog);
        QCOMPARE(streamed, r.text);
        QVERIFY(static_cast<int>(r.tokens.size()) < opt.max_tokens);
    }
};

QTEST_APPLESS_MAIN(TestGenerationModels)
#include "test_generation_models.moc"
