// Selecting text on rendered PDF pages as a user does (drag, double and triple click, a
// rectangle with Alt), copying it, the selection's menu in both views (Copy, Ask About This…,
// Search for “…”), the page colours (night, sepia) on pages and reflowed text, and the reflowed
// text's size and column width, remembered across windows. Offscreen.
// GLEANER_TEST_SHOTS=DIR keeps pdf-selection.png and night-mode.png there.
#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QClipboard>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QLineEdit>
#include <QMenu>
#include <QScrollBar>
#include <QTextBlock>

#include <functional>
#include <memory>

#include "app_settings.h"
#include "find_bar.h"
#include "gui_test_support.h"
#include "pdf_page_renderer.h"
#include "pdf_page_view.h"
#include "reader_view.h"
#include "reflow_text_view.h"
#include "selection_context_menu.h"

using namespace gleaner;

namespace {
const char* kSentence = "Hello, here is some text without a meaning.";

// Mean colour of a region of an image.
QColor meanColour(const QImage& image, const QRect& region) {
    const QRect r = region.intersected(image.rect());
    double red = 0, green = 0, blue = 0;
    int n = 0;
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x, ++n) {
            const QRgb p = image.pixel(x, y);
            red += qRed(p);
            green += qGreen(p);
            blue += qBlue(p);
        }
    if (n == 0) return {};
    return QColor(int(red / n), int(green / n), int(blue / n));
}

double colourDistance(const QColor& a, const QColor& b) {
    return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue());
}

void saveShot(QWidget* w, const char* name) {
    if (const QString dir = qEnvironmentVariable("GLEANER_TEST_SHOTS"); !dir.isEmpty()) w->grab().save(dir + "/" + name);
}
}  // namespace

class TestPdfSelection : public QObject {
    Q_OBJECT
    std::unique_ptr<test::IsolatedProfile> profile_;
    std::unique_ptr<ui::MainWindow> w_;

    ui::ReaderView* reader() { return w_->reader(); }
    ui::PdfPageView* view() { return reader()->pageView(); }
    const Document& doc() { return *reader()->document().document; }
    QAction* action(const char* name) { return w_->findChild<QAction*>(name); }

    // Where the sentence is on page 2 (the first occurrence), brought into view.
    TextRange sentence() {
        const size_t at = doc().text.find(kSentence);
        return at == std::string::npos ? TextRange{} : TextRange{at, at + strlen(kSentence)};
    }
    // The word of the document holding an offset, and its rectangle in the viewport.
    const WordBox* wordOf(size_t offset) {
        const auto words = doc().words_in_range(offset, offset + 1);
        return words.empty() ? nullptr : words.front();
    }
    QRectF boxOf(const WordBox* w) {
        const auto rects = view()->rangeRectsInViewport({w->begin, w->end});
        return rects.empty() ? QRectF() : rects.front();
    }
    static QPoint at(double x, double y) { return QPointF(x, y).toPoint(); }

    // Right-clicks at `pos` in `target`, and hands the menu that opens to `use` (which closes it).
    void withContextMenu(QWidget* target, QPoint pos, const std::function<void(QMenu*)>& use) {
        bool shown = false;
        QTimer::singleShot(0, this, [&] {
            auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
            if (!menu) return;
            shown = true;
            use(menu);
            menu->close();
        });
        QContextMenuEvent event(QContextMenuEvent::Mouse, pos, target->mapToGlobal(pos));
        QApplication::sendEvent(target, &event);
        QVERIFY2(shown, "no context menu");
    }
    static QAction* menuAction(QMenu* menu, const char* name) {
        for (QAction* a : menu->actions())
            if (a->objectName() == QLatin1String(name)) return a;
        return nullptr;
    }

private slots:
    void initTestCase() {
        profile_ = std::make_unique<test::IsolatedProfile>();
        QVERIFY(test::showNewMainWindow(w_));
        QVERIFY(test::openAndWait(*w_, test::dataFile("corpus/pdflatex-outline.pdf")));
        action("actionFitWidth")->trigger();
        QVERIFY(!sentence().empty());
        QCOMPARE(doc().page_of_char(sentence().begin), 1);
    }
    void cleanupTestCase() { w_.reset(); }

