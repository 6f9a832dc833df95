#include "selection_context_menu.h"

#include <QAction>
#include <QCoreApplication>
#include <QIcon>
#include <QKeySequence>
#include <QMenu>
#include <QRegularExpression>

namespace gleaner::ui {

namespace {
QString tr(const char* text) { return QCoreApplication::translate("gleaner::ui::SelectionContextMenu", text); }

constexpr int kMaxSearchChars = 100;
constexpr int kMaxLabelChars = 30;

// Cuts at the last space before `max` characters (or at `max` where there is none).
QString cutAtWord(const QString& text, int max) {
    if (text.size() <= max) return text;
    const int space = text.lastIndexOf(QLatin1Char(' '), max);
    return text.left(space > max / 2 ? space : max).trimmed();
}
}  // namespace

QString selectionSearchText(const QString& selectedText) {
    QString text = selectedText.trimmed();
    // The first line (or paragraph): a search for a passage over several is never what is meant.
    const qsizetype br = text.indexOf(QRegularExpression(QStringLiteral("[\\n\\r\\x{2029}\\x{2028}]")));
    if (br > 0) text = text.left(br);
    return cutAtWord(text.simplified(), kMaxSearchChars);
}

QString elidedSelectionLabel(const QString& searchText) {
    if (searchText.size() <= kMaxLabelChars) return searchText;
    return cutAtWord(searchText, kMaxLabelChars - 1) + QStringLiteral("…");
}

QMenu* createSelectionMenu(QWidget* parent, const QString& selectedText, const SelectionActions& actions) {
    auto* menu = new QMenu(parent);
    menu->setObjectName(QStringLiteral("selectionMenu"));

    QAction* copy = menu->addAction(QIcon::fromTheme(QStringLiteral("edit-copy")), tr("&Copy"));
    copy->setObjectName(QStringLiteral("copySelection"));
    copy->setShortcut(QKeySequence::Copy);  // shown as a hint; the views handle the keys
    copy->setEnabled(bool(actions.copy));
    if (actions.copy) QObject::connect(copy, &QAction::triggered, menu, [f = actions.copy] { f(); });
    menu->addSeparator();

    QAction* ask = menu->addAction(QIcon::fromTheme(QStringLiteral("help-contextual")), tr("&Ask About This…"));
    ask->setObjectName(QStringLiteral("askAboutSelection"));
    ask->setToolTip(tr("Ask a question about the selected passage only"));
    ask->setEnabled(bool(actions.askAbout));
    if (actions.askAbout) QObject::connect(ask, &QAction::triggered, menu, [f = actions.askAbout] { f(); });

    QAction* highlight = menu->addAction(QIcon::fromTheme(QStringLiteral("format-text-highlight")), tr("&Highlight…"));
    highlight->setObjectName(QStringLiteral("highlightSelection"));
    highlight->setToolTip(tr("Keep the selected text highlighted, with an optional note (Bookmarks > Highlight Selection)"));
    highlight->setEnabled(bool(actions.highlight));
    if (actions.highlight) QObject::connect(highlight, &QAction::triggered, menu, [f = actions.highlight] { f(); });

    const QString needle = selectionSearchText(selectedText);
    QAction* search = menu->addAction(QIcon::fromTheme(QStringLiteral("edit-find")),
                                      tr("&Search for “%1”").arg(QString(elidedSelectionLabel(needle)).replace(QLatin1Char('&'), QStringLiteral("&&"))));
    search->setObjectName(QStringLiteral("searchForSelection"));
    search->setEnabled(bool(actions.search) && !needle.isEmpty());
    if (actions.search) QObject::connect(search, &QAction::triggered, menu, [f = actions.search, needle] { f(needle); });
    return menu;
}

}  // namespace gleaner::ui
