#pragma once
// The model manager (Settings › Manage Models…): the installed models with what each one is and
// how fast it runs here, and the catalog of models Gleaner can download. Set as default, measure
// speed, remove (only files in the models folder), download with progress, cancel and resume.
// Listing, measuring and downloading run off the GUI thread.
#include <QDialog>
#include <QFutureWatcher>

#include <atomic>
#include <memory>
#include <vector>

#include "app_settings.h"
#include "model_catalog.h"
#include "model_file_info.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace gleaner {
struct DownloadProgress;
}

namespace gleaner::ui {

class ModelDownloadTask;

class ModelManagerDialog : public QDialog {
    Q_OBJECT
public:
    // catalog: what can be downloaded (the tests give their own, served from a folder).
    explicit ModelManagerDialog(QWidget* parent = nullptr, std::vector<CatalogModel> catalog = model_catalog());
    ~ModelManagerDialog() override;

    // Reads the models folder again (in the background; listed() follows).
    void refresh();
    bool isListing() const;

    QTableWidget* installedTable() const { return installed_; }
    QTableWidget* catalogTable() const { return catalog_; }
    ModelDownloadTask* downloadTask() const { return download_; }

    // The catalog row of a model id ("smollm2-135m"), or -1.
    int catalogRow(const QString& id) const;
    // The installed row of a model file, or -1.
    int installedRow(const QString& path) const;

    enum Column { NameColumn, ArchitectureColumn, ParametersColumn, QuantizationColumn, ContextColumn, SizeColumn, SpeedColumn };

signals:
    void listed();
    // The model the program uses was changed here (Set as Default, or the default removed).
    void defaultModelChanged(const QString& path);
    // A model was installed or removed.
    void modelsChanged();
    void speedMeasured(const QString& path);

private:
    struct Installed {
        QString path;
        ModelFileInfo info;
    };
    static std::vector<Installed> listInstalled();

    void showInstalled();
    void showCatalog();
    void updateButtons();
    QString selectedInstalledPath() const;
    const CatalogModel* selectedCatalogModel() const;

    void setDefault();
    void measureSpeed();
    void confirmRemove();
    void startDownload();
    void chooseSource(int index);
    void onProgress(const DownloadProgress& p);
    void onDownloadEnded(const QString& message, bool failed);
    void showStatus(const QString& text, bool error = false);

    QTableWidget* installed_;
    QTableWidget* catalog_;
    QPushButton* set_default_;
    QPushButton* measure_;
    QPushButton* remove_;
    QPushButton* download_button_;
    QPushButton* cancel_button_;
    QComboBox* source_;
    QProgressBar* progress_;
    QLabel* status_;
    QLabel* folder_label_;

    std::vector<CatalogModel> catalog_models_;
    std::vector<Installed> models_;
    QFutureWatcher<std::vector<Installed>> lister_;
    bool listing_ = false;
    bool relist_ = false;  // asked again while listing
    ModelDownloadTask* download_;

    struct SpeedResult {
        QString path;
        app::AppSettings::ModelSpeed speed;
        QString error;
    };
    QFutureWatcher<SpeedResult> measurer_;
    std::shared_ptr<std::atomic<bool>> stop_measuring_;
    QString measuring_;  // the model being measured
};

}  // namespace gleaner::ui
