#pragma once
// Chat formats of the supported model families, recognised from the GGUF's Jinja template
// (we do not run Jinja: each family's format is written out here).
#include <string>
#include <vector>

namespace gleaner {

enum class ChatFormat { ChatML, Llama3, Mistral, Gemma, Plain };

struct ChatMessage {
    std::string role;  // "system", "user" or "assistant"
    std::string content;
};

// Picks the format from tokenizer.chat_template's text (Plain when none is recognised).
ChatFormat detect_chat_format(const std::string& jinja_template);
// For files without a template (some Gemma GGUFs): the format whose turn markers the
// vocabulary has as tokens, or Plain.
ChatFormat detect_chat_format_from_vocab(const std::vector<std::string>& tokens);

// The system prompt a ChatML template inserts when the conversation has none (SmolLM2 does:
// "You are a helpful AI assistant named SmolLM, ..."), or "".
std::string default_system_prompt(const std::string& jinja_template);
const char* chat_format_name(ChatFormat f);

// How a model wants its conversations written: from its template, else from its vocabulary.
struct ChatStyle {
    ChatFormat format = ChatFormat::Plain;
    std::string default_system;  // used when the conversation has no system message
};
ChatStyle chat_style_for(const std::string& jinja_template, const std::vector<std::string>& vocab_tokens);

// Renders messages and the assistant's opening, without the BOS token (the tokenizer adds it
// when the vocabulary asks for one). Special-token text in the result must be parsed as special.
std::string render_chat(ChatFormat f, const std::vector<ChatMessage>& messages, bool add_generation_prompt = true);

}  // namespace gleaner
