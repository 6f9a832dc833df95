#include "method_parameters_form.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>

#include "method_registry.h"

namespace gleaner::ui {

MethodParametersForm::MethodParametersForm(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("methodParameters"));
    form_ = new QFormLayout(this);
    form_->setContentsMargins(0, 0, 0, 0);
    none_ = new QLabel(tr("This method has no parameters."), this);
    form_->addRow(none_);
}

void MethodParametersForm::clearRows() {
    for (const Row& r : rows_) form_->removeRow(r.text ? static_cast<QWidget*>(r.text) : r.check);
    rows_.clear();
}

void MethodParametersForm::setMethod(const QString& method, const std::map<std::string, std::string>& values) {
    clearRows();
    method_ = method;
    unknown_ = values;
    const MethodEntry* m = find_method(method.toStdString());
    const std::vector<MethodSetting> settings = m ? m->settings : std::vector<MethodSetting>{};
    none_->setVisible(settings.empty());
    for (const MethodSetting& s : settings) {
        Row row;
        row.key = s.key;
        const auto given = values.find(s.key);
        const QString help = QString::fromStdString(s.help) + tr(" (default: %1)").arg(QString::fromStdString(s.default_value));
        if (s.is_switch) {
            row.check = new QCheckBox(this);
            row.check->setChecked(given != values.end() && given->second != "0" && given->second != "false");
            row.check->setToolTip(help);
            form_->addRow(QString::fromStdString(s.key) + QLatin1Char(':'), row.check);
        } else {
            row.text = new QLineEdit(this);
            row.text->setPlaceholderText(tr("default: %1").arg(QString::fromStdString(s.default_value)));
            if (given != values.end()) row.text->setText(QString::fromStdString(given->second));
            row.text->setToolTip(help);
            form_->addRow(QString::fromStdString(s.key) + QLatin1Char(':'), row.text);
        }
        unknown_.erase(s.key);
        rows_.push_back(row);
    }
}

std::map<std::string, std::string> MethodParametersForm::values() const {
    std::map<std::string, std::string> out = unknown_;
    for (const Row& r : rows_) {
        if (r.check && r.check->isChecked()) out[r.key] = "1";
        if (r.text && !r.text->text().trimmed().isEmpty()) out[r.key] = r.text->text().trimmed().toStdString();
    }
    return out;
}

QWidget* MethodParametersForm::editor(const std::string& key) const {
    for (const Row& r : rows_)
        if (r.key == key) return r.text ? static_cast<QWidget*>(r.text) : r.check;
    return nullptr;
}

}  // namespace gleaner::ui
