// Right answers with their evidence, as a user asks: the shipped default model (Qwen2.5-Coder-0.5B)
// reads the opening chapters of the bundled Alice and answers (alone, as the test runner pins it,
// and with Qwen2.5-Coder-1.5B answering, the shipped pair) questions whose answers are in the
// text, with numbered passages that contain the answer and say which signals chose them, and
// says so when the book does not tell.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

#include "answer_engine.h"
#include "backend.h"
#include "import.h"
#include "model.h"
#include "qa_prompt.h"
#include "question_likelihood.h"
#include "test_support.h"

using namespace gleaner;

namespace {
// gleaner-cli ask --json; the model is the default Qwen 0.5B unless `more` names another.
QJsonObject ask(const QString& book, const QString& cache, const QString& question, const QStringList& more = {}) {
    QProcess p;
    const QStringList model = more.contains("--model") ? QStringList{} : QStringList{"--model", gleaner::test::qwen05Path()};
    p.start(gleaner::test::binDir() + "/gleaner-cli",
            QStringList{"ask", book, question, "--json", "--quiet", "--cache-dir", cache, "--max-tokens", "48"} + model + more);
    if (!p.waitForFinished(600000) || p.exitCode() != 0) {
        qWarning("gleaner-cli failed: %s", p.readAllStandardError().constData());
        return {};
    }
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}
}  // namespace

class TestAnswers : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString book_;

