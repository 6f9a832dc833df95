#pragma once
// The gleaner-cli subcommands. Each takes the arguments after its name and returns the exit code;
// usage mistakes throw UsageError, everything else a std::exception with a one-line message.
#include <string>
#include <vector>

namespace gleaner::cli {

using CommandArgs = std::vector<std::string>;

struct Command {
    const char* name;
    const char* synopsis;  // one line for --help
    int (*run)(const CommandArgs& args);
};

class Args;

int cmd_info(const CommandArgs& args);
int cmd_tokenize(const CommandArgs& args);
int cmd_generate(const CommandArgs& args);
int cmd_perplexity(const CommandArgs& args);
int cmd_bench(const CommandArgs& args);
int cmd_read(const CommandArgs& args);
int cmd_ask(const CommandArgs& args);
int cmd_eval(const CommandArgs& args);
int cmd_import(const CommandArgs& args);
int cmd_text(const CommandArgs& args);
int cmd_library(const CommandArgs& args);
int cmd_models(const CommandArgs& args);
int cmd_ocr(const CommandArgs& args);

// --model, or the default model; throws with setup instructions when the file is missing.
std::string resolve_model_path(const Args& args);

// The table of all commands, in the order --help lists them.
const std::vector<Command>& all_commands();

}  // namespace gleaner::cli
