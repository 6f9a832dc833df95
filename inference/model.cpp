#include "model.h"

#include "vocab.h"

namespace gleaner {

std::unique_ptr<Model> Model::load(const std::string& path) {
    std::unique_ptr<Model> m(new Model(GgufFile::open(path)));
    try {
        m->config_ = ModelConfig::from_gguf(m->file_);
        m->weights_ = ModelWeights::from_gguf(m->file_, m->config_);
        m->tokenizer_ = make_tokenizer(Vocab::from_gguf(m->file_));
    } catch (const std::exception& e) {
        throw GgufError("'" + path + "': " + e.what());
    }
    if (m->tokenizer_->vocab().tokens.size() > static_cast<size_t>(m->config_.n_vocab))
        throw GgufError("'" + path + "': tokenizer has more tokens than the embedding table");
    m->chat_template_ = m->file_.get_string_or("tokenizer.chat_template", "");
    return m;
}

}  // namespace gleaner
