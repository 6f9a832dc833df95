#pragma once
// The in-document search bar under the reader (Ctrl+F): the text to find, previous/next, match
// case, and "3 of 42". Enter goes to the next hit, Shift+Enter to the previous, Escape closes.
#include <QWidget>

class QLabel;
class QLineEdit;
class QCheckBox;
class QTimer;
class QToolButton;

namespace gleaner::ui {

class FindBar : public QWidget {
    Q_OBJECT
public:
    explicit FindBar(QWidget* parent = nullptr);

    QString text() const;
    Qt::CaseSensitivity caseSensitivity() const;
    // Shows the bar with the text selected for typing over.
    void activate();
    void setResult(int current, int total);  // current is 0-based, -1 for none
    QLineEdit* lineEdit() const { return edit_; }

signals:
    // The search changed (typed, after a short pause; or case toggled). Empty text: none.
    void searchChanged(const QString& text, Qt::CaseSensitivity cs);
    void nextRequested();
    void previousRequested();
    void closed();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QLineEdit* edit_;
    QCheckBox* match_case_;
    QLabel* result_;
    QToolButton* previous_;
    QToolButton* next_;
    QTimer* debounce_;
};

}  // namespace gleaner::ui
