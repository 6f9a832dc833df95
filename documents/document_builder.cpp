#include "document_builder.h"

namespace gleaner {

void DocumentBuilder::begin_block(BlockKind kind, int level) {
    if (open_) end_block();
    open_ = true;
    started_ = false;
    kind_ = kind;
    level_ = level;
}

void DocumentBuilder::start_if_needed() {
    if (!open_) begin_block(BlockKind::Paragraph);
    if (started_) return;
    if (!doc_.text.empty()) doc_.text += "\n\n";
    begin_ = doc_.text.size();
    started_ = true;
}

void DocumentBuilder::append(std::string_view s) {
    if (s.empty()) return;
    start_if_needed();
    doc_.text.append(s);
}

TextRange DocumentBuilder::end_block() {
    if (!open_) return {};
    open_ = false;
    if (!started_) return {};
    std::string& t = doc_.text;
    while (t.size() > begin_ && (t.back() == ' ' || t.back() == '\n' || t.back() == '\t')) t.pop_back();
    if (t.size() == begin_) {
        // Nothing but whitespace: remove the separator too.
        t.resize(begin_ >= 2 ? begin_ - 2 : 0);
        return {};
    }
    TextRange r{begin_, t.size()};
    doc_.blocks.push_back(Block{kind_, level_, r});
    return r;
}

TextRange DocumentBuilder::add_block(BlockKind kind, int level, std::string_view s) {
    begin_block(kind, level);
    append(s);
    return end_block();
}

size_t DocumentBuilder::next_offset() const {
    if (open_ && started_) return doc_.text.size();
    return doc_.text.empty() ? 0 : doc_.text.size() + 2;
}

}  // namespace gleaner
