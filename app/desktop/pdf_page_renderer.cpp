#include "pdf_page_renderer.h"

#include <poppler-document.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include <memory>

namespace gleaner::app {

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

void PdfPageRenderer::request(const QVector<PageRequest>& wanted) {
    {
        std::lock_guard lock(mutex_);
        queue_.clear();
        for (const PageRequest& r : wanted) {
            const quint64 k = key(r.page, r.pixelWidth);
            if (r.pixelWidth <= 0 || r.pixelHeight <= 0 || cache_.contains(k) || in_flight_.count(k)) continue;
            queue_.push_back(r);
        }
    }
    wake_.notify_all();
}

QImage PdfPageRenderer::cached(int page, int pixelWidth) const {
    std::lock_guard lock(mutex_);
    const QImage* img = cache_.object(key(page, pixelWidth));
    return img ? *img : QImage();
}

QImage PdfPageRenderer::anyCached(int page, int pixelWidth) const {
    std::lock_guard lock(mutex_);
    QImage best;
    int bestDistance = INT_MAX;
    for (const quint64 k : cache_.keys()) {
        if (int(k >> 32) != page) continue;
        const int distance = std::abs(int(k & 0xffffffffu) - pixelWidth);
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
        quint64 generation = 0;
        QString path, password;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            req = queue_.front();
            queue_.pop_front();
            in_flight_.insert(key(req.page, req.pixelWidth));
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
            }
        }
        {
            std::lock_guard lock(mutex_);
            in_flight_.erase(key(req.page, req.pixelWidth));
            if (generation != generation_) continue;  // the file changed while rendering
            if (!image.isNull()) {
                const qsizetype cost = std::max<qsizetype>(1, image.sizeInBytes() / 1024);
                cache_.insert(key(req.page, req.pixelWidth), new QImage(std::move(image)), cost);
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
