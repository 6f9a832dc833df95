// Sampling, chat formats and generation on the real default model.
#include <QtTest>

#include <atomic>
#include <cmath>
#include <map>
#include <thread>

#include "chat_template.h"
#include "generator.h"
#include "model.h"
#include "sampler.h"
#include "test_support.h"
#include "transformer.h"
#include "vocab.h"

using namespace gleaner;

class TestGeneration : public QObject {
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

    void greedyPicksTheLargestLogit() {
        Sampler s(SamplingParams{});
        const std::vector<float> logits = {0.1f, 3.0f, -1.0f, 2.9f};
        QCOMPARE(s.sample(logits, {}), 1);
    }

    void repetitionPenaltyDemotesRecentTokens() {
        SamplingParams p;
        p.repeat_penalty = 2.0f;
        Sampler s(p);
        const std::vector<float> logits = {0.0f, 3.0f, 2.0f};
        const std::vector<int32_t> recent = {1};
        QCOMPARE(s.sample(logits, recent), 2);  // 3.0 / 2 = 1.5 < 2.0
    }

    void samplingFollowsTheDistributionAndTheSeed() {
        SamplingParams p;
        p.temperature = 1.0f;
        p.top_k = 0;
        p.top_p = 1.0f;
        p.min_p = 0.0f;
        p.seed = 7;
        const std::vector<float> logits = {std::log(0.7f), std::log(0.2f), std::log(0.1f)};
        Sampler s(p);
        std::map<int, int> counts;
        std::vector<int32_t> first;
        for (int i = 0; i < 5000; ++i) {
            const int32_t t = s.sample(logits, {});
            counts[t]++;
            if (i < 20) first.push_back(t);
        }
        QVERIFY(std::abs(counts[0] / 5000.0 - 0.7) < 0.03);
        QVERIFY(std::abs(counts[2] / 5000.0 - 0.1) < 0.02);
        Sampler again(p);  // same seed, same sequence
        for (int32_t t : first) QCOMPARE(again.sample(logits, {}), t);
    }

    void topKAndMinPCutTheTail() {
        SamplingParams p;
        p.temperature = 1.0f;
        p.top_k = 2;
        p.min_p = 0.0f;
        p.top_p = 1.0f;
        Sampler s(p);
        const std::vector<float> logits = {5.0f, 4.9f, 4.8f, 4.7f};
        for (int i = 0; i < 500; ++i) QVERIFY(s.sample(logits, {}) <= 1);
        p.top_k = 0;
        p.min_p = 0.5f;  // keeps tokens with p >= 0.5 * p_max only
        Sampler m(p);
        const std::vector<float> skewed = {5.0f, 0.0f, 4.9f, -3.0f};
        for (int i = 0; i < 500; ++i) {
            const int32_t t = m.sample(skewed, {});
            QVERIFY(t == 0 || t == 2);
        }
    }

