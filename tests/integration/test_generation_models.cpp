// Generation on the downloaded SmolLM2 (label `model`): its chat template and default system
// prompt are recognised, and it answers a factual question and stops at its end of turn. The
// generation loop itself (determinism, caching, streaming, cancellation, limits) is
// unit.generation, on a tiny model the test writes.
#include <QtTest>

#include <algorithm>
#include <cmath>

#include "answer_prior.h"
#include "chat_template.h"
#include "generator.h"
#include "model.h"
#include "qa_prompt.h"
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

    // The prior of an answer (answer_prior.h) is the probability the model gives each of its
    // tokens with no passages: for the answer it wrote itself to the question asked without
    // passages, the probabilities it had while writing it. One batched pass against token-by-token
    // decoding: the two take different matmul kernels (activations quantized per batch), which
    // moves a probability by up to 5% of itself on this model; a token scored at the wrong row
    // would be off by far more.
    void answerPriorIsTheModelsOwnProbabilityWithoutTheBook() {
        const std::string q = "What is the capital of France?";
        const PromptFrame f = qa_prompt_frame(*model_, q, FrameKind::Passages, "");
        std::vector<int32_t> prompt = f.before;
        prompt.insert(prompt.end(), f.after.begin(), f.after.end());
        Transformer tf(*model_, *backend_, 1024);
        GenerationOptions opt;
        opt.max_tokens = 16;
        const GenerationResult r = generate(tf, prompt, opt);
        QVERIFY(r.tokens.size() >= 4);
        QCOMPARE(r.token_probs.size(), r.tokens.size());
        const std::vector<float> prior = answer_prior_probs(*model_, *backend_, q, r.tokens);
        QCOMPARE(prior.size(), r.tokens.size());
        for (size_t i = 0; i < prior.size(); ++i)
            QVERIFY2(std::fabs(std::log(prior[i]) - std::log(r.token_probs[i])) < 0.1f,
                     qPrintable(QString("token %1: %2 vs %3").arg(i).arg(prior[i]).arg(r.token_probs[i])));
        // another answer than the model's own: each token scored where it stands
        std::vector<int32_t> other = r.tokens;
        std::swap(other[0], other[1]);
        const std::vector<float> p2 = answer_prior_probs(*model_, *backend_, q, other);
        QVERIFY(p2[0] < r.token_probs[0]);
        QVERIFY(answer_prior_probs(*model_, *backend_, q, {}).empty());
    }

    // The citation marks an answer may not open with: every token whose text starts with "[",
    // with or without a leading space, and nothing else.
    void citationMarkTokensAreTheBracketOpeners() {
        const Tokenizer& tok = model_->tokenizer();
        const std::vector<int32_t> marks = citation_mark_tokens(tok);
        QVERIFY(!marks.empty());
        QVERIFY(marks.size() < tok.vocab().tokens.size() / 100);
        for (int32_t t : marks) {
            const std::string piece = tok.decode_token(t);
            QVERIFY2(piece[piece.find_first_not_of(' ')] == '[', piece.c_str());
        }
        auto has = [&](int32_t t) { return std::find(marks.begin(), marks.end(), t) != marks.end(); };
        QVERIFY(has(tok.encode("[1] The", false, false).front()));
        QVERIFY(has(tok.encode("Alice [2]", false, false)[1]));
        QVERIFY(!has(tok.encode("The", false, false).front()));
        QVERIFY(!has(tok.encode("1]", false, false).front()));
    }
};

QTEST_APPLESS_MAIN(TestGenerationModels)
#include "test_generation_models.moc"
