// The answer-model setting (Settings › Answer with): by default the installed Qwen2.5-Coder-1.5B
// answers when the default model reads; the dialog offers the default, "the model above" and every
// installed model, saves the choice, keeps a saved file from elsewhere (marked when missing), and
// every job's engine choice carries it, so reading and answering share one engine.
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QtTest>

#include "app_settings.h"
#include "gui_test_support.h"
#include "inference_worker.h"
#include "model_paths.h"
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

    void byDefaultTheLargerModelAnswersForTheDefaultModel() {
        qunsetenv("GLEANER_ANSWER_MODEL");  // the test runner sets it to "none" for every other suite
        QVERIFY(app::AppSettings().answerModelChoice().isEmpty());
        // the default model reads, and the default answer model is not installed: it answers itself
        const QString reading_default = models_ + "/" + kDefaultModelFile;
        test::TinyGguf().write(reading_default.toStdString());
        qputenv("GLEANER_MODEL", reading_default.toLocal8Bit());  // the profile's default is SmolLM2
        QVERIFY(app::AppSettings().answerModelPath().isEmpty());
        // installed: it answers, for the default model only
        const QString larger_default = models_ + "/" + kDefaultAnswerModelFile;
        test::TinyGguf().write(larger_default.toStdString());
        QCOMPARE(app::AppSettings().answerModelPath(), larger_default);
        QCOMPARE(app::engine_choice(app::AppSettings()).answerModelPath, larger_default);
        {
            ui::SettingsDialog dialog;
            auto* answer = dialog.findChild<QComboBox*>(QStringLiteral("answerModel"));
            QVERIFY(answer->currentData().toString().isEmpty());
            QVERIFY2(answer->currentText().contains("1.5b"), qPrintable(answer->currentText()));
            dialog.modelPathEdit()->setText(models_ + "/reader.gguf");  // a model the user picked answers itself
            QCOMPARE(answer->currentText(), QStringLiteral("Default: the model above"));
        }
        app::AppSettings().setModelPath(models_ + "/reader.gguf");
        QVERIFY(app::AppSettings().answerModelPath().isEmpty());
        app::AppSettings().setModelPath(QString());
        // "none", saved or from the environment: the reading model answers
        app::AppSettings().setAnswerModelChoice(kNoAnswerModel);
        QVERIFY(app::AppSettings().answerModelPath().isEmpty());
        app::AppSettings().setAnswerModelChoice(QString());
        qputenv("GLEANER_ANSWER_MODEL", kNoAnswerModel);
        QVERIFY(app::AppSettings().answerModelPath().isEmpty());
        qunsetenv("GLEANER_ANSWER_MODEL");
        QCOMPARE(app::AppSettings().answerModelPath(), larger_default);
    }

    void theDialogOffersInstalledModelsAndSavesTheChoice() {
        {
            ui::SettingsDialog dialog;
            dialog.modelPathEdit()->setText(models_ + "/reader.gguf");  // OK needs a model that loads
            auto* answer = dialog.findChild<QComboBox*>(QStringLiteral("answerModel"));
            QVERIFY(answer);
            QVERIFY(answer->currentData().toString().isEmpty());  // the default
            QCOMPARE(answer->itemData(1).toString(), QString::fromLatin1(kNoAnswerModel));  // the model above
            QCOMPARE(answer->count(), 6);  // and the 4 installed: larger, both Qwen, reader
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
        app::AppSettings().setAnswerModelChoice(gone);
        ui::SettingsDialog dialog;
        auto* answer = dialog.findChild<QComboBox*>(QStringLiteral("answerModel"));
        QCOMPARE(answer->currentData().toString(), gone);
        QVERIFY(answer->currentText().contains("missing"));
        answer->setCurrentIndex(1);  // the model above
        dialog.modelPathEdit()->setText(models_ + "/reader.gguf");
        dialog.accept();
        QCOMPARE(app::AppSettings().answerModelChoice(), QString::fromLatin1(kNoAnswerModel));
        QVERIFY(app::AppSettings().answerModelPath().isEmpty());
    }
};

QTEST_MAIN(TestSettingsAnswerModel)
#include "test_settings_answer_model.moc"
