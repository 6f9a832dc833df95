#pragma once
// Where Gleaner keeps its models and data on the user's machine (XDG base directories).
#include <string>

namespace gleaner {

// ${GLEANER_MODELS_DIR} if set, else ${XDG_DATA_HOME:-~/.local/share}/gleaner/models
std::string models_dir();
// ${XDG_DATA_HOME:-~/.local/share}/gleaner
std::string data_dir();
// ${XDG_CACHE_HOME:-~/.cache}/gleaner
std::string cache_dir();
// Where the reading memories live (memory_place.h): cache_dir()/memory
std::string reading_memory_root();
// Where OCR text layers of scanned PDFs live (ocr_layer.h), keyed by the document's id:
// data_dir()/ocr. Data, not cache: OCR takes minutes for a book and the text cannot be rebuilt
// without tesseract.
std::string ocr_layer_root();
// The SQLite library: ${GLEANER_LIBRARY} if set, else data_dir()/library.sqlite3
std::string library_path();

// Qwen2.5-Coder-0.5B-Instruct Q4_K_M: chosen by the QA benchmark (docs/long-context.md): it answers
// from selected passages where SmolLM2-135M (still installed, the small/fast model) mostly cannot.
inline constexpr const char* kDefaultModelFile = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf";
// Qwen2.5-Coder-1.5B-Instruct Q4_K_M: reads the passages the default model selects and answers,
// when installed (default_answer_model_path). Chosen by the QA benchmark: 52/74 whole-book answers
// against the default model's 36/74 alone, at a slower first word (docs/long-context.md).
inline constexpr const char* kDefaultAnswerModelFile = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf";
// The answer-model choice that has the reading model answer itself (--answer-model none).
inline constexpr const char* kNoAnswerModel = "none";
inline constexpr const char* kSentencePieceModelFile = "gemma-3-270m-q4_k_m.gguf";

// The model to use when the user names none: ${GLEANER_MODEL} if set, else the default model in
// models_dir(). The file may not exist; callers report that with setup instructions.
std::string default_model_path();

// The model that answers from what `reading_model_path` selects when the user chose none: the
// path in ${GLEANER_ANSWER_MODEL} if set ("none": the reading model answers), else the default
// answer model when it is installed and the reading model is the default model (the pair the
// benchmark chose; a model the user picked answers for itself). Empty: the reading model answers.
std::string default_answer_model_path(const std::string& reading_model_path);

// The answering model for a choice: "" = the default (above), "none" = the reading model (empty
// result), anything else = that file.
std::string answer_model_path(const std::string& choice, const std::string& reading_model_path);

// One line telling the user how to install the default model.
std::string missing_model_hint(const std::string& path);

}  // namespace gleaner
