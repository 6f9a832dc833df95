#pragma once
// Preferences: the model file (with what it is, or why Gleaner cannot use it), CPU threads,
// device, the model that answers from the selected passages, the default answer method and its parameters. Saved to AppSettings on OK. The model
// manager (Manage Models…) opens from here; what it changes is saved at once (settingsSaved()).
#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace gleaner::ui {

class MethodParametersForm;
class ModelManagerDialog;

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget* parent = nullptr);

    // Checks a model file and shows what it is; returns whether it can be used.
    bool inspectModel(const QString& path);
    QLineEdit* modelPathEdit() const { return model_path_; }
    QLabel* modelInfoLabel() const { return model_info_; }
    // Opens the model manager over this dialog (window-modal) and returns it.
    ModelManagerDialog* openModelManager();

public slots:
    void accept() override;

signals:
    void settingsSaved();

private:
    void chooseModel();
    void fillAnswerModels(const QString& chosen);
    void loadMethodParameters(const QString& method);
    void storeMethodParameters();

    QLineEdit* model_path_;
    QLabel* model_info_;
    QSpinBox* threads_;
    QComboBox* device_;
    QComboBox* answer_model_;  // "" (the model above) or a GGUF path
    QComboBox* method_;
    QSpinBox* max_tokens_;
    QSpinBox* context_tokens_;
    MethodParametersForm* parameters_;
    QCheckBox* read_on_open_;
    QDialogButtonBox* buttons_;
    std::map<QString, std::map<std::string, std::string>> edited_parameters_;
};

}  // namespace gleaner::ui
