#pragma once
// The excerpt method: the best-matching part of the book that fits the context (see
// excerpt_selection.h) in front of the question, answered with plain attention. Its evidence is
// that excerpt, paragraph by paragraph. Quick on any book, and needs no reading first.
#include "answer_engine.h"
#include "backend.h"
#include "model.h"

namespace gleaner {

Answer answer_from_excerpt(const Model& model, Backend& backend, const Document& doc, const AnswerRequest& request,
                           const AnswerCallbacks& callbacks);

}  // namespace gleaner
