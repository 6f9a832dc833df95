#include "ocr_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

namespace gleaner::ui {

OcrBar::OcrBar(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("ocrBar"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::ToolTipBase);  // a notice, like a message bar
    setForegroundRole(QPalette::ToolTipText);
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(10, 6, 10, 6);
    label_ = new QLabel(this);
    label_->setObjectName(QStringLiteral("ocrMessage"));
    label_->setWordWrap(true);
    bar_ = new QProgressBar(this);
    bar_->setObjectName(QStringLiteral("ocrProgress"));
    bar_->setMaximumWidth(200);
    bar_->setTextVisible(false);
    make_askable_ = new QPushButton(tr("Make Askable (OCR)…"), this);
    make_askable_->setObjectName(QStringLiteral("ocrMakeAskable"));
    make_askable_->setToolTip(tr("Recognise the text of the scanned pages (tesseract), so the book can be searched and asked"));
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setObjectName(QStringLiteral("ocrCancel"));
    row->addWidget(label_, 1);
    row->addWidget(bar_);
    row->addWidget(make_askable_);
    row->addWidget(cancel_);
    connect(make_askable_, &QPushButton::clicked, this, &OcrBar::makeAskableRequested);
    connect(cancel_, &QPushButton::clicked, this, &OcrBar::cancelRequested);
    hide();
}

void OcrBar::showOffer() {
    label_->setText(tr("<b>Scanned pages without text:</b> they can be read, but not searched or asked about "
                       "until their text is recognised."));
    bar_->hide();
    cancel_->hide();
    make_askable_->show();
    show();
}

void OcrBar::showProgress(int page, int total) {
    label_->setText(page > 0 ? tr("OCR page %1 of %2…").arg(page).arg(total) : tr("Starting OCR…"));
    bar_->setRange(0, qMax(1, total));
    bar_->setValue(qMax(0, page - 1));
    bar_->show();
    cancel_->show();
    make_askable_->hide();
    show();
}

QString OcrBar::message() const { return label_->text(); }

}  // namespace gleaner::ui