    // Pressing before the sentence's first letter and releasing after its full stop selects it,
    // exactly, in reading order (over a line break); Ctrl+C copies it.
    void dragSelectsTheTextBetweenPressAndRelease() {
        const TextRange s = sentence();
        view()->scrollToRange(s);
        const WordBox* first = wordOf(s.begin);
        const WordBox* last = wordOf(s.end - 1);
        QVERIFY(first && last);
        QCOMPARE(size_t(first->begin), s.begin);
        QCOMPARE(size_t(last->end), s.end);
        const QRectF a = boxOf(first), b = boxOf(last);
        QVERIFY(view()->viewport()->rect().contains(a.toRect()) && view()->viewport()->rect().contains(b.toRect()));
        QCOMPARE(view()->offsetAt(a.center() - QPointF(a.width() / 2 - 1, 0)), s.begin);

        QSignalSpy changed(view(), &ui::PdfPageView::selectionChanged);
        QTest::mousePress(view()->viewport(), Qt::LeftButton, {}, at(a.left() + 1, a.center().y()));
        QTest::mouseMove(view()->viewport(), at((a.center().x() + b.center().x()) / 2, (a.center().y() + b.center().y()) / 2));
        QTest::mouseMove(view()->viewport(), at(b.right() - 1, b.center().y()));
        QTest::mouseRelease(view()->viewport(), Qt::LeftButton, {}, at(b.right() - 1, b.center().y()));
        QVERIFY(changed.count() > 0);
        QCOMPARE(view()->selectedRange(), s);
        QCOMPARE(reader()->selectedRange(), s);
        QCOMPARE(view()->selectedText(), QString(kSentence));
        QVERIFY(!view()->isRectangleSelection());

        // The other way round, the same text.
        QTest::mousePress(view()->viewport(), Qt::LeftButton, {}, at(b.right() - 1, b.center().y()));
        QTest::mouseMove(view()->viewport(), at(a.center().x(), a.center().y()));
        QTest::mouseMove(view()->viewport(), at(a.left() + 1, a.center().y()));
        QTest::mouseRelease(view()->viewport(), Qt::LeftButton, {}, at(a.left() + 1, a.center().y()));
        QCOMPARE(view()->selectedRange(), s);

        // Drawn as a selection: the highlight colour over the words.
        QApplication::processEvents();
        QTRY_VERIFY_WITH_TIMEOUT(!reader()->renderer()->cached(1, qRound(view()->pageRectInViewport(1).width() * view()->devicePixelRatioF())).isNull(), 20000);
        const QImage shown = view()->viewport()->grab().toImage();
        const qreal dpr = view()->devicePixelRatioF();
        const QColor inside = meanColour(shown, QRect((a.topLeft() * dpr).toPoint(), (a.bottomRight() * dpr).toPoint()));
        QColor highlight = view()->palette().color(QPalette::Active, QPalette::Highlight);
        // Whiter paper would be (255, 255, 255); the selection pulls it towards the highlight.
        QVERIFY2(colourDistance(inside, Qt::white) > 40, qPrintable(inside.name()));
        QVERIFY2(qAbs(inside.hueF() - highlight.hueF()) < 0.15 || highlight.saturation() < 30, qPrintable(inside.name() + " vs " + highlight.name()));
        saveShot(w_.get(), "pdf-selection.png");

        // Ctrl+C puts the document's text on the clipboard.
        QApplication::clipboard()->clear();
        view()->setFocus();
        QTest::keyClick(view(), Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QApplication::clipboard()->text(), QString(kSentence));

        // A plain click clears the selection; Escape does too.
        QTest::mouseClick(view()->viewport(), Qt::LeftButton, {}, at(a.center().x(), a.center().y()));
        QVERIFY(!view()->hasSelection());
        QCOMPARE(reader()->selectedRange(), TextRange{});
        view()->setSelection(s);
        QTest::keyClick(view(), Qt::Key_Escape);
        QVERIFY(!view()->hasSelection());
    }

