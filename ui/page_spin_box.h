#pragma once
// The toolbar's page box: shows the page's printed label where the PDF has page labels ("248",
// "xiv") and the page number otherwise, and goes to the page whose label (or, failing that,
// whose number) is typed in. Values are page numbers, 1-based.
#include <QSpinBox>
#include <QStringList>

namespace gleaner {
class Document;
}

namespace gleaner::ui {

class PageSpinBox : public QSpinBox {
public:
    explicit PageSpinBox(QWidget* parent = nullptr);
    // Takes the document's page labels (nullptr: none); cheap when the document is the same.
    void setDocument(const Document* document);
    // Whether the document's labels differ from the page numbers (then they are worth showing).
    bool hasLabels() const { return !labels_.isEmpty(); }
    // The label of a page number (1-based), or the number itself.
    QString labelOf(int page) const;
    // The page number (1-based) a typed text names, or 0.
    int pageOf(const QString& text) const;

protected:
    QString textFromValue(int value) const override;
    int valueFromText(const QString& text) const override;
    QValidator::State validate(QString& text, int& pos) const override;
    void fixup(QString& text) const override;

private:
    const Document* document_ = nullptr;
    QStringList labels_;  // by page; empty without labels
};

}  // namespace gleaner::ui
