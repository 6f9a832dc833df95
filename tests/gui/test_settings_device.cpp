// The compute-device setting: the settings dialog offers the CPU, "automatic" and each CUDA
// device found, saves the choice, and the engine choice carries it (a GPU-less machine runs the
// CPU backend whatever is chosen).
#include <QComboBox>
#include <QLineEdit>
#include <QtTest>

#include "app_settings.h"
#include "gui_test_support.h"
#include "settings_dialog.h"
#include "tiny_gguf.h"

using namespace gleaner;

class TestSettingsDevice : public QObject {
    Q_OBJECT
    std::unique_ptr<test::IsolatedProfile> profile_;

private slots:
    void initTestCase() { profile_ = std::make_unique<test::IsolatedProfile>(); }

    void defaultsToTheCpuAndIgnoresInvalidValues() {
        app::AppSettings s;
        QCOMPARE(s.device(), QStringLiteral("cpu"));
        s.setDevice(QStringLiteral("cuda:1"));
        QCOMPARE(app::AppSettings().device(), QStringLiteral("cuda:1"));
        s.setDevice(QStringLiteral("tpu"));
        QCOMPARE(app::AppSettings().device(), QStringLiteral("cpu"));
    }

    void theDialogOffersAndSavesTheDevice() {
        app::AppSettings().setDevice(QStringLiteral("cuda:3"));  // e.g. saved on another machine
        ui::SettingsDialog dialog;
        // OK saves only with a model that loads: a tiny one the test writes, so that this suite
        // needs no downloaded model.
        const QString model = profile_->path() + "/tiny.gguf";
        test::TinyGguf().write(model.toStdString());
        dialog.modelPathEdit()->setText(model);
        auto* device = dialog.findChild<QComboBox*>(QStringLiteral("device"));
        QVERIFY(device);
        QVERIFY(device->findData(QStringLiteral("cpu")) >= 0);
        QVERIFY(device->findData(QStringLiteral("auto")) >= 0);
        QCOMPARE(device->currentData().toString(), QStringLiteral("cuda:3"));  // kept, marked not found
        device->setCurrentIndex(device->findData(QStringLiteral("auto")));
        dialog.accept();
        QCOMPARE(app::AppSettings().device(), QStringLiteral("auto"));
    }
};

QTEST_MAIN(TestSettingsDevice)
#include "test_settings_device.moc"
