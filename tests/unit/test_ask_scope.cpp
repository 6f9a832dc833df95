// What a question can be about (document_scope.h) and what a follow-up carries
// (qa_prompt.h's conversation_text), on documents built in memory: no model needed.
#include <QtTest>

#include <cstring>

#include "ask_document.h"
#include "document_scope.h"
#include "qa_prompt.h"

using namespace gleaner;

namespace {
// A book with a title page, three chapters in its contents and a licence at the end.
Document book() {
    Document d;
    d.format = "text";
    d.text = "TITLE\n\nCHAPTER I. One\n\naaaa\n\nCHAPTER II. Two\n\nbbbb\n\nCHAPTER III. Three\n\ncccc\n\nLICENCE";
    for (const char* t : {"CHAPTER I. One", "CHAPTER II. Two", "CHAPTER III. Three"})
        d.toc.push_back({t, 1, -1, d.text.find(t)});
    d.toc.push_back({"(a sub-entry)", 2, -1, d.text.find("bbbb")});
    d.back_matter = {d.text.find("LICENCE"), d.text.size()};
    // headings and paragraphs, as the text importer marks them
    for (const char* b : {"TITLE", "CHAPTER I. One", "aaaa", "CHAPTER II. Two", "bbbb", "CHAPTER III. Three", "cccc", "LICENCE"}) {
        const size_t at = d.text.find(b);
        const bool heading = std::string(b).rfind("CHAPTER", 0) == 0;
        d.blocks.push_back({heading ? BlockKind::Heading : BlockKind::Paragraph, heading ? 1 : 0, {at, at + std::strlen(b)}});
    }
    return d;
}
}  // namespace

class TestAskScope : public QObject {
    Q_OBJECT
private slots:
    void chaptersAreTheContentsTopEntries() {
        const Document d = book();
        const auto chapters = document_chapters(d);
        QCOMPARE(int(chapters.size()), 3);
        QCOMPARE(chapters[1].label, std::string("CHAPTER II. Two"));
        QCOMPARE(std::string(d.slice(chapters[1].range)), std::string("CHAPTER II. Two\n\nbbbb\n\n"));
        // the last chapter stops before the licence
        QVERIFY(std::string(d.slice(chapters[2].range)).find("LICENCE") == std::string::npos);
        QCOMPARE(chapter_at(d, d.text.find("bbbb")).label, std::string("CHAPTER II. Two"));
        QCOMPARE(chapter_at(d, 0).label, std::string("CHAPTER I. One"));  // the title page: the first chapter
        QVERIFY(chapter_at(d, d.text.find("LICENCE")).whole());
    }

    // Passages are cited as a reader would: chapter and paragraph, or the printed page label.
    void citationsNameTheChapterAndParagraph() {
        const Document d = book();
        QCOMPARE(citation(d, d.text.find("bbbb") + 1), std::string("CHAPTER II. Two, \u00b6 2"));
        QCOMPARE(citation(d, d.text.find("CHAPTER III")), std::string("CHAPTER III. Three, \u00b6 1"));
        QCOMPARE(citation(d, 0), std::string("0%"));  // the title page: before any chapter
    }

