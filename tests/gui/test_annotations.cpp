// Bookmarks and highlights as a reader makes them (offscreen, no model): text selected in a
// reflowed book and highlighted with Ctrl+H and a note shows in the Annotations panel with its
// citation and note, is drawn in the reader, is in the library (a new window on the same library
// still has it), its note can be edited and it can be deleted (gone from SQLite too); Ctrl+D
// bookmarks the reading position and activating the bookmark returns there, in flowing text and
// on PDF pages; highlights are drawn on PDF pages; the export lists them with citations and notes.
#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QInputDialog>
#include <QListView>
#include <QPushButton>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QStatusBar>

#include <memory>

#include "annotation_model.h"
#include "annotations_panel.h"
#include "ask_panel.h"
#include "document_scope.h"
#include "gui_test_support.h"
#include "highlight_colors.h"
#include "library_store.h"
#include "pdf_page_view.h"
#include "reader_view.h"
#include "reflow_text_view.h"

using namespace gleaner;

namespace {
const QString kAlice = QStringLiteral("corpus/alice-in-wonderland_pg11.txt");
const QString kPdf = QStringLiteral("corpus/pdflatex-outline.pdf");

// Pixels of exactly `color` (an opaque text background is painted as it is).
int pixelsOf(const QImage& image, const QColor& color) {
    int n = 0;
    const QRgb want = color.rgb();
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) n += (image.pixel(x, y) & 0xffffff) == (want & 0xffffff);
    return n;
}

// Pixels within `tolerance` of `color` (a translucent overlay blended on white paper).
int pixelsNear(const QImage& image, const QColor& color, int tolerance) {
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            n += std::abs(c.red() - color.red()) <= tolerance && std::abs(c.green() - color.green()) <= tolerance &&
                 std::abs(c.blue() - color.blue()) <= tolerance;
        }
    return n;
}

// The colour an overlay leaves on white paper.
QColor overWhite(const QColor& overlay) {
    const double a = overlay.alphaF();
    auto mix = [a](int c) { return int(std::lround(255 * (1 - a) + c * a)); };
    return QColor(mix(overlay.red()), mix(overlay.green()), mix(overlay.blue()));
}
}  // namespace

class TestAnnotations : public QObject {
    Q_OBJECT
    std::unique_ptr<test::IsolatedProfile> profile_;
    std::unique_ptr<ui::MainWindow> w_;

    ui::ReaderView* reader() { return w_->reader(); }
    app::AnnotationModel* model() { return w_->annotations(); }
    ui::AnnotationsPanel* panel() { return w_->annotationsPanel(); }
    QAction* action(const char* name) { return w_->findChild<QAction*>(name); }
    const Document& doc() { return *reader()->document().document; }

    // Presses a shortcut as the user does, in the window's reader.
    void press(QKeyCombination key) {
        w_->activateWindow();
        QTest::keyClick(reader()->textView()->isVisible() ? static_cast<QWidget*>(reader()->textView())
                                                          : static_cast<QWidget*>(reader()->pageView()),
                        key.key(), key.keyboardModifiers());
    }
    // The open note dialog (Highlight Selection's or Edit Note's), once it shows (null: none did).
    QInputDialog* noteDialog(const char* name) {
        QElapsedTimer waited;
        waited.start();
        QInputDialog* dialog = nullptr;
        while (!((dialog = w_->findChild<QInputDialog*>(name)) && dialog->isVisible()) && waited.elapsed() < 5000)
            QTest::qWait(20);
        return dialog && dialog->isVisible() ? dialog : nullptr;
    }
    // Selects the text of `range` in the reflowed view, as a drag over it would.
    void selectInText(TextRange range) {
        auto* text = reader()->textView();
        reader()->goToOffset(range.begin);
        text->setTextCursor(text->cursorForRange(range));
    }
    void clearTextSelection() {
        auto* text = reader()->textView();
        QTextCursor c = text->textCursor();
        c.clearSelection();
        text->setTextCursor(c);
    }
    // A fresh library view of what was saved, as another program would see it.
    std::vector<HighlightRecord> storedHighlights() {
        LibraryStore store(profile_->libraryPath().toStdString());
        return store.highlights(reader()->document().libraryId);
    }
    std::vector<BookmarkRecord> storedBookmarks() {
        LibraryStore store(profile_->libraryPath().toStdString());
        return store.bookmarks(reader()->document().libraryId);
    }
    TextRange find(const char* words) {
        const std::vector<TextRange> hits = reader()->document().index->findAll(QString::fromUtf8(words), Qt::CaseSensitive);
        return hits.empty() ? TextRange{} : hits.front();
    }

private slots:
    void init() {
        profile_ = std::make_unique<test::IsolatedProfile>();
        QVERIFY(test::showNewMainWindow(w_));
    }
    void cleanup() { w_.reset(); }

