// gleaner: the desktop program.
#include <QApplication>
#include <QCommandLineParser>

#include <csignal>
#include <memory>

#include "application_setup.h"
#include "main_window.h"
#include "single_instance.h"

int main(int argc, char** argv) {
    // Past a file-size limit (ulimit -f) a write fails with EFBIG, which the reading memory
    // reports with the directory and the room needed; the default SIGXFSZ would close the window
    // instead (gleaner-cli does the same).
    std::signal(SIGXFSZ, SIG_IGN);
    QApplication app(argc, argv);
    gleaner::ui::configureApplication();

    QCommandLineParser parser;
    parser.setApplicationDescription("Ask questions about whole books with a local LLM.");
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption newInstance(
        "new-instance", "Start a separate program even when Gleaner already runs on this library (for "
                        "developers; also GLEANER_NEW_INSTANCE=1). Otherwise the files go to the running window.");
    parser.addOption(newInstance);
    parser.addPositionalArgument("files", "Books or documents to open (pdf, epub, txt, md, html); the first is "
                                          "opened, the others are added to the library.",
                                 "[files...]");
    parser.process(app);
    QStringList files = parser.positionalArguments();

    // One program per library: a second launch hands its files to the running window and exits
    // (before the first-run offer and the window, which would open the same library).
    std::unique_ptr<gleaner::ui::SingleInstance> instance;
    if (!parser.isSet(newInstance) && qEnvironmentVariable("GLEANER_NEW_INSTANCE", "0") == QLatin1String("0")) {
        if (gleaner::ui::handToRunningInstance(files, instance)) return 0;  // the running window took them
    }

    // The first start without a model offers to download the default one, before the window is
    // built so that the window starts with the model in place.
    gleaner::ui::offerDefaultModel();

    gleaner::ui::MainWindow window;
    window.show();
    if (files.isEmpty()) {
        window.restoreSession();  // the book that was open last time, where the reader left it
    } else {
        window.openDocument(files.takeFirst());
        window.addToLibrary(files);
    }
    if (instance) {
        // Files from later launches: the first is opened, the others added; the window comes forward.
        QObject::connect(instance.get(), &gleaner::ui::SingleInstance::filesReceived, &window,
                         [&window](QStringList received) {
                             if (!received.isEmpty()) {
                                 window.openDocument(received.takeFirst());
                                 window.addToLibrary(received);
                             }
                             window.setWindowState((window.windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
                             window.show();
                             window.raise();
                             window.activateWindow();
                         });
        instance->startDelivering();
    }
    return app.exec();
}
