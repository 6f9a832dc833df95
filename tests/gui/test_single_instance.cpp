// One program per library (ui/single_instance.h): a second `gleaner FILE` hands FILE to the
// running window and exits 0; the messages are untrusted; a crashed instance's socket is replaced.
#include <QDir>
#include <QFile>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "library_store.h"
#include "single_instance.h"
#include "test_support.h"

using namespace gleaner;
using ui::SingleInstance;

namespace {

QByteArray header(quint32 length) {
    QByteArray h(4, '\0');
    qToBigEndian<quint32>(length, h.data());
    return h;
}

// Connects to `name`, writes `bytes` and returns what the server answered before it closed the
// connection (or within `timeoutMs`); `closed` tells whether the server closed it.
QByteArray exchange(const QString& name, const QByteArray& bytes, bool* closed = nullptr, int timeoutMs = 5000) {
    QLocalSocket socket;
    socket.connectToServer(name);
    if (!QTest::qWaitFor([&] { return socket.state() == QLocalSocket::ConnectedState; }, 3000)) return "no connection";
    socket.write(bytes);
    QByteArray answer;
    (void)QTest::qWaitFor([&] {
        answer += socket.readAll();
        return socket.state() == QLocalSocket::UnconnectedState || answer.contains('\n');
    }, timeoutMs);
    answer += socket.readAll();
    if (closed) {
        (void)QTest::qWaitFor([&] { return socket.state() == QLocalSocket::UnconnectedState; }, 1000);
        *closed = socket.state() == QLocalSocket::UnconnectedState;
    }
    return answer;
}

// A socket file nobody listens on, as a crashed program leaves it.
bool makeStaleSocket(const QString& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const QByteArray p = path.toLocal8Bit();
    if (p.size() >= static_cast<int>(sizeof addr.sun_path)) return false;
    std::memcpy(addr.sun_path, p.constData(), p.size());
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return bound && QFileInfo::exists(path);
}

std::vector<std::string> libraryPaths(const QString& db) {
    std::vector<std::string> paths;
    if (!QFileInfo::exists(db)) return paths;
    try {
        for (const LibraryDocument& d : LibraryStore(db.toStdString()).documents()) paths.push_back(d.path);
    } catch (const std::exception&) {
        // being written: ask again
    }
    return paths;
}

bool contains(const std::vector<std::string>& v, const QString& s) {
    return std::find(v.begin(), v.end(), s.toStdString()) != v.end();
}

}  // namespace

