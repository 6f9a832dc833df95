#pragma once
// How sure the model was of what its answer adds to the question.
//
// A small model asked about something a book does not say still answers, usually with a name
// from the passages ("Mrs. Bennet's first name is Jane.") or with the question's own words ("The
// name of Alice's brother is Alice."). Its token probabilities tell these apart from real answers:
// the answer's content is the words the question does not already contain (nor the frame's words,
// "passage", "based" ...), and the model's confidence is the mean probability it gave the first
// token of each such word - the moment it chose the word. On the QA benchmark's 77 whole-book
// questions (docs/long-context.md) no right answer of the default model was below 0.35, while 5 of
// its wrong answers to fact questions and 5 of its 9 answers to "not in the book" questions were
// (or added no word at all).
#include <string>
#include <vector>

namespace gleaner {

struct AnswerConfidence {
    int new_words = 0;       // words of the answer not in the question nor in the frame's words
    float confidence = 0;    // mean probability of the first token of each new word (0 if none)
    // How much likelier the passages made the new words (answer_gain); unknown until computed.
    float gain = 0;
    bool gain_known = false;
    // An answer is supported when it says something new with at least this confidence.
    bool supported(float min_confidence) const { return new_words > 0 && confidence >= min_confidence; }
    // ... and grounded when the passages made its new words likelier by at least min_gain (true
    // when the gain was not computed).
    bool grounded(float min_gain) const { return !gain_known || gain >= min_gain; }
    // Whether the answering model, asked afresh, found the claim stated in the passages
    // (claim_check.h); true when it was not asked.
    bool claim_checked = false;
    bool claim_stated = true;
};

// Mean over the answer's new words of ln(P(word) / P0(word)): a word's probability is the product
// of its tokens' (a year is four digit tokens, its first nearly certain either way), P with the
// passages (probs) and P0 with the question alone (prior_probs, answer_prior.h). An answer the
// passages gave is far likelier with them ("Bill" for the Lizard); an invention is about as
// likely either way ("Alice is 25 years old."). 0 when the answer has no new word.
float answer_gain(const std::string& question, const std::vector<std::string>& pieces, const std::vector<float>& probs,
                  const std::vector<float>& prior_probs);

// Why an answer was not stood by, completing "The model's answer ...": "adds nothing to the
// question", "came with low confidence (0.21)", "is about as likely without the book (the
// passages made it 1.1 times likelier)".
std::string unsupported_reason(const AnswerConfidence& c, float min_confidence);

// Where the answer's claim ends: after its first sentence ("Mr." and initials do not end one).
// Confidence and gain are measured on the claim alone. A larger model follows its claim with
// reasons ("This can be inferred from the passage where ..."), fluent words of high probability
// that hid an invented claim: on the 14 "not in the book" questions the 1.5B's answers were
// recognised 3 times measured on the whole answer and 11 times on the claim, with one right fact
// answer of 43 lost (its claim did not name the answer), and the 0.5B's unchanged
// (docs/long-context.md).
size_t claim_end(const std::string& answer);

// pieces: the answer's tokens as text, in order; probs: the probability of each (same length).
// Only the words of the claim count.
AnswerConfidence answer_confidence(const std::string& question, const std::vector<std::string>& pieces,
                                   const std::vector<float>& probs);

// Whether an answer already says that the text does not give the answer ("The book does not say.").
bool says_not_stated(const std::string& answer);

}  // namespace gleaner
