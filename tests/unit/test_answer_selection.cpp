// What Gleaner's answers are built from, without a model: sentence-aligned passages, BM25 of the
// question's words, generation that stops when the answer loops, and how sure the model was of
// what its answer adds to the question.
#include <QtTest>

#include <cmath>
#include <string>
#include <vector>

#include "answer_confidence.h"
#include "asker.h"
#include "character_offsets.h"
#include "claim_check.h"
#include "evidence.h"
#include "generator.h"
#include "lexical_scores.h"
#include "text_spans.h"

using namespace gleaner;

namespace {
// Offsets of one "token" per word (its start, spaces belonging to the token before), then the end.
std::vector<int64_t> word_offsets(const std::string& text) {
    std::vector<int64_t> off;
    for (size_t i = 0; i < text.size(); ++i)
        if (i == 0 || ((text[i - 1] == ' ' || text[i - 1] == '\n') && text[i] != ' ' && text[i] != '\n'))
            off.push_back(int64_t(i));
    off.push_back(int64_t(text.size()));
    return off;
}
}  // namespace

class TestAnswerSelection : public QObject {
    Q_OBJECT
private slots:
    void spansEndAtSentencesAndCoverEverything() {
        std::string text;
        for (int s = 0; s < 40; ++s) text += "This is sentence number " + std::to_string(s) + " of the book. ";
        const auto off = word_offsets(text);
        const int n = int(off.size()) - 1;
        const auto spans = sentence_spans(off, text, 16);
        QVERIFY(spans.size() > 5);
        QCOMPARE(spans.front().begin, 0);
        QCOMPARE(spans.back().end, n);
        for (size_t i = 0; i < spans.size(); ++i) {
            if (i > 0) QCOMPARE(spans[i].begin, spans[i - 1].end);  // contiguous, no overlap
            const int len = spans[i].end - spans[i].begin;
            QVERIFY(len >= 1 && len <= 32);
            if (i + 1 < spans.size()) {  // every cut but the last falls after a full stop
                const int64_t at = off[spans[i].end];
                QVERIFY2(text.compare(at - 2, 2, ". ") == 0, text.substr(at - 10, 12).c_str());
            }
        }
        // no sentence end in reach: cut at twice the target
        const std::string words(400, 'a');
        std::string spaced;
        for (char c : words) spaced += std::string(1, c) + " ";
        const auto o2 = word_offsets(spaced);
        const auto s2 = sentence_spans(o2, spaced, 10);
        QCOMPARE(s2.front().end - s2.front().begin, 20);
    }

    void spansBeginAtTheBreaks() {
        // two chapters; the second's heading must begin a passage, not close the one before it
        std::string text;
        for (int s = 0; s < 9; ++s) text += "Sentence " + std::to_string(s) + " of the first chapter here. ";
        text += "\n\nCHAPTER 2. The Blacksmith.\n\n";
        const int64_t heading = int64_t(text.find("CHAPTER 2"));
        for (int s = 0; s < 9; ++s) text += "Perth said sentence " + std::to_string(s) + " at the forge. ";
        text += "\n\nCHAPTER 3. The End.\n\nOne last word. ";
        const int64_t last_heading = int64_t(text.find("CHAPTER 3"));
        const auto off = word_offsets(text);
        const int n = int(off.size()) - 1;
        const std::vector<int64_t> breaks{heading, last_heading};
        const auto spans = sentence_spans(off, text, 16, breaks);
        QCOMPARE(spans.back().end, n);
        int begins_at_heading = 0;
        for (size_t i = 0; i < spans.size(); ++i) {
            if (i > 0) QCOMPARE(spans[i].begin, spans[i - 1].end);
            for (int64_t b : breaks)  // no passage runs across a heading
                QVERIFY2(!(off[spans[i].begin] < b && off[spans[i].end - 1] >= b), std::to_string(i).c_str());
            for (int64_t b : breaks) begins_at_heading += text.compare(off[spans[i].begin], 7, "CHAPTER") == 0 && off[spans[i].begin] <= b && b < off[spans[i].end];
        }
        QCOMPARE(begins_at_heading, 2);
        // the same text without breaks: a heading falls inside a passage (what the breaks fix)
        bool crossed = false;
        for (const auto& sp : sentence_spans(off, text, 16))
            crossed |= off[sp.begin] < heading && off[sp.end - 1] > heading;
        QVERIFY(crossed);
        // breaks 3 words apart (words 21 and 24): the 3-word stub between them joins the
        // passage before, which then ends at the second break
        const int64_t b1 = int64_t(text.find("Sentence 3")), b2 = int64_t(text.find("the", b1));
        QCOMPARE(off[21], b1);
        QCOMPARE(off[24], b2);
        const auto stub = sentence_spans(off, text, 16, {b1, b2});
        QCOMPARE(stub[0].begin, 0);
        QCOMPARE(stub[0].end, 24);
        QCOMPARE(stub[1].begin, 24);
    }