    // A book's index is never evidence (its lines are the question's words without sentences).
    void theIndexIsNotAskedFrom() {
        Document d;
        d.text = "Chapter one text. NOTES some notes. INDEX Steamboat Willie, 21. GET IT online.";
        d.toc = {{"Chapter one", 1, -1, 0}, {"NOTES", 1, -1, d.text.find("NOTES")},
                 {"INDEX", 1, -1, d.text.find("INDEX")}, {"*get it", 1, -1, d.text.find("GET IT")},
                 {"*a link", 1, -1, 0}};  // an outline entry pointing nowhere useful
        QCOMPARE(index_range(d), (TextRange{d.text.find("INDEX"), d.text.find("GET IT")}));
        const AskDocument a = ask_document(d);
        QCOMPARE(int(a.skip.size()), 1);
        QCOMPARE(a.skip[0].first, int64_t(d.text.find("INDEX")));
        // passages begin at the headings (every entry past the text's start, once, in order)
        QCOMPARE(a.breaks, (std::vector<int64_t>{int64_t(d.text.find("NOTES")), int64_t(d.text.find("INDEX")),
                                                 int64_t(d.text.find("GET IT"))}));
        d.contents = {0, d.text.find(" NOTES")};  // a printed contents list is skipped as well
        QCOMPARE(int(ask_document(d).skip.size()), 2);
        QCOMPARE(ask_document(d).skip[0], (std::pair<int64_t, int64_t>{0, int64_t(d.text.find(" NOTES"))}));
        d.toc[2].title = "Indexing the web";  // a chapter about indexes is a chapter
        QVERIFY(index_range(d).empty());
    }

    void headingsServeWhenThereAreNoContents() {
        Document d;
        d.text = "A\n\nx\n\nB\n\ny";
        d.blocks = {{BlockKind::Heading, 1, {0, 1}}, {BlockKind::Paragraph, 0, {3, 4}},
                    {BlockKind::Heading, 1, {6, 7}}, {BlockKind::Paragraph, 0, {9, 10}}};
        const auto chapters = document_chapters(d);
        QCOMPARE(int(chapters.size()), 2);
        QCOMPARE(chapters[1].label, std::string("B"));
        QCOMPARE(chapters[1].range, (TextRange{6, 10}));
        d.blocks.resize(2);  // one heading: no chapters to choose from
        QVERIFY(document_chapters(d).empty());
    }

    void pagesAreNamedByTheirLabels() {
        Document d;
        d.text.append("p1 p2 p3 p4 ");
        for (const char* label : {"", "ii", "1", ""}) {
            const size_t at = 3 * d.pages.size();
            d.pages.push_back({{at, at + 3}, 100, 100, label});
        }
        const DocumentScope s = page_scope(d, 1, 2);
        QCOMPARE(s.range, (TextRange{3, 9}));
        QCOMPARE(s.label, std::string("pages ii\u20131"));
        QCOMPARE(page_scope(d, 3, 3).label, std::string("page 4"));  // no label: its number
        QVERIFY(page_scope(d, 0, 3).whole());                         // every page: the whole document
        QCOMPARE(page_scope(d, 2, 99).range, (TextRange{6, 12}));     // clamped
        QCOMPARE(passage_scope(d, {4, 5}).label, std::string("the selected passage (page ii)"));
        QCOMPARE(citation(d, 4), std::string("p. ii"));
        QCOMPARE(citation(d, 10), std::string("p. 4"));
        QVERIFY(passage_scope(d, {5, 5}).whole());
    }

    void aFollowUpCarriesTheLastTurnsCut() {
        QVERIFY(conversation_text({}).empty());
        std::vector<ConversationTurn> turns;
        for (int i = 1; i <= 5; ++i) turns.push_back({"question " + std::to_string(i), "answer " + std::to_string(i)});
        std::string long_answer(1, 'x');  // then 2-byte characters: a cut at the byte limit would split one
        while (long_answer.size() < 2 * kMaxEarlierAnswerBytes) long_answer.append("é");
        turns.back().answer = long_answer;
        const std::string text = conversation_text(turns);
        QVERIFY(text.find("question 2") == std::string::npos);  // only the last kMaxEarlierTurns
        QVERIFY(text.find("Q: question 3\nA: answer 3\n") != std::string::npos);
        QVERIFY(text.find("Q: question 5\nA: xé") != std::string::npos);
        QVERIFY(text.size() < 3 * 40 + kMaxEarlierAnswerBytes + 100);  // the long answer was cut
        QVERIFY(QString::fromUtf8(text.data(), qsizetype(text.size())).toUtf8() == QByteArray::fromStdString(text));
        QVERIFY(text.find("...\n") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestAskScope)
#include "test_ask_scope.moc"
