#pragma once
// One Gleaner per library: a second launch hands its files to the running window and exits.
//
// The running program listens on a per-user local socket whose name is derived from the user and
// the library path (so a test profile with its own XDG_DATA_HOME, or GLEANER_LIBRARY, is its own
// instance). A launch first tries to connect: if a running instance acknowledges the message, the
// launch is done. Otherwise it listens itself, removing the socket file a crashed instance left.
//
// Wire format, one message per connection: a 4-byte big-endian payload length, then the payload:
// UTF-8 absolute paths separated by NUL bytes (none: just raise the window). The server answers
// "ok\n" once it has taken the message. Messages are untrusted: a payload over kMaxMessageBytes
// closes the connection, and only absolute paths of existing regular files are kept.
#include <QObject>
#include <QStringList>

class QLocalServer;
class QLocalSocket;

namespace gleaner::ui {

class SingleInstance : public QObject {
    Q_OBJECT
public:
    static constexpr qint64 kMaxMessageBytes = 64 * 1024;
    static constexpr int kConnectionTimeoutMs = 5000;  // a client that sends nothing is dropped

    // The server name for this user and library: a socket in the user's private runtime directory
    // ($XDG_RUNTIME_DIR, else Qt's /tmp/runtime-$USER), else a name Qt places in the temporary
    // directory.
    static QString serverName(const QString& libraryPath);
    static QString serverName();  // for gleaner::library_path()

    // Sends `files` (made absolute) to a running instance and waits for its acknowledgement.
    // False when none listens or it does not answer in time; `connected` tells which.
    static bool sendToRunning(const QString& name, const QStringList& files, int timeoutMs = 5000,
                              bool* connected = nullptr);

    // How many of `files` (from the first) one message carries; sendToRunning sends those.
    static int filesThatFit(const QStringList& files);
    // The message for `files`, and the paths a payload carries that may be opened.
    static QByteArray encode(const QStringList& files);
    static QStringList acceptedPaths(const QByteArray& payload);

    explicit SingleInstance(const QString& name, QObject* parent = nullptr);
    ~SingleInstance() override;

    // Listens on the name. A socket file nobody answers on (a crashed instance) is removed first;
    // one a live instance answers on is left alone (false). Serialised by a lock file beside the
    // socket, so that two launches at once do not both listen.
    bool listen();
    bool isListening() const;
    QString fullServerName() const;

    // Messages that arrive before this is called are kept, then delivered (the window may not
    // exist yet when the server starts).
    void startDelivering();

signals:
    // The accepted files of one message, possibly none (raise the window).
    void filesReceived(const QStringList& files);

private:
    void onNewConnection();
    void readMessage(QLocalSocket* socket);
    void deliver(const QStringList& files);
    QString lockPath() const;  // beside the socket

    QString name_;
    QLocalServer* server_;
    bool delivering_ = false;
    QList<QStringList> pending_;
};

}  // namespace gleaner::ui