    // A chosen passage grows by its neighbours (the sentence that names the answer often follows
    // the one the question's words matched), never across a heading or into the matter, and
    // chosen passages that then meet are shown once.
    void widenedPassagesTakeTheirNeighboursAndJoin() {
        // ten passages of 10 tokens; a heading begins passage 6; passage 9 is back matter
        std::vector<TokenSpan> spans;
        for (int s = 0; s < 10; ++s) spans.push_back({s * 10, s * 10 + 10});
        std::vector<char> joins(10, 1), excluded(10, 0);
        joins[0] = 0;
        joins[6] = 0;
        excluded[9] = 1;
        // widen 10: one neighbour each side
        auto w = widen_spans(spans, {3}, 10, joins, excluded);
        QCOMPARE(w.size(), size_t(1));
        QCOMPARE(w[0].span.begin, 20);
        QCOMPARE(w[0].span.end, 50);
        QCOMPARE(w[0].members, std::vector<size_t>{0});
        // widen 15: the first neighbour leaves 5 to add, so a second one is taken too
        w = widen_spans(spans, {3}, 15, joins, excluded);
        QCOMPARE(w[0].span.begin, 10);
        QCOMPARE(w[0].span.end, 60);
        // the heading at passage 6 stops passage 5 growing forward and passage 6 growing back;
        // passage 8 does not grow into the back matter; the first passage has nothing before it
        w = widen_spans(spans, {8, 5, 6, 0}, 10, joins, excluded);
        QCOMPARE(w.size(), size_t(3));
        QCOMPARE(w[0].span.begin, 0);  // passage 0 with passage 1
        QCOMPARE(w[0].span.end, 20);
        QCOMPARE(w[0].members, std::vector<size_t>{3});
        QCOMPARE(w[1].span.begin, 40);  // passage 5 with 4, not past the heading
        QCOMPARE(w[1].span.end, 60);
        QCOMPARE(w[1].members, std::vector<size_t>{1});
        QCOMPARE(w[2].span.begin, 60);  // passages 6 and 8 meet at 7: one passage, both members
        QCOMPARE(w[2].span.end, 90);
        QCOMPARE(w[2].members, (std::vector<size_t>{0, 2}));
        // widened passages that only touch across no heading join (2 grows to 3, 4 grows to 3)
        w = widen_spans(spans, {2, 4}, 10, joins, excluded);
        QCOMPARE(w.size(), size_t(1));
        QCOMPARE(w[0].span.begin, 10);
        QCOMPARE(w[0].span.end, 60);
        // adjacent passages (1 to 2 and 3 to 4 after widening) touch at 30: joined as well
        w = widen_spans(spans, {1, 4}, 10, joins, excluded);
        QCOMPARE(w.size(), size_t(1));
        QCOMPARE(w[0].span.begin, 0);
        QCOMPARE(w[0].span.end, 60);
        // joins_previous: the heading's passage and the one after a gap do not join
        const std::vector<int64_t> offsets = [] {
            std::vector<int64_t> o;
            for (int t = 0; t <= 100; ++t) o.push_back(int64_t(t) * 5);  // token t starts at byte 5t
            return o;
        }();
        std::vector<TokenSpan> cut = spans;
        cut.erase(cut.begin() + 3);  // a gap between passages 2 and 4
        const std::vector<char> j = joins_previous(cut, offsets, {302});  // byte 302: inside token 60
        QCOMPARE(j, (std::vector<char>{0, 1, 1, 0, 1, 0, 1, 1, 1}));
        QCOMPARE(joins_previous(spans, offsets, {}), (std::vector<char>{0, 1, 1, 1, 1, 1, 1, 1, 1, 1}));
        // widen 0: every passage as it was, in book order
        w = widen_spans(spans, {7, 2}, 0, joins, excluded);
        QCOMPARE(w.size(), size_t(2));
        QCOMPARE(w[0].span.begin, 20);
        QCOMPARE(w[0].span.end, 30);
        QCOMPARE(w[1].members, std::vector<size_t>{0});
    }

