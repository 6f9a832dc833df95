#include "chat_template.h"

namespace gleaner {

ChatFormat detect_chat_format(const std::string& t) {
    if (t.find("<|im_start|>") != std::string::npos) return ChatFormat::ChatML;
    if (t.find("<|start_header_id|>") != std::string::npos) return ChatFormat::Llama3;
    if (t.find("<start_of_turn>") != std::string::npos) return ChatFormat::Gemma;
    if (t.find("[INST]") != std::string::npos) return ChatFormat::Mistral;
    return ChatFormat::Plain;
}

ChatFormat detect_chat_format_from_vocab(const std::vector<std::string>& tokens) {
    for (const std::string& t : tokens) {
        if (t == "<start_of_turn>") return ChatFormat::Gemma;
        if (t == "<|im_start|>") return ChatFormat::ChatML;
        if (t == "<|start_header_id|>") return ChatFormat::Llama3;
        if (t == "[INST]") return ChatFormat::Mistral;
    }
    return ChatFormat::Plain;
}

std::string default_system_prompt(const std::string& t) {
    // The default is a literal '<|im_start|>system\nYou are ...<|im_end|>' inside the Jinja text,
    // its newline written either as a real newline (SmolLM2) or as the two characters backslash,
    // n (Qwen2.5). A system turn whose text is template code (the caller's own system message,
    // Qwen's tools branch) is not a default: skip it and look further.
    const std::string open = "<|im_start|>system";
    for (size_t a = t.find(open); a != std::string::npos; a = t.find(open, a + open.size())) {
        size_t from = a + open.size();
        if (t.compare(from, 1, "\n") == 0) from += 1;
        else if (t.compare(from, 2, "\\n") == 0) from += 2;
        else continue;
        const size_t b = t.find("<|im_end|>", from);
        if (b == std::string::npos) return "";
        const std::string text = t.substr(from, b - from);
        if (text.empty() || text.find_first_of("{}'\"") != std::string::npos) continue;
        std::string out;  // the escaped newlines and quotes of a Jinja string literal, unescaped
        for (size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == 'n') {
                out += '\n';
                ++i;
            } else {
                out += text[i];
            }
        }
        return out;
    }
    return "";
}

ChatStyle chat_style_for(const std::string& jinja_template, const std::vector<std::string>& vocab_tokens) {
    ChatStyle st;
    st.format = detect_chat_format(jinja_template);
    if (st.format == ChatFormat::Plain) st.format = detect_chat_format_from_vocab(vocab_tokens);
    st.default_system = default_system_prompt(jinja_template);
    return st;
}

const char* chat_format_name(ChatFormat f) {
    switch (f) {
    case ChatFormat::ChatML: return "chatml";
    case ChatFormat::Llama3: return "llama3";
    case ChatFormat::Mistral: return "mistral";
    case ChatFormat::Gemma: return "gemma";
    case ChatFormat::Plain: return "plain";
    }
    return "plain";
}

namespace {

std::string render_chatml(const std::vector<ChatMessage>& msgs, bool gen) {
    std::string s;
    for (const ChatMessage& m : msgs) s += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n";
    if (gen) s += "<|im_start|>assistant\n";
    return s;
}

std::string render_llama3(const std::vector<ChatMessage>& msgs, bool gen) {
    std::string s;
    for (const ChatMessage& m : msgs)
        s += "<|start_header_id|>" + m.role + "<|end_header_id|>\n\n" + m.content + "<|eot_id|>";
    if (gen) s += "<|start_header_id|>assistant<|end_header_id|>\n\n";
    return s;
}

// Mistral has no system role: a system message is prepended to the first user turn.
std::string render_mistral(const std::vector<ChatMessage>& msgs, bool) {
    std::string s, system;
    for (const ChatMessage& m : msgs) {
        if (m.role == "system") system += m.content + "\n\n";
        else if (m.role == "user") {
            s += "[INST] " + system + m.content + " [/INST]";
            system.clear();
        } else
            s += m.content + "</s>";
    }
    return s;
}

// Gemma calls the assistant "model" and folds a system message into the first user turn.
std::string render_gemma(const std::vector<ChatMessage>& msgs, bool gen) {
    std::string s, system;
    for (const ChatMessage& m : msgs) {
        if (m.role == "system") {
            system += m.content + "\n\n";
            continue;
        }
        const std::string role = m.role == "assistant" ? "model" : m.role;
        s += "<start_of_turn>" + role + "\n" + (role == "user" ? system : "") + m.content + "<end_of_turn>\n";
        if (role == "user") system.clear();
    }
    if (gen) s += "<start_of_turn>model\n";
    return s;
}

std::string render_plain(const std::vector<ChatMessage>& msgs, bool gen) {
    std::string s;
    for (const ChatMessage& m : msgs) s += m.content + "\n";
    if (gen) s += "\n";
    return s;
}

}  // namespace

std::string render_chat(ChatFormat f, const std::vector<ChatMessage>& msgs, bool gen) {
    switch (f) {
    case ChatFormat::ChatML: return render_chatml(msgs, gen);
    case ChatFormat::Llama3: return render_llama3(msgs, gen);
    case ChatFormat::Mistral: return render_mistral(msgs, gen);
    case ChatFormat::Gemma: return render_gemma(msgs, gen);
    case ChatFormat::Plain: return render_plain(msgs, gen);
    }
    return render_plain(msgs, gen);
}

}  // namespace gleaner