class TestSingleInstance : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    // The real program's profile: its own library, settings and cache.
    QString profile_;
    QProcessEnvironment env_;
    QString db_;

    QString serverPath(const char* name) const { return dir_.path() + "/" + name; }

    std::vector<std::unique_ptr<QProcess>> processes_;  // stopped after each test

    QProcess* startGleaner(const QStringList& args, const QString& workingDir = {}) {
        auto& p = processes_.emplace_back(std::make_unique<QProcess>());
        p->setProcessEnvironment(env_);
        if (!workingDir.isEmpty()) p->setWorkingDirectory(workingDir);
        p->start(test::binDir() + "/gleaner", args);
        return p.get();
    }

    // True once a program answers on the profile's server name.
    static bool listening(const QString& name) {
        QLocalSocket probe;
        probe.connectToServer(name);
        const bool up = probe.waitForConnected(500);
        probe.abort();
        return up;
    }

    static void stop(QProcess& p) {
        if (p.state() == QProcess::NotRunning) return;
        p.terminate();
        if (!p.waitForFinished(10000)) {
            p.kill();
            p.waitForFinished(5000);
        }
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        profile_ = dir_.path() + "/profile";
        env_ = QProcessEnvironment::systemEnvironment();
        env_.insert("QT_QPA_PLATFORM", "offscreen");
        env_.insert("XDG_DATA_HOME", profile_ + "/data");
        env_.insert("XDG_CONFIG_HOME", profile_ + "/config");
        env_.insert("XDG_CACHE_HOME", profile_ + "/cache");
        env_.remove("GLEANER_LIBRARY");
        env_.remove("GLEANER_NEW_INSTANCE");
        // A private runtime directory, as a desktop session has: the socket lives there (this
        // process computes the same name from it).
        const QString runtime = dir_.path() + "/runtime";
        QVERIFY(QDir().mkpath(runtime));
        QVERIFY(QFile::setPermissions(runtime, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        qputenv("XDG_RUNTIME_DIR", runtime.toLocal8Bit());
        env_.insert("XDG_RUNTIME_DIR", runtime);
        // Any existing file keeps the first-run model offer away; the model is never loaded.
        const QString model = QFileInfo::exists(test::smollm2Path()) ? test::smollm2Path()
                                                                      : test::dataFile("corpus/alice-in-wonderland_pg11.txt");
        env_.insert("GLEANER_MODEL", model);
        QSettings settings(profile_ + "/config/Gleaner/Gleaner.conf", QSettings::IniFormat);
        settings.setValue("engine/readOnOpen", false);
        settings.setValue("engine/threads", 2);
        settings.sync();
        db_ = profile_ + "/data/gleaner/library.sqlite3";
    }

    void cleanup() {
        for (auto& p : processes_) stop(*p);
        processes_.clear();
    }

    void theNameBelongsToTheUserAndTheLibrary() {
        const QString a = SingleInstance::serverName("/home/u/.local/share/gleaner/library.sqlite3");
        QCOMPARE(SingleInstance::serverName("/home/u/.local/share/gleaner/library.sqlite3"), a);
        QVERIFY(SingleInstance::serverName("/tmp/profile/data/gleaner/library.sqlite3") != a);
        QVERIFY(QFileInfo(a).fileName().startsWith(QStringLiteral("gleaner-%1-").arg(::getuid())));
        QCOMPARE(QFileInfo(a).path(), qEnvironmentVariable("XDG_RUNTIME_DIR"));
        QVERIFY(a.toLocal8Bit().size() < 104);  // fits a Unix socket address
    }

    void onlyAbsolutePathsOfRegularFilesAreAccepted() {
        const QString file = dir_.path() + "/book.txt";
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("Once upon a time.\n");
        f.close();
        QVERIFY(QDir(dir_.path()).mkpath("shelf"));
        QByteArray payload;
        for (const QByteArray& part :
             {QByteArray("book.txt"), (dir_.path() + "/shelf").toUtf8(), (dir_.path() + "/missing.txt").toUtf8(),
              QByteArray("/dev/null"), file.toUtf8(), (dir_.path() + "/shelf/../book.txt").toUtf8(), QByteArray(),
              QByteArray("\xff\xfe/\x80"), QByteArray("../../etc/passwd")}) {
            payload += part;
            payload += '\0';
        }
        QCOMPARE(SingleInstance::acceptedPaths(payload), QStringList{file});
        QCOMPARE(SingleInstance::acceptedPaths(SingleInstance::encode({file}).mid(4)), QStringList{file});
        // Past the bound nothing is read, whatever it holds.
        QByteArray huge = file.toUtf8() + '\0' + QByteArray(SingleInstance::kMaxMessageBytes, 'x');
        QVERIFY(SingleInstance::acceptedPaths(huge).isEmpty());
    }

    void theServerTakesMessagesAndIgnoresHostileOnes() {
        const QString name = serverPath("in-process");
        SingleInstance server(name);
        QVERIFY(server.listen());
        QSignalSpy received(&server, &SingleInstance::filesReceived);
        const QString book = test::dataFile("corpus/alice-in-wonderland_pg11.txt");

        // Kept until the window is there, then delivered.
        QCOMPARE(exchange(name, SingleInstance::encode({book})), QByteArray("ok\n"));
        QCOMPARE(received.size(), 0);
        server.startDelivering();
        QCOMPARE(received.size(), 1);
        QCOMPARE(received.at(0).at(0).toStringList(), QStringList{book});

        // A relative path, a directory and a missing file: acknowledged, nothing to open.
        QCOMPARE(exchange(name, SingleInstance::encode({"alice.txt", dir_.path(), dir_.path() + "/nothing.pdf"})),
                 QByteArray("ok\n"));
        QCOMPARE(received.size(), 2);
        QCOMPARE(received.at(1).at(0).toStringList(), QStringList{});

        // A message announced over the bound: the connection is closed at once, unanswered.
        bool closed = false;
        QCOMPARE(exchange(name, header(64u << 20) + QByteArray(4096, 'x'), &closed), QByteArray());
        QVERIFY(closed);
        // Bytes past the bound sent without a header's consent: the same.
        QCOMPARE(exchange(name, QByteArray(SingleInstance::kMaxMessageBytes * 4, '\xff'), &closed), QByteArray());
        QVERIFY(closed);
        // A client that stops halfway is dropped after the connection timeout.
        QCOMPARE(exchange(name, header(100) + "/tm", &closed, SingleInstance::kConnectionTimeoutMs + 3000), QByteArray());
        QVERIFY(closed);
        QCOMPARE(received.size(), 2);

        // Still serving.
        QCOMPARE(exchange(name, SingleInstance::encode({})), QByteArray("ok\n"));
        QCOMPARE(received.size(), 3);
    }

    void aCrashedInstancesSocketIsReplacedALiveOneIsNot() {
        const QString name = serverPath("stale");
        QVERIFY(makeStaleSocket(name));
        QLocalSocket probe;
        probe.connectToServer(name);
        QVERIFY(!probe.waitForConnected(500));

        SingleInstance server(name);
        QVERIFY(server.listen());
        server.startDelivering();
        QSignalSpy received(&server, &SingleInstance::filesReceived);
        QCOMPARE(exchange(name, SingleInstance::encode({})), QByteArray("ok\n"));
        QCOMPARE(received.size(), 1);

        // A second server on a name a live one answers on leaves it alone.
        SingleInstance second(name);
        QVERIFY(!second.listen());
        QCOMPARE(exchange(name, SingleInstance::encode({})), QByteArray("ok\n"));
        QCOMPARE(received.size(), 2);
    }

    void aSecondLaunchHandsItsFilesToTheRunningWindow() {
        const QString name = SingleInstance::serverName(db_);
        QProcess* first = startGleaner({});
        QVERIFY(first->waitForStarted());
        QVERIFY2(QTest::qWaitFor([&] { return listening(name) || first->state() == QProcess::NotRunning; }, 30000) &&
                     first->state() == QProcess::Running,
                 first->readAllStandardError().constData());

        // A relative path, as a shell passes it: made absolute by the launch.
        const QString corpus = test::dataFile("corpus");
        const QString alice = QFileInfo(corpus + "/alice-in-wonderland_pg11.txt").absoluteFilePath();
        auto second = startGleaner({"alice-in-wonderland_pg11.txt"}, corpus);
        QVERIFY(second->waitForFinished(10000));
        QCOMPARE(second->exitStatus(), QProcess::NormalExit);
        QCOMPARE(second->exitCode(), 0);
        const QByteArray said = second->readAllStandardError();
        QVERIFY2(!said.contains("gleaner:"), said.constData());  // nothing alarming
        QVERIFY(QTest::qWaitFor([&] { return contains(libraryPaths(db_), alice); }, 30000));

        // Several files: the first opened, the others added; a missing one is named, not opened.
        const QString pdf1 = test::dataFile("corpus/pdflatex-outline.pdf");
        const QString pdf2 = test::dataFile("corpus/multicolumn_2col.pdf");
        auto third = startGleaner({pdf1, pdf2, dir_.path() + "/missing.epub"});
        QVERIFY(third->waitForFinished(10000));
        QCOMPARE(third->exitCode(), 0);
        QVERIFY(third->readAllStandardError().contains("missing.epub"));
        QVERIFY(QTest::qWaitFor([&] {
            const auto paths = libraryPaths(db_);
            return contains(paths, QFileInfo(pdf1).absoluteFilePath()) && contains(paths, QFileInfo(pdf2).absoluteFilePath());
        }, 30000));

        // Hostile messages to the real program: ignored, and it keeps running and serving.
        bool closed = false;
        QCOMPARE(exchange(name, header(0xffffffffu) + QByteArray(1024, 'x'), &closed), QByteArray());
        QVERIFY(closed);
        QCOMPARE(exchange(name, SingleInstance::encode({"alice-in-wonderland_pg11.txt", corpus, "/etc"})),
                 QByteArray("ok\n"));
        QCOMPARE(exchange(name, QByteArray(300 * 1024, 'A'), &closed), QByteArray());  // no header, just bytes
        QVERIFY(closed);
        QTest::qWait(500);
        QCOMPARE(first->state(), QProcess::Running);
        QCOMPARE(libraryPaths(db_).size(), size_t(3));
        auto raise = startGleaner({});  // no files: the window comes forward
        QVERIFY(raise->waitForFinished(10000));
        QCOMPARE(raise->exitCode(), 0);

        // --new-instance skips the hand-off (for developers): it runs on its own.
        auto separate = startGleaner({"--new-instance"});
        QVERIFY(separate->waitForStarted());
        QVERIFY(!separate->waitForFinished(1500));
        stop(*separate);

        // A crash leaves the socket file behind; the next start replaces it and serves.
        first->kill();
        QVERIFY(first->waitForFinished(10000));
        QVERIFY(!listening(name));
        auto restarted = startGleaner({});
        QVERIFY(restarted->waitForStarted());
        QVERIFY2(QTest::qWaitFor([&] { return listening(name) || restarted->state() == QProcess::NotRunning; }, 30000) &&
                     restarted->state() == QProcess::Running,
                 restarted->readAllStandardError().constData());
        const QString pride = test::dataFile("corpus/pride-and-prejudice_pg1342.txt");
        auto fourth = startGleaner({pride});
        QVERIFY(fourth->waitForFinished(10000));
        QCOMPARE(fourth->exitCode(), 0);
        QVERIFY(QTest::qWaitFor([&] { return contains(libraryPaths(db_), QFileInfo(pride).absoluteFilePath()); }, 30000));
        stop(*restarted);
    }
};

QTEST_GUILESS_MAIN(TestSingleInstance)
#include "test_single_instance.moc"
