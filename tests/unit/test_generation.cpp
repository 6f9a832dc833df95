// Sampling, chat formats and the generation loop, with no downloaded model: generation runs on a
// tiny llama the test writes (tiny_gguf.h: 2 layers, seeded random Q8_0 weights, a byte-level BPE
// vocabulary). What holds for any weights is asserted: the same tokens and text every time, the
// cache giving what a batch gives, streaming, cancellation, and the context's limits. Answers of
// the real model are integration.generation_models.
#include <QTemporaryDir>
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
#include "tiny_gguf.h"
#include "transformer.h"
#include "vocab.h"

using namespace gleaner;

class TestGeneration : public QObject {
    Q_OBJECT

    std::unique_ptr<Model> model_;
    std::unique_ptr<Backend> backend_;

    QTemporaryDir dir_;

    // Plain text as token ids (the tiny model has no chat template).
    std::vector<int32_t> prompt(const std::string& text) { return model_->tokenizer().encode(text, false, false); }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        const std::string path = (dir_.path() + "/tiny.gguf").toStdString();
        test::TinyGguf().layers(2).randomWeights(7, test::TinyGguf::WeightType::Q8_0).write(path);
        model_ = Model::load(path);
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
        QCOMPARE(detect_chat_format("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{% endfor %}"), ChatFormat::ChatML);
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






    // Greedy generation is a function of the prompt: two transformers give the same tokens, and
    // the streamed pieces are the result's text.
    void greedyGenerationIsDeterministicAndStreamsItsText() {
        Transformer a(*model_, *backend_, 128), b(*model_, *backend_, 128);
        GenerationOptions opt;
        opt.max_tokens = 24;
        std::string streamed;
        int pieces = 0;
        opt.on_text = [&](const std::string& s) {
            streamed += s;
            ++pieces;
        };
        const GenerationResult ra = generate(a, prompt("hello world"), opt);
        opt.on_text = nullptr;
        const GenerationResult rb = generate(b, prompt("hello world"), opt);
        QCOMPARE(ra.tokens, rb.tokens);
        QCOMPARE(ra.text, rb.text);
        QVERIFY(!ra.tokens.empty());
        QCOMPARE(streamed, ra.text);
        QVERIFY(pieces >= 1);
        QCOMPARE(ra.prompt_tokens, int(prompt("hello world").size()));
        QCOMPARE(ra.token_probs.size(), ra.tokens.size());
        for (float p : ra.token_probs) QVERIFY(p > 0 && p <= 1);
        // Another prompt, another continuation: the output depends on the input at all.
        Transformer c(*model_, *backend_, 128);
        QVERIFY(generate(c, prompt("xyz 12345"), opt).tokens != ra.tokens);
    }

    // not_first: the output never begins with a barred token, only its first token is barred
    // (the same token may come later), and the text still streams whole.
    void anAnswerDoesNotBeginWithABarredToken() {
        GenerationOptions opt;
        opt.max_tokens = 12;
        Transformer a(*model_, *backend_, 128);
        const GenerationResult free = generate(a, prompt("hello world"), opt);
        QVERIFY(free.tokens.size() >= 2);
        opt.not_first = {free.tokens[0]};
        Transformer b(*model_, *backend_, 128);
        const GenerationResult barred = generate(b, prompt("hello world"), opt);
        QVERIFY(!barred.tokens.empty());
        QVERIFY(barred.tokens[0] != free.tokens[0]);
        QVERIFY(barred.token_probs[0] > 0 && barred.token_probs[0] <= 1);
        opt.not_first = {free.tokens[1]};  // not the first token: nothing changes
        if (free.tokens[1] != free.tokens[0]) {
            Transformer c(*model_, *backend_, 128);
            QCOMPARE(generate(c, prompt("hello world"), opt).tokens, free.tokens);
        }
    }

    void decodeMatchesBatchedPrefill() {
        // The same tokens one at a time and in one batch give the same last-token logits: bit for
        // bit on the portable path; with SIMD tiles the float summation order differs slightly.
        const std::vector<int32_t> ids = prompt("Alice was beginning to get very tired");
        QVERIFY(ids.size() > 20);  // mostly single bytes in the tiny vocabulary
        Transformer batch(*model_, *backend_, 64), step(*model_, *backend_, 64);
        const std::vector<float> all = batch.forward(ids, Logits::Last);
        std::vector<float> last;
        for (int32_t id : ids) last = step.forward(std::span<const int32_t>(&id, 1), Logits::Last);
        QCOMPARE(all.size(), size_t(300));
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
            QVERIFY2(kl < 1e-3, qPrintable(QString::number(kl)));
        // A cache that forgot the earlier tokens is far off: the last token alone differs.
        Transformer alone(*model_, *backend_, 64);
        const int32_t tail[1] = {ids.back()};
        const auto q_alone = log_softmax(alone.forward(tail, Logits::Last));
        double kl_alone = 0;
        for (size_t i = 0; i < p.size(); ++i) kl_alone += std::exp(p[i]) * (p[i] - q_alone[i]);
        QVERIFY2(kl_alone > 100 * kl, qPrintable(QString("%1 vs %2").arg(kl_alone).arg(kl)));
    }

    void cancellationFromAnotherThreadStopsGeneration() {
        Transformer tf(*model_, *backend_, 256);
        std::atomic<bool> cancel{false};
        GenerationOptions opt;
        opt.max_tokens = 200;
        opt.sampling.temperature = 1.0f;
        opt.sampling.seed = 3;
        opt.cancel = &cancel;
        int pieces = 0, after_cancel = 0;
        opt.on_text = [&](const std::string&) {
            if (cancel) ++after_cancel;
            if (++pieces == 5) std::thread([&] { cancel = true; }).join();
        };
        const GenerationResult r = generate(tf, prompt("Once upon a time"), opt);
        QVERIFY(r.cancelled);
        QVERIFY(!r.stopped_by_eog);
        QVERIFY2(r.tokens.size() < 200, qPrintable(QString::number(r.tokens.size())));
        QVERIFY(after_cancel <= 1);  // at most the held-back bytes, flushed once
    }

    // Generation stops when the context is full, with what fits, instead of failing.
    void generationStopsAtAFullContext() {
        Transformer tf(*model_, *backend_, 16);
        const std::vector<int32_t> ids = prompt("hello hello");
        QCOMPARE(ids.size(), size_t(3));  // hello, space, hello
        GenerationOptions opt;
        opt.max_tokens = 100;
        opt.sampling.temperature = 1.0f;
        opt.sampling.seed = 1;  // a sample of 14 tokens without an end of generation (seed 5 has one)
        const GenerationResult r = generate(tf, ids, opt);
        QVERIFY(!r.stopped_by_eog && !r.cancelled);
        QCOMPARE(tf.cache().n_used, 16);
        QCOMPARE(r.tokens.size(), size_t(16 - 3 + 1));  // the last one sampled from the full context
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
