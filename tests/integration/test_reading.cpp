// Gleaner's reading memory on the real default model: reading is persisted and resumable (a read
// interrupted in-process, and a `gleaner-cli read` killed with SIGKILL, both end with exactly the
// memory of an uninterrupted read), and asking answers from it without reading again.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "context_method.h"
#include "model.h"
#include "qa_prompt.h"
#include "reading.h"
#include "small_reading_settings.h"
#include "cancel_on_first_report.h"
#include "test_support.h"

using namespace gleaner;

namespace {

std::string read_file(const std::string& path) { return test::fileBytes(path); }

MethodSettings small_settings() { return test::small_reading_settings(); }

const char* kSettingsArgs[] = {"--n-init", "16", "--n-local", "256", "--topk", "4", "--block-size", "32",
                               "--exc-block", "128", "--checkpoint-tokens", "512", "--threads", "2"};

}  // namespace

class TestReading : public QObject {
    Q_OBJECT

    std::unique_ptr<Model> model_;
    std::unique_ptr<Backend> backend_;
    std::string text_;
    std::string model_path_;
    QTemporaryDir tmp_;
    std::string reference_dir_;  // the uninterrupted read

    std::unique_ptr<ReadingMemory> open(const std::string& root) {
        return ReadingMemory::open(root, model_path_, *model_, *backend_, text_,
                                   reading_settings(*model_, small_settings()));
    }

private slots:
    void initTestCase() {
        GLEANER_REQUIRE_MODEL(test::smollm2Path());
        QVERIFY(tmp_.isValid());
        model_path_ = test::smollm2Path().toStdString();
        model_ = Model::load(model_path_);
        backend_ = make_cpu_backend(2);
        // ~2.6k tokens of the sample book, with a pass key in the middle
        std::string t = read_file(test::dataFile("ppl_excerpt.txt").toStdString()).substr(0, 11000);
        const size_t mid = t.find(". ", t.size() / 2) + 1;
        text_ = t.substr(0, mid) + " The pass key is 58213. Remember it. 58213 is the pass key." + t.substr(mid);
        std::ofstream(tmp_.filePath("book.txt").toStdString(), std::ios::binary) << text_;
    }

    void uninterruptedRead() {
        auto m = open(tmp_.filePath("a").toStdString());
        QVERIFY(!m->complete());
        int64_t last = 0;
        int calls = 0;
        m->read([&](const ReadingProgress& p) {
            QVERIFY(p.done > last && p.done <= p.total);
            QVERIFY(p.tokens_per_s > 0);
            last = p.done;
            ++calls;
        });
        QVERIFY(m->complete());
        QVERIFY(calls >= 5);  // one report per checkpoint of 512 tokens
        reference_dir_ = m->dir();
        // the block memory of the read is gone, what questions need is kept
        QVERIFY(!std::filesystem::exists(m->dir() + "/layer00_k.f16"));
        for (const char* f : {"/keys.f16", "/tokens.bin", "/tail.bin", "/state"})
            QVERIFY(std::filesystem::exists(m->dir() + f));
        const int row = model_->config().n_kv_heads * model_->config().head_dim;
        QCOMPARE(std::filesystem::file_size(m->dir() + "/keys.f16"), static_cast<uintmax_t>(m->total() * row * 2));
        // reopening finds it complete
        QVERIFY(open(tmp_.filePath("a").toStdString())->complete());
    }

    // Stopped after 1024 tokens and reopened by a new object (as after a restart): same memory.
    void resumedReadEqualsUninterrupted() {
        const std::string root = tmp_.filePath("b").toStdString();
        {
            auto m = open(root);
            m->read({}, nullptr, 1024);
            QCOMPARE(m->done(), int64_t(1024));
            QVERIFY(!m->complete());
        }
        auto m = open(root);
        QCOMPARE(m->done(), int64_t(1024));
        m->read();
        QVERIFY(m->complete());
        for (const char* f : {"/keys.f16", "/tail.bin", "/tokens.bin"})
            QVERIFY2(read_file(m->dir() + f) == read_file(reference_dir_ + f), f);
    }

