#include "application_setup.h"

#include <QApplication>
#include <QDialog>
#include <QDir>
#include <QFileInfo>
#include <QIcon>

#include <cstdio>

#include "app_settings.h"
#include "gleaner_version.h"
#include "model_catalog.h"
#include "model_manager_download.h"
#include "model_manager_first_run.h"
#include "single_instance.h"

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

bool handToRunningInstance(const QStringList& files, std::unique_ptr<SingleInstance>& server) {
    server.reset();
    const QString name = SingleInstance::serverName();
    bool connected = false;
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (SingleInstance::sendToRunning(name, files, 5000, &connected)) {
            // The running window ignores what it cannot open; say which, here where it was asked.
            QStringList absolute;
            for (const QString& f : files) absolute.append(QFileInfo(f).absoluteFilePath());
            if (const int fit = SingleInstance::filesThatFit(absolute); fit < absolute.size())
                std::fprintf(stderr, "gleaner: too many files at once; the running window got the first %d\n", fit);
            for (const QString& f : files) {
                if (!QFileInfo(f).isFile())
                    std::fprintf(stderr, "gleaner: not a file, not opened: %s\n", qPrintable(f));
            }
            return true;
        }
        if (connected) {
            std::fprintf(stderr, "gleaner: the running Gleaner did not answer; starting another\n");
            return false;
        }
        auto candidate = std::make_unique<SingleInstance>(name);
        if (candidate->listen()) {
            server = std::move(candidate);
            return false;
        }
        // Another launch started listening meanwhile: hand the files to it.
    }
    return false;
}

}  // namespace gleaner::ui
