// gleaner: the desktop program.
#include <QApplication>
#include <QCommandLineParser>

#include <csignal>

#include "application_setup.h"
#include "main_window.h"

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
    parser.addPositionalArgument("files", "Books or documents to open (pdf, epub, txt, md, html); the first is "
                                          "opened, the others are added to the library.",
                                 "[files...]");
    parser.process(app);

    // The first start without a model offers to download the default one, before the window is
    // built so that the window starts with the model in place.
    gleaner::ui::offerDefaultModel();

    gleaner::ui::MainWindow window;
    window.show();
    QStringList files = parser.positionalArguments();
    if (files.isEmpty()) {
        window.restoreSession();  // the book that was open last time, where the reader left it
    } else {
        window.openDocument(files.takeFirst());
        window.addToLibrary(files);
    }
    return app.exec();
}