    void contentWordsDropQuestionWordsAndPlurals() {
        const auto w = content_words("What is the name of Alice's cat? Who were the Queen's soldiers?");
        QCOMPARE(w, (std::vector<std::string>{"alice", "cat", "queen", "soldier"}));
        QVERIFY(content_words("What is it?").empty());
    }

    void bm25RanksTheRarePassageFirst() {
        const std::string text =
            "The cat sat in the garden with Alice. "            // 0: cat, alice
            "Alice walked and walked and walked on. "          // 1: alice
            "Dinah is our cat, said Alice to the mouse. "      // 2: cat, alice, dinah
            "Nothing about anything at all is here.";          // 3: nothing
        std::vector<std::pair<int64_t, int64_t>> r;
        for (const char* s : {"The cat", "Alice walked", "Dinah is", "Nothing about"}) r.push_back({int64_t(text.find(s)), 0});
        for (size_t i = 0; i < r.size(); ++i) r[i].second = i + 1 < r.size() ? r[i + 1].first : int64_t(text.size());
        const auto sc = bm25_scores(text, r, content_words("Who is Dinah, Alice's cat?"));
        QCOMPARE(sc[3], 0.0f);
        QVERIFY(sc[2] > sc[0] && sc[0] > sc[1] && sc[1] > 0.0f);
        // a word in every passage weighs less than one in a single passage
        const auto common = bm25_scores(text, r, {"alice"}), rare = bm25_scores(text, r, {"dinah"});
        QVERIFY(rare[2] > common[2]);
        QVERIFY(bm25_scores(text, r, {}).at(0) == 0.0f);
    }

    void loopsAreDetectedOnlyWhenTheyRepeat() {
        QCOMPARE(trailing_loop_length({1, 2, 3, 4}), 0);
        QCOMPARE(trailing_loop_length({9, 5, 6, 5, 6, 5, 6}), 2);            // a short phrase three times
        QCOMPARE(trailing_loop_length({9, 5, 6, 5, 6}), 0);                   // twice is still language
        std::vector<int32_t> sentence = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
        std::vector<int32_t> twice = {1};
        twice.insert(twice.end(), sentence.begin(), sentence.end());
        twice.insert(twice.end(), sentence.begin(), sentence.end());
        QCOMPARE(trailing_loop_length(twice), 10);                            // a long block twice
        QCOMPARE(trailing_loop_length({7, 7, 7}), 0);                          // "very, very, very"
        QCOMPARE(trailing_loop_length(std::vector<int32_t>(8, 7)), 1);
    }

    void confidenceIsTheProbabilityOfTheWordsTheAnswerAdds() {
        const std::string q = "What is the name of Alice's cat?";
        // "Dinah" is new (chosen at 0.9 in its first token), "[2]" and the frame's words are not
        const std::vector<std::string> pieces = {"Based", " on", " the", " passage", " [", "2", "],", " Alice", "'s",
                                                 " cat", " is", " Din", "ah", "."};
        std::vector<float> probs(pieces.size(), 0.99f);
        probs[11] = 0.9f;  // " Din"
        probs[12] = 0.2f;  // "ah": not where the word was chosen
        probs[5] = 0.01f;  // the citation's number does not count
        AnswerConfidence c = answer_confidence(q, pieces, probs);
        QCOMPARE(c.new_words, 1);
        QCOMPARE(c.confidence, 0.9f);
        QVERIFY(c.supported(0.35f));
        probs[11] = 0.2f;  // the same answer, chosen with little confidence
        c = answer_confidence(q, pieces, probs);
        QCOMPARE(c.confidence, 0.2f);
        QVERIFY(!c.supported(0.35f));
        // two new words: the mean of their first tokens
        c = answer_confidence("Who sat?", {"Tom", " and", " Ann"}, {0.5f, 0.9f, 0.3f});
        QCOMPARE(c.new_words, 2);
        QVERIFY(std::abs(c.confidence - 0.4f) < 1e-6f);
    }

