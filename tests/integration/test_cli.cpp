// gleaner-cli as a user runs it: help, version, model info, and clear errors on bad usage.
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gleaner_version.h"
#include "method_registry.h"
#include "test_support.h"
#include "tiny_gguf.h"

namespace {
struct Run {
    int code;
    QString out;
    QString err;
};

Run runCli(const QStringList& args, const QString& library = {}) {
    QProcess p;
    if (!library.isEmpty()) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("GLEANER_LIBRARY", library);
        p.setProcessEnvironment(env);
    }
    p.start(gleaner::test::binDir() + "/gleaner-cli", args);
    if (!p.waitForFinished(120000)) return {-1, {}, "timed out"};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}
}  // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void versionPrintsTheVersion() {
        const Run r = runCli({"--version"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out.trimmed(), QString("gleaner-cli ") + GLEANER_VERSION);
    }

    void helpListsCommands() {
        const Run r = runCli({"--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("usage: gleaner-cli <command>"));
        QVERIFY(r.out.contains("info"));
    }

    void noArgumentsIsAUsageError() {
        const Run r = runCli({});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("usage"));
    }

    void unknownCommandIsNamed() {
        const Run r = runCli({"frobnicate"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("unknown command 'frobnicate'"));
    }

    void unknownOptionIsNamed() {
        const Run r = runCli({"info", "--bogus"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("unknown option --bogus"), qPrintable(r.err));
    }

    void infoDescribesTheDefaultModel() {
        GLEANER_REQUIRE_MODEL(gleaner::test::qwen05Path());
        const Run r = runCli({"info", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o["architecture"].toString(), QString("qwen2"));
        QCOMPARE(o["gguf_version"].toInt(), 3);
        QCOMPARE(o["layers"].toInt(), 24);
        QCOMPARE(o["tensors"].toInt(), 291);
        QCOMPARE(o["tokenizer"].toString(), QString("gpt2"));
        QCOMPARE(o["context_length"].toInt(), 32768);
        QVERIFY(o["parameters"].toDouble() > 600e6 && o["parameters"].toDouble() < 650e6);
        // and SmolLM2, still installed as the small model
        GLEANER_REQUIRE_MODEL(gleaner::test::smollm2Path());
        const Run s = runCli({"info", "--json", "--model", gleaner::test::smollm2Path()});
        const QJsonObject so = QJsonDocument::fromJson(s.out.toUtf8()).object();
        QCOMPARE(so["architecture"].toString(), QString("llama"));
        QCOMPARE(so["layers"].toInt(), 30);
    }

    void generateParsesSpecialTokensWhenAsked() {
        GLEANER_REQUIRE_MODEL(gleaner::test::smollm2Path());
        const QString prompt = "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n";
        auto promptTokens = [&](const QStringList& extra) {
            const Run r = runCli(QStringList{"generate", "--model", gleaner::test::smollm2Path(), "--prompt", prompt,
                                             "--max-tokens", "1", "--stats"} + extra);
            const QRegularExpressionMatch m = QRegularExpression("prompt (\\d+) tokens").match(r.err);
            return m.hasMatch() ? m.captured(1).toInt() : -1;
        };
        const int plain = promptTokens({}), special = promptTokens({"--special"});
        QVERIFY2(special > 0 && plain > special, qPrintable(QString("%1 vs %2").arg(plain).arg(special)));
        // the same tokens as `tokenize --special` (<|im_start|> and <|im_end|> as single tokens)
        const Run t = runCli({"tokenize", "--model", gleaner::test::smollm2Path(), "--text", prompt, "--special", "--json"});
        const QJsonArray ids = QJsonDocument::fromJson(t.out.toUtf8()).object()["ids"].toArray();
        QCOMPARE(special, int(ids.size()));
        QCOMPARE(ids.at(0).toInt(), 1);  // <|im_start|>
    }

    // perplexity --memory infllm reads each chunk through InfLLM's block memory: with a window
    // smaller than the chunk its perplexity differs from full attention's, and an f16 memory
    // stays within a percent of an f32 one. (On these 1,022 tokens two kernel sets whose every
    // product agrees with the scalar one within 1e-4, AMX and AVX512-VNNI, give perplexities 1% apart:
    // 20.66 and 20.45 with full attention; the f16-f32 gap was 0.18% with one and 0.69% with the
    // other. A tighter bound would test the rounding, not the memory.)
    void perplexityThroughTheBlockMemory() {
        GLEANER_REQUIRE_MODEL(gleaner::test::smollm2Path());
        const QString text = gleaner::test::sourceFile("resources/alice-in-wonderland.txt");
        auto ppl = [&](const QStringList& extra) {
            const Run r = runCli(QStringList{"perplexity", "--model", gleaner::test::smollm2Path(), "--file", text,
                                             "--ctx", "512", "--chunks", "2", "--threads", "2", "--json"} + extra);
            if (r.code != 0) qWarning("%s", qPrintable(r.err));
            return QJsonDocument::fromJson(r.out.toUtf8()).object();
        };
        const QStringList memory = {"--memory", "infllm", "--n-init", "16", "--n-local", "128", "--block-size", "32",
                                    "--topk", "2", "--exc-block", "64"};
        const QJsonObject full = ppl({}), f32 = ppl(memory + QStringList{"--kv-type", "f32"}), f16 = ppl(memory);
        QVERIFY2(f16["memory"].toString().contains("n_local=128") && f16["memory"].toString().contains("kv=f16"),
                 qPrintable(f16["memory"].toString()));
        QCOMPARE(full["memory"].toString(), QString("none"));
        const double a = full["ppl"].toDouble(), b = f32["ppl"].toDouble(), c = f16["ppl"].toDouble();
        qInfo("full %.4f, InfLLM f32 memory %.4f, f16 memory %.4f", a, b, c);
        QVERIFY(a > 1 && b > 1 && c > 1);
        QVERIFY2(std::fabs(b - a) > 1e-3 * a, "the memory was not used");
        QVERIFY2(c != b && std::fabs(c - b) < 1e-2 * b, "f16 memory far from f32");
        QVERIFY(runCli({"perplexity", "--file", text, "--memory", "streaming"}).code != 0);
    }

    void missingModelGivesSetupHint() {
        const Run r = runCli({"info", "--model", "/nonexistent/x.gguf"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("not found"));
        QVERIFY(r.err.contains("fetch-models.sh"));
        QCOMPARE(r.err.count('\n'), 1);  // one line
    }

    void nonGgufFileIsRefused() {
        QTemporaryDir dir;
        const QString path = dir.path() + "/fake.gguf";
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is a text file, not a model");
        f.close();
        const Run r = runCli({"info", "--model", path});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("not a GGUF model"), qPrintable(r.err));
    }

    // info runs the checks generate runs: it prints what it could read, then exits 1 with the
    // reason generate would give, instead of calling the file fine.
    void infoRefusesWhatGenerateRefuses_data() {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("reason");
        QTest::newRow("unknown architecture") << "architecture" << "unsupported model architecture 'mamba'";
        QTest::newRow("zero layers") << "layers" << "'llama.block_count' = 0";
        QTest::newRow("empty vocabulary") << "vocabulary" << "'tokenizer.ggml.tokens' is missing or empty";
        QTest::newRow("context length 0") << "context" << "'llama.context_length' = 0";
        QTest::newRow("NaN epsilon") << "epsilon" << "'llama.attention.layer_norm_rms_epsilon' = nan";
    }
    void infoRefusesWhatGenerateRefuses() {
        QFETCH(QString, change);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        gleaner::test::TinyGguf model;
        // Unchanged, the tiny model is one info accepts.
        const QString valid = dir.path() + "/valid.gguf";
        model.write(valid.toStdString());
        const Run ok = runCli({"info", "--json", "--model", valid});
        QCOMPARE(ok.code, 0);

        if (change == "architecture") model.set("general.architecture", std::string("mamba"));
        if (change == "layers") model.set("llama.block_count", uint32_t{0});
        if (change == "vocabulary") model.set("tokenizer.ggml.tokens", std::vector<std::string>{});
        if (change == "context") model.set("llama.context_length", uint32_t{0});
        if (change == "epsilon") model.set("llama.attention.layer_norm_rms_epsilon", std::numeric_limits<float>::quiet_NaN());
        const QString path = dir.path() + "/bad.gguf";
        model.write(path.toStdString());

        const Run info = runCli({"info", "--model", path});
        QCOMPARE(info.code, 1);
        QVERIFY2(info.err.contains(reason), qPrintable(info.err));
        QVERIFY2(info.out.contains("architecture:"), qPrintable(info.out));  // what it could read
        const Run json = runCli({"info", "--json", "--model", path});
        QCOMPARE(json.code, 1);
        const QJsonObject o = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(o["supported"].toBool(true), false);
        QVERIFY2(o["problem"].toString().contains(reason), qPrintable(json.out));
        QCOMPARE(QJsonDocument::fromJson(ok.out.toUtf8()).object()["supported"].toBool(), true);
        // The same reason generate gives.
        const Run generate = runCli({"generate", "--model", path, "--prompt", "hi", "--max-tokens", "1"});
        QCOMPARE(generate.code, 1);
        QVERIFY2(generate.err.contains(reason), qPrintable(generate.err));
    }

    void importDescribesAPdfAndAddsItToTheLibrary() {
        QTemporaryDir dir;
        const QString lib = dir.path() + "/library.sqlite3";
        const Run r = runCli({"import", gleaner::test::dataFile("corpus/pdflatex-outline.pdf"), "--json"}, lib);
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o["format"].toString(), QString("pdf"));
        QCOMPARE(o["pages"].toInt(), 4);
        QCOMPARE(o["toc"].toArray().size(), 9);
        QCOMPARE(o["toc"].toArray()[0].toObject()["title"].toString(), QString("Foo"));
        QVERIFY(o["chars"].toInt() > 5000);

        const Run again = runCli({"import", gleaner::test::sourceFile("resources/alice-in-wonderland.txt"), "--json"}, lib);
        QCOMPARE(again.code, 0);
        QVERIFY(QJsonDocument::fromJson(again.out.toUtf8()).object()["pages"].isNull());

        const Run list = runCli({"library", "list", "--json"}, lib);
        QCOMPARE(list.code, 0);
        const QJsonArray docs = QJsonDocument::fromJson(list.out.toUtf8()).array();
        QCOMPARE(docs.size(), 2);
        const int id = docs[0].toObject()["id"].toInt();
        QCOMPARE(runCli({"library", "remove", QString::number(id)}, lib).code, 0);
        QCOMPARE(QJsonDocument::fromJson(runCli({"library", "--json"}, lib).out.toUtf8()).array().size(), 1);
        QCOMPARE(runCli({"library", "remove", "999"}, lib).code, 1);
    }

    void importFailuresGiveOneLineReasons_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("reason");
        QTest::newRow("encrypted") << "corpus/libreoffice-writer-password_encrypted.pdf" << "password";
        QTest::newRow("scanned") << "corpus/huckfinn-c02-22_scanned.pdf" << "no text layer";
        QTest::newRow("truncated") << "corpus/federal-register-2020-17221_TRUNCATED-derived.pdf" << "";
        QTest::newRow("missing") << "corpus/does-not-exist.pdf" << "";
    }
    void importFailuresGiveOneLineReasons() {
        QFETCH(QString, file);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const Run r = runCli({"import", gleaner::test::dataFile(file), "--json"}, dir.path() + "/lib.sqlite3");
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(reason, Qt::CaseInsensitive), qPrintable(r.err));
        QVERIFY2(r.err.contains(gleaner::test::dataFile(file) + ": "), qPrintable(r.err));  // names the file
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY(r.out.isEmpty());
    }

    // Issue 14: a 200 MB text (here a sparse file: no disk, no time) is refused by its size
    // before it is read, with the reason, and stays out of the library.
    void importRefusesATextOverTheLimit() {
        QTemporaryDir dir;
        const QString path = dir.filePath("huge.txt");
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("CHAPTER I.\n\nIt was a dark and stormy night.\n\n");
        }
        QCOMPARE(::truncate(path.toLocal8Bit().constData(), 200'000'000), 0);
        const QString lib = dir.filePath("lib.sqlite3");
        const Run r = runCli({"import", path}, lib);
        QCOMPARE(r.code, 1);
        QCOMPARE(r.err, "gleaner-cli import: error: '" + path +
                            "' is 190.7 MiB, over Gleaner's limit of 32 MiB of text (about 8 million tokens, 10 times "
                            "War and Peace): reading its ~50 million tokens would take about 2 days on a CPU\n");
        QVERIFY(r.out.isEmpty());
        QCOMPARE(QJsonDocument::fromJson(runCli({"library", "--json"}, lib).out.toUtf8()).array().size(), 0);
    }

    void encryptedPdfOpensWithItsPassword() {
        QTemporaryDir dir;
        const Run r = runCli({"text", gleaner::test::dataFile("corpus/libreoffice-writer-password_encrypted.pdf"),
                              "--password", "openpassword"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("Lorem ipsum", Qt::CaseInsensitive));
    }

    void textPrintsOnePage() {
        const Run r = runCli({"text", gleaner::test::dataFile("corpus/pdflatex-outline.pdf"), "--page", "2"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("Foo"));
        const Run bad = runCli({"text", gleaner::test::dataFile("corpus/pdflatex-outline.pdf"), "--page", "99"});
        QCOMPARE(bad.code, 2);
    }

    // `ask --method help` describes every registered method from the registry itself: its name,
    // display name, cost, description and each setting with its default and help.
    void askMethodHelpListsEveryRegisteredMethod() {
        const Run r = runCli({"ask", "--method", "help"});
        QCOMPARE(r.code, 0);
        for (const gleaner::MethodEntry& m : gleaner::method_registry()) {
            const QString name = QString::fromStdString(m.name);
            QVERIFY2(r.out.contains(QRegularExpression("^" + name + " - ", QRegularExpression::MultilineOption)),
                     qPrintable(name));
            QVERIFY2(r.out.contains(QString::fromStdString(m.display_name)), qPrintable(name));
            QVERIFY2(r.out.contains(QString::fromStdString(m.description)), qPrintable(name));
            QVERIFY2(r.out.contains(QString::fromStdString(std::string(gleaner::describe_cost(m.cost)))), qPrintable(name));
            for (const gleaner::MethodSetting& s : m.settings) {
                const QString option = "--" + QString::fromStdString(s.key).replace('_', '-');
                QVERIFY2(r.out.contains(option), qPrintable(name + " " + option));
                QVERIFY2(r.out.contains(QString::fromStdString(s.help) + " (default: " +
                                        QString::fromStdString(s.default_value) + ")"),
                         qPrintable(name + " " + option));
            }
        }
        // with a file the answer is the same listing, and no model is loaded
        const Run withFile = runCli({"ask", "no-such-book.txt", "--method", "help"});
        QCOMPARE(withFile.code, 0);
        QCOMPARE(withFile.out, r.out);
    }

    void askNamesTheRegisteredMethodsForAnUnknownOne() {
        const Run r = runCli({"ask", "no-such-book.txt", "Who?", "--method", "nope"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("unknown method 'nope'"), qPrintable(r.err));
        for (const gleaner::MethodEntry& m : gleaner::method_registry())
            QVERIFY2(r.err.contains(QString::fromStdString(m.name)), qPrintable(r.err));
    }

    void askRefusesTheDesktopOnlyMethod() {
        const Run r = runCli({"ask", "no-such-book.txt", "Who?", "--method", "excerpt"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("only in the desktop program"), qPrintable(r.err));
    }

    // Only a method that keeps a reading memory has anything to read ahead of a question.
    void readRefusesMethodsWithoutAReadingMemory() {
        for (const gleaner::MethodEntry& m : gleaner::method_registry()) {
            if (m.keeps_reading_memory) continue;
            const Run r = runCli({"read", "no-such-book.txt", "--method", QString::fromStdString(m.name)});
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains("method keeps no reading memory"), qPrintable(r.err));
        }
    }

    // Every command explains itself with --help (exit 0), with the exit codes; those that ask or
    // read list the methods' options too.
    void everyCommandHasHelp() {
        for (const char* command : {"info", "tokenize", "generate", "perplexity", "import", "text", "library", "bench",
                                    "read", "ask", "eval"}) {
            const Run r = runCli({command, "--help"});
            QVERIFY2(r.code == 0, command);
            QVERIFY2(r.out.startsWith(QString("usage: gleaner-cli ") + command), qPrintable(r.out.left(80)));
            QVERIFY2(r.out.contains("exit codes: 0 done; 1 an error"), command);
            const bool methods = QString(command) == "read" || QString(command) == "ask" || QString(command) == "eval";
            QCOMPARE(r.out.contains("--n-local"), methods);
        }
        QCOMPARE(runCli({"ask", "book.txt", "-h"}).code, 0);
    }

    // An encrypted PDF can be read and asked about with its password, like `import` and `text`;
    // without it the error names the file and says why.
    void anEncryptedPdfIsReadWithItsPassword() {
        GLEANER_REQUIRE_MODEL(gleaner::test::smollm2Path());
        QTemporaryDir dir;
        const QString pdf = gleaner::test::dataFile("corpus/libreoffice-writer-password_encrypted.pdf");
        const QStringList read = {"read", pdf, "--model", gleaner::test::smollm2Path(), "--cache-dir", dir.path(),
                                  "--json", "--threads", "2"};
        const Run refused = runCli(read);
        QCOMPARE(refused.code, 1);
        QVERIFY2(refused.err.contains(pdf + ": password required"), qPrintable(refused.err));
        const Run opened = runCli(QStringList(read) << "--password" << "openpassword");
        QCOMPARE(opened.code, 0);
        QVERIFY(QJsonDocument::fromJson(opened.out.toUtf8()).object()["document_tokens"].toInt() > 0);
        // A question on the read memory: no reading, and no rate printed for steps that read nothing.
        const Run asked = runCli({"ask", pdf, "What is this document?", "--password", "openpassword", "--model",
                                  gleaner::test::smollm2Path(), "--cache-dir", dir.path(), "--max-tokens", "4",
                                  "--threads", "2"});
        QCOMPARE(asked.code, 0);
        QVERIFY2(!asked.err.contains("prefill") && !asked.err.contains("reading"), qPrintable(asked.err));
    }

    // One identity per book: the reading memory lives under the SHA-256 of the book's file (the
    // library's key), so removing the book removes it, unless asked to keep it.
    void aBooksReadingMemoryGoesWithItFromTheLibrary() {
        GLEANER_REQUIRE_MODEL(gleaner::test::smollm2Path());
        QTemporaryDir dir;
        const QString lib = dir.path() + "/library.sqlite3", cache = dir.path() + "/memory";
        const QString book = dir.path() + "/short.txt";
        QFile f(book);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 40; ++i)
            f.write(QByteArray("The lighthouse keeper counted ") + QByteArray::number(i) + " ships before dawn.\n");
        f.close();
        const QString id = QCryptographicHash::hash(QByteArray::fromStdString(gleaner::test::fileBytes(book.toStdString())), QCryptographicHash::Sha256).toHex();
        const Run read = runCli({"read", book, "--model", gleaner::test::smollm2Path(), "--cache-dir", cache, "--json",
                                 "--threads", "2"});
        QCOMPARE(read.code, 0);
        const QString memory = QJsonDocument::fromJson(read.out.toUtf8()).object()["memory"].toString();
        QVERIFY2(memory.startsWith(cache + "/" + id + "/"), qPrintable(memory));
        QVERIFY(QFileInfo::exists(memory + "/keys.f16"));
        // A memory from before books had one identity (directly under the cache root) is moved
        // to its place, not read again.
        const QString legacy = cache + "/" + QFileInfo(memory).fileName();
        QVERIFY(QDir().rename(memory, legacy));
        QVERIFY(QDir(cache + "/" + id).removeRecursively());
        const Run adopted = runCli({"read", book, "--model", gleaner::test::smollm2Path(), "--cache-dir", cache, "--json",
                                    "--threads", "2"});
        QCOMPARE(adopted.code, 0);
        const QJsonObject a = QJsonDocument::fromJson(adopted.out.toUtf8()).object();
        QCOMPARE(a["memory"].toString(), memory);
        QVERIFY(a["already_read"].toBool());
        QVERIFY(!QFileInfo::exists(legacy));

        auto import = [&] {
            if (runCli({"import", book, "--json"}, lib).code != 0) return -1;
            return QJsonDocument::fromJson(runCli({"library", "--json"}, lib).out.toUtf8()).array()[0].toObject()["id"].toInt();
        };
        const Run kept = runCli({"library", "remove", QString::number(import()), "--cache-dir", cache, "--keep-memory"}, lib);
        QCOMPARE(kept.code, 0);
        QVERIFY2(kept.out.contains("its reading memory (1, "), qPrintable(kept.out));
        QVERIFY(QFileInfo::exists(memory + "/keys.f16"));
        const Run removed = runCli({"library", "remove", QString::number(import()), "--cache-dir", cache}, lib);
        QCOMPARE(removed.code, 0);
        QVERIFY2(removed.out.contains("and its reading memory (1, "), qPrintable(removed.out));
        QVERIFY(!QFileInfo::exists(cache + "/" + id));
        QVERIFY(QFileInfo::exists(cache));  // other books' memories and the model identities stay
    }

    // A full disk, here the file-size limit as `ulimit -f` sets it (CI cannot mount a small
    // filesystem): `read` ends with a message naming the cache directory and the room needed,
    // not with a signal (SIGXFSZ; SIGBUS from a sparse mapping on a really full disk).
    void readOnAFullDiskSaysWhereAndHowMuch() {
        GLEANER_REQUIRE_MODEL(gleaner::test::smollm2Path());
        QTemporaryDir cache;
        QProcess p;
        p.setChildProcessModifier([] {
            struct rlimit rl {};
            ::getrlimit(RLIMIT_FSIZE, &rl);
            rl.rlim_cur = 256 << 10;  // the tokens fit, the keys of the whole text do not
            ::setrlimit(RLIMIT_FSIZE, &rl);
        });
        p.start(gleaner::test::binDir() + "/gleaner-cli",
                {"read", gleaner::test::dataFile("ppl_excerpt.txt"), "--model", gleaner::test::smollm2Path(),
                 "--cache-dir", cache.path(), "--quiet", "--threads", "2"});
        QVERIFY(p.waitForFinished(120000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(p.exitStatus() == QProcess::NormalExit, qPrintable("killed by a signal: " + err));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(err.contains("file-size limit (ulimit -f) in " + cache.path() + "/"), qPrintable(err));
        QVERIFY2(err.contains(QRegularExpression("keys.f16 needs [0-9.]+ MB more")), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