    void highlightSelectionWithANoteIsListedDrawnStoredEditedAndDeleted() {
        QVERIFY(test::openAndWait(*w_, test::dataFile(kAlice)));
        auto* text = reader()->textView();
        const TextRange words = find("Curiouser and curiouser!");
        QVERIFY(!words.empty());
        const QColor pink = ui::userHighlightTextColor(text->palette());
        selectInText(words);
        QTRY_VERIFY(text->visibleFraction().first <= text->fractionOfOffset(words.begin));
        QCOMPARE(reader()->selectedRange(), words);
        clearTextSelection();
        QCOMPARE(pixelsOf(text->viewport()->grab().toImage(), pink), 0);  // nothing pink before

        selectInText(words);
        press(QKeyCombination(Qt::CTRL | Qt::Key_H));
        QInputDialog* dialog = noteDialog("highlightNoteDialog");
        QVERIFY(dialog);
        dialog->setTextValue(QStringLiteral("Alice starts to grow"));
        dialog->accept();

        // Listed, with where it is as a reader cites it and the note.
        QCOMPARE(model()->rowCount(), 1);
        const QModelIndex row = model()->index(0);
        const QString place = row.data(app::AnnotationModel::PlaceRole).toString();
        QCOMPARE(place, QString::fromStdString(citation(doc(), words.begin)));
        QVERIFY2(place.startsWith("CHAPTER II.") && place.contains(QStringLiteral("¶")), qPrintable(place));
        QCOMPARE(row.data(app::AnnotationModel::NoteRole).toString(), QStringLiteral("Alice starts to grow"));
        auto* list = panel()->list();
        QVERIFY(list->isVisible());
        const QString shown = list->model()->index(0, 0).data().toString();
        QVERIFY2(shown.contains(place) && shown.contains("Alice starts to grow") && shown.contains("Curiouser"),
                 qPrintable(shown));

        // Stored in the library.
        auto stored = storedHighlights();
        QCOMPARE(stored.size(), size_t{1});
        QCOMPARE(stored[0].range, words);
        QCOMPARE(stored[0].note, std::string("Alice starts to grow"));

        // Drawn: the view holds it as a highlight over exactly those words, and paints it.
        QCOMPARE(reader()->userHighlights(), std::vector<TextRange>{words});
        QCOMPARE(text->userHighlights(), std::vector<TextRange>{words});
        bool drawn = false;
        for (const QTextEdit::ExtraSelection& s : text->extraSelections())
            drawn = drawn || (s.cursor.selectedText() == QStringLiteral("Curiouser and curiouser!") &&
                              s.format.background().color() == pink);
        QVERIFY(drawn);
        clearTextSelection();
        QTRY_VERIFY(pixelsOf(text->viewport()->grab().toImage(), pink) > 50);
        if (const QString dir = qEnvironmentVariable("GLEANER_TEST_SHOTS"); !dir.isEmpty()) {
            w_->findChild<QDockWidget*>("annotationsDock")->raise();
            panel()->selectRow(0);
            QTest::qWait(50);
            w_->grab().save(dir + "/highlights.png");
        }

        // A new window on the same library: still there, and drawn again.
        const int64_t id = stored[0].id;
        w_.reset();
        QVERIFY(test::showNewMainWindow(w_));
        QVERIFY(test::openAndWait(*w_, test::dataFile(kAlice)));
        QCOMPARE(model()->rowCount(), 1);
        QCOMPARE(model()->index(0).data(app::AnnotationModel::NoteRole).toString(), QStringLiteral("Alice starts to grow"));
        QCOMPARE(reader()->textView()->userHighlights(), std::vector<TextRange>{words});

        // Edit Note: the new note is saved.
        panel()->selectRow(0);
        auto* edit = panel()->findChild<QPushButton*>("editNoteButton");
        QVERIFY(edit->isEnabled());
        QTest::mouseClick(edit, Qt::LeftButton);
        dialog = noteDialog("annotationNoteDialog");
        QVERIFY(dialog);
        QCOMPARE(dialog->textValue(), QStringLiteral("Alice starts to grow"));
        dialog->setTextValue(QStringLiteral("She opens out like a telescope"));
        dialog->accept();
        QCOMPARE(model()->index(0).data(app::AnnotationModel::NoteRole).toString(),
                 QStringLiteral("She opens out like a telescope"));
        stored = storedHighlights();
        QCOMPARE(stored.size(), size_t{1});
        QCOMPARE(stored[0].id, id);
        QCOMPARE(stored[0].note, std::string("She opens out like a telescope"));

        // Delete: gone from the list, the page and the library.
        panel()->selectRow(0);
        QTest::mouseClick(panel()->findChild<QPushButton*>("deleteAnnotationButton"), Qt::LeftButton);
        QCOMPARE(model()->rowCount(), 0);
        QVERIFY(reader()->textView()->userHighlights().empty());
        QVERIFY(storedHighlights().empty());
        QTRY_COMPARE(pixelsOf(reader()->textView()->viewport()->grab().toImage(), pink), 0);
    }