    // Only the claim counts: a larger model's reasons after it are fluent, likely words that
    // would lift an invented claim's confidence.
    void confidenceIsMeasuredOnTheAnswersClaim() {
        QCOMPARE(claim_end("Bill. He is a lizard."), size_t(5));
        QCOMPARE(claim_end("Mr. Darcy's sister is Georgiana. She is shy."), size_t(32));
        QCOMPARE(claim_end("They marry at St. Clement's, in London!\" Then"), size_t(40));
        QCOMPARE(claim_end("It cost 3.5 pounds, said J. Smith"), std::string("It cost 3.5 pounds, said J. Smith").size());
        QCOMPARE(claim_end("He is Ahab?"), size_t(11));
        // "Alice's surname is Alice." adds nothing; the sure reasons after it do not count
        const std::vector<std::string> pieces = {"Alice", "'s", " surname", " is", " Alice", ".", " This", " can", " be",
                                                 " seen", " where", " she", " says", " so"};
        const std::vector<float> probs(pieces.size(), 0.95f);
        AnswerConfidence c = answer_confidence("What is Alice's surname?", pieces, probs);
        QCOMPARE(c.new_words, 0);
        QVERIFY(!c.supported(0.35f));
        // the claim's new word alone decides; the gain too is the claim's
        const std::vector<std::string> named = {"The", " first", " name", " of", " Mr", ".", " Darcy", "'s", " sister",
                                                " is", " Georg", "iana", ".", " Elizabeth", " says", " so", "."};
        std::vector<float> p(named.size(), 0.99f), p0(named.size(), 0.99f);
        p[10] = 0.3f;  // " Georg"
        p0[10] = 0.3f;  // as likely without the book
        c = answer_confidence("What is the first name of Mr. Darcy's sister?", named, p);
        QCOMPARE(c.new_words, 1);
        QCOMPARE(c.confidence, 0.3f);
        QVERIFY(std::abs(answer_gain("What is the first name of Mr. Darcy's sister?", named, p, p0)) < 1e-6f);
    }

    // The claim check's question and how its reply is read (claim_check.h).
    void theClaimCheckAsksAboutTheClaimAndHearsYes() {
        QCOMPARE(claim_check_question("The name of Alice's cat is Dinah."),
                 std::string("Do the passages above state that The name of Alice's cat is Dinah? Answer yes or no."));
        QCOMPARE(claim_check_question(" He is Bill "), std::string("Do the passages above state that He is Bill? Answer yes or no."));
        for (const char* yes : {"Yes", " yes", "YES", "Yes,", "Yes."}) QVERIFY2(check_reply_says_yes(yes), yes);
        for (const char* no : {"No", " The", "Yesterday", "Ye", "", " ", "The text does not"}) QVERIFY2(!check_reply_says_yes(no), no);
        // the reason given when the check declines an answer that passed the rest
        AnswerConfidence c;
        c.new_words = 2;
        c.confidence = 0.9f;
        c.gain = 4.8f;
        c.gain_known = true;
        c.claim_checked = true;
        c.claim_stated = false;
        QVERIFY(unsupported_reason(c, 0.35f).find("asked whether they state it") != std::string::npos);
        c.claim_stated = true;
        QVERIFY(unsupported_reason(c, 0.35f).find("asked whether") == std::string::npos);
    }

    void anAnswerThatOnlyRepeatsTheQuestionIsNotSupported() {
        // "The name of Alice's brother is Alice." adds nothing, however sure the model was
        const AnswerConfidence c = answer_confidence("What is the name of Alice's brother?",
                                                     {"The", " name", " of", " Alice", "'s", " brother", " is", " Alice", "."},
                                                     std::vector<float>(9, 0.95f));
        QCOMPARE(c.new_words, 0);
        QVERIFY(!c.supported(0.35f));
        QVERIFY(!c.supported(0.01f));
    }

