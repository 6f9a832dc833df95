#include "application_setup.h"

#include <QApplication>
#include <QDialog>
#include <QDir>
#include <QIcon>

#include "app_settings.h"
#include "gleaner_version.h"
#include "model_catalog.h"
#include "model_manager_download.h"
#include "model_manager_first_run.h"

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

bool offerDefaultModel(QWidget* parent) {
    if (!shouldOfferDefaultModel()) return false;
    FirstRunModelDialog dialog(default_catalog_model(), ModelDownloadTask::configuredSource(), parent);
    const bool installed = dialog.exec() == QDialog::Accepted;
    app::AppSettings settings;
    if (dialog.declined()) settings.setModelOfferDeclined(true);
    if (installed) settings.setModelPath(QString());  // a configured file that is gone: use the new default
    return installed;
}

}  // namespace gleaner::ui
