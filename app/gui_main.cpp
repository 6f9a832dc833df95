// gleaner: the desktop program.
#include <QApplication>
#include <QCommandLineParser>

#include "gleaner_version.h"
#include "main_window.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("Gleaner");
    QApplication::setOrganizationName("Gleaner");
    QApplication::setApplicationVersion(GLEANER_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription("Ask questions about whole books with a local LLM.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("file", "Book or document to open (txt, md, html, pdf, epub).");
    parser.process(app);

    gleaner::ui::MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty()) window.openDocument(parser.positionalArguments().first());
    return app.exec();
}
