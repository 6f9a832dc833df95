#include "application_setup.h"

#include <QApplication>
#include <QDir>
#include <QIcon>

#include "gleaner_version.h"

// The icons are compiled into this static library; a static library's resources must be
// registered by name, as nothing else references them and the linker would drop them.
static void initGleanerResources() { Q_INIT_RESOURCE(gleaner); }

namespace gleaner::ui {

void configureApplication() {
    initGleanerResources();
    QApplication::setApplicationName(QStringLiteral("Gleaner"));
    QApplication::setOrganizationName(QStringLiteral("Gleaner"));
    QApplication::setApplicationVersion(QStringLiteral(GLEANER_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("gleaner"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/gleaner.svg")));
    // Outside a desktop session (a bare X server, some window managers) Qt finds no icon theme
    // and toolbars fall back to text. Use a freedesktop theme that is installed, if any.
    if (QIcon::themeName().isEmpty() || QIcon::themeName() == QLatin1String("hicolor")) {
        for (const char* theme : {"breeze", "Adwaita", "oxygen", "Tango"}) {
            for (const QString& dir : QIcon::themeSearchPaths()) {
                if (QDir(dir + "/" + QLatin1String(theme)).exists(QStringLiteral("index.theme"))) {
                    QIcon::setThemeName(QLatin1String(theme));
                    return;
                }
            }
        }
    }
}

}  // namespace gleaner::ui