    // A double click selects the word (without the punctuation poppler leaves on it), a third
    // click its printed line.
    void doubleClickSelectsAWordAndTripleClickALine() {
        const TextRange s = sentence();
        view()->scrollToRange(s);
        const WordBox* meaning = wordOf(s.end - 2);
        QCOMPARE(QString::fromUtf8(doc().slice(meaning->begin, meaning->end)), QString("meaning."));
        const QRectF box = boxOf(meaning);
        const QPoint c = box.center().toPoint();
        QTest::mouseClick(view()->viewport(), Qt::LeftButton, {}, c);
        QTest::mouseDClick(view()->viewport(), Qt::LeftButton, {}, c);
        QTest::mouseRelease(view()->viewport(), Qt::LeftButton, {}, c);
        QCOMPARE(view()->selectedText(), QString("meaning"));
        QCOMPARE(view()->selectedRange(), (TextRange{meaning->begin, meaning->end - 1}));

        QTest::mousePress(view()->viewport(), Qt::LeftButton, {}, c);
        QTest::mouseRelease(view()->viewport(), Qt::LeftButton, {}, c);
        TextRange line{meaning->begin, meaning->end};
        for (const WordBox& w : doc().words)
            if (w.page == meaning->page && w.line == meaning->line)
                line = {std::min<size_t>(line.begin, w.begin), std::max<size_t>(line.end, w.end)};
        QVERIFY(line.size() > 20);
        QCOMPARE(view()->selectedRange(), line);
        // Only that line: its first word starts a line, its last word ends one.
        const auto rects = view()->rangeRectsInViewport(view()->selectedRange());
        QCOMPARE(rects.size(), size_t(1));
        view()->clearSelection();
    }

