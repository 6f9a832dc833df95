#pragma once
// A loaded model: the mapped GGUF, its hyperparameters, weight views and tokenizer.
#include <memory>
#include <string>

#include "gguf.h"
#include "model_config.h"
#include "model_weights.h"
#include "tokenizer.h"

namespace gleaner {

class Model {
public:
    // Maps the file and validates everything the forward pass will touch; throws GgufError (or
    // VocabError) with a message naming the file and what is wrong.
    static std::unique_ptr<Model> load(const std::string& path);

    const GgufFile& file() const { return file_; }
    const ModelConfig& config() const { return config_; }
    const ModelWeights& weights() const { return weights_; }
    const Tokenizer& tokenizer() const { return *tokenizer_; }
    const std::string& chat_template() const { return chat_template_; }

private:
    explicit Model(GgufFile f) : file_(std::move(f)) {}
    GgufFile file_;
    ModelConfig config_;
    ModelWeights weights_;
    std::unique_ptr<Tokenizer> tokenizer_;
    std::string chat_template_;
};

}  // namespace gleaner