    // gleaner-cli read killed with SIGKILL mid-book, then run again: the same memory as an
    // uninterrupted gleaner-cli read (the CLI imports the file, so its text is the importer's).
    void killedCliReadResumes() {
        const QString cli = test::binDir() + "/gleaner-cli";
        QVERIFY(QFileInfo::exists(cli));
        auto run_args = [&](const QString& root) {
            QStringList args = {"read", tmp_.filePath("book.txt"), "--model", test::smollm2Path(), "--cache-dir", root, "--quiet"};
            for (const char* a : kSettingsArgs) args << a;
            return args;
        };
        // The one memory under root: <root>/<book>/<memory> (memory_place.h).
        auto memory_dir = [](const QString& root) {
            std::string found;
            std::error_code ec;
            for (const auto& book : std::filesystem::directory_iterator(root.toStdString(), ec))
                if (book.is_directory())
                    for (const auto& m : std::filesystem::directory_iterator(book.path(), ec)) found = m.path().string();
            return found;
        };
        QProcess ref;
        ref.start(cli, run_args(tmp_.filePath("d")));
        QVERIFY(ref.waitForFinished(300000));
        QCOMPARE(ref.exitCode(), 0);
        const std::string ref_dir = memory_dir(tmp_.filePath("d"));
        QVERIFY(!ref_dir.empty());

        const QString root = tmp_.filePath("c");
        QProcess p;
        p.start(cli, run_args(root));
        QVERIFY(p.waitForStarted());
        // wait for the first checkpoint, then kill
        QElapsedTimer timer;
        timer.start();
        while ((memory_dir(root).empty() || !std::filesystem::exists(memory_dir(root) + "/state")) &&
               timer.elapsed() < 120000)
            QTest::qWait(20);
        const std::string dir = memory_dir(root);
        QVERIFY2(!dir.empty() && std::filesystem::exists(dir + "/state"), "no checkpoint within 2 minutes");
        ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished());
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);
        QVERIFY(!std::filesystem::exists(dir + "/tail.bin"));  // killed before the end

        QProcess again;
        again.start(cli, run_args(root) << "--json");
        QVERIFY(again.waitForFinished(300000));
        QCOMPARE(again.exitCode(), 0);
        const QByteArray out = again.readAllStandardOutput();
        QVERIFY2(out.contains("\"resumed_from\": ") && !out.contains("\"resumed_from\": 0,"), out.constData());
        for (const char* f : {"/keys.f16", "/tail.bin", "/tokens.bin"})
            QVERIFY2(read_file(dir + f) == read_file(ref_dir + f), f);
    }

    // Asking: the probe and the selection find the pass key in the stored keys; the answer has it.
    void askAnswersFromTheMemory() {
        auto m = open(tmp_.filePath("a").toStdString());
        QVERIFY(m->complete());
        MethodSettings s = small_settings();
        s.set("k", "256");
        auto method = make_gleaner_method(*model_, *backend_, *m, s);
        const QaPrompt p = build_qa_prompt(*model_, m->doc_ids(), "What is the pass key?");
        GenerationOptions opt;
        opt.max_tokens = 12;
        const AnswerResult r = answer_question(*method, model_->tokenizer(), p, opt);
        QVERIFY2(r.text.find("58213") != std::string::npos, r.text.c_str());
        // k tokens, or fewer when whole spans are selected and the last one meets the end.
        QVERIFY2(r.trace.tokens.size() <= 256 && r.trace.tokens.size() > 192,
                 qPrintable(QString::number(r.trace.tokens.size())));
        QCOMPARE(r.trace.layers.size(), size_t(1));
        QCOMPARE(r.trace.layers[0].layer, m->settings().filter_layer);
    }

    // Asking polls the cancel flag between its passes (probe, question pass, scoring, pass 2): a
    // cancel asked for at its first progress report stops it there, before the book is scored;
    // a cancel asked for before it starts runs nothing.
    void askIsCancelledBetweenSteps() {
        auto m = open(tmp_.filePath("a").toStdString());
        QVERIFY(m->complete());
        auto method = make_gleaner_method(*model_, *backend_, *m, small_settings());
        const QaPrompt p = build_qa_prompt(*model_, m->doc_ids(), "What is the pass key?");
        test::CancelOnFirstReport stop;
        QVERIFY(stop.cancels(*method, p, 8));
        QCOMPARE(stop.reports, 1);
        QVERIFY(method->trace().tokens.empty());  // nothing was selected
        stop.reports = 0;
        QVERIFY(stop.cancels(*method, p, 8));  // the flag is still set: nothing runs
        QCOMPARE(stop.reports, 0);
    }
};

QTEST_GUILESS_MAIN(TestReading)
#include "test_reading.moc"
