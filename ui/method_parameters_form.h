#pragma once
// A method's parameters as a form generated from the method registry: one row per setting the
// method reads, named, with its default shown in the empty field and its help as the tooltip; a
// check box for a switch. Only what the user typed (or ticked) is a value; an empty field means
// the default. Values the registry does not list (from an older version) are kept as they were.
#include <QString>
#include <QWidget>

#include <map>
#include <string>
#include <vector>

class QCheckBox;
class QFormLayout;
class QLabel;
class QLineEdit;

namespace gleaner::ui {

class MethodParametersForm : public QWidget {
    Q_OBJECT
public:
    explicit MethodParametersForm(QWidget* parent = nullptr);

    // Shows the parameters of `method` (a registry name) with these values.
    void setMethod(const QString& method, const std::map<std::string, std::string>& values);
    QString method() const { return method_; }
    // The values as edited: non-empty fields, ticked switches, and the kept unknown ones.
    std::map<std::string, std::string> values() const;
    // The editor of one setting (tests), or null.
    QWidget* editor(const std::string& key) const;

private:
    struct Row {
        std::string key;
        QLineEdit* text = nullptr;  // a valued setting
        QCheckBox* check = nullptr; // a switch
    };
    void clearRows();

    QString method_;
    QFormLayout* form_;
    QLabel* none_;
    std::vector<Row> rows_;
    std::map<std::string, std::string> unknown_;  // values of keys the method does not list
};

}  // namespace gleaner::ui
