#pragma once
// What the GUI suites share: a private profile (library, settings) per test program, and waiting
// for the program's asynchronous steps the way a user waits for them.
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "application_setup.h"
#include "main_window.h"
#include "test_support.h"

namespace gleaner::test {

// Points XDG_DATA_HOME / XDG_CONFIG_HOME at a temporary directory so the suite never touches the
// user's library or settings; keeps the installed models reachable through GLEANER_MODELS_DIR.
// Create it before the first QSettings is used.
class IsolatedProfile {
public:
    IsolatedProfile() {
        const QString models = modelsDir();  // resolved before XDG_DATA_HOME moves
        qputenv("GLEANER_MODELS_DIR", models.toLocal8Bit());
        qunsetenv("GLEANER_LIBRARY");
        // The desktop suites test the program, not the model: they run on the small, fast SmolLM2
        // (the shipped default, Qwen2.5-Coder-0.5B, is asked in integration.answers).
        qputenv("GLEANER_MODEL", smollm2Path().toLocal8Bit());
        qputenv("XDG_DATA_HOME", (dir_.path() + "/data").toLocal8Bit());
        qputenv("XDG_CONFIG_HOME", (dir_.path() + "/config").toLocal8Bit());
        qputenv("XDG_CACHE_HOME", (dir_.path() + "/cache").toLocal8Bit());  // reading memories
        ui::configureApplication();
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir_.path() + "/config");
        // Keep answers short and on two threads: the machines running the suites are shared.
        QSettings s;
        s.setValue("engine/maxAnswerTokens", 24);
        s.setValue("engine/contextTokens", 512);
        s.setValue("engine/threads", 2);
        // Suites that are not about reading keep the model idle; the reading suite turns it on.
        s.setValue("engine/readOnOpen", false);
    }
    QString path() const { return dir_.path(); }
    QString libraryPath() const { return dir_.path() + "/data/gleaner/library.sqlite3"; }

private:
    QTemporaryDir dir_;
};

// A new main window at the size the suites' coordinates assume, shown; true once it is exposed.
inline bool showNewMainWindow(std::unique_ptr<ui::MainWindow>& w) {
    w = std::make_unique<ui::MainWindow>();
    w->resize(1300, 850);
    w->show();
    return QTest::qWaitForWindowExposed(w.get());
}

// Opens a document as a user would and waits for it to be shown.
inline bool openAndWait(ui::MainWindow& w, const QString& path, int timeoutMs = 30000) {
    QSignalSpy opened(&w, &ui::MainWindow::documentOpened);
    w.openDocument(path);
    return opened.wait(timeoutMs);
}

}  // namespace gleaner::test