    void chatFormatsComeFromTheTemplateOrVocabulary() {
        QCOMPARE(detect_chat_format(model_->chat_template()), ChatFormat::ChatML);
        const ChatStyle st = chat_style_for(model_->chat_template(), model_->tokenizer().vocab().tokens);
        QVERIFY(QString::fromStdString(st.default_system).startsWith("You are a helpful AI assistant named SmolLM"));
        QCOMPARE(detect_chat_format_from_vocab({"<pad>", "<start_of_turn>"}), ChatFormat::Gemma);
        QCOMPARE(render_chat(ChatFormat::Llama3, {{"user", "Hi"}}),
                 std::string("<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                             "<|start_header_id|>assistant<|end_header_id|>\n\n"));
        QCOMPARE(render_chat(ChatFormat::Gemma, {{"system", "Be brief."}, {"user", "Hi"}}),
                 std::string("<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\n"));
        QCOMPARE(render_chat(ChatFormat::Mistral, {{"user", "Hi"}}), std::string("[INST] Hi [/INST]"));
    }

    void defaultSystemPromptWithEscapedNewlines() {
        // Qwen2.5's template (abridged): the tools branch opens a system turn with template code
        // inside; the default is a Jinja string literal whose newlines are backslash-n escapes.
        const std::string qwen =
            "{%- if tools %}\n    {{- '<|im_start|>system\\n' }}\n    {%- if messages[0]['role'] == 'system' %}"
            "\n        {{- messages[0]['content'] }}\n    {%- else %}\n        {{- 'You are Qwen, created by "
            "Alibaba Cloud. You are a helpful assistant.' }}\n    {%- endif %}\n{%- else %}\n    {%- if "
            "messages[0]['role'] == 'system' %}\n        {{- '<|im_start|>system\\n' + messages[0]['content'] + "
            "'<|im_end|>\\n' }}\n    {%- else %}\n        {{- '<|im_start|>system\\nYou are Qwen, created by "
            "Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}\n    {%- endif %}\n{%- endif %}";
        QCOMPARE(default_system_prompt(qwen),
                 std::string("You are Qwen, created by Alibaba Cloud. You are a helpful assistant."));
        QCOMPARE(default_system_prompt("{{- '<|im_start|>system\\n' + messages[0]['content'] }}"), std::string());
        QCOMPARE(default_system_prompt("<|im_start|>system\nBe brief.<|im_end|>"), std::string("Be brief."));
    }

    void utf8PiecesAreHeldUntilComplete() {
        QCOMPARE(complete_utf8_prefix("abc"), size_t{3});
        QCOMPARE(complete_utf8_prefix("a\xC3"), size_t{1});          // first byte of é
        QCOMPARE(complete_utf8_prefix("a\xC3\xA9"), size_t{3});
        QCOMPARE(complete_utf8_prefix("\xF0\x9F\x99"), size_t{0});   // 3 of 4 bytes of an emoji
        QCOMPARE(complete_utf8_prefix("\xF0\x9F\x99\x82"), size_t{4});
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

    void greedyGenerationIsDeterministic() {
        Transformer a(*model_, *backend_, 512), b(*model_, *backend_, 512);
        GenerationOptions opt;
        opt.max_tokens = 24;
        const auto prompt = chatPrompt("Name three animals.");
        QCOMPARE(generate(a, prompt, opt).tokens, generate(b, prompt, opt).tokens);
    }

    void decodeMatchesBatchedPrefill() {
        // The same tokens one at a time and in one batch give the same last-token logits: bit for
        // bit on the portable path; with SIMD tiles the float summation order differs (~1e-5 per
        // matmul), which 30 layers of activation re-quantization amplify to a few tenths.
        const std::vector<int32_t> ids = model_->tokenizer().encode("Alice was beginning to get very tired", false, false);
        Transformer batch(*model_, *backend_, 64), step(*model_, *backend_, 64);
        const std::vector<float> all = batch.forward(ids, Logits::Last);
        std::vector<float> last;
        for (int32_t id : ids) last = step.forward(std::span<const int32_t>(&id, 1), Logits::Last);
        QCOMPARE(argmax(all), argmax(last));
        // Compare the distributions, not raw logits (a uniform shift of all logits changes
        // nothing): KL(batch || one-by-one) over the whole vocabulary.
        auto log_softmax = [](const std::vector<float>& l) {
            const double mx = *std::max_element(l.begin(), l.end());
            double z = 0;
            for (float v : l) z += std::exp(v - mx);
            std::vector<double> out(l.size());
            for (size_t i = 0; i < l.size(); ++i) out[i] = l[i] - mx - std::log(z);
            return out;
        };
        const auto p = log_softmax(all), q = log_softmax(last);
        double kl = 0, max_diff = 0;
        for (size_t i = 0; i < p.size(); ++i) {
            kl += std::exp(p[i]) * (p[i] - q[i]);
            max_diff = std::max(max_diff, double(std::abs(all[i] - last[i])));
        }
        qInfo("batch vs one-by-one: KL %.2e, max |logit diff| %.4f", kl, max_diff);
        if (qEnvironmentVariableIsSet("GLEANER_NO_AVX2"))
            QCOMPARE(max_diff, 0.0);
        else
            QVERIFY2(kl < 2e-2, qPrintable(QString::number(kl)));  // measured ~7e-3; a wrong cache gives > 0.5
    }

    void cancellationFromAnotherThreadStopsGeneration() {
        Transformer tf(*model_, *backend_, 4096);
        std::atomic<bool> cancel{false};
        GenerationOptions opt;
        opt.max_tokens = 3000;
        opt.sampling.temperature = 1.0f;  // keep going rather than stopping at end of turn
        opt.sampling.seed = 3;
        opt.cancel = &cancel;
        int pieces = 0;
        opt.on_text = [&](const std::string&) {
            if (++pieces == 5) std::thread([&] { cancel = true; }).join();
        };
        const GenerationResult r = generate(tf, model_->tokenizer().encode("Once upon a time", false, false), opt);
        QVERIFY(r.cancelled || r.stopped_by_eog);
        QVERIFY(r.tokens.size() < 3000);
        if (r.cancelled) QVERIFY(r.tokens.size() <= 6);
    }

    void promptLongerThanTheContextIsAClearError() {
        Transformer tf(*model_, *backend_, 32);
        const std::vector<int32_t> ids(40, 100);
        try {
            tf.forward(ids, Logits::Last);
            QFAIL("accepted 40 tokens into a 32-token context");
        } catch (const ContextFullError& e) {
            QVERIFY(QString(e.what()).contains("40 tokens"));
        }
        QCOMPARE(tf.cache().n_used, 0);  // nothing half-written
    }
};

QTEST_APPLESS_MAIN(TestGeneration)
#include "test_generation.moc"
