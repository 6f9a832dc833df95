// The answer-model setting (Settings › Answer with): the dialog offers "the model above" and every
// installed model, saves the choice, keeps a saved file from elsewhere (marked when missing), and
// every job's engine choice carries it, so reading and answering share one engine.
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QtTest>

#include "app_settings.h"
#include "gui_test_support.h"
#include "inference_worker.h"
#include "settings_dialog.h"
#include "tiny_gguf.h"

using namespace gleaner;

class TestSettingsAnswerModel : public QObject {
    Q_OBJECT
    std::unique_ptr<test::IsolatedProfile> profile_;
    QString models_;

private slots:
    void initTestCase() {
        profile_ = std::make_unique<test::IsolatedProfile>();
        // A models folder of the test's own: two tiny models the test writes.
        models_ = profile_->path() + "/models";
        QVERIFY(QDir().mkpath(models_));
        qputenv("GLEANER_MODELS_DIR", models_.toLocal8Bit());
        test::TinyGguf().write((models_ + "/reader.gguf").toStdString());
        test::TinyGguf().write((models_ + "/larger.gguf").toStdString());
    }

    void defaultsToTheReadingModel() {
        QVERIFY(app::AppSettings().answerModelPath().isEmpty());
        QVERIFY(app::engine_choice(app::AppSettings()).answerModelPath.isEmpty());
    }

    void theDialogOffersInstalledModelsAndSavesTheChoice() {
        {
            ui::SettingsDialog dialog;
            dialog.modelPathEdit()->setText(models_ + "/reader.gguf");  // OK needs a model that loads
            auto* answer = dialog.findChild<QComboBox*>(QStringLiteral("answerModel"));
            QVERIFY(answer);
            QCOMPARE(answer->count(), 3);  // the model above, larger, reader
            QVERIFY(answer->currentData().toString().isEmpty());
            const int larger = answer->findData(models_ + "/larger.gguf");
            QVERIFY(larger > 0);
            QCOMPARE(answer->itemText(larger), QStringLiteral("larger"));
            answer->setCurrentIndex(larger);
            dialog.accept();
        }
        QCOMPARE(app::AppSettings().answerModelPath(), models_ + "/larger.gguf");
        const app::EngineChoice choice = app::engine_choice(app::AppSettings());
        QCOMPARE(choice.answerModelPath, models_ + "/larger.gguf");
        QCOMPARE(choice.modelPath, models_ + "/reader.gguf");
        ui::SettingsDialog again;  // shows what was saved
        QCOMPARE(again.findChild<QComboBox*>(QStringLiteral("answerModel"))->currentData().toString(),
                 models_ + "/larger.gguf");
    }

    void aSavedFileFromElsewhereStaysListed() {
        const QString gone = profile_->path() + "/elsewhere/gone.gguf";
        app::AppSettings().setAnswerModelPath(gone);
        ui::SettingsDialog dialog;
        auto* answer = dialog.findChild<QComboBox*>(QStringLiteral("answerModel"));
        QCOMPARE(answer->currentData().toString(), gone);
        QVERIFY(answer->currentText().contains("missing"));
        answer->setCurrentIndex(0);  // back to the model above
        dialog.modelPathEdit()->setText(models_ + "/reader.gguf");
        dialog.accept();
        QVERIFY(app::AppSettings().answerModelPath().isEmpty());
    }
};

QTEST_MAIN(TestSettingsAnswerModel)
#include "test_settings_answer_model.moc"
