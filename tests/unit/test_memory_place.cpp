// Where reading memories live (memory_place.h) and the model file's remembered identity
// (model_identity.h): no model needed.
#include <QtTest>

#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "content_hash.h"
#include "memory_place.h"
#include "model_identity.h"

using namespace gleaner;
namespace fs = std::filesystem;

namespace {
void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}
std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), {}};
}
const std::string kIdA(64, 'a');
const std::string kIdB = std::string(63, '0') + "1";
}  // namespace

class TestMemoryPlace : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::string root() const { return tmp_.path().toStdString(); }

private slots:
    void aBooksMemoriesLiveUnderItsIdentity() {
        QCOMPARE(QString::fromStdString(document_memory_dir("/c", kIdA, 7)), QString::fromStdString("/c/" + kIdA));
        // No identity: named by the text.
        QCOMPARE(QString::fromStdString(document_memory_dir("/c", "", 0x1f)), QString("/c/text-000000000000001f"));
    }

    void anIdentityThatIsNotASha256IsRefused_data() {
        QTest::addColumn<QString>("id");
        QTest::newRow("traversal") << "../../etc";
        QTest::newRow("absolute") << ("/" + QString(63, 'a'));
        QTest::newRow("short") << QString(63, 'a');
        QTest::newRow("upper case") << QString(64, 'A');
        QTest::newRow("slash inside") << (QString(32, 'a') + "/" + QString(31, 'a'));
    }
    void anIdentityThatIsNotASha256IsRefused() {
        QFETCH(QString, id);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, document_memory_dir(root(), id.toStdString(), 0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, remove_document_memories(root(), id.toStdString()));
    }

    void removingABooksMemoriesLeavesOtherBooksAlone() {
        const std::string a = document_memory_dir(root(), kIdA, 0), b = document_memory_dir(root(), kIdB, 0);
        for (const std::string& m : {a + "/m1", a + "/m2", b + "/m1"}) fs::create_directories(m);
        write_file(a + "/m1/keys.f16", std::string(1000, 'k'));
        write_file(a + "/m2/tokens.bin", std::string(24, 't'));
        write_file(b + "/m1/keys.f16", std::string(5, 'k'));
        const StoredMemories there = document_memories(root(), kIdA);
        QCOMPARE(there.count, 2);
        QCOMPARE(there.bytes, uint64_t(1024));
        const StoredMemories removed = remove_document_memories(root(), kIdA);
        QCOMPARE(removed.count, 2);
        QVERIFY(!fs::exists(a));
        QVERIFY(fs::exists(b + "/m1/keys.f16"));
        QCOMPARE(document_memories(root(), kIdA).count, 0);  // nothing there: nothing to remove
        QCOMPARE(remove_document_memories(root(), kIdA).count, 0);
    }

    // The model's hash is remembered while the file is unchanged, and taken again when it changes.
    void theModelsIdentityIsRememberedUntilTheFileChanges() {
        const std::string cache = root() + "/ids", model = root() + "/model.gguf";
        write_file(model, std::string(4096, 'w'));
        const std::string real = hash_hex(file_content_hash(model));
        QCOMPARE(QString::fromStdString(model_file_identity(model, cache)), QString::fromStdString(real));
        // Prove the second answer comes from the store: plant another hash there.
        const std::string store = cache + "/model-identities";
        std::string lines = read_file(store);
        QVERIFY(lines.find(real) != std::string::npos);
        const std::string planted(16, 'e');
        lines.replace(lines.find(real), real.size(), planted);
        write_file(store, lines);
        QCOMPARE(QString::fromStdString(model_file_identity(model, cache)), QString::fromStdString(planted));
        // Rewritten with other weights of the same size: hashed again.
        struct stat before {};
        ::stat(model.c_str(), &before);
        write_file(model, std::string(4096, 'x'));
        struct timespec times[2] = {before.st_atim, before.st_mtim};
        times[1].tv_nsec = (times[1].tv_nsec + 1000) % 1000000000;  // a different modification time
        QCOMPARE(::utimensat(AT_FDCWD, model.c_str(), times, 0), 0);
        const std::string changed = hash_hex(file_content_hash(model));
        QVERIFY(changed != real);
        QCOMPARE(QString::fromStdString(model_file_identity(model, cache)), QString::fromStdString(changed));
        QVERIFY(read_file(store).find(planted) == std::string::npos);  // the stale line is gone
    }

    void aCacheThatCannotBeWrittenStillGivesTheIdentity() {
        const std::string model = root() + "/m2.gguf";
        write_file(model, "GGUF and some weights");
        const std::string blocker = root() + "/a-file";
        write_file(blocker, "x");
        // The cache root lies under a regular file: nothing can be created there.
        QCOMPARE(QString::fromStdString(model_file_identity(model, blocker + "/cache")),
                 QString::fromStdString(hash_hex(file_content_hash(model))));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, model_file_identity(root() + "/absent.gguf", root()));
    }
};

QTEST_GUILESS_MAIN(TestMemoryPlace)
#include "test_memory_place.moc"
