#include "question_edit.h"

#include <QKeyEvent>

namespace gleaner::ui {

QuestionEdit::QuestionEdit(QWidget* parent) : QPlainTextEdit(parent) {
    setObjectName(QStringLiteral("questionBox"));
    setPlaceholderText(tr("Ask a question about this book (Enter to send, Shift+Enter for a new line)"));
    setTabChangesFocus(true);
    setAccessibleName(tr("Question"));
}

QSize QuestionEdit::sizeHint() const {
    const int lines = 3;
    return {QPlainTextEdit::sizeHint().width(),
            fontMetrics().lineSpacing() * lines + int(document()->documentMargin() * 2) + frameWidth() * 2};
}

void QuestionEdit::keyPressEvent(QKeyEvent* event) {
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (enter && !(event->modifiers() & (Qt::ShiftModifier | Qt::ControlModifier | Qt::AltModifier))) {
        emit submitted();
        return;
    }
    if (enter && (event->modifiers() & Qt::ShiftModifier)) {
        insertPlainText(QStringLiteral("\n"));
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

}  // namespace gleaner::ui