    void bookmarkInFlowingTextReturnsToThePlace() {
        QVERIFY(test::openAndWait(*w_, test::dataFile(kAlice)));
        auto* text = reader()->textView();
        const TextRange chapter = find("CHAPTER V.\nAdvice from a Caterpillar");
        const TextRange there = chapter.empty() ? find("Advice from a Caterpillar") : chapter;
        QVERIFY(!there.empty());
        reader()->goToOffset(there.begin + 3000);
        QTRY_VERIFY(reader()->currentOffset() > there.begin);
        const size_t marked = reader()->currentOffset();

        press(QKeyCombination(Qt::CTRL | Qt::Key_D));
        QCOMPARE(model()->rowCount(), 1);
        const QModelIndex row = model()->index(0);
        QCOMPARE(row.data(app::AnnotationModel::KindRole).toInt(), int(app::AnnotationModel::Kind::Bookmark));
        QCOMPARE(row.data(app::AnnotationModel::BeginRole).toULongLong(), qulonglong(marked));
        QCOMPARE(row.data(app::AnnotationModel::PlaceRole).toString(), QString::fromStdString(citation(doc(), marked)));
        const auto stored = storedBookmarks();
        QCOMPARE(stored.size(), size_t{1});
        QCOMPARE(stored[0].offset, int64_t(marked));
        QCOMPARE(stored[0].page, -1);

        // Away to the start, then back by activating the bookmark (Enter on it in the panel).
        text->verticalScrollBar()->setValue(0);
        QTRY_VERIFY(reader()->currentOffset() + 10000 < marked);
        auto* list = panel()->list();
        panel()->selectRow(0);
        list->setFocus();
        QTest::keyClick(list, Qt::Key_Return);
        // Back where the bookmark was made: its place in view (as a saved reading position is
        // shown, a third down), the view no further back than a screenful.
        QTRY_VERIFY2(reader()->currentOffset() <= marked && reader()->currentOffset() + 3000 > marked,
                     qPrintable(QStringLiteral("at %1, bookmark at %2").arg(reader()->currentOffset()).arg(marked)));
        const auto [top, bottom] = text->visibleFraction();
        const double at = text->fractionOfOffset(marked);
        QVERIFY2(at >= top && at <= bottom, qPrintable(QStringLiteral("%1 in [%2, %3]").arg(at).arg(top).arg(bottom)));
        // Ctrl+H with nothing selected adds nothing and says why.
        clearTextSelection();
        press(QKeyCombination(Qt::CTRL | Qt::Key_H));
        QCOMPARE(model()->rowCount(), 1);
        QVERIFY(!w_->findChild<QInputDialog*>("highlightNoteDialog"));
        QVERIFY(w_->statusBar()->currentMessage().contains("Select the text"));
    }

