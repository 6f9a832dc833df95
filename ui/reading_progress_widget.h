#pragma once
// Progress of the model reading text, in the status bar: a bar, "1,024 of 40,000 tokens ·
// 850 tokens/s · 45 s left" (or that it waits for another reading of the book), and
// Pause/Resume and Cancel where the work allows them. Hidden while nothing is being read.
#include <QElapsedTimer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace gleaner::ui {

class ReadingProgressWidget : public QWidget {
    Q_OBJECT
public:
    explicit ReadingProgressWidget(QWidget* parent = nullptr);

    // Starts showing progress of `what` ("Reading the passages"); resets the rate estimate.
    void start(const QString& what, bool pausable);
    // With the engine's own rate and estimate when it has them (else measured here).
    void setProgress(qint64 done, qint64 total, double tokensPerSecond = -1, double secondsLeft = -1);
    // Another process is reading the book: "Waiting for another reading of this book…", the bar
    // at how far that one got (done of total; busy while unknown). The rate starts afresh after.
    void setWaiting(qint64 done, qint64 total);
    void setPaused(bool paused);
    void finish();
    QString text() const;
    QString what() const { return what_; }
    bool isPaused() const { return paused_; }

signals:
    void pauseRequested();
    void resumeRequested();
    void cancelRequested();

private:
    QProgressBar* bar_;
    QLabel* label_;
    QToolButton* pause_;
    QToolButton* cancel_;
    QString what_;
    QElapsedTimer clock_;
    qint64 first_done_ = -1;
    bool paused_ = false;
};

}  // namespace gleaner::ui
