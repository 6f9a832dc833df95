// The models and helpers under the desktop program's views (app/): text offsets between UTF-8
// and Qt, the reflowed layout's offset map, the excerpt method's choice, evidence and history
// persistence, Markdown export, the library and contents models, and model-file inspection.
#include <QGuiApplication>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QtTest>

#include <memory>

#include "answer_export.h"
#include "evidence_json.h"
#include "evidence_model.h"
#include "excerpt_selection.h"
#include "import.h"
#include "layout_pieces.h"
#include "library_model.h"
#include "model_file_info.h"
#include "question_history_model.h"
#include "reflow_document.h"
#include "test_support.h"
#include "text_index.h"
#include "toc_model.h"

using namespace gleaner;

namespace {
// An evidence passage with what the suites look at: its span, score and page.
EvidencePassage passage(size_t begin, size_t end, float score, int page) {
    EvidencePassage p;
    p.begin = begin;
    p.end = end;
    p.score = score;
    p.page = page;
    return p;
}
}  // namespace

class TestDesktopModels : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private slots:
    void textIndexMapsBytesAndUtf16BothWays() {
        // "é" is 2 bytes/1 unit, "𝄞" 4 bytes/2 units (a surrogate pair).
        const std::string s = "a\xC3\xA9 \xF0\x9D\x84\x9E z";
        app::TextIndex index(s);
        QCOMPARE(index.text(), QString::fromUtf8(s.c_str()));
        QCOMPARE(index.unitOfByte(0), 0);
        QCOMPARE(index.unitOfByte(1), 1);   // é
        QCOMPARE(index.unitOfByte(2), 1);   // inside é
        QCOMPARE(index.unitOfByte(3), 2);   // space
        QCOMPARE(index.unitOfByte(4), 3);   // 𝄞 starts at its high surrogate
        QCOMPARE(index.unitOfByte(6), 3);
        QCOMPARE(index.unitOfByte(8), 5);   // space after it
        QCOMPARE(index.unitOfByte(s.size()), index.size());
        QCOMPARE(index.byteOfUnit(3), size_t(4));
        QCOMPARE(index.byteOfUnit(5), size_t(8));
        QCOMPARE(index.byteOfUnit(index.size()), s.size());
    }

    void textIndexFindsEveryHitIgnoringCase() {
        app::TextIndex index("Alice and ALICE and alice\xC3\xA9");
        const auto hits = index.findAll("alice", Qt::CaseInsensitive);
        QCOMPARE(hits.size(), size_t(3));
        QCOMPARE(hits[1], (TextRange{10, 15}));
        QCOMPARE(index.findAll("alice", Qt::CaseSensitive).size(), size_t(1));
        QCOMPARE(index.findAll("ALICE\xC3\xA9", Qt::CaseInsensitive).front(), (TextRange{20, 27}));
        QVERIFY(index.findAll(QString(), Qt::CaseInsensitive).empty());
        QCOMPARE(index.findAll("and", Qt::CaseInsensitive, 1).size(), size_t(1));
    }

    void theReflowedLayoutKeepsEveryOffset() {
        const Document doc = import_document(test::sourceFile("resources/alice-in-wonderland.txt").toStdString());
        auto index = std::make_shared<app::TextIndex>(doc.text);
        app::ReflowDocument reflow(doc, index, QFont());
        const QString shown = reflow.textDocument()->toPlainText();
        // Every block's text is in the layout exactly where the map says.
        int checked = 0;
        for (size_t i = 0; i < doc.blocks.size(); i += 37, ++checked) {
            const TextRange r = doc.blocks[i].range;
            const int a = reflow.positionOf(r.begin), b = reflow.positionOf(r.end);
            QString expected = index->text().mid(index->unitOfByte(r.begin), index->unitOfByte(r.end) - index->unitOfByte(r.begin));
            expected.replace('\n', QChar::LineSeparator);
            QCOMPARE(shown.mid(a, b - a).replace(QChar::ParagraphSeparator, '\n'), expected.replace(QChar::LineSeparator, '\n'));
            QCOMPARE(reflow.offsetOf(a), r.begin);
        }
        QVERIFY(checked > 10);
        // A word inside a paragraph maps to itself.
        const size_t rabbit = doc.text.find("White Rabbit");
        QVERIFY(rabbit != std::string::npos);
        const int at = reflow.positionOf(rabbit);
        QCOMPARE(shown.mid(at, 12), QString("White Rabbit"));
        QCOMPARE(reflow.offsetOf(at + 6), rabbit + 6);
    }

    void longBlocksAreCutAtSpacesOrBetweenCharacters() {
        using app::layoutPieces;
        const std::string words = "aaaa bbbb cccc dddd";
        // Cut at the last space that fits; the space itself is left to the block break.
        QCOMPARE(layoutPieces(words, {0, words.size()}, 10), (std::vector<TextRange>{{0, 9}, {10, 19}}));
        QCOMPARE(layoutPieces(words, {0, words.size()}, 100), (std::vector<TextRange>{{0, 19}}));
        QCOMPARE(layoutPieces(words, {5, 14}, 100), (std::vector<TextRange>{{5, 14}}));
        // No space in the second half of a piece: between two characters ("é" is 2 bytes, "漢" 3).
        const std::string cjk = "\xE6\xBC\xA2\xE6\xBC\xA2\xE6\xBC\xA2\xE6\xBC\xA2";
        QCOMPARE(layoutPieces(cjk, {0, cjk.size()}, 8), (std::vector<TextRange>{{0, 6}, {6, 12}}));
        const std::string accents = "\xC3\xA9\xC3\xA9\xC3\xA9";
        QCOMPARE(layoutPieces(accents, {0, accents.size()}, 3), (std::vector<TextRange>{{0, 2}, {2, 4}, {4, 6}}));
    }

    void aLongParagraphIsLaidOutInPiecesThatKeepEveryOffset() {
        // One paragraph of 1 MB (a text file without blank lines): words with a 2-byte letter and
        // a character outside the BMP (two UTF-16 units), and 42 KB of CJK without any space.
        std::string text;
        for (int i = 0; text.size() < (size_t{1} << 20); ++i) {
            text += "word" + std::to_string(i) + " caf\xC3\xA9 \xF0\x9D\x84\x9E ";
            if (i == 20000)
                for (int k = 0; k < 14000; ++k) text += "\xE6\xBC\xA2";
        }
        text += "end";
        Document doc;
        doc.format = "text";
        doc.text = text;
        doc.blocks = {{BlockKind::Paragraph, 0, {0, text.size()}}};
        auto index = std::make_shared<app::TextIndex>(doc.text);
        app::ReflowDocument reflow(doc, index, QFont());
        QTextDocument* td = reflow.textDocument();

        // Laid out as many blocks of at most 16 KiB, not one of 1 MB.
        QVERIFY2(td->blockCount() >= int(text.size() / app::kMaxLaidOutBlockBytes), qPrintable(QString::number(td->blockCount())));
        for (QTextBlock b = td->begin(); b.isValid(); b = b.next())
            QVERIFY(b.length() <= int(app::kMaxLaidOutBlockBytes) + 1);  // + its block break

        // What a highlight of `r` covers, with the block breaks the layout added shown as `cut`.
        auto highlighted = [&](TextRange r, const QString& cut) {
            QTextCursor c(td);
            c.setPosition(reflow.positionOf(r.begin));
            c.setPosition(reflow.positionOf(r.end), QTextCursor::KeepAnchor);
            return c.selectedText().replace(QChar::ParagraphSeparator, cut);
        };
        auto canonical = [&](TextRange r) {
            const qsizetype u0 = index->unitOfByte(r.begin), u1 = index->unitOfByte(r.end);
            return index->text().mid(u0, u1 - u0);
        };

        // Every search hit is highlighted on its own characters (across a cut too: the block break
        // stands for the space it replaced) and maps back to itself.
        const QString needle = QString::fromUtf8("caf\xC3\xA9 \xF0\x9D\x84\x9E");
        const auto hits = index->findAll(needle, Qt::CaseSensitive, 1'000'000);
        QVERIFY(hits.size() > 30000);
        for (const TextRange& r : hits) {
            QCOMPARE(highlighted(r, " "), needle);
            QCOMPARE(reflow.offsetOf(reflow.positionOf(r.begin)), r.begin);
        }

        // Where a block starts, the text goes on, and a range across the cut (evidence) covers its
        // own words.
        int cuts = 0, cjkCuts = 0;
        for (QTextBlock b = td->begin().next(); b.isValid(); b = b.next(), ++cuts) {
            const size_t at = reflow.offsetOf(b.position());
            QCOMPARE(td->characterAt(b.position()), index->text().at(index->unitOfByte(at)));
            const bool droppedSpace = text[at - 1] == ' ';
            cjkCuts += !droppedSpace;
            const TextRange across{at - 7, std::min(text.size(), at + 7)};
            QCOMPARE(highlighted(across, droppedSpace ? " " : ""), canonical(across));
        }
        QCOMPARE(cuts, td->blockCount() - 1);
        QVERIFY(cjkCuts >= 2);  // the run without spaces was cut too
        QCOMPARE(reflow.offsetOf(td->characterCount()), text.size());
    }

    void theExcerptHoldsTheParagraphsAboutTheQuestion() {
        Document doc;
        doc.format = "text";
        std::string text;
        for (int i = 0; i < 40; ++i) {
            const size_t begin = text.size();
            text += i == 27 ? "The gryphon sang a song about the mock turtle by the sea."
                            : "An ordinary paragraph about nothing in particular, number " + std::to_string(i) + ".";
            doc.blocks.push_back({BlockKind::Paragraph, 0, {begin, text.size()}});
            text += "\n\n";
        }
        doc.text = text;
        const Excerpt ex = choose_excerpt(doc, "What did the Gryphon sing?", 400);
        QVERIFY(ex.range.size() <= 400);
        const size_t gryphon = doc.text.find("gryphon");
        QVERIFY(ex.range.contains(gryphon));
        // The matching paragraph scores highest; the others are context.
        const auto best = std::max_element(ex.passages.begin(), ex.passages.end(),
                                           [](const EvidencePassage& a, const EvidencePassage& b) { return a.score < b.score; });
        QVERIFY(TextRange({best->begin, best->end}).contains(gryphon));
        QCOMPARE(best->score, 1.0f);
        for (const EvidencePassage& p : ex.passages) QVERIFY(p.score > 0 && p.score <= 1);
        QCOMPARE(match_terms("What did the Gryphon SING, 42?"), (std::vector<std::string>{"gryphon", "sing"}));
    }

    void evidenceAndTimingsSurviveTheLibrary() {
        std::vector<EvidencePassage> in = {passage(10, 20, 0.5f, 1), passage(30, 45, 1.0f, -1)};
        const std::vector<EvidencePassage> out = app::evidenceFromJson(app::evidenceToJson(in));
        QCOMPARE(out.size(), size_t(2));
        QCOMPARE(out[1].begin, size_t(30));
        QCOMPARE(out[1].end, size_t(45));
        QCOMPARE(out[0].score, 0.5f);
        QCOMPARE(out[0].page, 1);
        QVERIFY(app::evidenceFromJson("not json").empty());
        QVERIFY(app::evidenceFromJson(R"([{"begin":5,"end":2}])").empty());  // nonsense spans are dropped
        Answer a;
        a.prompt_tokens = 100;
        a.cancelled = true;
        QVERIFY(QString::fromStdString(app::timingsToJson(a)).contains("\"stopped\":true"));
    }

    // The history holds each answer's evidence ready to draw: a new answer's as the engine gave it
    // (its signals and citations included, whatever the stored JSON keeps), a stored one's parsed
    // once when the history is loaded.
    void theHistoryKeepsEachAnswersEvidence() {
        app::QuestionHistoryModel history;
        EvidencePassage fresh = passage(10, 20, 0.5f, 1);
        fresh.attention = 0.25f;
        fresh.cites = {3};
        LayerEvidence layer;
        layer.layer = 6;
        layer.passages = {fresh};
        QuestionRecord stored;
        stored.question = "Stored?";
        stored.evidence_json = app::evidenceToJson({passage(30, 45, 1.0f, -1)}, {});
        history.setRecords({stored});
        QCOMPARE(history.evidence(0).size(), size_t(1));
        QCOMPARE(history.evidence(0)[0].begin, size_t(30));
        QuestionRecord asked;
        asked.question = "New?";
        asked.evidence_json = "[]";  // what the library got does not matter to what is shown
        history.append(asked, {fresh}, {layer});
        QCOMPARE(history.rowCount(), 2);
        QCOMPARE(history.evidence(1).size(), size_t(1));
        QCOMPARE(history.evidence(1)[0].end, size_t(20));
        QCOMPARE(history.evidence(1)[0].attention, 0.25f);
        QCOMPARE(history.evidence(1)[0].cites, std::vector<int32_t>{3});
        QCOMPARE(history.layers(1).size(), size_t(1));
        QCOMPARE(history.layers(1)[0].layer, 6);
        QVERIFY(history.evidence(2).empty());
        QVERIFY(history.layers(-1).empty());
    }

    void answersExportAsMarkdownWithPagesAndQuotes() {
        const Document doc = import_document(test::dataFile("corpus/pdflatex-outline.pdf").toStdString());
        const size_t at = doc.text.find("Hello, here is some text");
        QVERIFY(at != std::string::npos);
        QuestionRecord r;
        r.question = "What is on the page?";
        r.answer = "Some text.\n";
        r.method = "gleaner";
        r.model = "SmolLM2-135M-Instruct.Q4_1.gguf";
        r.evidence_json = app::evidenceToJson({passage(at, at + 24, 0.75f, doc.page_of_char(at))});
        const QString md = app::answerToMarkdown(r, &doc);
        QVERIFY(md.startsWith("## What is on the page?\n\nSome text.\n"));
        QVERIFY(md.contains("*gleaner · SmolLM2-135M-Instruct.Q4_1.gguf"));
        QVERIFY(md.contains(QString("1. p. %1, score 0.75\n   > Hello, here is some text").arg(doc.page_of_char(at) + 1)));
        const QString all = app::historyToMarkdown("A Book", {r, r}, &doc);
        QVERIFY(all.startsWith("# A Book\n\n## "));
        QCOMPARE(all.count("### Evidence"), 2);
    }

    void theEvidenceModelSaysWhereEachPassageIs() {
        auto doc = std::make_shared<Document>(import_document(test::dataFile("corpus/pdflatex-outline.pdf").toStdString()));
        app::EvidenceModel model;
        const size_t last = doc->pages.back().range.begin + 5;
        model.setEvidence(doc, {passage(last, last + 10, 0.3f, doc->page_count() - 1), passage(0, 99999999, 1, 0)}, "qllm");
        QCOMPARE(model.rowCount(), 1);  // a span past the text is dropped, not drawn
        QCOMPARE(model.locationText(0), QString("p. %1").arg(doc->page_count()));
        QCOMPARE(model.data(model.index(0, app::EvidenceModel::ScoreColumn)).toString(), QString("0.30"));
        QCOMPARE(model.method(), QString("qllm"));

        // Gleaner's passages carry the [n] the answer cites them by and the signals that chose them
        EvidencePassage a = passage(0, 20, 0.9f, 0), b = passage(30, 60, 0.5f, 0);
        a.cites = {2};
        a.attention = 0.25f;
        a.lexical = 1.0f;
        a.second_look = 0.5f;
        b.cites = {1, 3};
        model.setEvidence(doc, {a, b}, "gleaner");
        QCOMPARE(model.rowForCitation(3), model.rowForCitation(1));
        QVERIFY(model.rowForCitation(2) >= 0 && model.rowForCitation(2) != model.rowForCitation(1));
        QCOMPARE(model.rowForCitation(4), -1);
        const int row = model.rowForCitation(2);
        QVERIFY(model.data(model.index(row, app::EvidenceModel::PassageColumn)).toString().startsWith("[2] "));
        const QString tip = model.data(model.index(row, app::EvidenceModel::PassageColumn), Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains("attention 0.25") && tip.contains("words 1.00") && tip.contains("second look 0.50"), qPrintable(tip));
        // and they survive the history's JSON
        const auto back = app::evidenceFromJson(app::evidenceToJson({a}, {}));
        QCOMPARE(back.size(), size_t(1));
        QCOMPARE(back[0].cites, std::vector<int32_t>{2});
        QCOMPARE(back[0].lexical, 1.0f);
        QCOMPARE(back[0].second_look, 0.5f);
        QCOMPARE(app::evidenceFromJson(app::evidenceToJson({b}, {}))[0].second_look, -1.0f);  // not used: not said
    }

    void theLibraryModelRecordsOpensAndForgets() {
        app::LibraryModel lib(tmp_.path() + "/lib/library.sqlite3");
        QVERIFY(lib.openError().isEmpty());
        auto load = [](const QString& path) {
            app::LoadedDocument d;
            d.path = path;
            d.document = std::make_shared<Document>(import_document(path.toStdString()));
            return d;
        };
        app::LoadedDocument pdf = load(test::dataFile("corpus/pdflatex-outline.pdf"));
        app::LoadedDocument txt = load(test::sourceFile("resources/alice-in-wonderland.txt"));
        const int64_t a = lib.addDocument(pdf);
        const int64_t b = lib.addDocument(txt);
        QCOMPARE(lib.rowCount(), 2);
        QCOMPARE(lib.data(lib.index(lib.rowOf(a)), app::LibraryModel::PagesRole).toInt(), 4);
        QCOMPARE(lib.data(lib.index(lib.rowOf(b)), app::LibraryModel::AuthorRole).toString(), QString("Lewis Carroll"));
        // The same bytes again (a copy elsewhere) are the same book.
        pdf.path = tmp_.path() + "/moved.pdf";
        QCOMPARE(lib.addDocument(pdf), a);
        QCOMPARE(lib.rowCount(), 2);
        QCOMPARE(lib.data(lib.index(lib.rowOf(a)), app::LibraryModel::PathRole).toString(), pdf.path);
        QVERIFY(lib.data(lib.index(lib.rowOf(a)), app::LibraryModel::FileMissingRole).toBool());
        lib.setReadingPosition(b, int64_t(txt.document->text.size() / 2));
        QCOMPARE(qRound(lib.data(lib.index(lib.rowOf(b)), app::LibraryModel::PositionFractionRole).toDouble() * 10), 5);
        lib.setModelName("m.gguf");
        lib.setReadingState({b, "m.gguf", 500, 1000, ReadingStatus::Reading, 0});
        QCOMPARE(lib.data(lib.index(lib.rowOf(b)), app::LibraryModel::ReadingStatusRole).toString(), QString("reading"));
        QCOMPARE(lib.data(lib.index(lib.rowOf(b)), app::LibraryModel::TokensReadRole).toLongLong(), 500);
        lib.removeDocument(a);
        QCOMPARE(lib.rowCount(), 1);
        app::LibraryModel again(tmp_.path() + "/lib/library.sqlite3");
        QCOMPARE(again.rowCount(), 1);
    }

    void anUnopenableLibraryFallsBackToMemory() {
        QFile junk(tmp_.path() + "/junk.sqlite3");
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(4096, 'x'));
        junk.close();
        app::LibraryModel lib(junk.fileName());
        QVERIFY(!lib.openError().isEmpty());
        QCOMPARE(lib.rowCount(), 0);
        app::LoadedDocument d;
        d.path = test::dataFile("corpus/pdflatex-outline.pdf");
        d.document = std::make_shared<Document>(import_document(d.path.toStdString()));
        QVERIFY(lib.addDocument(d) > 0);  // still works, for this session
    }

    void theContentsModelIsATreeOfTheOutline() {
        const Document doc = import_document(test::dataFile("corpus/childrens-literature.epub").toStdString());
        app::TocModel toc;
        toc.setDocument(&doc);
        QCOMPARE(toc.rowCount(), 1);
        const QModelIndex part = toc.index(0, 0);
        QVERIFY(toc.rowCount(part) > 5);
        int total = 0;
        std::function<void(const QModelIndex&)> count = [&](const QModelIndex& parent) {
            for (int r = 0; r < toc.rowCount(parent); ++r) {
                ++total;
                count(toc.index(r, 0, parent));
            }
        };
        count({});
        QCOMPARE(total, int(doc.toc.size()));
        const TocEntry& e = doc.toc[5];
        const QModelIndex at = toc.indexForOffset(e.offset + 1);
        QCOMPARE(at.data(app::TocModel::OffsetRole).toULongLong(), qulonglong(e.offset));
        QVERIFY(!toc.indexForOffset(0).isValid());
    }

    void modelFilesAreInspectedBeforeUse() {
        GLEANER_REQUIRE_MODEL(test::smollm2Path());
        const ModelFileInfo good = inspect_model_file(test::smollm2Path().toStdString());
        QVERIFY2(good.supported, good.problem.c_str());
        QCOMPARE(good.architecture, std::string("llama"));
        QCOMPARE(good.quantization, std::string("Q4_1"));
        QVERIFY(good.parameters > 100'000'000 && good.parameters < 200'000'000);
        QCOMPARE(good.context_length, int64_t(8192));
        const ModelFileInfo text = inspect_model_file(test::sourceFile("resources/alice-in-wonderland.txt").toStdString());
        QVERIFY(!text.supported);
        QVERIFY(!text.problem.empty());
        const ModelFileInfo none = inspect_model_file("/nonexistent.gguf");
        QVERIFY(!none.supported);
        QCOMPARE(none.problem, std::string("the file does not exist"));
        // A truncated model says so instead of crashing.
        QFile src(test::smollm2Path());
        QVERIFY(src.open(QIODevice::ReadOnly));
        QFile cut(tmp_.path() + "/cut.gguf");
        QVERIFY(cut.open(QIODevice::WriteOnly));
        cut.write(src.read(1 << 20));
        cut.close();
        const ModelFileInfo truncated = inspect_model_file(cut.fileName().toStdString());
        QVERIFY(!truncated.supported);
        QVERIFY(!truncated.problem.empty());
    }
};

QTEST_MAIN(TestDesktopModels)
#include "test_desktop_models.moc"
