#include "pdf_page_renderer.h"

#include <poppler-document.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include <array>
#include <memory>

namespace gleaner::app {

QString pageColoursName(PageColours colours) {
    switch (colours) {
        case PageColours::Night: return QStringLiteral("night");
        case PageColours::Sepia: return QStringLiteral("sepia");
        case PageColours::Normal: break;
    }
    return QStringLiteral("normal");
}

PageColours pageColoursFromName(const QString& name) {
    if (name == QLatin1String("night")) return PageColours::Night;
    if (name == QLatin1String("sepia")) return PageColours::Sepia;
    return PageColours::Normal;
}

// Night paper is a dark grey and its ink a soft white: pure black and white glare in the dark,
// and translucent highlights still show on a grey.
QColor pagePaperColour(PageColours colours) {
    switch (colours) {
        case PageColours::Night: return QColor(38, 38, 40);
        case PageColours::Sepia: return QColor(244, 236, 216);
        case PageColours::Normal: break;
    }
    return QColor(Qt::white);
}

QColor pageInkColour(PageColours colours) {
    switch (colours) {
        case PageColours::Night: return QColor(222, 222, 216);
        case PageColours::Sepia: return QColor(74, 56, 38);
        case PageColours::Normal: break;
    }
    return QColor(Qt::black);
}

void applyPageColours(QImage& image, PageColours colours) {
    if (colours == PageColours::Normal || image.isNull()) return;
    if (image.format() != QImage::Format_ARGB32_Premultiplied && image.format() != QImage::Format_ARGB32 &&
        image.format() != QImage::Format_RGB32)
        image.convertTo(QImage::Format_ARGB32_Premultiplied);
    // Each channel's 0..255 is spread between the scheme's paper (white) and ink (black): a table
    // per channel. Night first turns lightness around: inverted, then hue-rotated by 180° (the
    // "invert + hue-rotate" of dark reading modes), so white paper goes dark, black ink light, and
    // a red stays red, only lighter; every row of the matrix sums to 1, so greys stay grey.
    const QColor paper = pagePaperColour(colours), ink = pageInkColour(colours);
    const bool night = colours == PageColours::Night;
    std::array<std::array<uint8_t, 256>, 3> lut{};
    const int p[3] = {paper.red(), paper.green(), paper.blue()}, k[3] = {ink.red(), ink.green(), ink.blue()};
    for (int c = 0; c < 3; ++c)
        for (int v = 0; v < 256; ++v) {
            // Night: v is the inverted lightness (0 = was white); sepia: v as printed (255 = white).
            const int from = night ? p[c] : k[c], to = night ? k[c] : p[c];
            lut[size_t(c)][size_t(v)] = uint8_t(from + ((to - from) * v + 127) / 255);
        }
    auto clamp8 = [](int v) { return v < 0 ? 0 : v > 255 ? 255 : v; };
    for (int y = 0; y < image.height(); ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < image.width(); ++x) {
            const QRgb px = line[x];
            int r = qRed(px), g = qGreen(px), b = qBlue(px);
            if (night) {
                const int ir = 255 - r, ig = 255 - g, ib = 255 - b;
                r = clamp8((-588 * ir + 1464 * ig + 147 * ib + 512) >> 10);
                g = clamp8((436 * ir + 440 * ig + 147 * ib + 512) >> 10);
                b = clamp8((436 * ir + 1464 * ig - 877 * ib + 512) >> 10);
            }
            line[x] = qRgba(lut[0][size_t(r)], lut[1][size_t(g)], lut[2][size_t(b)], qAlpha(px));
        }
    }
}

PdfPageRenderer::PdfPageRenderer(QObject* parent, int threads, qint64 cacheBytes) : QObject(parent) {
    cache_.setMaxCost(static_cast<qsizetype>(cacheBytes / 1024));
    for (int i = 0; i < std::max(1, threads); ++i) workers_.emplace_back([this] { workerLoop(); });
}

PdfPageRenderer::~PdfPageRenderer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        queue_.clear();
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();  // at most one page render each
}

void PdfPageRenderer::open(const QString& path, const QString& password) {
    {
        std::lock_guard lock(mutex_);
        ++generation_;
        path_ = path;
        password_ = password;
        queue_.clear();
        in_flight_.clear();
        cache_.clear();
    }
    wake_.notify_all();
}

QString PdfPageRenderer::path() const {
    std::lock_guard lock(mutex_);
    return path_;
}

void PdfPageRenderer::setPageColours(PageColours colours) {
    std::lock_guard lock(mutex_);
    if (colours_ == colours) return;
    colours_ = colours;
    queue_.clear();  // wishes in the old colours; the view asks again
}

