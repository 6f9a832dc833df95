#include "single_instance.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLockFile>
#include <QStandardPaths>
#include <QTimer>
#include <QtEndian>

#include <unistd.h>

#include <utility>

#include "model_paths.h"

namespace gleaner::ui {

namespace {
constexpr int kMaxConnections = 16;  // at once; more are refused
constexpr qint64 kHeaderBytes = 4;
const QByteArray kAck = QByteArrayLiteral("ok\n");
// sockaddr_un holds 108 bytes; leave room for the terminating NUL.
constexpr int kMaxSocketPath = 100;
}  // namespace

QString SingleInstance::serverName(const QString& libraryPath) {
    const QByteArray library = QFileInfo(libraryPath).absoluteFilePath().toUtf8();
    const QString hash =
        QString::fromLatin1(QCryptographicHash::hash(library, QCryptographicHash::Sha256).toHex().left(16));
    const QString base = QStringLiteral("gleaner-%1-%2").arg(::getuid()).arg(hash);
    // $XDG_RUNTIME_DIR, else Qt's private /tmp/runtime-$USER (checked to be this user's, 0700).
    const QString runtime = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (!runtime.isEmpty() && QDir::isAbsolutePath(runtime) && QFileInfo(runtime).isDir()) {
        const QString full = QDir(runtime).filePath(base);
        if (full.toLocal8Bit().size() <= kMaxSocketPath) return full;
    }
    return base;  // QLocalServer places it in QDir::tempPath()
}

QString SingleInstance::serverName() { return serverName(QString::fromStdString(library_path())); }

QByteArray SingleInstance::encode(const QStringList& files) {
    QByteArray payload;
    for (const QString& f : files) {
        if (!payload.isEmpty()) payload.append('\0');
        payload.append(f.toUtf8());
    }
    QByteArray message(kHeaderBytes, '\0');
    qToBigEndian<quint32>(static_cast<quint32>(payload.size()), message.data());
    return message + payload;
}

QStringList SingleInstance::acceptedPaths(const QByteArray& payload) {
    QStringList accepted;
    if (payload.size() > kMaxMessageBytes) return accepted;
    for (const QByteArray& part : payload.split('\0')) {
        if (part.isEmpty()) continue;
        const QString path = QString::fromUtf8(part);
        if (path.contains(QChar::ReplacementCharacter) || !QDir::isAbsolutePath(path)) continue;
        const QFileInfo info(path);
        if (!info.isFile()) continue;  // missing, a directory, a device, a socket...
        const QString clean = QDir::cleanPath(info.absoluteFilePath());
        if (!accepted.contains(clean)) accepted.append(clean);
    }
    return accepted;
}

int SingleInstance::filesThatFit(const QStringList& files) {
    qint64 bytes = 0;
    for (int i = 0; i < files.size(); ++i) {
        bytes += files[i].toUtf8().size() + (i > 0 ? 1 : 0);
        if (bytes > kMaxMessageBytes) return i;
    }
    return static_cast<int>(files.size());
}

bool SingleInstance::sendToRunning(const QString& name, const QStringList& files, int timeoutMs, bool* connected) {
    if (connected) *connected = false;
    QDeadlineTimer deadline(timeoutMs);
    QLocalSocket socket;
    socket.connectToServer(name);
    if (!socket.waitForConnected(static_cast<int>(deadline.remainingTime()))) return false;
    if (connected) *connected = true;
    QStringList absolute;
    for (const QString& f : files) absolute.append(QFileInfo(f).absoluteFilePath());
    socket.write(encode(absolute.first(filesThatFit(absolute))));
    QByteArray answer;
    while (!answer.contains('\n')) {
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(static_cast<int>(deadline.remainingTime())))
            break;
        answer.append(socket.read(16));
        if (answer.size() > 16) break;
    }
    socket.abort();
    return answer == kAck;
}

SingleInstance::SingleInstance(const QString& name, QObject* parent)
    : QObject(parent), name_(name), server_(new QLocalServer(this)) {
    server_->setSocketOptions(QLocalServer::UserAccessOption);  // this user only
    connect(server_, &QLocalServer::newConnection, this, &SingleInstance::onNewConnection);
}

SingleInstance::~SingleInstance() { server_->close(); }

bool SingleInstance::listen() {
    // Launches at the same moment take turns (a crashed holder's lock goes stale); without the
    // lock both could find the name free, and the later listen would replace the earlier's socket.
    QLockFile lock(lockPath());
    lock.setStaleLockTime(10000);
    const bool locked = lock.tryLock(3000);  // without it, go on: better two windows than none
    // A live instance answering on the name keeps it.
    QLocalSocket probe;
    probe.connectToServer(name_);
    if (probe.waitForConnected(1000)) {
        probe.abort();
        return false;
    }
    // Nobody answers: free, or a socket file a crashed instance left behind.
    QLocalServer::removeServer(name_);
    const bool listening = server_->listen(name_);
    if (locked) lock.unlock();
    return listening;
}

QString SingleInstance::lockPath() const {
    const QString path = QDir::isAbsolutePath(name_) ? name_ : QDir(QDir::tempPath()).filePath(name_);
    return path + QStringLiteral(".lock");
}

bool SingleInstance::isListening() const { return server_->isListening(); }

QString SingleInstance::fullServerName() const { return server_->fullServerName(); }

void SingleInstance::startDelivering() {
    delivering_ = true;
    const QList<QStringList> pending = std::exchange(pending_, {});
    for (const QStringList& files : pending) emit filesReceived(files);
}

void SingleInstance::onNewConnection() {
    while (QLocalSocket* socket = server_->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        if (server_->findChildren<QLocalSocket*>(Qt::FindDirectChildrenOnly).size() > kMaxConnections) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        // Never buffer more than one message; a client that stalls is dropped.
        socket->setReadBufferSize(kHeaderBytes + kMaxMessageBytes);
        QTimer::singleShot(kConnectionTimeoutMs, socket, [socket] {
            socket->abort();
            socket->deleteLater();
        });
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] { readMessage(socket); });
        readMessage(socket);
    }
}

void SingleInstance::readMessage(QLocalSocket* socket) {
    if (socket->property("gleanerDone").toBool() || socket->bytesAvailable() < kHeaderBytes) return;
    const QByteArray header = socket->peek(kHeaderBytes);
    const quint32 length = qFromBigEndian<quint32>(header.constData());
    if (length > kMaxMessageBytes) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    if (socket->bytesAvailable() < kHeaderBytes + length) return;
    socket->setProperty("gleanerDone", true);
    socket->read(kHeaderBytes);
    const QStringList files = acceptedPaths(socket->read(length));
    socket->write(kAck);
    socket->disconnectFromServer();  // after the acknowledgement is written
    deliver(files);
}

void SingleInstance::deliver(const QStringList& files) {
    if (delivering_)
        emit filesReceived(files);
    else
        pending_.append(files);
}

}  // namespace gleaner::ui
