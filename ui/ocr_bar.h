#pragma once
// The bar above a scanned PDF's pages: what is missing ("Scanned pages without text") and the
// one action that fixes it (Make Askable (OCR)…), then the OCR's progress with Cancel. It shows
// state; the window decides what the buttons do.
#include <QFrame>

class QLabel;
class QProgressBar;
class QPushButton;

namespace gleaner::ui {

class OcrBar : public QFrame {
    Q_OBJECT
public:
    explicit OcrBar(QWidget* parent = nullptr);

    void showOffer();                        // the document needs OCR
    void showProgress(int page, int total);  // OCR running (page 0: starting)
    QString message() const;

    QPushButton* makeAskableButton() const { return make_askable_; }
    QPushButton* cancelButton() const { return cancel_; }

signals:
    void makeAskableRequested();
    void cancelRequested();

private:
    QLabel* label_;
    QProgressBar* bar_;
    QPushButton* make_askable_;
    QPushButton* cancel_;
};

}  // namespace gleaner::ui
