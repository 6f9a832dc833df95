#include "reading_progress_widget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QStyle>
#include <QToolButton>

namespace gleaner::ui {

namespace {
QString duration(double seconds) {
    if (seconds < 60) return ReadingProgressWidget::tr("%1 s").arg(std::max(1, int(seconds + 0.5)));
    if (seconds < 3600) return ReadingProgressWidget::tr("%1 min").arg(int(seconds / 60 + 0.5));
    return ReadingProgressWidget::tr("%1 h %2 min").arg(int(seconds / 3600)).arg(int(seconds / 60) % 60);
}
}  // namespace

ReadingProgressWidget::ReadingProgressWidget(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("readingProgress"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    label_ = new QLabel(this);
    label_->setObjectName(QStringLiteral("readingProgressLabel"));
    bar_ = new QProgressBar(this);
    bar_->setObjectName(QStringLiteral("readingProgressBar"));
    bar_->setMaximumWidth(140);
    bar_->setMaximumHeight(14);
    bar_->setTextVisible(false);
    pause_ = new QToolButton(this);
    pause_->setObjectName(QStringLiteral("readingPause"));
    pause_->setAutoRaise(true);
    cancel_ = new QToolButton(this);
    cancel_->setObjectName(QStringLiteral("readingCancel"));
    cancel_->setAutoRaise(true);
    cancel_->setIcon(QIcon::fromTheme(QStringLiteral("process-stop"), style()->standardIcon(QStyle::SP_BrowserStop)));
    cancel_->setToolTip(tr("Cancel"));
    layout->addWidget(label_);
    layout->addWidget(bar_);
    layout->addWidget(pause_);
    layout->addWidget(cancel_);
    connect(pause_, &QToolButton::clicked, this, [this] { emit(paused_ ? resumeRequested() : pauseRequested()); });
    connect(cancel_, &QToolButton::clicked, this, &ReadingProgressWidget::cancelRequested);
    setPaused(false);
    hide();
}

void ReadingProgressWidget::start(const QString& what, bool pausable) {
    what_ = what;
    first_done_ = -1;
    clock_.start();
    pause_->setVisible(pausable);
    setPaused(false);
    bar_->setRange(0, 0);  // busy until the first numbers arrive
    label_->setText(what_ + QStringLiteral("…"));
    show();
}

void ReadingProgressWidget::setProgress(qint64 done, qint64 total, double tokensPerSecond, double secondsLeft) {
    if (first_done_ < 0) {
        first_done_ = done;
        clock_.restart();
    }
    const QLocale locale;
    bar_->setRange(0, 1000);
    bar_->setValue(total > 0 ? int(1000 * done / total) : 0);
    QString text = tr("%1: %2 of %3 tokens").arg(what_, locale.toString(done), locale.toString(total));
    // The rate over this run (not since the work began: a resumed book starts half read).
    const double seconds = clock_.elapsed() / 1000.0;
    double rate = tokensPerSecond;
    if (rate <= 0 && seconds > 0.5 && done > first_done_) rate = (done - first_done_) / seconds;
    if (rate > 0) {
        text += tr(" · %1 tokens/s").arg(locale.toString(rate, 'f', 0));
        const double left = secondsLeft >= 0 ? secondsLeft : (total - done) / rate;
        if (total > done) text += tr(" · %1 left").arg(duration(left));
    }
    if (paused_) text += tr(" · paused");
    label_->setText(text);
}

void ReadingProgressWidget::setWaiting(qint64 done, qint64 total) {
    first_done_ = -1;  // this reading's rate is measured once it goes on
    if (total > 0 && done > 0) {
        bar_->setRange(0, 1000);
        bar_->setValue(int(1000 * done / total));
    } else {
        bar_->setRange(0, 0);
    }
    label_->setText(tr("Waiting for another reading of this book…"));
}

void ReadingProgressWidget::setPaused(bool paused) {
    paused_ = paused;
    if (paused && label_ && !label_->text().isEmpty() && !label_->text().endsWith(tr(" · paused")))
        label_->setText(label_->text() + tr(" · paused"));
    pause_->setIcon(QIcon::fromTheme(paused ? QStringLiteral("media-playback-start") : QStringLiteral("media-playback-pause"),
                                     style()->standardIcon(paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause)));
    pause_->setToolTip(paused ? tr("Resume reading") : tr("Pause reading"));
}

void ReadingProgressWidget::finish() { hide(); }

QString ReadingProgressWidget::text() const { return label_->text(); }

}  // namespace gleaner::ui
