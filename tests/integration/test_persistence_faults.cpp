// Disk faults against what Gleaner persists (issue 14, "nothing lost, nothing crashed"):
//  - a full disk (the process's file-size limit, and a real full tmpfs where the test may mount
//    one) is an error naming the directory and the room needed, never a SIGBUS; the old file of
//    an atomic write survives, and a read stopped by it resumes from its last checkpoint;
//  - every file of a reading memory, flipped or cut short, is refused with an error naming it,
//    and values no checksum can vouch for (NaN keys, token ids outside the vocabulary) too;
//  - a complete memory in a read-only cache answers as before; the library lists from a
//    read-only or full data directory;
//  - two readers of one book: the second waits for the first and reads nothing itself.
// Crashes are provoked in forked children, so that a signal fails one test instead of the run.
#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <mutex>
#include <sstream>
#include <thread>

#include "context_method.h"
#include "damaged_file.h"
#include "growable_array.h"
#include "library_store.h"
#include "model.h"
#include "qa_prompt.h"
#include "reading.h"
#include "reading_files.h"
#include "sealed_file.h"
#include "small_reading_settings.h"
#include "test_support.h"
#include "value_checks.h"

using namespace gleaner;
namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string& path) { return test::fileBytes(path); }

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// What a forked child reported: the string its function returned, or "error: " and the text of
// the exception it threw.
struct ChildOutcome {
    bool exited = false;  // by _exit, not killed by a signal
    int signal = 0;
    std::string message;
};

// Runs fn in a forked child and brings its report back through a pipe. The child does nothing
// else (no test framework, no model threads), so a SIGBUS or SIGXFSZ there is seen here as a
// signal, where in-process it would end the whole suite.
ChildOutcome run_in_child(const std::function<std::string()>& fn) {
    int fds[2];
    if (::pipe(fds) != 0) return {};
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        std::string out;
        try {
            out = fn();
        } catch (const std::exception& e) {
            out = std::string("error: ") + e.what();
        }
        for (size_t done = 0; done < out.size();) {
            const ssize_t w = ::write(fds[1], out.data() + done, out.size() - done);
            if (w <= 0) break;
            done += static_cast<size_t>(w);
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    ChildOutcome r;
    char buf[4096];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) r.message.append(buf, static_cast<size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exited = WIFEXITED(status);
    r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    return r;
}

// The file-size limit of this process (RLIMIT_FSIZE), with SIGXFSZ ignored so that a write past
// it fails with EFBIG: the same errors a full disk gives, without mounting anything.
void limit_file_size(rlim_t bytes) {
    std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl {};
    ::getrlimit(RLIMIT_FSIZE, &rl);
    rl.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &rl);
}

// Lifts the limit again (to the hard limit) and restores SIGXFSZ, for in-process tests.
void unlimit_file_size() {
    struct rlimit rl {};
    ::getrlimit(RLIMIT_FSIZE, &rl);
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_FSIZE, &rl);
    std::signal(SIGXFSZ, SIG_DFL);
}

// Drops, for the calling thread only, the capabilities that let root ignore file permissions:
// after it a chmod a-w directory is read-only for this thread as for any user (tests run as
// root in the CI containers).
bool drop_file_capabilities_of_this_thread() {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (::syscall(SYS_capget, &hdr, data) != 0) return false;
    for (const int cap : {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER}) {
        data[cap / 32].effective &= ~(1u << (cap % 32));
        data[cap / 32].permitted &= ~(1u << (cap % 32));
    }
    return ::syscall(SYS_capset, &hdr, data) == 0;
}

// chmod of a tree: a read-only cache (mode 0) or a writable one again.
void set_writable(const std::string& root, bool writable) {
    const auto perms = fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write;
    const auto how = writable ? fs::perm_options::add : fs::perm_options::remove;
    for (const auto& e : fs::recursive_directory_iterator(root)) fs::permissions(e.path(), perms, how);
    fs::permissions(root, perms, how);
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

MethodSettings small_settings() { return test::small_reading_settings(); }

// The files a complete memory reads (meta is a description for people and never read).
const char* const kCompleteFiles[] = {reading_files::kTokens, reading_files::kState, reading_files::kTail,
                                      reading_files::kKeys};

}  // namespace