    // An answer as likely without the book as with it is an invention ("Alice is 25 years old."):
    // the gain is the mean log ratio of each new word's probability (the product of its tokens')
    // with the passages and with the question alone; grounded only at min_gain or more, and the
    // reason given to the user says which test failed.
    void anAnswerAsLikelyWithoutTheBookIsNotGrounded() {
        const std::string q = "What year was the university's first president given his position?";
        // "1891" is four digit tokens; the first ("1") is nearly certain either way, the rest
        // only with the passages: the whole word counts, not its first token
        const std::vector<std::string> pieces = {"He", " was", " given", " it", " in", " ", "1", "8", "9", "1", "."};
        std::vector<float> with(pieces.size(), 0.9f), without(pieces.size(), 0.9f);
        with[6] = 0.99f;
        without[6] = 0.93f;
        without[7] = without[8] = without[9] = 0.2f;
        const float g = answer_gain(q, pieces, with, without);  // the one new word: "1891"
        const float expected = std::log(0.99f / 0.93f) + 3 * std::log(0.9f / 0.2f);
        QVERIFY2(std::abs(g - expected) < 1e-4f, qPrintable(QString::number(g)));
        AnswerConfidence c = answer_confidence(q, pieces, with);
        QVERIFY(c.grounded(0.5f));  // not computed yet: nothing to hold against it
        c.gain = g;
        c.gain_known = true;
        QVERIFY(c.supported(0.35f) && c.grounded(0.5f));
        // the same answer, as likely without the passages: an invention
        c.gain = answer_gain(q, pieces, with, with);
        QCOMPARE(c.gain, 0.0f);
        QVERIFY(!c.grounded(0.5f));
        QCOMPARE(QString::fromStdString(unsupported_reason(c, 0.35f)),
                 QString("is about as likely without the book (the passages made it 1.0 times likelier)"));
        QVERIFY(c.grounded(0.0f));
        c.confidence = 0.2f;
        QCOMPARE(QString::fromStdString(unsupported_reason(c, 0.35f)), QString("came with low confidence (0.20)"));
        c.new_words = 0;
        QCOMPARE(QString::fromStdString(unsupported_reason(c, 0.35f)), QString("adds nothing to the question"));
        // a probability rounded to 0 stays finite
        without[9] = 0.0f;
        QVERIFY(std::isfinite(answer_gain(q, pieces, with, without)));
    }

    // Evidence spans are whole UTF-8 characters even where the tokens split one (a byte-level
    // BPE gives a curly quote's three bytes in two tokens), and their character offsets count
    // code points.
    void passagesNeverCutACharacter() {
        const std::string text = "ab \xe2\x80\x9cquoted\xe2\x80\x9d end";  // ab “quoted” end
        // token starts: "ab", " ", first byte of “, its last two bytes + "quoted", ”, " end"
        const std::vector<int64_t> offsets = {0, 2, 3, 4, 12, 15, int64_t(text.size())};
        std::vector<TokenScore> picked = {{3, 1.0f}};  // the token that starts inside “
        const std::vector<Passage> ps = build_passages(picked, 0, offsets, text);
        QCOMPARE(ps.size(), size_t(1));
        QCOMPARE(ps[0].begin, size_t(3));  // widened back to the quote's first byte
        QCOMPARE(ps[0].end, size_t(12));
        QCOMPARE(QString::fromStdString(ps[0].text), QString::fromUtf8("\u201cquoted"));
        const CharacterOffsets chars(text);
        QCOMPARE(chars.of(3), int64_t(3));
        QCOMPARE(chars.of(6), int64_t(4));   // after the 3-byte quote: one character
        QCOMPARE(chars.of(4), int64_t(4));   // inside it: the quote counts as before
        QCOMPARE(chars.of(text.size()), int64_t(QString::fromStdString(text).size()));
        // past the first checkpoint stride
        std::string long_text;
        for (int i = 0; i < 1000; ++i) long_text += "\xc3\xa9";  // é, 2 bytes each
        long_text += "x";
        const CharacterOffsets many(long_text);
        QCOMPARE(many.of(2000), int64_t(1000));
        QCOMPARE(many.of(1500), int64_t(750));
        QCOMPARE(many.of(long_text.size()), int64_t(1001));
    }

    void notStatedAnswersAreRecognised() {
        QVERIFY(says_not_stated("The book does not say."));
        QVERIFY(says_not_stated("The passages do not mention his wife."));
        QVERIFY(says_not_stated(kNotStatedAnswer));
        QVERIFY(!says_not_stated("The name of Ahab's ship is the Pequod."));
        QVERIFY(!says_not_stated("She says nothing more."));
    }
};

QTEST_GUILESS_MAIN(TestAnswerSelection)
#include "test_answer_selection.moc"
