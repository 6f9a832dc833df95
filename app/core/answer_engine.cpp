#include "answer_engine.h"

#include <filesystem>
#include <stdexcept>

#include "backend_factory.h"
#include "model_answer_engine.h"
#include "model_paths.h"

namespace gleaner {

std::unique_ptr<AnswerEngine> make_answer_engine(const std::string& model_path, int threads, const std::string& cache_root,
                                                const std::string& device, const std::string& answer_model_path) {
    if (!std::filesystem::exists(model_path)) throw std::runtime_error(missing_model_hint(model_path));
    auto model = Model::load(model_path);
    std::unique_ptr<Model> answer_model;
    if (!answer_model_path.empty() && answer_model_path != model_path) {
        if (!std::filesystem::exists(answer_model_path))
            throw std::runtime_error("answer model file '" + answer_model_path +
                                     "' not found; choose another in Settings > Answer with, or download it "
                                     "(Settings > Manage Models)");
        answer_model = Model::load(answer_model_path);
    }
    return std::make_unique<ModelAnswerEngine>(model_path, std::move(model), make_backend(device, threads), cache_root,
                                               answer_model_path, std::move(answer_model));
}

}  // namespace gleaner
