#include "find_bar.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

namespace gleaner::ui {

FindBar::FindBar(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("findBar"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);

    auto* close = new QToolButton(this);
    close->setObjectName(QStringLiteral("findClose"));
    close->setIcon(QIcon::fromTheme(QStringLiteral("window-close"), style()->standardIcon(QStyle::SP_TitleBarCloseButton)));
    close->setAutoRaise(true);
    close->setToolTip(tr("Close the search bar (Escape)"));
    connect(close, &QToolButton::clicked, this, [this] {
        hide();
        emit closed();
    });

    auto* label = new QLabel(tr("Find:"), this);
    edit_ = new QLineEdit(this);
    edit_->setObjectName(QStringLiteral("findEdit"));
    edit_->setPlaceholderText(tr("Search in the document"));
    edit_->setClearButtonEnabled(true);
    edit_->installEventFilter(this);
    label->setBuddy(edit_);

    previous_ = new QToolButton(this);
    previous_->setObjectName(QStringLiteral("findPrevious"));
    previous_->setIcon(QIcon::fromTheme(QStringLiteral("go-up"), style()->standardIcon(QStyle::SP_ArrowUp)));
    previous_->setToolTip(tr("Previous match (Shift+F3)"));
    next_ = new QToolButton(this);
    next_->setObjectName(QStringLiteral("findNext"));
    next_->setIcon(QIcon::fromTheme(QStringLiteral("go-down"), style()->standardIcon(QStyle::SP_ArrowDown)));
    next_->setToolTip(tr("Next match (F3)"));
    match_case_ = new QCheckBox(tr("Match case"), this);
    match_case_->setObjectName(QStringLiteral("findMatchCase"));
    result_ = new QLabel(this);
    result_->setObjectName(QStringLiteral("findResult"));
    result_->setMinimumWidth(result_->fontMetrics().horizontalAdvance(QStringLiteral("9999 of 9999")));

    layout->addWidget(close);
    layout->addWidget(label);
    layout->addWidget(edit_, 1);
    layout->addWidget(previous_);
    layout->addWidget(next_);
    layout->addWidget(match_case_);
    layout->addWidget(result_);

    // Searching a whole book on every keystroke would stutter; wait until typing pauses.
    debounce_ = new QTimer(this);
    debounce_->setSingleShot(true);
    debounce_->setInterval(180);
    connect(debounce_, &QTimer::timeout, this, [this] { emit searchChanged(text(), caseSensitivity()); });
    connect(edit_, &QLineEdit::textChanged, debounce_, qOverload<>(&QTimer::start));
    connect(match_case_, &QCheckBox::toggled, this, [this] { emit searchChanged(text(), caseSensitivity()); });
    connect(previous_, &QToolButton::clicked, this, &FindBar::previousRequested);
    connect(next_, &QToolButton::clicked, this, &FindBar::nextRequested);
    setResult(-1, 0);
}

QString FindBar::text() const { return edit_->text(); }
Qt::CaseSensitivity FindBar::caseSensitivity() const {
    return match_case_->isChecked() ? Qt::CaseSensitive : Qt::CaseInsensitive;
}

void FindBar::activate() {
    show();
    edit_->setFocus(Qt::ShortcutFocusReason);
    edit_->selectAll();
}

void FindBar::setResult(int current, int total) {
    previous_->setEnabled(total > 0);
    next_->setEnabled(total > 0);
    if (text().isEmpty()) result_->clear();
    else if (total == 0) result_->setText(tr("Not found"));
    else result_->setText(tr("%1 of %2").arg(current + 1).arg(total));
    // Tint the field when nothing matches, as browsers do.
    QPalette pal = edit_->parentWidget()->palette();
    if (!text().isEmpty() && total == 0) pal.setColor(QPalette::Base, pal.color(QPalette::Base).lightness() < 128
                                                                          ? QColor(110, 40, 40)
                                                                          : QColor(255, 220, 220));
    edit_->setPalette(pal);
}

bool FindBar::eventFilter(QObject* watched, QEvent* event) {
    if (watched == edit_ && event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            if (debounce_->isActive()) {  // Enter right after typing: search now, then move
                debounce_->stop();
                emit searchChanged(text(), caseSensitivity());
            }
            if (key->modifiers() & Qt::ShiftModifier) emit previousRequested();
            else emit nextRequested();
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            hide();
            emit closed();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace gleaner::ui
