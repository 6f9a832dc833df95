// gleaner-cli as a user runs it: help, version, model info, and clear errors on bad usage.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "gleaner_version.h"
#include "test_support.h"

namespace {
struct Run {
    int code;
    QString out;
    QString err;
};

Run runCli(const QStringList& args) {
    QProcess p;
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
        GLEANER_REQUIRE_MODEL(gleaner::test::smollm2Path());
        const Run r = runCli({"info", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o["architecture"].toString(), QString("llama"));
        QCOMPARE(o["gguf_version"].toInt(), 3);
        QCOMPARE(o["layers"].toInt(), 30);
        QCOMPARE(o["tensors"].toInt(), 272);
        QCOMPARE(o["tokenizer"].toString(), QString("gpt2"));
        QVERIFY(o["parameters"].toDouble() > 130e6 && o["parameters"].toDouble() < 140e6);
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
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