class TestPersistenceFaults : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    std::unique_ptr<Model> model_;
    std::unique_ptr<Backend> backend_;
    std::string model_path_;
    std::string text_;
    std::string reference_dir_;  // a complete, uninterrupted read
    std::string partial_dir_;    // a read stopped after 1024 tokens
    AnswerResult reference_answer_;

    std::string root(const char* name) const { return tmp_.filePath(name).toStdString(); }

    std::unique_ptr<ReadingMemory> open(const std::string& cache_root) const {
        return ReadingMemory::open(cache_root, model_path_, *model_, *backend_, text_,
                                   reading_settings(*model_, small_settings()));
    }

    // A copy of a memory directory under a new cache root (same place under it: the document's
    // directory, then the key, so open() finds it).
    std::string copy_memory(const std::string& dir, const std::string& cache_root) const {
        const fs::path from(dir);
        const std::string to = (fs::path(cache_root) / from.parent_path().filename() / from.filename()).string();
        fs::create_directories(fs::path(to).parent_path());
        fs::copy(dir, to, fs::copy_options::recursive);
        return to;
    }

    // A short answer from few selected tokens: what is compared is that it is the same answer.
    AnswerResult ask(const ReadingMemory& m) const {
        MethodSettings s = small_settings();
        s.set("k", "64");
        s.set("span", "16");
        s.set("probe_tokens", "2");
        auto method = make_gleaner_method(*model_, *backend_, m, s);
        const QaPrompt p = build_qa_prompt(*model_, m.doc_ids(), "Who is the story about?");
        GenerationOptions opt;
        opt.max_tokens = 4;
        return answer_question(*method, model_->tokenizer(), p, opt);
    }

    // The error open() + read() give for the memory under cache_root ("" when none).
    std::string error_of_using(const std::string& cache_root) const {
        try {
            auto m = open(cache_root);
            m->read();
            ask(*m);
        } catch (const DamagedFileError& e) {
            return e.what();
        } catch (const std::exception& e) {
            return std::string("(not a DamagedFileError) ") + e.what();
        }
        return "";
    }

    // Asserts that the memory under cache_root is refused, naming `file` and how to recover.
    void expect_damaged(const std::string& cache_root, const std::string& file, const char* fault) {
        const std::string err = error_of_using(cache_root);
        const std::string where = std::string(fault) + " " + file + ": " + (err.empty() ? "accepted" : err);
        QVERIFY2(contains(err, "/" + file + " is damaged"), where.c_str());
        QVERIFY2(contains(err, "rm -r '"), where.c_str());
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        GLEANER_REQUIRE_MODEL(test::smollm2Path());
        model_path_ = test::smollm2Path().toStdString();
        model_ = Model::load(model_path_);
        backend_ = make_cpu_backend(2);
        text_ = read_file(test::dataFile("ppl_excerpt.txt").toStdString()).substr(0, 7000);  // ~1.9k tokens

        // the reference read, copied when it stops after 1024 tokens for the partial memory
        auto ref = open(root("reference"));
        ref->read({}, nullptr, 1024);
        QCOMPARE(ref->done(), int64_t(1024));
        partial_dir_ = copy_memory(ref->dir(), root("partial"));
        ref->read();
        QVERIFY(ref->complete());
        reference_dir_ = ref->dir();
        reference_answer_ = ask(*ref);
        QVERIFY(!reference_answer_.text.empty());
    }

    // ---- a full disk ----------------------------------------------------------------------

    void mappedBytesGrowthPastTheLimitIsAnError() {
        const std::string dir = root("grow-bytes");
        fs::create_directories(dir);
        const std::string file = dir + "/grow.bin";
        const ChildOutcome r = run_in_child([&] {
            MappedBytes b(file);
            b.resize(100000);
            std::memset(b.data(), 0xab, b.size());
            limit_file_size(1 << 20);
            try {
                b.resize(8 << 20);
                std::memset(b.data(), 0xcd, b.size());  // past the limit: SIGBUS if not reserved
                return std::string("grew past the limit");
            } catch (const std::exception& e) {
                // what was there is still there, and the object still works at its old size
                for (size_t i = 0; i < 100000; ++i)
                    if (b.data()[i] != 0xab) return std::string("bytes lost: ") + e.what();
                b.resize(200000);
                b.data()[199999] = 1;
                return std::string(e.what()) + " |size " + std::to_string(b.size());
            }
        });
        QVERIFY2(r.exited, qPrintable(QString("killed by signal %1").arg(r.signal)));
        QVERIFY2(contains(r.message, "in " + dir + ":"), r.message.c_str());
        QVERIFY2(contains(r.message, "grow.bin needs ") && contains(r.message, " MB more"), r.message.c_str());
        QVERIFY2(contains(r.message, "|size 200000"), r.message.c_str());
        QCOMPARE(fs::file_size(file), uintmax_t(1) << 20);  // the failed growth left no partial reservation
    }

    void mappedArrayGrowthPastTheLimitIsAnError() {
        const std::string dir = root("grow-array");
        fs::create_directories(dir);
        const ChildOutcome r = run_in_child([&] {
            GrowableArray<float> a(make_mapped_bytes(dir + "/layer00_k.f32"));
            a.resize(1000);
            for (size_t i = 0; i < 1000; ++i) a.data()[i] = static_cast<float>(i);
            limit_file_size(1 << 20);
            try {
                a.resize(4 << 20);
                std::fill(a.data(), a.data() + a.size(), 1.0f);
                return std::string("grew past the limit");
            } catch (const std::exception& e) {
                if (a.size() != 1000 || a.data()[999] != 999.0f) return std::string("array damaged: ") + e.what();
                return std::string(e.what());
            }
        });
        QVERIFY2(r.exited, qPrintable(QString("killed by signal %1").arg(r.signal)));
        QVERIFY2(contains(r.message, "file-size limit") && contains(r.message, "in " + dir + ":"), r.message.c_str());
        QVERIFY2(contains(r.message, "layer00_k.f32 needs "), r.message.c_str());
    }

    // A real full disk: a 1 MB tmpfs (needs the right to mount, in a mount namespace of the
    // child's own; skipped where that is not allowed). Stores into a sparse mapping fault there.
    void mappedBytesOnAFullTmpfsIsAnError() {
        const std::string dir = root("tmpfs");
        fs::create_directories(dir);
        const ChildOutcome r = run_in_child([&] {
            if (::unshare(CLONE_NEWNS) != 0 || ::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
                ::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=1m") != 0)
                return std::string("skip: cannot mount a tmpfs here");
            MappedBytes b(dir + "/keys.f16");
            try {
                b.resize(4 << 20);
                std::memset(b.data(), 1, b.size());
                return std::string("wrote 4 MB into a 1 MB filesystem");
            } catch (const std::exception& e) {
                return std::string(e.what());
            }
        });
        if (contains(r.message, "skip:")) QSKIP(r.message.c_str());
        QVERIFY2(r.exited, qPrintable(QString("killed by signal %1").arg(r.signal)));
        QVERIFY2(contains(r.message, "not enough disk space in " + dir + ":"), r.message.c_str());
        QVERIFY2(contains(r.message, "keys.f16 needs "), r.message.c_str());
    }

    void atomicWriteOnAFullDiskKeepsTheOldFile() {
        const std::string dir = root("atomic");
        fs::create_directories(dir);
        const std::string file = dir + "/state";
        write_file_atomic(file, "the last checkpoint");
        const ChildOutcome r = run_in_child([&] {
            limit_file_size(64 << 10);
            write_file_atomic(file, std::string(1 << 20, 'x'));
            return std::string("wrote past the limit");
        });
        QVERIFY2(r.exited, qPrintable(QString("killed by signal %1").arg(r.signal)));
        QVERIFY2(contains(r.message, "in " + dir + ":") && contains(r.message, "needs 1.05 MB"), r.message.c_str());
        QCOMPARE(read_file(file), std::string("the last checkpoint"));
        QVERIFY(!fs::exists(file + ".tmp"));  // no half-written temporary left behind
    }

    // A read that runs out of room stops at its last checkpoint and resumes from it: the same
    // memory as an uninterrupted read. (In-process: a 1 MiB limit is reached by the layers'
    // block memory after 1365 tokens, past the second checkpoint.)
    void readStoppedByAFullDiskResumes() {
        auto m = open(root("full"));
        std::string err;
        limit_file_size(1 << 20);
        try {
            m->read();
        } catch (const std::exception& e) {
            err = e.what();
        }
        unlimit_file_size();
        QVERIFY2(contains(err, "file-size limit (ulimit -f) in " + m->dir() + ":"), err.c_str());
        QVERIFY2(contains(err, "Reading this book needs about "), err.c_str());
        QVERIFY2(m->done() >= 1024 && m->done() < m->total(), qPrintable(QString::number(m->done())));
        QCOMPARE(open(root("full"))->done(), m->done());  // the checkpoint on disk is intact
        m->read();
        QVERIFY(m->complete());
        for (const char* f : kCompleteFiles)
            QVERIFY2(read_file(m->dir() + "/" + f) == read_file(reference_dir_ + "/" + f), f);
    }

    // ---- damaged files --------------------------------------------------------------------

    void sealedFilesRefuseDamage() {
        const std::string file = root("sealed.bin");
        write_sealed_file(file, reading_files::kStateKind, 7, "payload bytes");
        std::string payload;
        QVERIFY(read_sealed_file(file, reading_files::kStateKind, 7, payload));
        QCOMPARE(payload, std::string("payload bytes"));
        QVERIFY(!read_sealed_file(root("absent.bin"), reading_files::kStateKind, 7, payload));
        const std::string good = read_file(file);
        auto refused = [&](const std::string& bytes, uint32_t kind, uint32_t version, const char* why) {
            write_file(file, bytes);
            try {
                read_sealed_file(file, kind, version, payload);
            } catch (const DamagedFileError& e) {
                return e.path() == file && contains(e.what(), why);
            }
            return false;
        };
        std::string flipped = good;
        flipped[good.size() - 3] ^= 0x10;
        QVERIFY(refused(flipped, reading_files::kStateKind, 7, "checksum mismatch"));
        QVERIFY(refused(good.substr(0, good.size() - 1), reading_files::kStateKind, 7, "truncated"));
        QVERIFY(refused(good.substr(0, 10), reading_files::kStateKind, 7, "truncated"));
        QVERIFY(refused(good, reading_files::kTailKind, 7, "holds a 'STAT' file"));
        QVERIFY(refused(good, reading_files::kStateKind, 8, "format version 7"));
    }

    void valueChecksNameTheFileAndTheValue() {
        const uint16_t halves[] = {0x3c00, 0x0000, 0x7e00};  // 1.0, 0.0, NaN
        const float floats[] = {1.0f, -2.0f, std::numeric_limits<float>::infinity()};
        const int32_t ids[] = {5, 49151, 49152};
        auto message = [](const std::function<void()>& f) -> std::string {
            try {
                f();
            } catch (const DamagedFileError& e) {
                return e.path() + "|" + e.what();
            }
            return "accepted";
        };
        QCOMPARE(message([&] { check_finite_f16(halves, 2, "k"); }), std::string("accepted"));
        QVERIFY(contains(message([&] { check_finite_f16(halves, 3, "keys.f16"); }), "keys.f16|keys.f16 is damaged: value 2"));
        QVERIFY(contains(message([&] { check_finite(floats, 3, "tail.bin"); }), "tail.bin|tail.bin is damaged: value 2"));
        QCOMPARE(message([&] { check_token_ids(ids, 3, 49153, "t"); }), std::string("accepted"));
        QVERIFY(contains(message([&] { check_token_ids(ids, 3, 49152, "tokens.bin"); }), "token 2 has id 49152"));
    }

    void everyFileOfACompleteMemoryIsVerified() {
        int case_no = 0;
        for (const char* file : kCompleteFiles) {
            const uintmax_t size = fs::file_size(reference_dir_ + "/" + file);
            // a flipped byte in the middle and at the end, the file cut to half and to nothing
            for (const char* fault : {"flip-middle", "flip-last", "truncate-half", "empty"}) {
                const std::string cache = root(("damaged-" + std::to_string(case_no++)).c_str());
                const std::string path = copy_memory(reference_dir_, cache) + "/" + file;
                std::string bytes = read_file(path);
                if (!std::strcmp(fault, "flip-middle")) bytes[size / 2] ^= 0x04;
                if (!std::strcmp(fault, "flip-last")) bytes[size - 1] ^= 0x80;
                if (!std::strcmp(fault, "truncate-half")) bytes.resize(size / 2);
                if (!std::strcmp(fault, "empty")) bytes.clear();
                write_file(path, bytes);
                expect_damaged(cache, file, fault);
            }
        }
    }

    void aNanKeyIsRefused() {
        const std::string cache = root("nan-key");
        const std::string path = copy_memory(reference_dir_, cache) + "/" + reading_files::kKeys;
        std::string bytes = read_file(path);
        const uint16_t nan = 0x7e00;
        const size_t row = static_cast<size_t>(model_->config().n_kv_heads) * model_->config().head_dim;
        std::memcpy(&bytes[(5 * row + 3) * sizeof(uint16_t)], &nan, 2);  // token 5's fourth value
        write_file(path, bytes);
        expect_damaged(cache, reading_files::kKeys, "NaN key");
    }

    // Values a checksum cannot vouch for (the sealed files re-sealed around a bad value, as a
    // writer with a bug would leave them) are range-checked too.
    void outOfRangeValuesUnderAValidChecksumAreRefused() {
        using namespace reading_files;
        {
            const std::string cache = root("bad-token");
            const std::string path = copy_memory(reference_dir_, cache) + "/" + kTokens;
            std::string payload;
            QVERIFY(read_sealed_file(path, kTokensKind, kVersion, payload));
            const int32_t bad = model_->config().n_vocab + 7;
            std::memcpy(&payload[4 + 4 * 40], &bad, 4);  // token 40
            write_sealed_file(path, kTokensKind, kVersion, payload);
            expect_damaged(cache, kTokens, "token id past the vocabulary");
            QVERIFY(contains(error_of_using(cache), "outside the model's vocabulary"));
        }
        {
            const std::string cache = root("nan-score");
            const std::string path = copy_memory(reference_dir_, cache) + "/" + kTail;
            std::string payload;
            QVERIFY(read_sealed_file(path, kTailKind, kVersion, payload));
            const float nan = std::numeric_limits<float>::quiet_NaN();
            std::memcpy(&payload[payload.size() - 4], &nan, 4);  // the last layer's last score
            write_sealed_file(path, kTailKind, kVersion, payload);
            expect_damaged(cache, kTail, "NaN score");
            QVERIFY(contains(error_of_using(cache), "not a finite number"));
        }
    }

    // The block memory of an unfinished read is verified before the read resumes over it.
    void theBlockMemoryOfAnUnfinishedReadIsVerified() {
        int case_no = 0;
        for (const char* file : {"layer00_k.f16", "layer03_v.f16", "layer06_repr.f32", reading_files::kState,
                                 reading_files::kKeys}) {
            for (const char* fault : {"flip", "truncate"}) {
                const std::string cache = root(("partial-" + std::to_string(case_no++)).c_str());
                const std::string path = copy_memory(partial_dir_, cache) + "/" + file;
                std::string bytes = read_file(path);
                QVERIFY2(bytes.size() > 64, file);
                if (!std::strcmp(fault, "flip")) bytes[std::strcmp(file, "state") ? 40 : bytes.size() - 40] ^= 0x01;
                else bytes.resize(20);
                write_file(path, bytes);
                expect_damaged(cache, file, fault);
            }
        }
    }

    // ---- read-only caches and data directories ---------------------------------------------

    void aCompleteMemoryAnswersFromAReadOnlyCache() {
        const std::string cache = root("read-only");
        copy_memory(reference_dir_, cache);
        set_writable(cache, false);
        std::string err;
        AnswerResult answer;
        bool dropped = false;
        std::thread t([&] {  // only this thread loses root's right to write anywhere
            dropped = drop_file_capabilities_of_this_thread();
            try {
                auto m = open(cache);
                if (!m->complete()) throw std::runtime_error("not complete");
                m->read();  // nothing to do, nothing written
                answer = ask(*m);
            } catch (const std::exception& e) {
                err = e.what();
            }
        });
        t.join();
        set_writable(cache, true);
        QVERIFY(dropped);
        QVERIFY2(err.empty(), err.c_str());
        QCOMPARE(answer.text, reference_answer_.text);
        QCOMPARE(answer.trace.tokens.size(), reference_answer_.trace.tokens.size());
        for (size_t i = 0; i < answer.trace.tokens.size(); ++i)
            QCOMPARE(answer.trace.tokens[i].pos, reference_answer_.trace.tokens[i].pos);
    }

    // The library's listing from a data directory it cannot write: read-only, and full (the
    // file-size limit: SQLite cannot make its shared-memory file there).
    void theLibraryListsFromAReadOnlyOrFullDirectory() {
        const std::string dir = root("data");
        fs::create_directories(dir);
        const std::string db = dir + "/library.sqlite3";
        {
            LibraryStore store(db);
            store.add_document(LibraryDocument{0, "/books/alice.txt", "hash-alice", "text", "Alice", "Carroll", 0, 10, 1, 0, 0});
        }
        const auto list = [&] {
            LibraryStore store(db);
            std::string out;
            for (const LibraryDocument& d : store.documents()) out += d.title + ";";
            return out;
        };
        set_writable(dir, false);
        const ChildOutcome ro = run_in_child([&] {
            if (!drop_file_capabilities_of_this_thread()) return std::string("cannot drop capabilities");
            return list();
        });
        set_writable(dir, true);
        QVERIFY2(ro.exited && ro.message == "Alice;", ro.message.c_str());
        const ChildOutcome full = run_in_child([&] {
            limit_file_size(0);
            return list();
        });
        QVERIFY2(full.exited && full.message == "Alice;", full.message.c_str());
        QCOMPARE(list(), std::string("Alice;"));  // and it is still the writable library
    }

    // ---- two readers ------------------------------------------------------------------------

    // Two readers of one book: the second waits for the first (it is told so), then finds the
    // memory complete and reads nothing itself.
    void aSecondReaderWaitsAndReadsNothing() {
        auto first = open(root("two-readers"));
        auto second = open(root("two-readers"));
        std::mutex mu;
        std::condition_variable cv;
        bool first_started = false, second_waiting = false;
        int second_chunks = 0, second_waits = 0;
        std::thread reader([&] {
            first->read([&](const ReadingProgress&) {
                std::unique_lock lock(mu);
                first_started = true;
                cv.notify_all();
                // hold the read open until the second reader is seen waiting (or 20 s: then it
                // is not waiting, and the assertions below say so)
                cv.wait_for(lock, std::chrono::seconds(20), [&] { return second_waiting; });
            });
        });
        {
            std::unique_lock lock(mu);
            cv.wait(lock, [&] { return first_started; });
        }
        second->read([&](const ReadingProgress& p) {
            std::lock_guard lock(mu);
            if (p.waiting) {
                ++second_waits;
                second_waiting = true;
                cv.notify_all();
            } else {
                ++second_chunks;
            }
        });
        reader.join();
        QVERIFY(first->complete());
        QVERIFY(second->complete());
        QVERIFY(second_waits >= 1);
        QCOMPARE(second_chunks, 0);
        const size_t n = second->doc_ids().size() * second->key_row();
        QVERIFY(std::equal(second->doc_keys(), second->doc_keys() + n, first->doc_keys()));
        for (const char* f : kCompleteFiles)
            QVERIFY2(read_file(second->dir() + "/" + f) == read_file(reference_dir_ + "/" + f), f);
    }
};

QTEST_GUILESS_MAIN(TestPersistenceFaults)
#include "test_persistence_faults.moc"
