#pragma once
// The prompt every method answers from: the model's chat format, with the question placed before
// and after the document as Q-LLM's prompts do (dataset2prompt.json, custom_book):
//   [system] / user: "Answer the question about the text below: Q\n\n---\n" DOCUMENT
//   "\n---\n\nQuestion: Q\nAnswer in one or two sentences ... say that the text does not say." /
//   [assistant]
// Nothing in the frame is a sentence a model could repeat as an answer (the earlier frame's
// "The document ends." was the 135M model's answer to half of all questions). Gleaner's pass 2
// shows numbered passages instead of the whole text (FrameKind::Passages) and asks for citations.
// That frame has no "say that the book does not say" sentence: with it, the 0.5B default model
// said so with the answer in its passages (the pass-key at 32k: 0/3 with, 3/3 without). A
// question the book does not answer is caught by the answer's confidence instead (asker.cpp).
// The document is tokenized on its own (no special-token parsing), so its token positions map to
// character ranges of the text.
#include <cstdint>
#include <string>
#include <vector>

#include "context_method.h"
#include "conversation_turn.h"
#include "model.h"

namespace gleaner {

// The tokens whose text opens with a citation mark ("[", " [1]" ...), sorted. Asked to cite its
// passages, the 0.5B model often begins its answer with "[1]" and copies that passage whole
// instead of answering ("[1] E. GARDINER." for "In which little town did Mrs. Gardiner formerly
// live?"); an answer may not begin with one (GenerationOptions::not_first). On Pride and
// Prejudice's 24 fact questions that took the default model from 4 to 7 right answers.
std::vector<int32_t> citation_mark_tokens(const Tokenizer& tok);

// Tokens of a document's text (no BOS, special-token texts kept as plain text).
std::vector<int32_t> tokenize_document(const Tokenizer& tok, const std::string& text);

// The text around the document: before it (with the chat opening) and after it.
struct PromptFrame {
    std::vector<int32_t> before;
    std::vector<int32_t> after;
};
enum class FrameKind { Document, Passages };

// Where the document stands in a user message given to chat_frame().
inline const std::string kDocumentMark = "\x01GLEANER_DOCUMENT\x01";

// A one-message chat (the model's default system prompt, then `user`, then the assistant's
// opening) split at kDocumentMark inside `user`: the tokens before and after the document.
PromptFrame chat_frame(const Model& model, const std::string& user);

// The earlier turns as the prompt carries them, placed before the question: the last
// kMaxEarlierTurns, each answer cut to kMaxEarlierAnswerBytes (conversation_turn.h). Empty when
// there are none.
std::string conversation_text(const std::vector<ConversationTurn>& earlier);

// question empty: the frame Gleaner reads a document in (no question yet; this text is part of
// every reading memory's identity, so it does not change). conversation: conversation_text() of
// the earlier turns, or empty.
PromptFrame qa_prompt_frame(const Model& model, const std::string& question, FrameKind kind = FrameKind::Document,
                            const std::string& conversation = {});

QaPrompt build_qa_prompt(const Model& model, const std::vector<int32_t>& doc_ids, const std::string& question,
                         const std::string& conversation = {});

}  // namespace gleaner
