#pragma once
// Renders PDF pages to images with poppler-cpp on background threads, with a cache.
//
// The view says which pages it wants at which pixel size (visible ones first) and paints
// whatever the cache holds; pageRendered() tells it to repaint. Wishes replace each other, so
// scrolling fast through a long book renders only the pages that are still wanted.
// Each render thread opens its own poppler::document: poppler's document objects are not safe
// to share between threads, separate ones are.
#include <QCache>
#include <QColor>
#include <QImage>
#include <QObject>
#include <QString>
#include <QVector>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace gleaner::app {

// How rendered pages are coloured: as printed, night (lightness inverted with the hues kept, on
// a dark grey rather than black paper) or sepia (ink and paper tinted warm).
enum class PageColours { Normal, Night, Sepia };
QString pageColoursName(PageColours colours);         // "normal", "night", "sepia"
PageColours pageColoursFromName(const QString& name);  // Normal for anything unknown
// Recolours a rendered page (ARGB32, premultiplied or not; opaque paper) in place.
void applyPageColours(QImage& image, PageColours colours);
// The paper and ink of a colour scheme: what a page not rendered yet is filled with, and the
// reflowed text's background and text.
QColor pagePaperColour(PageColours colours);
QColor pageInkColour(PageColours colours);

struct PageRequest {
    int page = 0;
    int pixelWidth = 0;  // device pixels; the height follows from the page's aspect ratio
    int pixelHeight = 0;
};

class PdfPageRenderer : public QObject {
    Q_OBJECT
public:
    explicit PdfPageRenderer(QObject* parent = nullptr, int threads = 2, qint64 cacheBytes = 256ll << 20);
    ~PdfPageRenderer() override;

    // Switches to another file (empty path: none); drops queued work and cached pages.
    void open(const QString& path, const QString& password = {});
    QString path() const;

    // The colours pages are rendered in from now on. Pages in other colours stay cached (going
    // back is instant) but cached() and anyCached() answer in these colours only.
    void setPageColours(PageColours colours);
    PageColours pageColours() const;

    // The pages the view needs now, most important first; replaces the previous wishes.
    void request(const QVector<PageRequest>& wanted);
    // The page at exactly this width, or a null image.
    QImage cached(int page, int pixelWidth) const;
    // Any cached rendering of the page (the closest width), to draw scaled while the exact one
    // is being rendered; null when there is none.
    QImage anyCached(int page, int pixelWidth) const;

signals:
    void pageRendered(int page);
    void renderFailed(int page, const QString& message);

private:
    void workerLoop();
    struct Job {
        PageRequest request;
        PageColours colours = PageColours::Normal;
    };
    // Page, colours and width in one key: widths stay far below 2^28 pixels.
    static quint64 key(int page, int width, PageColours colours) {
        return (quint64(uint32_t(page)) << 32) | (quint64(colours) << 28) | (uint32_t(width) & 0x0fffffffu);
    }

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    quint64 generation_ = 0;  // bumped by open(): a worker reopens its document when it changes
    QString path_;
    QString password_;
    PageColours colours_ = PageColours::Normal;
    std::deque<Job> queue_;
    std::set<quint64> in_flight_;
    QCache<quint64, QImage> cache_;  // cost: KiB
    std::vector<std::thread> workers_;
};

}  // namespace gleaner::app