private slots:
    void initTestCase() {
        GLEANER_REQUIRE_MODEL(gleaner::test::qwen05Path());
        QFile in(GLEANER_SOURCE_DIR "/resources/alice-in-wonderland.txt");
        QVERIFY(in.open(QIODevice::ReadOnly));
        book_ = dir_.filePath("alice-opening.txt");
        QFile out(book_);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(in.read(30000));  // the header and chapters I-II: ~7k tokens
    }

    void answersFromTheBookWithCitedEvidence_data() {
        QTest::addColumn<QString>("question");
        QTest::addColumn<QString>("answer");
        QTest::newRow("bottle") << "What words were printed on the paper label of the little bottle?" << "DRINK ME";
        QTest::newRow("cake") << "What did the cake say, marked in currants?" << "EAT ME";
    }
    void answersFromTheBookWithCitedEvidence() {
        QFETCH(QString, question);
        QFETCH(QString, answer);
        const QJsonObject o = ask(book_, dir_.filePath("cache"), question);
        QVERIFY(!o.isEmpty());
        const QString text = o["answer"].toString();
        QVERIFY2(text.contains(answer, Qt::CaseInsensitive), qPrintable(text));
        QVERIFY2(!text.contains("The document ends"), qPrintable(text));  // the old frame's stock answer
        const QJsonArray ev = o["evidence"].toArray();
        QVERIFY(!ev.isEmpty());
        // The document's text as gleaner-cli has it: start_char/end_char index its characters,
        // start_byte/end_byte its UTF-8 bytes; both give the passage's text.
        QProcess t;
        t.start(gleaner::test::binDir() + "/gleaner-cli", {"text", book_});
        QVERIFY(t.waitForFinished(60000));
        const QByteArray bytes = t.readAllStandardOutput();
        const QList<uint> chars = QString::fromUtf8(bytes).toUcs4();
        bool found = false, numbered = true, signalled = true;
        for (const QJsonValue& v : ev) {
            const QJsonObject e = v.toObject();
            const qsizetype c0 = e["start_char"].toInteger(), c1 = e["end_char"].toInteger();
            QVERIFY(0 <= c0 && c0 < c1 && c1 <= chars.size());
            const QList<uint> span = chars.mid(c0, c1 - c0);
            QCOMPARE(QString::fromUcs4(reinterpret_cast<const char32_t*>(span.data()), span.size()), e["text"].toString());
            const qsizetype b0 = e["start_byte"].toInteger(), b1 = e["end_byte"].toInteger();
            QCOMPARE(bytes.mid(b0, b1 - b0), e["text"].toString().toUtf8());
            found |= e["text"].toString().contains(answer, Qt::CaseInsensitive);
            numbered &= !e["cites"].toArray().isEmpty();
            signalled &= e["signals"].toObject().contains("attention") && e["signals"].toObject().contains("lexical");
            // never the Gutenberg header (front matter)
            QVERIFY2(!e["text"].toString().contains("Project Gutenberg"), qPrintable(e["text"].toString().left(80)));
        }
        QVERIFY2(found, "the answer is not in the evidence");
        QVERIFY(numbered);
        QVERIFY(signalled);
        QVERIFY(o["settings"].toString().contains("select=fused"));
        // the model was sure of these: Gleaner stands by them
        QVERIFY2(o["confidence"].toDouble() >= 0.35, qPrintable(QString::number(o["confidence"].toDouble())));
        // ... and the passages gave it: without them the model would not have said it
        QVERIFY2(o["gain"].toDouble() >= 1.0, qPrintable(QString::number(o["gain"].toDouble())));
        QVERIFY(!o.contains("unsupported_answer"));
    }

    // Read and selected by one model, answered by another (--answer-model): SmolLM2 reads and
    // chooses the passages, Qwen 0.5B (another vocabulary: the passages' text is tokenized again)
    // reads them and answers. The selection and the reading are SmolLM2's alone.
    void aLargerModelAnswersFromTheSamePassages() {
        GLEANER_REQUIRE_MODEL(gleaner::test::smollm2Path());
        const QString cache = dir_.filePath("cache-smol");
        const QString question = "What did the cake say, marked in currants?";
        const QStringList smol{"--model", gleaner::test::smollm2Path()};
        const QJsonObject alone = ask(book_, cache, question, smol);
        QVERIFY(!alone.isEmpty());
        const QStringList memories = QDir(cache + "/memory").entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        // (the selection as without --answer-model: the second look and widening, its defaults
        // when another model answers, are off here and checked at the end)
        const QJsonObject o = ask(book_, cache, question,
                                  smol + QStringList{"--answer-model", gleaner::test::qwen05Path(), "--rerank", "none", "--widen", "0"});
        QVERIFY(!o.isEmpty());
        QVERIFY2(o["answer"].toString().contains("EAT ME", Qt::CaseInsensitive), qPrintable(o["answer"].toString()));
        // its tokens are the answer model's (SmolLM2's vocabulary would spell them otherwise)
        QString spelled;
        for (const QJsonValue& t : o["answer_tokens"].toArray()) spelled += t.toObject()["text"].toString();
        QCOMPARE(spelled, o["answer"].toString());
        QVERIFY(o["answer_model"].toString().contains("Qwen", Qt::CaseInsensitive));
        QVERIFY(o["settings"].toString().contains("answered_by="));
        QVERIFY(alone["answer_model"].toString().isEmpty());
        // the same passages, from the same reading memory (nothing read again)
        auto ranges = [](const QJsonObject& r) {
            QList<QPair<qint64, qint64>> out;
            for (const QJsonValue& v : r["evidence"].toArray())
                out.append({v.toObject()["start_char"].toInteger(), v.toObject()["end_char"].toInteger()});
            std::sort(out.begin(), out.end());
            return out;
        };
        QVERIFY(!ranges(o).isEmpty());
        QCOMPARE(ranges(o), ranges(alone));
        QCOMPARE(QDir(cache + "/memory").entryList(QDir::Dirs | QDir::NoDotAndDotDot), memories);
        // by default, another model answering brings the benchmark's choice for it: the reading
        // model's second look at the best passages, each widened by its neighbours
        QVERIFY(!alone["settings"].toString().contains("rerank=") && !alone["settings"].toString().contains("widen="));
        const QJsonObject chosen = ask(book_, cache, question, smol + QStringList{"--answer-model", gleaner::test::qwen05Path()});
        QVERIFY(!chosen.isEmpty());
        QVERIFY2(chosen["settings"].toString().contains("rerank=question rerank_pool=12 rerank_keep=5 widen=64"),
                 qPrintable(chosen["settings"].toString()));
        const QJsonArray looked = chosen["evidence"].toArray();
        QVERIFY(!looked.isEmpty() && looked.size() <= 5);
        for (const QJsonValue& v : looked) {
            const QJsonObject why = v.toObject()["signals"].toObject();
            QVERIFY(why.contains("second_look") && why["second_look"].toDouble() >= 0);
        }
        QCOMPARE(QDir(cache + "/memory").entryList(QDir::Dirs | QDir::NoDotAndDotDot), memories);
        // a method that has no passages for another model to read says so
        QProcess p;
        p.start(gleaner::test::binDir() + "/gleaner-cli",
                {"ask", book_, question, "--method", "streaming", "--model", gleaner::test::smollm2Path(), "--answer-model",
                 gleaner::test::qwen05Path(), "--cache-dir", cache, "--quiet"});
        QVERIFY(p.waitForFinished(600000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(p.readAllStandardError().contains("cannot answer with another model"), "no reason given");
    }

    // The shipped pair, as a user asks with no options: the default model reads and selects,
    // Qwen2.5-Coder-1.5B (installed by setup) reads the passages and answers, with the second look
    // and widened passages; it names what the book says and declines what it does not say.
    void theDefaultPairAnswersAndDeclines() {
        GLEANER_REQUIRE_MODEL(gleaner::test::qwen15Path());
        const QByteArray pinned = qgetenv("GLEANER_ANSWER_MODEL");  // the test runner's "none"
        qunsetenv("GLEANER_ANSWER_MODEL");
        const QString cache = dir_.filePath("cache");
        const QJsonObject o = ask(book_, cache, "Besides Ada, which girl does Alice think she might have been changed into?");
        const QJsonObject absent = ask(book_, cache, "What is the name of Alice's sister?");
        const QJsonObject invented = ask(book_, cache, "What is the name of Alice's brother?");
        qputenv("GLEANER_ANSWER_MODEL", pinned);
        QVERIFY(!o.isEmpty() && !absent.isEmpty() && !invented.isEmpty());
        QVERIFY2(o["answer_model"].toString().contains("1.5B"), qPrintable(o["answer_model"].toString()));
        QVERIFY2(o["settings"].toString().contains("rerank=question") && o["settings"].toString().contains("widen=64"),
                 qPrintable(o["settings"].toString()));
        QVERIFY2(o["answer"].toString().contains("Mabel"), qPrintable(o["answer"].toString()));
        bool cited = false;
        for (const QJsonValue& v : o["evidence"].toArray()) cited |= v.toObject()["text"].toString().contains("Mabel");
        QVERIFY2(cited, "the answer is not in the evidence");
        QVERIFY(!o.contains("unsupported_answer"));
        QVERIFY(o["claim_stated"].toBool());  // the 1.5B, asked afresh, finds its claim in the passages
        QVERIFY2(absent["answer"].toString().contains("does not seem to say"), qPrintable(absent["answer"].toString()));
        QVERIFY(absent.contains("unsupported_answer"));
        // a sure invention from a name in the passages ("... is William the Conqueror", confidence
        // 0.73, e^4.8 times likelier with them) that the model, asked whether the passages state it,
        // does not find there
        QVERIFY2(invented["answer"].toString().contains("does not seem to say"), qPrintable(invented["answer"].toString()));
        QVERIFY(invented.contains("unsupported_answer"));
        QVERIFY(invented.contains("claim_stated") && !invented["claim_stated"].toBool());
        // --answer-model none: the default model answers itself
        const QJsonObject alone = ask(book_, cache, "What is the name of Alice's cat?", {"--answer-model", "none"});
        QVERIFY(!alone.isEmpty());
        QVERIFY(alone["answer_model"].toString().isEmpty());
        QVERIFY2(alone["answer"].toString().contains("Dinah"), qPrintable(alone["answer"].toString()));
    }

    // Pass 2 with LazyLLM (answer_prefill=lazyllm): the same passages, the answer still right,
    // and the settings say how it was answered.
    void lazyPass2AnswersFromTheSamePassages() {
        const QString cache = dir_.filePath("cache");
        const QString question = "What did the cake say, marked in currants?";
        const QJsonObject full = ask(book_, cache, question);
        const QJsonObject lazy = ask(book_, cache, question, {"--answer-prefill", "lazyllm", "--lazy-keep", "0.3"});
        QVERIFY(!full.isEmpty() && !lazy.isEmpty());
        QVERIFY2(lazy["answer"].toString().contains("EAT ME", Qt::CaseInsensitive), qPrintable(lazy["answer"].toString()));
        QVERIFY(lazy["settings"].toString().contains("answer_prefill=lazyllm lazy_keep=0.30"));
        QVERIFY(!full["settings"].toString().contains("answer_prefill"));
        QCOMPARE(lazy["evidence"].toArray().size(), full["evidence"].toArray().size());
        for (int i = 0; i < full["evidence"].toArray().size(); ++i)
            QCOMPARE(lazy["evidence"].toArray()[i].toObject()["start_char"], full["evidence"].toArray()[i].toObject()["start_char"]);
        // a bad value is refused with the setting's name
        QProcess p;
        p.start(gleaner::test::binDir() + "/gleaner-cli",
                {"ask", book_, question, "--answer-prefill", "sometimes", "--cache-dir", cache, "--quiet", "--model",
                 gleaner::test::qwen05Path()});
        QVERIFY(p.waitForFinished(600000));
        QVERIFY(p.exitCode() != 0);
        QVERIFY2(p.readAllStandardError().contains("answer_prefill must be full or lazyllm"), "no reason given");
    }

    // The desktop's engine with an answer model (Settings › Answer with): SmolLM2 reads, Qwen 0.5B
    // answers Gleaner's questions and the Answer says so; a method without passages answers with
    // SmolLM2 instead of failing.
    void theDesktopEngineAnswersWithItsAnswerModel() {
        GLEANER_REQUIRE_MODEL(gleaner::test::smollm2Path());
        const Document doc = import_document(book_.toStdString());
        const auto engine = make_answer_engine(gleaner::test::smollm2Path().toStdString(), 2,
                                               dir_.filePath("engine-cache").toStdString(), "cpu",
                                               gleaner::test::qwen05Path().toStdString());
        QVERIFY(engine->model_description().find("answers with qwen2.5-coder-0.5b") != std::string::npos);
        AnswerRequest req;
        req.question = "What did the cake say, marked in currants?";
        req.method = "gleaner";
        req.max_tokens = 32;
        const Answer a = engine->answer(doc, req, {});
        QCOMPARE(QString::fromStdString(a.answered_by), QString("qwen2.5-coder-0.5b-instruct-q4_k_m"));
        QVERIFY2(QString::fromStdString(a.text).contains("EAT ME", Qt::CaseInsensitive), a.text.c_str());
        QVERIFY(!a.evidence.empty());
        req.method = "streaming";
        req.max_tokens = 8;
        const Answer b = engine->answer(doc, req, {});
        QVERIFY(b.answered_by.empty());
        QVERIFY(b.generated_tokens > 0);
        // an answer model that is not there: a message naming it, before anything is loaded
        try {
            make_answer_engine(gleaner::test::smollm2Path().toStdString(), 1, dir_.filePath("engine-cache").toStdString(),
                               "cpu", dir_.filePath("gone.gguf").toStdString());
            QFAIL("a missing answer model was accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("answer model") && QString(e.what()).contains("gone.gguf"), e.what());
        }
    }

    // The desktop's engine with the shipped pair: the claim check runs after the answer, the
    // progress says so ("checking"), and the Answer keeps the model's invention as a marked guess.
    void theDesktopEngineChecksTheLargerModelsClaim() {
        GLEANER_REQUIRE_MODEL(gleaner::test::qwen15Path());
        const Document doc = import_document(book_.toStdString());
        const auto engine = make_answer_engine(gleaner::test::qwen05Path().toStdString(), 2,
                                               (dir_.filePath("cache") + "/memory").toStdString(), "cpu",
                                               gleaner::test::qwen15Path().toStdString());
        AnswerRequest req;
        req.question = "What is the name of Alice's brother?";
        req.method = "gleaner";
        req.max_tokens = 48;
        QStringList stages;
        AnswerCallbacks callbacks;
        callbacks.on_progress = [&](const std::string& stage, int64_t, int64_t) {
            if (!stages.contains(QString::fromStdString(stage))) stages.append(QString::fromStdString(stage));
        };
        const Answer a = engine->answer(doc, req, callbacks);
        QCOMPARE(QString::fromStdString(a.answered_by), QString("qwen2.5-coder-1.5b-instruct-q4_k_m"));
        QVERIFY2(stages.contains("checking"), qPrintable(stages.join(",")));
        const QString text = QString::fromStdString(a.text);
        QVERIFY2(text.startsWith("The book does not seem to say.") && text.contains("asked whether they state it"),
                 qPrintable(text));
    }

    void saysWhenTheBookDoesNotTell() {
        // The book never gives Alice's age. The model still names one ("Alice is 22 years old."),
        // fairly sure of it, but about as sure without the passages: the book did not give it,
        // and Gleaner says the book does not seem to say.
        const QJsonObject o = ask(book_, dir_.filePath("cache"), "How old is Alice?");
        QVERIFY(!o.isEmpty());
        QCOMPARE(o["answer"].toString(), QString("The book does not seem to say."));
        QVERIFY(!o["unsupported_answer"].toString().isEmpty());  // the model's guess is kept for the user
        QVERIFY(o["confidence"].toDouble() >= 0.35);  // not for want of confidence
        QVERIFY(o.contains("gain"));
        QVERIFY2(o["gain"].toDouble() < 1.0, qPrintable(QString::number(o["gain"].toDouble())));
        // each answer token's probability with the question alone is reported beside its own
        const QJsonArray toks = o["answer_tokens"].toArray();
        QVERIFY(!toks.isEmpty());
        for (const QJsonValue& t : toks) QVERIFY(t.toObject()["p_without_book"].toDouble() >= 0);
        // with the check off (--min-gain 0), the model's answer stands
        const QJsonObject kept = ask(book_, dir_.filePath("cache"), "How old is Alice?", {"--min-gain", "0"});
        QCOMPARE(kept["answer"].toString(), o["unsupported_answer"].toString());
        QVERIFY(!kept.contains("gain"));
    }

    // The model's second look (rerank=question, question_likelihood.h): of four passages from the
    // book's opening, each label's passage makes its question likelier than the other three do,
    // though the cake's and the bottle's passages are alike (a small thing to eat or drink, Alice
    // unsure of it). Through gleaner-cli the setting keeps rerank_keep passages, the answer among them.
    void theModelsSecondLookRanksThePassageThatAnswers() {
        const std::unique_ptr<Model> model = Model::load(gleaner::test::qwen05Path().toStdString());
        const std::unique_ptr<Backend> backend = make_cpu_backend(2);
        const std::vector<std::string> passages = {
            "It was all very well to say 'Drink me,' but the wise little Alice was not going to do THAT in a hurry.",
            "Soon her eye fell on a little glass box that was lying under the table: she opened it, and found in it a very "
            "small cake, on which the words 'EAT ME' were beautifully marked in currants.",
            "However, this bottle was NOT marked 'poison,' so Alice ventured to taste it, and finding it very nice, she very "
            "soon finished it off.",
            "There seemed to be no use in waiting by the little door, so she went back to the table, half hoping she might "
            "find another key on it, and this time she found a little bottle on it, and round the neck of the bottle was a "
            "paper label, with the words 'DRINK ME,' beautifully printed on it in large letters.",
        };
        std::vector<std::vector<int32_t>> ids;
        for (const std::string& p : passages) ids.push_back(tokenize_document(model->tokenizer(), p));
        const std::vector<float> cake = question_likelihoods(*model, *backend, "What did the cake say, marked in currants?", ids, {});
        const std::vector<float> label =
            question_likelihoods(*model, *backend, "What words were printed on the paper label of the little bottle?", ids, {});
        QCOMPARE(cake.size(), passages.size());
        for (float v : cake) QVERIFY(std::isfinite(v) && v < 0);  // mean log-probabilities
        QCOMPARE(int(std::max_element(cake.begin(), cake.end()) - cake.begin()), 1);
        QCOMPARE(int(std::max_element(label.begin(), label.end()) - label.begin()), 3);

        const QJsonObject o = ask(book_, dir_.filePath("cache"), "What did the cake say, marked in currants?",
                                  {"--rerank", "question", "--rerank-pool", "8", "--rerank-keep", "4"});
        QVERIFY(!o.isEmpty());
        QVERIFY(o["settings"].toString().contains("rerank=question rerank_pool=8 rerank_keep=4"));
        const QJsonArray ev = o["evidence"].toArray();
        QVERIFY(!ev.isEmpty() && ev.size() <= 4);
        bool found = false;
        double strongest = 0;
        for (const QJsonValue& v : ev) {
            found |= v.toObject()["text"].toString().contains("EAT ME");
            // each passage says how the second look judged it, in [0, 1] over the pool
            const QJsonObject why = v.toObject()["signals"].toObject();
            QVERIFY(why.contains("second_look") && why.contains("attention") && why.contains("lexical"));
            const double look = why["second_look"].toDouble();
            QVERIFY(look >= 0 && look <= 1);
            strongest = std::max(strongest, look);
        }
        QVERIFY2(found, "the answer is not in the kept passages");
        QCOMPARE(strongest, 1.0);  // the pool's best is kept
        QVERIFY2(o["answer"].toString().contains("EAT ME", Qt::CaseInsensitive), qPrintable(o["answer"].toString()));
    }

    // widen: each chosen passage is shown with the passages next to it. The same selection as
    // without it, each passage of which lies inside one widened passage; at least one grew, and
    // passages that met are one, so there are no more of them than before.
    void widenedPassagesHoldTheSelectionAndItsNeighbours() {
        const QString q = "What did the cake say, marked in currants?";
        const QJsonObject narrow = ask(book_, dir_.filePath("cache"), q, {"--max-tokens", "8"});
        const QJsonObject wide = ask(book_, dir_.filePath("cache"), q, {"--max-tokens", "8", "--widen", "64"});
        QVERIFY(!narrow.isEmpty() && !wide.isEmpty());
        QVERIFY(wide["settings"].toString().contains(" widen=64"));
        QVERIFY(!narrow["settings"].toString().contains("widen"));
        const QJsonArray a = narrow["evidence"].toArray(), b = wide["evidence"].toArray();
        QVERIFY(!a.isEmpty() && b.size() <= a.size());
        qint64 narrow_chars = 0, wide_chars = 0;
        for (const QJsonValue& v : b) wide_chars += v["end_char"].toInteger() - v["start_char"].toInteger();
        for (const QJsonValue& v : a) {
            narrow_chars += v["end_char"].toInteger() - v["start_char"].toInteger();
            bool inside = false;
            for (const QJsonValue& w : b)
                inside |= w["start_char"].toInteger() <= v["start_char"].toInteger() &&
                          v["end_char"].toInteger() <= w["end_char"].toInteger();
            QVERIFY2(inside, qPrintable(v["text"].toString().left(80)));
        }
        QVERIFY2(wide_chars > narrow_chars, qPrintable(QString("%1 <= %2").arg(wide_chars).arg(narrow_chars)));
        bool found = false;
        for (const QJsonValue& w : b) found |= w["text"].toString().contains("EAT ME");
        QVERIFY(found);
    }

    // A question about one chapter: the evidence comes from that chapter only, from the reading
    // memory of the whole book (read by the tests above), and the scope is reported.
    void aQuestionAboutAChapterSelectsInsideIt() {
        checkChapterAnswer(dir_.filePath("cache"), "gleaner");
    }
    // The same on a book not read yet: the short chapter is read whole at once ("full"), not the book.
    void aShortChapterOfAnUnreadBookIsReadWhole() {
        checkChapterAnswer(dir_.filePath("unread-cache"), "full");
    }

private:
    void checkChapterAnswer(const QString& cache, const QString& method) {
        const QJsonObject o = ask(book_, cache, "What did the White Rabbit drop when Alice spoke to him?",
                                  {"--chapter", "2"});
        QVERIFY(!o.isEmpty());
        QCOMPARE(o["method"].toString(), method);
        const QJsonObject scope = o["scope"].toObject();
        QVERIFY2(scope["label"].toString().startsWith("CHAPTER II."), qPrintable(scope["label"].toString()));
        const qint64 s0 = scope["start_char"].toInteger(), s1 = scope["end_char"].toInteger();
        QVERIFY(0 < s0 && s0 < s1);
        const QJsonArray ev = o["evidence"].toArray();
        QVERIFY(!ev.isEmpty());
        bool found = false;
        for (const QJsonValue& v : ev) {
            const QJsonObject e = v.toObject();
            QVERIFY2(e["start_char"].toInteger() >= s0 && e["end_char"].toInteger() <= s1,
                     qPrintable(QString("%1-%2 outside %3-%4").arg(e["start_char"].toInteger()).arg(e["end_char"].toInteger()).arg(s0).arg(s1)));
            found |= e["text"].toString().contains("gloves", Qt::CaseInsensitive);
            QVERIFY2(e["where"].toString().startsWith("CHAPTER II. The Pool of Tears, ¶ "), qPrintable(e["where"].toString()));
        }
        QVERIFY2(found, "the gloves are not in the evidence");
        // (what the 0.5B model makes of it varies: "a pair of white kid gloves", or the chapter's
        // boots; the selection is what the scope decides)
        QVERIFY(!o["answer"].toString().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAnswers)
#include "test_answers.moc"
