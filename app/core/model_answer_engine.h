#pragma once
// The engine behind the desktop program: one loaded model and backend answering with any method
// (the long-context methods of inference/, or the excerpt method), and reading documents into
// Gleaner's reading memory. Keeps the last document's tokens and reading memory open, so a
// second question about the same book starts at once.
#include <memory>
#include <string>

#include "answer_engine.h"
#include "asker.h"
#include "backend.h"
#include "context_method.h"
#include "model.h"
#include "reading.h"

namespace gleaner {

class ModelAnswerEngine : public AnswerEngine {
public:
    // answer_model (may be null): reads the selected passages and answers, where the method can
    // use another model (Asker::set_answer_model); elsewhere `model` answers.
    ModelAnswerEngine(std::string model_path, std::unique_ptr<Model> model, std::unique_ptr<Backend> backend,
                      std::string cache_root, std::string answer_model_path = "",
                      std::unique_ptr<Model> answer_model = nullptr);
    std::string model_description() const override;
    Answer answer(const Document& doc, const AnswerRequest& request, const AnswerCallbacks& callbacks) override;
    ReadingOutcome read(const Document& doc, const MethodParameters& settings,
                        const std::function<void(const ReadingUpdate&)>& on_progress,
                        const std::atomic<bool>* cancel) override;

private:
    std::string model_path_;
    std::unique_ptr<Model> model_;
    std::unique_ptr<Backend> backend_;
    std::string cache_root_;
    std::string answer_model_path_;
    std::unique_ptr<Model> answer_model_;
    Asker asker_;  // the document's tokens, offsets and reading memory, kept for the next question
};

}  // namespace gleaner
