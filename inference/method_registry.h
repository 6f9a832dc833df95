#pragma once
// Every way of asking a document, registered alike: one entry per method with what the front
// ends show (name, display name, description, what it costs), the settings it reads with their
// defaults and help, whether it answers from a reading memory, and the factory that makes it.
// The Asker, gleaner-cli (ask, read, eval, --method help) and the desktop program's selectors all
// read this table; no other list of methods exists.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "context_method.h"

namespace gleaner {

class ReadingMemory;

// The method a question uses unless the user chose another.
inline constexpr const char* kDefaultAnswerMethod = "gleaner";

// One setting a method reads (MethodSettings key); on the command line the key with '-' for '_'.
struct MethodSetting {
    std::string key;            // "n_local"
    std::string default_value;  // as text; "scaled" defaults say from what
    std::string help;           // one line
    bool is_switch = false;     // given without a value on the command line (--reference-mask)
};

// What asking with a method costs, in the user's terms.
enum class MethodCost {
    ReadsOnce,         // reads the book once (kept on disk), then answers in seconds
    RereadsPerQuestion,  // re-reads the whole book for every question
    QuickPart,         // quick: reads only part of the book
};
std::string_view describe_cost(MethodCost cost);

// Makes the method; memory is the document's complete reading memory for methods that keep one
// (MethodEntry::keeps_reading_memory), null for the others.
using MethodFactory = std::unique_ptr<ContextMethod> (*)(const Model& model, Backend& backend,
                                                         const ReadingMemory* memory, const MethodSettings& settings);

struct MethodEntry {
    std::string name;          // the id: stored with answers, given to --method
    std::string display_name;  // for selectors and listings
    std::string description;   // one line: what it does
    MethodCost cost = MethodCost::RereadsPerQuestion;
    bool keeps_reading_memory = false;  // answers from the book's reading memory (read first when missing)
    std::vector<MethodSetting> settings;
    // Null only for a method the desktop program answers itself (desktop_only).
    MethodFactory factory = nullptr;
    // Answered by the desktop program (app/core/excerpt_answer.h), not by the Asker: it works on the
    // imported document's paragraphs and prompts with its own template, so gleaner-cli lacks it.
    bool desktop_only = false;
    // Its selected passages may be read and answered by another model (ContextMethod::answer_with),
    // so an answer model is worth loading for it.
    bool another_model_may_answer = false;
};

// Every method, in the order selectors show them (the default first).
const std::vector<MethodEntry>& method_registry();
// Null for an unknown name.
const MethodEntry* find_method(std::string_view name);
// The one method whose reading memory `gleaner-cli read` and the desktop program's reading build.
const MethodEntry& reading_memory_method();
// "gleaner, qllm, ..." for messages.
std::string method_names_text();

// Makes the entry's method. Throws std::invalid_argument for a desktop-only method, a missing
// memory where the method keeps one, or invalid settings.
std::unique_ptr<ContextMethod> make_method(const MethodEntry& entry, const Model& model, Backend& backend,
                                           const ReadingMemory* memory, const MethodSettings& settings);

}  // namespace gleaner
