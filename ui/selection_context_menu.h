#pragma once
// The context menu of a text selection in the document, the same in both views (rendered PDF
// pages and reflowed text): Copy, Ask About This…, Highlight…, Search for “…”. The views say what each
// entry does; this is the one place that says what the menu holds and how it reads.
#include <QString>

#include <functional>

class QMenu;
class QWidget;

namespace gleaner::ui {

struct SelectionActions {
    std::function<void()> copy;
    std::function<void()> askAbout;
    std::function<void()> highlight;  // keep it as one of the reader's own highlights
    std::function<void(const QString&)> search;  // given selectionSearchText()
};

// A new menu (the caller owns it) for the selected text. Its actions are named copySelection,
// askAboutSelection, highlightSelection and searchForSelection (tests and the screenshot tour find them so).
QMenu* createSelectionMenu(QWidget* parent, const QString& selectedText, const SelectionActions& actions);

// What "Search for" looks for: the selection's first line, whitespace collapsed, at most about
// 100 characters (cut at a word); empty when the selection holds no text.
QString selectionSearchText(const QString& selectedText);

// How the menu names it: at most about 30 characters, with an ellipsis when cut.
QString elidedSelectionLabel(const QString& searchText);

}  // namespace gleaner::ui