PageColours PdfPageRenderer::pageColours() const {
    std::lock_guard lock(mutex_);
    return colours_;
}

void PdfPageRenderer::request(const QVector<PageRequest>& wanted) {
    {
        std::lock_guard lock(mutex_);
        queue_.clear();
        for (const PageRequest& r : wanted) {
            const quint64 k = key(r.page, r.pixelWidth, colours_);
            if (r.pixelWidth <= 0 || r.pixelHeight <= 0 || cache_.contains(k) || in_flight_.count(k)) continue;
            queue_.push_back({r, colours_});
        }
    }
    wake_.notify_all();
}

QImage PdfPageRenderer::cached(int page, int pixelWidth) const {
    std::lock_guard lock(mutex_);
    const QImage* img = cache_.object(key(page, pixelWidth, colours_));
    return img ? *img : QImage();
}

QImage PdfPageRenderer::anyCached(int page, int pixelWidth) const {
    std::lock_guard lock(mutex_);
    QImage best;
    int bestDistance = INT_MAX;
    for (const quint64 k : cache_.keys()) {
        if (int(k >> 32) != page || PageColours((k >> 28) & 0xf) != colours_) continue;
        const int distance = std::abs(int(k & 0x0fffffffu) - pixelWidth);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = *cache_.object(k);
        }
    }
    return best;
}

void PdfPageRenderer::workerLoop() {
    std::unique_ptr<poppler::document> doc;
    quint64 docGeneration = ~quint64{0};
    for (;;) {
        PageRequest req;
        PageColours colours = PageColours::Normal;
        quint64 generation = 0;
        QString path, password;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            req = queue_.front().request;
            colours = queue_.front().colours;
            queue_.pop_front();
            in_flight_.insert(key(req.page, req.pixelWidth, colours));
            generation = generation_;
            path = path_;
            password = password_;
        }
        QImage image;
        QString error;
        if (generation != docGeneration) {
            const std::string pw = password.toStdString();
            doc.reset(path.isEmpty() ? nullptr : poppler::document::load_from_file(path.toStdString(), pw, pw));
            docGeneration = generation;
        }
        if (!doc || doc->is_locked()) {
            error = tr("the PDF could not be opened for rendering");
        } else if (std::unique_ptr<poppler::page> page{doc->create_page(req.page)}; !page) {
            error = tr("page %1 does not exist").arg(req.page + 1);
        } else {
            poppler::page_renderer renderer;
            renderer.set_render_hints(poppler::page_renderer::antialiasing | poppler::page_renderer::text_antialiasing |
                                      poppler::page_renderer::text_hinting);
            renderer.set_image_format(poppler::image::format_argb32);
            // Resolution that makes the displayed page (after its /Rotate) exactly the size asked.
            const poppler::rectf box = page->page_rect();
            const bool sideways = page->orientation() == poppler::page::landscape ||
                                  page->orientation() == poppler::page::seascape;
            const double widthPt = sideways ? box.height() : box.width();
            const double heightPt = sideways ? box.width() : box.height();
            const double xres = 72.0 * req.pixelWidth / std::max(1.0, widthPt);
            const double yres = 72.0 * req.pixelHeight / std::max(1.0, heightPt);
            const poppler::image out = renderer.render_page(page.get(), xres, yres);
            if (!out.is_valid()) {
                error = tr("poppler could not render page %1").arg(req.page + 1);
            } else {
                // poppler's argb32 is 0xAARRGGBB per native word, as QImage's; the paper is opaque,
                // so the premultiplied format (the fast one to paint) holds the same pixels.
                image = QImage(reinterpret_cast<const uchar*>(out.const_data()), out.width(), out.height(),
                               out.bytes_per_row(), QImage::Format_ARGB32_Premultiplied)
                            .copy();
                applyPageColours(image, colours);
            }
        }
        {
            std::lock_guard lock(mutex_);
            in_flight_.erase(key(req.page, req.pixelWidth, colours));
            if (generation != generation_) continue;  // the file changed while rendering
            if (!image.isNull()) {
                const qsizetype cost = std::max<qsizetype>(1, image.sizeInBytes() / 1024);
                cache_.insert(key(req.page, req.pixelWidth, colours), new QImage(std::move(image)), cost);
            }
        }
        const int page = req.page;
        if (error.isEmpty())
            QMetaObject::invokeMethod(this, [this, page] { emit pageRendered(page); }, Qt::QueuedConnection);
        else
            QMetaObject::invokeMethod(this, [this, page, error] { emit renderFailed(page, error); }, Qt::QueuedConnection);
    }
}

}  // namespace gleaner::app
