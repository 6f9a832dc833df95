#pragma once
// The question box: Enter sends, Shift+Enter starts a new line (as in chat programs).
#include <QPlainTextEdit>

namespace gleaner::ui {

class QuestionEdit : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit QuestionEdit(QWidget* parent = nullptr);
    QSize sizeHint() const override;

signals:
    void submitted();

protected:
    void keyPressEvent(QKeyEvent* event) override;
};

}  // namespace gleaner::ui
