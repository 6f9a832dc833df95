#include "page_spin_box.h"

#include "document.h"

namespace gleaner::ui {

PageSpinBox::PageSpinBox(QWidget* parent) : QSpinBox(parent) {}

void PageSpinBox::setDocument(const Document* document) {
    if (document == document_) return;
    document_ = document;
    labels_.clear();
    if (!document) return;
    // Poppler gives every page a label, the page number where the PDF sets none: the labels
    // are shown only where some differ from the numbers.
    bool differ = false;
    QStringList labels;
    for (size_t i = 0; i < document->pages.size(); ++i) {
        QString label = QString::fromStdString(document->pages[i].label).trimmed();
        if (label.isEmpty()) label = QString::number(i + 1);
        differ = differ || label != QString::number(i + 1);
        labels.push_back(label);
    }
    if (differ) labels_ = labels;
    updateGeometry();  // the labels may be wider than the numbers
}

QString PageSpinBox::labelOf(int page) const {
    if (page >= 1 && page <= labels_.size()) return labels_[page - 1];
    return QString::number(page);
}

int PageSpinBox::pageOf(const QString& typed) const {
    const QString text = typed.trimmed();
    if (text.isEmpty()) return 0;
    // A printed label first (the number a reader sees on the page), then a page number.
    for (int i = 0; i < labels_.size(); ++i)
        if (labels_[i].compare(text, Qt::CaseInsensitive) == 0) return i + 1;
    bool ok = false;
    const int n = text.toInt(&ok);
    return ok && n >= minimum() && n <= maximum() ? n : 0;
}

QString PageSpinBox::textFromValue(int value) const { return labelOf(value); }

int PageSpinBox::valueFromText(const QString& text) const {
    const int page = pageOf(text);
    return page > 0 ? page : value();
}

QValidator::State PageSpinBox::validate(QString& text, int&) const {
    if (pageOf(text) > 0) return QValidator::Acceptable;
    // Anything may be on its way to a label while being typed; Return with no page keeps the
    // page shown (fixup).
    return text.size() <= 32 ? QValidator::Intermediate : QValidator::Invalid;
}

void PageSpinBox::fixup(QString& text) const { text = textFromValue(value()); }

}  // namespace gleaner::ui
