#include "settings_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QScrollArea>
#include <QThread>
#include <QToolButton>
#include <QVBoxLayout>

#include "answer_engine.h"
#include "app_settings.h"
#include "compute_devices.h"
#include "installed_models.h"
#include "method_parameters_form.h"
#include "method_registry.h"
#include "model_manager_dialog.h"
#include "model_file_info.h"
#include "model_paths.h"

namespace gleaner::ui {

SettingsDialog::SettingsDialog(QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Configure Gleaner"));
    const app::AppSettings settings;
    auto* layout = new QVBoxLayout(this);

    auto* modelBox = new QGroupBox(tr("Model"), this);
    auto* modelForm = new QFormLayout(modelBox);
    auto* pathRow = new QHBoxLayout;
    model_path_ = new QLineEdit(settings.modelPath(), modelBox);
    model_path_->setObjectName(QStringLiteral("modelPath"));
    auto* browse = new QPushButton(tr("&Browse…"), modelBox);
    browse->setObjectName(QStringLiteral("browseModel"));
    auto* useDefault = new QToolButton(modelBox);
    useDefault->setText(tr("Default"));
    useDefault->setToolTip(tr("Use the installed default model"));
    auto* manage = new QPushButton(tr("&Manage Models…"), modelBox);
    manage->setObjectName(QStringLiteral("manageModels"));
    manage->setToolTip(tr("The installed models, their speed here, and models to download"));
    pathRow->addWidget(model_path_, 1);
    pathRow->addWidget(browse);
    pathRow->addWidget(useDefault);
    auto* pathLabel = new QLabel(tr("GGUF &file:"), modelBox);
    pathLabel->setBuddy(model_path_);
    modelForm->addRow(pathLabel, pathRow);
    model_info_ = new QLabel(modelBox);
    model_info_->setObjectName(QStringLiteral("modelInfo"));
    model_info_->setWordWrap(true);
    model_info_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    modelForm->addRow(QString(), model_info_);
    auto* manageRow = new QHBoxLayout;
    manageRow->addWidget(manage);
    manageRow->addStretch(1);
    modelForm->addRow(QString(), manageRow);
    threads_ = new QSpinBox(modelBox);
    threads_->setObjectName(QStringLiteral("threads"));
    threads_->setRange(0, std::max(1, QThread::idealThreadCount()) * 2);
    threads_->setSpecialValueText(tr("All cores (%1)").arg(QThread::idealThreadCount()));
    threads_->setValue(settings.threads());
    modelForm->addRow(tr("CPU &threads:"), threads_);
    device_ = new QComboBox(modelBox);
    device_->setObjectName(QStringLiteral("device"));
    device_->addItem(tr("CPU"), QStringLiteral("cpu"));
    device_->addItem(tr("Automatic (GPU when there is one)"), QStringLiteral("auto"));
    // One entry per CUDA device found now; a saved cuda:N that is not here stays selectable, and
    // the engine falls back to the CPU for it.
    const ComputeDevices devices = compute_devices();
    const int n_gpus = devices.gpus;
    for (int i = 0; i < n_gpus; ++i)
        device_->addItem(tr("GPU %1 (CUDA)").arg(i), QStringLiteral("cuda:%1").arg(i));
    const QString saved = settings.device();
    if (device_->findData(saved) < 0) device_->addItem(tr("%1 (not found: runs on the CPU)").arg(saved), saved);
    device_->setCurrentIndex(device_->findData(saved));
    device_->setToolTip(n_gpus > 0 ? tr("Where the model runs. The GPU needs the model to fit in its memory.")
                                   : tr("No GPU available: %1").arg(QString::fromStdString(devices.why_no_gpu)));
    modelForm->addRow(tr("&Device:"), device_);
    answer_model_ = new QComboBox(modelBox);
    answer_model_->setObjectName(QStringLiteral("answerModel"));
    fillAnswerModels(settings.answerModelChoice());
    // "Default" names the model it means for the model above
    connect(model_path_, &QLineEdit::textChanged, this, [this] { fillAnswerModels(answer_model_->currentData().toString()); });
    answer_model_->setToolTip(
        tr("A larger model can read the passages Gleaner selects and answer from them: better answers, a slower first "
           "word. The model above still reads the book, and takes a second look at the best passages, which the larger "
           "model reads with the sentences around them. Methods without passages answer with the model above. By "
           "default Qwen2.5-Coder-1.5B answers when it is installed (Manage models) and the default model reads."));
    modelForm->addRow(tr("&Answer with:"), answer_model_);
    layout->addWidget(modelBox);

    auto* answerBox = new QGroupBox(tr("Answers"), this);
    auto* answerForm = new QFormLayout(answerBox);
    method_ = new QComboBox(answerBox);
    method_->setObjectName(QStringLiteral("defaultMethod"));
    for (const MethodEntry& m : method_registry())
        method_->addItem(QString::fromStdString(m.display_name), QString::fromStdString(m.name));
    method_->setCurrentIndex(std::max(0, method_->findData(settings.method())));
    answerForm->addRow(tr("&Method:"), method_);
    max_tokens_ = new QSpinBox(answerBox);
    max_tokens_->setObjectName(QStringLiteral("maxAnswerTokens"));
    max_tokens_->setRange(8, 4096);
    max_tokens_->setValue(settings.maxAnswerTokens());
    max_tokens_->setSuffix(tr(" tokens"));
    answerForm->addRow(tr("Longest &answer:"), max_tokens_);
    context_tokens_ = new QSpinBox(answerBox);
    context_tokens_->setObjectName(QStringLiteral("contextTokens"));
    context_tokens_->setRange(64, 1 << 20);
    context_tokens_->setSingleStep(256);
    context_tokens_->setValue(settings.contextTokens());
    context_tokens_->setSuffix(tr(" tokens"));
    context_tokens_->setToolTip(tr("How much of the book the Excerpt method puts before the question"));
    answerForm->addRow(tr("E&xcerpt size:"), context_tokens_);
    // The chosen method's parameters, generated from the registry, in a scroll area: gleaner
    // has more than a dialog should be tall for.
    parameters_ = new MethodParametersForm;
    auto* parameterScroll = new QScrollArea(answerBox);
    parameterScroll->setWidget(parameters_);
    parameterScroll->setWidgetResizable(true);
    parameterScroll->setMinimumHeight(150);
    auto* parametersLabel = new QLabel(tr("Method &parameters:"), answerBox);
    parametersLabel->setBuddy(parameterScroll);
    answerForm->addRow(parametersLabel, parameterScroll);
    read_on_open_ = new QCheckBox(tr("&Read each document with the model when it is opened"), answerBox);
    read_on_open_->setObjectName(QStringLiteral("readOnOpen"));
    read_on_open_->setChecked(settings.readOnOpen());
    answerForm->addRow(QString(), read_on_open_);
    layout->addWidget(answerBox);

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(buttons_);

    connect(buttons_, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    connect(browse, &QPushButton::clicked, this, &SettingsDialog::chooseModel);
    connect(useDefault, &QToolButton::clicked, this,
            [this] { model_path_->setText(QString::fromStdString(default_model_path())); });
    connect(manage, &QPushButton::clicked, this, &SettingsDialog::openModelManager);
    connect(model_path_, &QLineEdit::textChanged, this, [this](const QString& path) { inspectModel(path); });
    connect(method_, &QComboBox::currentIndexChanged, this, [this] {
        storeMethodParameters();
        loadMethodParameters(method_->currentData().toString());
    });

    loadMethodParameters(method_->currentData().toString());
    inspectModel(model_path_->text());
    resize(sizeHint().expandedTo(QSize(560, 0)));
}

bool SettingsDialog::inspectModel(const QString& path) {
    const ModelFileInfo info = inspect_model_file(path.toStdString());
    const QLocale locale;
    if (info.supported) {
        const QString params = info.parameters >= 1'000'000'000 ? tr("%1 B").arg(info.parameters / 1e9, 0, 'f', 1)
                                                                : tr("%1 M").arg(info.parameters / 1e6, 0, 'f', 0);
        model_info_->setText(tr("<b>%1</b><br>%2 · %3 parameters · %4 · context %5 tokens · %6 layers · %7")
                                 .arg((info.name.empty() ? QFileInfo(path).fileName() : QString::fromStdString(info.name)).toHtmlEscaped(),
                                      QString::fromStdString(info.architecture), params,
                                      QString::fromStdString(info.quantization), locale.toString(qint64(info.context_length)))
                                 .arg(info.layers)
                                 .arg(locale.formattedDataSize(qint64(info.file_size))));
        model_info_->setPalette(palette());  // the dialog's colours again, after an earlier error's red
    } else {
        model_info_->setText(tr("Gleaner cannot use this file: %1").arg(QString::fromStdString(info.problem).toHtmlEscaped()));
        QPalette pal = model_info_->palette();
        pal.setColor(QPalette::WindowText, pal.color(QPalette::Window).lightness() < 128 ? QColor(255, 130, 120) : QColor(180, 20, 20));
        model_info_->setPalette(pal);
    }
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(info.supported);
    buttons_->button(QDialogButtonBox::Ok)->setToolTip(info.supported ? QString() : tr("Choose a model Gleaner can run"));
    return info.supported;
}

ModelManagerDialog* SettingsDialog::openModelManager() {
    auto* manager = new ModelManagerDialog(this);
    manager->setAttribute(Qt::WA_DeleteOnClose);  // closing it stops a download; it resumes later
    // The manager saves what it changes at once; the path shown here follows, and the program
    // hears of it as of any saved setting.
    connect(manager, &ModelManagerDialog::defaultModelChanged, this, [this](const QString& path) {
        model_path_->setText(path);
        emit settingsSaved();
    });
    connect(manager, &ModelManagerDialog::modelsChanged, this, [this] {
        inspectModel(model_path_->text());
        fillAnswerModels(answer_model_->currentData().toString());  // a model downloaded or removed
        emit settingsSaved();
    });
    manager->open();
    return manager;
}

void SettingsDialog::chooseModel() {
    const QString start = QFileInfo(model_path_->text()).absolutePath();
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose a GGUF Model"), start,
                                                      tr("GGUF models (*.gguf);;All files (*)"));
    if (!path.isEmpty()) model_path_->setText(path);
}

void SettingsDialog::loadMethodParameters(const QString& method) {
    const app::AppSettings settings;
    auto it = edited_parameters_.find(method);
    parameters_->setMethod(method, it != edited_parameters_.end() ? it->second : settings.methodSettings(method));
}

void SettingsDialog::storeMethodParameters() {
    if (!parameters_->method().isEmpty()) edited_parameters_[parameters_->method()] = parameters_->values();
}

void SettingsDialog::fillAnswerModels(const QString& chosen) {
    answer_model_->clear();
    const QString by_default =
        QString::fromStdString(default_answer_model_path(model_path_->text().toStdString()));
    answer_model_->addItem(by_default.isEmpty() ? tr("Default: the model above")
                                                : tr("Default: %1").arg(QFileInfo(by_default).completeBaseName()),
                           QString());
    answer_model_->addItem(tr("The model above"), QString::fromLatin1(kNoAnswerModel));
    for (const std::string& path : installed_model_files()) {
        const QString p = QString::fromStdString(path);
        answer_model_->addItem(QFileInfo(p).completeBaseName(), p);
    }
    if (!chosen.isEmpty() && answer_model_->findData(chosen) < 0) {  // a file outside the models folder
        const QString name = QFileInfo::exists(chosen) ? QFileInfo(chosen).completeBaseName()
                                                        : tr("%1 (missing)").arg(QFileInfo(chosen).fileName());
        answer_model_->addItem(name, chosen);
    }
    answer_model_->setCurrentIndex(std::max(0, answer_model_->findData(chosen)));
}

void SettingsDialog::accept() {
    if (!inspectModel(model_path_->text())) return;
    storeMethodParameters();
    app::AppSettings settings;
    settings.setModelPath(model_path_->text());
    settings.setThreads(threads_->value());
    settings.setDevice(device_->currentData().toString());
    settings.setAnswerModelChoice(answer_model_->currentData().toString());
    settings.setMethod(method_->currentData().toString());
    settings.setMaxAnswerTokens(max_tokens_->value());
    settings.setContextTokens(context_tokens_->value());
    settings.setReadOnOpen(read_on_open_->isChecked());
    for (const auto& [method, values] : edited_parameters_) settings.setMethodSettings(method, values);
    emit settingsSaved();
    QDialog::accept();
}

}  // namespace gleaner::ui