    // Alt+drag selects the words inside a rectangle: a block of two lines' first words, not the
    // rest of those lines.
    void altDragSelectsARectangleOfWords() {
        const TextRange s = sentence();
        view()->scrollToRange(s);
        const WordBox* first = wordOf(s.begin);  // "Hello," starts a line
        // The line under it, and its third word.
        const WordBox* below = nullptr;
        for (const WordBox& w : doc().words)
            if (w.page == first->page && w.line != first->line && w.y > first->y && (!below || w.y < below->y - 0.5 ||
                                                                                    (std::abs(w.y - below->y) < 0.5 && w.x < below->x)))
                below = &w;
        QVERIFY(below);
        const WordBox* third = below + 2;
        QCOMPARE(third->line, below->line);
        const QRectF a = boxOf(first), b = boxOf(third);
        const QPoint from = at(a.left() - 3, a.top() - 2), to = at(b.right() - 2, b.bottom() - 1);

        QTest::mousePress(view()->viewport(), Qt::LeftButton, Qt::AltModifier, from);
        QTest::mouseMove(view()->viewport(), at((from.x() + to.x()) / 2.0, (from.y() + to.y()) / 2.0));
        QTest::mouseMove(view()->viewport(), to);
        QTest::mouseRelease(view()->viewport(), Qt::LeftButton, Qt::AltModifier, to);
        QVERIFY(view()->isRectangleSelection());

        // What a user sees inside the rectangle: the words whose boxes meet it.
        const QRectF rect = QRectF(from, to).normalized();
        QStringList lines;
        int lastLine = -1;
        for (const WordBox* w : doc().words_in_range(doc().pages[1].range.begin, doc().pages[1].range.end)) {
            if (!boxOf(w).intersects(rect)) continue;
            if (int(w->line) != lastLine) lines << QString();
            lastLine = int(w->line);
            QString& l = lines.last();
            if (!l.isEmpty()) l += ' ';
            l += QString::fromUtf8(doc().slice(w->begin, w->end));
        }
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines[0].startsWith("Hello, here"), qPrintable(lines[0]));
        QCOMPARE(view()->selectedText(), lines.join('\n'));
        QCOMPARE(view()->selectedRange().begin, s.begin);
        QCOMPARE(view()->selectedRange().end, size_t(third->end));
        // Not the rest of the first line.
        QVERIFY(!view()->selectedText().contains("meaning"));
        view()->copySelection();
        QCOMPARE(QApplication::clipboard()->text(), lines.join('\n'));
        view()->clearSelection();
    }

    // The selection's menu: Copy, Ask About This… (to the Ask panel, with the range) and
    // Search for “…” (the reader's find, with the text in the find bar).
    void theSelectionMenuCopiesAsksAndSearches() {
        const TextRange s = sentence();
        view()->scrollToRange(s);
        const WordBox* first = wordOf(s.begin);
        const TextRange hello{first->begin, first->begin + 5};  // "Hello"
        view()->setSelection(hello);
        QCOMPARE(view()->selectedText(), QString("Hello"));
        const QPoint inside = boxOf(first).center().toPoint();

        QSignalSpy asked(reader(), &ui::ReaderView::askAboutRequested);
        withContextMenu(view()->viewport(), inside, [&](QMenu* menu) {
            QAction* copy = menuAction(menu, "copySelection");
            QAction* ask = menuAction(menu, "askAboutSelection");
            QAction* search = menuAction(menu, "searchForSelection");
            QVERIFY(copy && ask && search);
            QCOMPARE(copy->text().remove('&'), QString("Copy"));
            QCOMPARE(ask->text().remove('&'), QString("Ask About This…"));
            QCOMPARE(search->text().remove('&'), QString("Search for “Hello”"));
            ask->trigger();
        });
        QCOMPARE(asked.count(), 1);
        QCOMPARE(asked.at(0).at(0).value<TextRange>(), hello);

        QApplication::clipboard()->clear();
        withContextMenu(view()->viewport(), inside, [&](QMenu* menu) { menuAction(menu, "copySelection")->trigger(); });
        QCOMPARE(QApplication::clipboard()->text(), QString("Hello"));

        withContextMenu(view()->viewport(), inside, [&](QMenu* menu) { menuAction(menu, "searchForSelection")->trigger(); });
        QVERIFY(reader()->findBar()->isVisible());
        QCOMPARE(reader()->findBar()->text(), QString("Hello"));
        const auto expected = reader()->document().index->findAll("Hello", Qt::CaseInsensitive);
        QVERIFY(expected.size() >= 4);
        QCOMPARE(reader()->searchHits().size(), expected.size());

        // Nothing selected: a right click on a word is about that word.
        view()->clearSelection();
        view()->scrollToRange(s);
        withContextMenu(view()->viewport(), boxOf(first).center().toPoint(), [&](QMenu* menu) { QVERIFY(menuAction(menu, "askAboutSelection")); });
        QCOMPARE(view()->selectedText(), QString("Hello"));
        reader()->find(QString());
        reader()->findBar()->hide();
        view()->clearSelection();

        // The same menu on reflowed text.
        QVERIFY(test::openAndWait(*w_, test::sourceFile("resources/alice-in-wonderland.txt")));
        ui::ReflowTextView* text = reader()->textView();
        const std::string phrase = "Cheshire Cat";
        const size_t where = doc().text.find(phrase);
        QVERIFY(where != std::string::npos);
        const TextRange range{where, where + phrase.size()};
        reader()->goToOffset(where);
        QTextCursor c = text->cursorForRange(range);
        text->setTextCursor(c);
        QCOMPARE(reader()->selectedRange(), range);
        QSignalSpy askedText(reader(), &ui::ReaderView::askAboutRequested);
        QStringList names;
        withContextMenu(text->viewport(), text->cursorRect(c).center(), [&](QMenu* menu) {
            for (QAction* a : menu->actions())
                if (!a->isSeparator()) names << a->objectName();
            QCOMPARE(menuAction(menu, "searchForSelection")->text().remove('&'), QString("Search for “Cheshire Cat”"));
            menuAction(menu, "askAboutSelection")->trigger();
        });
        QCOMPARE(names, (QStringList{"copySelection", "askAboutSelection", "highlightSelection", "searchForSelection"}));
        QCOMPARE(askedText.count(), 1);
        // "Highlight…" is the Bookmarks menu's Highlight Selection for this selection.
        QSignalSpy highlightAsked(reader(), &ui::ReaderView::highlightRequested);
        QAction* highlightAction = w_->findChild<QAction*>("actionHighlightSelection");
        QVERIFY(highlightAction);
        QSignalSpy highlightTriggered(highlightAction, &QAction::triggered);
        withContextMenu(text->viewport(), text->cursorRect(c).center(),
                        [&](QMenu* menu) { menuAction(menu, "highlightSelection")->trigger(); });
        QCOMPARE(highlightAsked.count(), 1);
        QCOMPARE(highlightTriggered.count(), 1);
        auto* noteDialog = w_->findChild<QDialog*>("highlightNoteDialog");  // it asks for the note
        QVERIFY(noteDialog && noteDialog->isVisible());
        noteDialog->reject();
        QCOMPARE(askedText.at(0).at(0).value<TextRange>(), range);
        withContextMenu(text->viewport(), text->cursorRect(c).center(),
                        [&](QMenu* menu) { menuAction(menu, "searchForSelection")->trigger(); });
        QCOMPARE(reader()->findBar()->text(), QString("Cheshire Cat"));
        QVERIFY(reader()->searchHits().size() >= 2);
        reader()->find(QString());
        reader()->findBar()->hide();

        // Long selections search for their beginning, named short in the menu.
        QCOMPARE(ui::selectionSearchText("  one\ntwo "), QString("one"));
        const QString longText = QString("word ").repeated(40);
        QVERIFY(ui::selectionSearchText(longText).size() <= 100);
        QVERIFY(ui::elidedSelectionLabel(ui::selectionSearchText(longText)).endsWith("…"));
    }

    // Night colours turn the rendered page dark (ink light), the highlights still stand out on
    // it; sepia tints it; the choice is remembered; reflowed text follows it.
    void nightAndSepiaRecolourThePages() {
        QVERIFY(test::openAndWait(*w_, test::dataFile("corpus/pdflatex-outline.pdf")));
        action("actionFitWidth")->trigger();
        const TextRange s = sentence();
        view()->scrollToRange(s);
        const int page = 1;
        const qreal dpr = view()->devicePixelRatioF();
        auto pixelWidth = [&] { return qRound(view()->pageRectInViewport(page).width() * dpr); };
        QTRY_VERIFY_WITH_TIMEOUT(!reader()->renderer()->cached(page, pixelWidth()).isNull(), 20000);
        const QImage normal = reader()->renderer()->cached(page, pixelWidth());
        QVERIFY(QColor(normal.pixel(5, 5)).lightness() > 240);

        QAction* night = action("actionPageColoursNight");
        QVERIFY(night && night->isCheckable());
        night->trigger();
        QVERIFY(night->isChecked());
        QVERIFY(!action("actionPageColoursNormal")->isChecked());
        QCOMPARE(app::AppSettings().pageColours(), QString("night"));
        QTRY_VERIFY_WITH_TIMEOUT(!reader()->renderer()->cached(page, pixelWidth()).isNull(), 20000);
        const QImage dark = reader()->renderer()->cached(page, pixelWidth());
        QVERIFY2(QColor(dark.pixel(5, 5)).lightness() < 60, qPrintable(QColor(dark.pixel(5, 5)).name()));
        // Ink turned light: the darkest pixels of the page are now its brightest.
        int brightest = 0;
        for (int y = 0; y < dark.height(); y += 3)
            for (int x = 0; x < dark.width(); x += 3) brightest = std::max(brightest, QColor(dark.pixel(x, y)).lightness());
        QVERIFY(brightest > 180);

        // On screen: the page's margin is dark; a search hit and a selection are distinguishable
        // from the page and from each other.
        reader()->find("Hello");
        QVERIFY(!reader()->searchHits().empty());
        view()->scrollToRange(s);
        const WordBox* first = wordOf(s.begin);
        const WordBox* meaning = wordOf(s.end - 2);
        view()->setSelection({meaning->begin, meaning->end});
        QApplication::processEvents();
        const QImage shown = view()->viewport()->grab().toImage();
        const QRect pageRect = view()->pageRectInViewport(page);
        const QRect margin(((pageRect.topLeft() + QPoint(6, 6)) * dpr), QSize(8, 8) * int(dpr));
        const QColor paper = meanColour(shown, margin);
        QVERIFY2(paper.lightness() < 60, qPrintable(paper.name()));
        auto regionOf = [&](const QRectF& r) { return QRect((r.topLeft() * dpr).toPoint(), (r.bottomRight() * dpr).toPoint()); };
        const QColor hit = meanColour(shown, regionOf(boxOf(first)));
        const QColor selected = meanColour(shown, regionOf(boxOf(meaning)));
        // An unmarked word of the same line, for the page's own look at the same ink density.
        const WordBox* plain = wordOf(first->end + 2);
        const QColor unmarked = meanColour(shown, regionOf(boxOf(plain)));
        QVERIFY2(colourDistance(hit, unmarked) > 60, qPrintable(hit.name() + " vs " + unmarked.name()));
        QVERIFY2(colourDistance(selected, unmarked) > 60, qPrintable(selected.name() + " vs " + unmarked.name()));
        QVERIFY2(colourDistance(hit, selected) > 40, qPrintable(hit.name() + " vs " + selected.name()));
        saveShot(w_.get(), "night-mode.png");
        reader()->find(QString());
        view()->clearSelection();

        action("actionPageColoursSepia")->trigger();
        QCOMPARE(app::AppSettings().pageColours(), QString("sepia"));
        QTRY_VERIFY_WITH_TIMEOUT(!reader()->renderer()->cached(page, pixelWidth()).isNull(), 20000);
        const QColor sepia = reader()->renderer()->cached(page, pixelWidth()).pixel(5, 5);
        QVERIFY2(sepia.red() > sepia.blue() + 15 && sepia.lightness() > 180, qPrintable(sepia.name()));

        // Reflowed text takes the same paper and ink.
        QVERIFY(test::openAndWait(*w_, test::sourceFile("resources/alice-in-wonderland.txt")));
        ui::ReflowTextView* text = reader()->textView();
        QCOMPARE(text->palette().color(QPalette::Base), app::pagePaperColour(app::PageColours::Sepia));
        action("actionPageColoursNight")->trigger();
        QVERIFY(text->palette().color(QPalette::Base).lightness() < 60);
        QVERIFY(text->palette().color(QPalette::Text).lightness() > 180);
        const QImage textShot = text->viewport()->grab().toImage();
        QVERIFY(meanColour(textShot, QRect(2, 2, 6, 6)).lightness() < 60);
        // Highlights there use the colours made for a dark page.
        reader()->find("Alice");
        QVERIFY(!text->extraSelections().isEmpty());
        const QColor hitBackground = text->extraSelections().first().format.background().color();
        QVERIFY(hitBackground.lightness() < 128);
        QVERIFY(colourDistance(hitBackground, text->palette().color(QPalette::Base)) > 60);
        reader()->find(QString());

        action("actionPageColoursNormal")->trigger();
        QCOMPARE(app::AppSettings().pageColours(), QString("normal"));
        QCOMPARE(text->palette().color(QPalette::Base), QApplication::palette(text).color(QPalette::Base));
    }

    // Ctrl++ / Ctrl+- / Ctrl+0 size the reflowed text (the text itself, not only the widget's
    // font); the toolbar shows the size; a narrower column is chosen from the View menu; both
    // are there in a new window.
    void reflowedTextSizeAndWidthAreSetAndRemembered() {
        QVERIFY(test::openAndWait(*w_, test::sourceFile("resources/alice-in-wonderland.txt")));
        ui::ReflowTextView* text = reader()->textView();
        reader()->setTextPointSize(0);
        const double base = text->textPointSize();
        QCOMPARE(base, ui::ReflowTextView::defaultTextPointSize());
        auto* sizeBox = w_->findChild<QComboBox*>("textSizeCombo");
        QVERIFY(sizeBox);
        QTRY_VERIFY(sizeBox->isVisible() && sizeBox->isEnabled());
        QTRY_VERIFY(!w_->findChild<QComboBox*>("zoomCombo")->isVisible());
        QCOMPARE(sizeBox->currentText(), QString("%1 pt").arg(base));

        // The size a paragraph's characters are laid out in.
        const std::string phrase = "said the Mock Turtle in a deep, hollow tone";
        const size_t where = doc().text.find(phrase);
        QVERIFY(where != std::string::npos);
        auto laidOutSize = [&] {
            QTextCursor c = text->cursorForRange({where + 3, where + 4});
            return c.charFormat().font().pointSizeF();
        };
        QCOMPARE(laidOutSize(), base);
        QTest::qWait(50);  // the window's return to the saved reading position comes first
        reader()->goToOffset(where);
        QTRY_VERIFY(reader()->currentOffset() <= where && reader()->currentOffset() + 3000 > where);
        const size_t top = reader()->currentOffset();

        // Keys reach the window's shortcuts while it is the active one (the menus above took that).
        w_->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(w_.get()));
        text->setFocus();
        QTest::keyClick(text, Qt::Key_Plus, Qt::ControlModifier);
        QCOMPARE(text->textPointSize(), base + 1);
        QCOMPARE(text->font().pointSizeF(), base + 1);
        QCOMPARE(laidOutSize(), base + 1);
        QCOMPARE(sizeBox->currentText(), QString("%1 pt").arg(base + 1));
        // The line at the top stays at the top.
        QTRY_VERIFY2(qAbs(qint64(reader()->currentOffset()) - qint64(top)) < 200,
                     qPrintable(QString("top at %1, was %2").arg(reader()->currentOffset()).arg(top)));
        QTest::keyClick(text, Qt::Key_Equal, Qt::ControlModifier);
        QCOMPARE(text->textPointSize(), base + 2);
        QTest::keyClick(text, Qt::Key_Minus, Qt::ControlModifier);
        QCOMPARE(text->textPointSize(), base + 1);
        QTest::keyClick(text, Qt::Key_0, Qt::ControlModifier);
        QCOMPARE(text->textPointSize(), base);
        QCOMPARE(laidOutSize(), base);
        QTest::keyClick(text, Qt::Key_Plus, Qt::ControlModifier);
        QCOMPARE(text->textPointSize(), base + 1);
        // Chosen in the toolbar's box.
        sizeBox->setCurrentIndex(sizeBox->findData(20.0));
        emit sizeBox->activated(sizeBox->currentIndex());
        QCOMPARE(text->textPointSize(), 20.0);
        QTest::keyClick(text, Qt::Key_Minus, Qt::ControlModifier);
        QTest::keyClick(text, Qt::Key_Minus, Qt::ControlModifier);
        QTest::keyClick(text, Qt::Key_0, Qt::ControlModifier);
        QTest::keyClick(text, Qt::Key_Plus, Qt::ControlModifier);
        QCOMPARE(text->textPointSize(), base + 1);

        // The column: narrow is narrower than medium, full is the whole view.
        const int medium = text->viewport()->width();
        QVERIFY(action("actionTextWidthMedium")->isChecked());
        action("actionTextWidthNarrow")->trigger();
        QCOMPARE(text->textWidth(), 60);
        QTRY_VERIFY(text->viewport()->width() < medium - 20);
        action("actionTextWidthFull")->trigger();
        QTRY_VERIFY(text->viewport()->width() >= text->width() - text->verticalScrollBar()->sizeHint().width() - 4);
        QVERIFY(text->viewport()->width() >= medium);
        action("actionTextWidthNarrow")->trigger();
        QVERIFY(action("actionTextWidthNarrow")->isChecked());

        // Pages keep Ctrl+0 for Fit Width, and the zoom box.
        QVERIFY(test::openAndWait(*w_, test::dataFile("corpus/pdflatex-outline.pdf")));
        QVERIFY(!action("actionDefaultTextSize")->isEnabled());
        QTRY_VERIFY(w_->findChild<QComboBox*>("zoomCombo")->isVisible());
        QTRY_VERIFY(!sizeBox->isVisible());
        reader()->setZoom(1.5);
        QTest::keyClick(view(), Qt::Key_0, Qt::ControlModifier);
        QCOMPARE(reader()->zoomMode(), ui::ZoomMode::FitWidth);

        // A new window: the same size and column.
        std::unique_ptr<ui::MainWindow> second;
        QVERIFY(test::showNewMainWindow(second));
        QVERIFY(test::openAndWait(*second, test::sourceFile("resources/alice-in-wonderland.txt")));
        QCOMPARE(second->reader()->textView()->textPointSize(), base + 1);
        QCOMPARE(second->reader()->textView()->textWidth(), 60);
        QVERIFY(second->findChild<QAction*>("actionTextWidthNarrow")->isChecked());
        QCOMPARE(second->findChild<QComboBox*>("textSizeCombo")->currentText(), QString("%1 pt").arg(base + 1));
        second.reset();
    }
};

QTEST_MAIN(TestPdfSelection)
#include "test_pdf_selection.moc"