    void bookmarkAndHighlightOnPdfPages() {
        QVERIFY(test::openAndWait(*w_, test::dataFile(kPdf)));
        QVERIFY(reader()->isPaginated());
        auto* pages = reader()->pageView();
        reader()->goToPage(2);
        QTRY_COMPARE(reader()->currentPage(), 2);
        press(QKeyCombination(Qt::CTRL | Qt::Key_D));
        QCOMPARE(model()->rowCount(), 1);
        const QString place = model()->index(0).data(app::AnnotationModel::PlaceRole).toString();
        QCOMPARE(place, QStringLiteral("p. ") + QString::fromStdString(page_name(doc(), 2)));
        QCOMPARE(storedBookmarks().at(0).page, 2);

        reader()->goToPage(0);
        QTRY_COMPARE(reader()->currentPage(), 0);
        panel()->selectRow(0);
        panel()->list()->setFocus();
        QTest::keyClick(panel()->list(), Qt::Key_Return);
        QTRY_COMPARE(reader()->currentPage(), 2);

        // A highlight on the page (made through the model the menu uses: PDF text selection is
        // not in this view yet) is drawn over its words.
        const TextRange& pageText = doc().pages[2].range;
        const TextRange words{pageText.begin, std::min(pageText.end, pageText.begin + 40)};
        reader()->goToOffset(words.begin);
        const QColor tint = overWhite(ui::userHighlightOverlayColor());
        QTRY_VERIFY(!pages->rangeRectsInViewport(words).empty());
        const int before = pixelsNear(pages->viewport()->grab().toImage(), tint, 3);
        QString error;
        QVERIFY2(model()->addHighlight(words, QStringLiteral("on the page"), &error) >= 0, qPrintable(error));
        QCOMPARE(pages->userHighlights(), std::vector<TextRange>{words});
        QTRY_VERIFY(pixelsNear(pages->viewport()->grab().toImage(), tint, 3) > before + 100);
        QCOMPARE(model()->index(model()->rowOfId(app::AnnotationModel::Kind::Highlight, storedHighlights().at(0).id))
                     .data(app::AnnotationModel::PlaceRole)
                     .toString(),
                 QStringLiteral("p. ") + QString::fromStdString(page_name(doc(), 2)));
        // A range past the text is refused with a message, and nothing is stored.
        const size_t end = doc().text.size();
        QCOMPARE(model()->addHighlight({end - 5, end + 50}, {}, &error), -1);
        QVERIFY2(error.contains("text ends at"), qPrintable(error));
        QCOMPARE(storedHighlights().size(), size_t{1});
    }

    void exportListsHighlightsAndBookmarksWithCitationsAndNotes() {
        QVERIFY(test::openAndWait(*w_, test::dataFile(kAlice)));
        const TextRange words = find("Curiouser and curiouser!");
        selectInText(words);
        press(QKeyCombination(Qt::CTRL | Qt::Key_H));
        QInputDialog* dialog = noteDialog("highlightNoteDialog");
        QVERIFY(dialog);
        dialog->setTextValue(QStringLiteral("growing again"));
        dialog->accept();
        clearTextSelection();
        reader()->goToOffset(words.begin + 20000);
        QTRY_VERIFY(reader()->currentOffset() > words.begin + 10000);
        const size_t marked = reader()->currentOffset();
        press(QKeyCombination(Qt::CTRL | Qt::Key_D));
        QCOMPARE(model()->rowCount(), 2);

        // The filter shows one kind at a time.
        auto* filter = panel()->findChild<QComboBox*>("annotationFilter");
        QCOMPARE(panel()->list()->model()->rowCount(), 2);
        panel()->setFilter(ui::AnnotationsPanel::Filter::Bookmarks);
        QCOMPARE(panel()->list()->model()->rowCount(), 1);
        QCOMPARE(panel()->list()->model()->index(0, 0).data(app::AnnotationModel::KindRole).toInt(),
                 int(app::AnnotationModel::Kind::Bookmark));
        QCOMPARE(filter->currentText(), QStringLiteral("Bookmarks"));
        panel()->setFilter(ui::AnnotationsPanel::Filter::Highlights);
        QCOMPARE(panel()->list()->model()->rowCount(), 1);
        QCOMPARE(panel()->list()->model()->index(0, 0).data(app::AnnotationModel::KindRole).toInt(),
                 int(app::AnnotationModel::Kind::Highlight));
        panel()->setFilter(ui::AnnotationsPanel::Filter::All);

        QTemporaryDir dir;
        const QString path = dir.filePath("alice.md");
        QString error;
        QVERIFY2(w_->askPanel()->exportHistory(path, QStringLiteral("Alice"), &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString md = QString::fromUtf8(file.readAll());
        const QString highlightPlace = QString::fromStdString(citation(doc(), words.begin));
        const QString bookmarkPlace = QString::fromStdString(citation(doc(), marked));
        QVERIFY2(md.contains("## Bookmarks and highlights"), qPrintable(md));
        QVERIFY2(md.contains("**Highlight**, " + highlightPlace), qPrintable(md));
        QVERIFY2(md.contains("> Curiouser and curiouser!"), qPrintable(md));
        QVERIFY2(md.contains("Note: growing again"), qPrintable(md));
        QVERIFY2(md.contains("**Bookmark**, " + bookmarkPlace), qPrintable(md));
        // In the order of the text: the highlight (Chapter II) before the later bookmark.
        QVERIFY(md.indexOf("**Highlight**") < md.indexOf("**Bookmark**"));
    }
};

QTEST_MAIN(TestAnnotations)
#include "test_annotations.moc"
