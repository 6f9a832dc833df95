#include "qa_prompt.h"

#include <stdexcept>

#include "chat_template.h"

namespace gleaner {

std::vector<int32_t> tokenize_document(const Tokenizer& tok, const std::string& text) {
    return tok.encode(text, /*add_bos=*/false, /*parse_special=*/false);
}

std::vector<int32_t> citation_mark_tokens(const Tokenizer& tok) {
    std::vector<int32_t> out;
    const int32_t n = static_cast<int32_t>(tok.vocab().tokens.size());
    for (int32_t t = 0; t < n; ++t) {
        const std::string piece = tok.decode_token(t);
        const size_t first = piece.find_first_not_of(' ');
        if (first != std::string::npos && piece[first] == '[') out.push_back(t);
    }
    return out;
}

namespace {
// Cuts at a UTF-8 character start at or before `max` bytes.
std::string cut_utf8(const std::string& s, size_t max) {
    if (s.size() <= max) return s;
    size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return s.substr(0, n) + "...";
}
}  // namespace

std::string conversation_text(const std::vector<ConversationTurn>& earlier) {
    if (earlier.empty()) return {};
    const size_t first = earlier.size() > kMaxEarlierTurns ? earlier.size() - kMaxEarlierTurns : 0;
    std::string out = "Earlier questions in this conversation and their answers:\n";
    for (size_t i = first; i < earlier.size(); ++i)
        out += "Q: " + cut_utf8(earlier[i].question, kMaxEarlierAnswerBytes) + "\nA: " +
               cut_utf8(earlier[i].answer, kMaxEarlierAnswerBytes) + "\n";
    return out + "\n";
}

PromptFrame chat_frame(const Model& model, const std::string& user) {
    const Tokenizer& tok = model.tokenizer();
    const ChatStyle style = chat_style_for(model.chat_template(), tok.vocab().tokens);
    std::vector<ChatMessage> msgs;
    if (!style.default_system.empty()) msgs.push_back({"system", style.default_system});
    msgs.push_back({"user", user});
    const std::string text = render_chat(style.format, msgs, /*add_generation_prompt=*/true);
    const size_t at = text.find(kDocumentMark);
    if (at == std::string::npos) throw std::logic_error("chat_frame: the message has no document mark");
    PromptFrame f;
    f.before = tok.encode(text.substr(0, at), tok.vocab().add_bos, /*parse_special=*/true);
    f.after = tok.encode(text.substr(at + kDocumentMark.size()), false, /*parse_special=*/true);
    return f;
}

PromptFrame qa_prompt_frame(const Model& model, const std::string& question, FrameKind kind,
                            const std::string& conversation) {
    const std::string& mark = kDocumentMark;
    std::string user;
    if (question.empty())
        user = "Read the document below.\n\nThe document begins.\n" + mark + "\nThe document ends.";
    else if (kind == FrameKind::Document)
        user = "Answer the question about the text below: " + question + "\n\n---\n" + mark + "\n---\n\n" + conversation + "Question: " +
               question + "\nAnswer in one or two sentences, from the text above only. If it does not give the "
               "answer, say that the text does not say.";
    else
        user = "Answer the question from the numbered passages of a book below: " + question + "\n\n" + mark +
               "\n\n" + conversation + "Question: " + question + "\nAnswer in one or two sentences, from the passages only, and cite "
               "the passages you used by their numbers in square brackets.";
    return chat_frame(model, user);
}

QaPrompt build_qa_prompt(const Model& model, const std::vector<int32_t>& doc_ids, const std::string& question,
                         const std::string& conversation) {
    const PromptFrame f = qa_prompt_frame(model, question, FrameKind::Document, conversation);
    QaPrompt p;
    p.ids = f.before;
    p.doc_begin = static_cast<int>(p.ids.size());
    p.ids.insert(p.ids.end(), doc_ids.begin(), doc_ids.end());
    p.doc_end = static_cast<int>(p.ids.size());
    p.ids.insert(p.ids.end(), f.after.begin(), f.after.end());
    p.question = question;
    p.conversation = conversation;
    return p;
}

}  // namespace gleaner
