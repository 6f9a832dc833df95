// The engine against llama.cpp on the same GGUF files: top-1 tokens over a few hundred
// positions, logits of the top candidates, and perplexity on a book excerpt. The reference
// numbers in tests/data/fixtures/ were produced by llama.cpp (see tests/data/fixtures/README.md).
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <sstream>

#include "model.h"
#include "perplexity.h"
#include "sampler.h"
#include "test_support.h"
#include "transformer.h"
#include "vocab.h"

using namespace gleaner;

namespace {

QJsonObject loadFixture(const QString& name) {
    QFile f(test::dataFile("fixtures/" + name));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

std::vector<int32_t> toIds(const QJsonArray& a) {
    std::vector<int32_t> ids;
    for (const auto& v : a) ids.push_back(v.toInt());
    return ids;
}

QString modelPath(const QString& key) { return key == "smollm2" ? test::smollm2Path() : test::gemma3Path(); }

}  // namespace

class TestEngineParity : public QObject {
    Q_OBJECT
private slots:
    void top1MatchesLlamaCpp_data() {
        QTest::addColumn<QString>("model");
        QTest::newRow("smollm2-q4_1") << "smollm2";
        QTest::newRow("gemma3-q4_k_m") << "gemma3";
    }
    void top1MatchesLlamaCpp() {
        QFETCH(QString, model);
        GLEANER_REQUIRE_MODEL(modelPath(model));
        const QJsonObject fx = loadFixture("top1_" + model + ".json");
        QVERIFY2(!fx.isEmpty(), "fixture missing");
        const std::vector<int32_t> tokens = toIds(fx["tokens"].toArray());
        const std::vector<int32_t> ref_top1 = toIds(fx["top1"].toArray());
        const QJsonArray ref_top5_logits = fx["top5_logits"].toArray();
        QCOMPARE(ref_top1.size(), tokens.size());

        const auto m = Model::load(modelPath(model).toStdString());
        const auto backend = make_cpu_backend(0);
        Transformer tf(*m, *backend, static_cast<int>(tokens.size()));
        const std::vector<float>& logits = tf.forward(tokens, Logits::All);
        const size_t V = static_cast<size_t>(m->config().n_vocab);

        int agree = 0;
        double max_diff = 0.0;
        for (size_t i = 0; i < tokens.size(); ++i) {
            const std::span<const float> row(logits.data() + i * V, V);
            if (argmax(row) == ref_top1[i]) ++agree;
            // The reference's best logit, compared with ours for the same token.
            const double ref_best = ref_top5_logits[static_cast<int>(i)].toArray()[0].toDouble();
            max_diff = std::max(max_diff, std::abs(ref_best - row[ref_top1[i]]));
        }
        const double rate = double(agree) / tokens.size();
        qInfo("%s: top-1 agreement %d/%zu (%.2f%%), max |logit diff| of the reference's top token %.4f",
              qPrintable(model), agree, tokens.size(), 100 * rate, max_diff);
        QVERIFY2(rate >= 0.99, qPrintable(QString("top-1 agreement %1").arg(rate)));
        QVERIFY2(max_diff < 0.5, qPrintable(QString("logit difference %1").arg(max_diff)));
    }

    void perplexityMatchesLlamaCpp_data() { top1MatchesLlamaCpp_data(); }
    void perplexityMatchesLlamaCpp() {
        QFETCH(QString, model);
        GLEANER_REQUIRE_MODEL(modelPath(model));
        const QJsonObject fx = loadFixture("ppl_" + model + ".json");
        QVERIFY2(!fx.isEmpty(), "fixture missing");
        std::ifstream in((test::dataDir() + "/ppl_excerpt.txt").toStdString(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        std::string text = ss.str();

        const auto m = Model::load(modelPath(model).toStdString());
        const auto backend = make_cpu_backend(0);
        const int n_ctx = fx["ctx"].toInt();
        Transformer tf(*m, *backend, n_ctx);
        const Vocab& vocab = m->tokenizer().vocab();
        const std::vector<int32_t> tokens = m->tokenizer().encode(strip_one_newline(text), vocab.add_bos, false);
        QCOMPARE(static_cast<int>(tokens.size()), fx["tokens"].toInt());
        const PerplexityResult r = compute_perplexity(tf, tokens, n_ctx, fx["chunks"].toInt());
        const double ref = fx["ppl"].toDouble();
        qInfo("%s: perplexity %.4f, llama.cpp %.4f (%+.3f%%)", qPrintable(model), r.ppl, ref, 100 * (r.ppl / ref - 1));
        QCOMPARE(r.chunks, fx["chunks"].toInt());
        QVERIFY2(std::abs(r.ppl / ref - 1) < 0.005, qPrintable(QString("ppl %1 vs %2").arg(r.ppl).arg(ref)));
    }

private:
    // llama.cpp's perplexity tool drops one trailing newline of its input file.
    static std::string strip_one_newline(std::string s) {
        if (!s.empty() && s.back() == '\n') s.pop_back();
        return s;
    }
};

QTEST_APPLESS_MAIN(TestEngineParity)
#include "test_engine_parity.moc"
