// Hostile and broken inputs (issue 14, "nothing lost, nothing crashed"). Every input is built
// here, in a temporary directory, so each case shows exactly what is wrong with it.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <string>

#include "document_loader.h"
#include "import.h"

using namespace gleaner;

namespace {

std::string write_file(const QTemporaryDir& dir, const char* name, const std::string& bytes) {
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

struct Outcome {
    bool imported = false;
    Document doc;
    ImportErrorKind kind = ImportErrorKind::Damaged;
    std::string message;
};

Outcome import_outcome(const std::string& path) {
    Outcome o;
    try {
        o.doc = import_document(path);
        o.imported = true;
    } catch (const ImportError& e) {
        o.kind = e.kind();
        o.message = e.what();
    }
    return o;
}

// ---- special files --------------------------------------------------------------------------

// Unblocks a reader stuck opening the FIFO (so a failing test ends instead of hanging).
void release_fifo_reader(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
}

// A bound UNIX socket in the file system, closed on destruction.
class SocketFile {
public:
    explicit SocketFile(const std::string& path) {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
        bound_ = fd_ >= 0 && path.size() < sizeof addr.sun_path &&
                 ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~SocketFile() {
        if (fd_ >= 0) ::close(fd_);
    }
    bool bound() const { return bound_; }

private:
    int fd_ = -1;
    bool bound_ = false;
};

}  // namespace

class TestHostileInputs : public QObject {
    Q_OBJECT

private slots:
    // ---- B: special files -----------------------------------------------------------------
    void specialFilesAreRefusedByName() {
        QTemporaryDir dir;
        const std::string fifo = dir.filePath("pipe.txt").toStdString();
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        auto pending = std::async(std::launch::async, [&] { return import_outcome(fifo); });
        if (pending.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
            release_fifo_reader(fifo);
            pending.wait();
            QFAIL("importing a FIFO blocked waiting for a writer");
        }
        const Outcome f = pending.get();
        QVERIFY(!f.imported);
        QCOMPARE(f.kind, ImportErrorKind::Unreadable);
        QCOMPARE(f.message, "'" + fifo + "' is a named pipe (FIFO), not a regular file");

        const std::string sock = dir.filePath("sock.txt").toStdString();
        const SocketFile socket(sock);
        QVERIFY(socket.bound());
        const Outcome s = import_outcome(sock);
        QCOMPARE(s.kind, ImportErrorKind::Unreadable);
        QCOMPARE(s.message, "'" + sock + "' is a socket, not a regular file");

        const Outcome d = import_outcome("/dev/null");
        QCOMPARE(d.kind, ImportErrorKind::Unreadable);
        QCOMPARE(d.message, std::string("'/dev/null' is a character device, not a regular file"));

        const std::string folder = dir.filePath("folder.epub").toStdString();
        QVERIFY(QDir().mkpath(QString::fromStdString(folder)));
        const Outcome g = import_outcome(folder);
        QCOMPARE(g.kind, ImportErrorKind::Unreadable);
        QCOMPARE(g.message, "'" + folder + "' is a directory, not a regular file");

        // A symbolic link to a regular file is still a book.
        const std::string target = write_file(dir, "real.txt", "Just text.\n");
        const std::string link = dir.filePath("link.txt").toStdString();
        QCOMPARE(::symlink(target.c_str(), link.c_str()), 0);
        QVERIFY(import_outcome(link).imported);
    }

    void desktopLoaderReportsAFifo() {
        QTemporaryDir dir;
        const QString fifo = dir.filePath("pipe.txt");
        QCOMPARE(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
        app::DocumentLoader loader;
        QSignalSpy failed(&loader, &app::DocumentLoader::failed);
        QSignalSpy loaded(&loader, &app::DocumentLoader::loaded);
        loader.load(fifo);
        const bool reported = failed.wait(5000);
        if (!reported) release_fifo_reader(fifo.toStdString());  // let the pool thread finish
        QVERIFY2(reported, "the window would stay at \"Opening...\"");
        QCOMPARE(loaded.count(), 0);
        QCOMPARE(failed.at(0).at(0).toString(), fifo);
        QCOMPARE(failed.at(0).at(1).toString(), "'" + fifo + "' is a named pipe (FIFO), not a regular file");
        QCOMPARE(failed.at(0).at(2).toBool(), false);
    }
};

QTEST_GUILESS_MAIN(TestHostileInputs)
#include "test_hostile_inputs.moc"
