// What the method selector says a method costs (method_cost_estimate.h): tokens before the first
// word and seconds at a given speed, for every cost class; no model needed.
#include <QtTest>

#include "method_cost_estimate.h"

using namespace gleaner;

namespace {
const MethodEntry& method(const char* name) {
    const MethodEntry* m = find_method(name);
    if (!m) qFatal("no method %s", name);
    return *m;
}
}  // namespace

class TestMethodCost : public QObject {
    Q_OBJECT
private slots:
    void rereadingCostsTheWholeBookPerQuestion() {
        CostQuery q;
        q.book_tokens = 40000;
        q.prefill_tokens_per_s = 200;
        for (const char* name : {"full", "qllm", "gemfilter", "infllm", "streaming"}) {
            const CostEstimate e = estimate_method_cost(method(name), q);
            QCOMPARE(e.cost, MethodCost::RereadsPerQuestion);
            QCOMPARE(e.prompt_tokens, 40000 + kQuestionPromptTokens);
            QVERIFY(e.seconds);
            QCOMPARE(*e.seconds, (40000.0 + kQuestionPromptTokens) / 200);
            QCOMPARE(describe_duration(*e.seconds), std::string("about 3 min"));
        }
    }

    void gleanerShowsTheModelKTokens() {
        CostQuery q;
        q.book_tokens = 40000;
        q.prefill_tokens_per_s = 200;
        CostEstimate e = estimate_method_cost(method("gleaner"), q);
        QCOMPARE(e.cost, MethodCost::ReadsOnce);
        QCOMPARE(e.prompt_tokens, 768 + kQuestionPromptTokens);  // the registry's default k
        QVERIFY(!e.partial_memory);
        QCOMPARE(describe_duration(*e.seconds), std::string("about 5 s"));

        q.settings["k"] = "2000";  // the user's k
        QCOMPARE(estimate_method_cost(method("gleaner"), q).prompt_tokens, 2000 + kQuestionPromptTokens);
        q.settings["k"] = "many";  // not a number: the default
        QCOMPARE(estimate_method_cost(method("gleaner"), q).prompt_tokens, 768 + kQuestionPromptTokens);
    }

    void gleanerCostsTheSameBeforeTheBookIsRead() {
        // Questions do not wait for the reading: they are answered from what is read so far.
        CostQuery q;
        q.book_tokens = 40000;
        q.prefill_tokens_per_s = 200;
        const CostEstimate complete = estimate_method_cost(method("gleaner"), q);
        q.read_fraction = 0.25;
        const CostEstimate partial = estimate_method_cost(method("gleaner"), q);
        QVERIFY(partial.partial_memory);
        QCOMPARE(partial.prompt_tokens, complete.prompt_tokens);
        QCOMPARE(*partial.seconds, *complete.seconds);
    }

    void aShortBookIsShownWhole() {
        CostQuery q;
        q.book_tokens = 500;
        q.prefill_tokens_per_s = 1000;
        QCOMPARE(estimate_method_cost(method("gleaner"), q).prompt_tokens, 500 + kQuestionPromptTokens);
        QCOMPARE(estimate_method_cost(method("excerpt"), q).prompt_tokens, 500 + kQuestionPromptTokens);
        QCOMPARE(describe_duration(*estimate_method_cost(method("full"), q).seconds), std::string("under a second"));
    }

    void theExcerptCostsItsSize() {
        CostQuery q;
        q.book_tokens = 40000;
        q.excerpt_tokens = 2048;
        q.prefill_tokens_per_s = 100;
        const CostEstimate e = estimate_method_cost(method("excerpt"), q);
        QCOMPARE(e.cost, MethodCost::QuickPart);
        QCOMPARE(e.prompt_tokens, 2048 + kQuestionPromptTokens);
        QCOMPARE(describe_duration(*e.seconds), std::string("about 23 s"));
    }

    void withoutASpeedThereAreNoSeconds() {
        CostQuery q;
        q.book_tokens = 40000;
        const CostEstimate e = estimate_method_cost(method("full"), q);
        QCOMPARE(e.prompt_tokens, 40000 + kQuestionPromptTokens);
        QVERIFY(!e.seconds);
    }

    void tokensFromTextSize() {
        QCOMPARE(tokens_from_text_bytes(0), int64_t{0});
        QCOMPARE(tokens_from_text_bytes(160000), int64_t{40000});
        QCOMPARE(tokens_from_text_bytes(5), int64_t{2});
    }

    void durationsInWords() {
        QCOMPARE(describe_duration(0.4), std::string("under a second"));
        QCOMPARE(describe_duration(6.2), std::string("about 6 s"));
        QCOMPARE(describe_duration(59.4), std::string("about 59 s"));
        QCOMPARE(describe_duration(59.6), std::string("about 1 min"));
        QCOMPARE(describe_duration(240), std::string("about 4 min"));
        QCOMPARE(describe_duration(3 * 3600), std::string("about 3 h"));
        QCOMPARE(describe_duration(-1), std::string("unknown"));
    }
};

QTEST_APPLESS_MAIN(TestMethodCost)
#include "test_method_cost.moc"
