// gleaner-cli eval niah: needle-in-a-haystack over context lengths and depths, per method. A
// passkey or sentence needle is inserted at each depth into a haystack made from a long book; the
// method answers the question; the score is whether the answer has the passkey (sentence: the
// share of its key words), and the needle's recall is the share of its tokens the method selected.
// Writes niah.json (every trial, rewritten after each) and a heat map per method and needle.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <random>
#include <sstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/engine_args.h"
#include "cli/json_writer.h"
#include "cli/method_args.h"
#include "cli/png_writer.h"
#include "asker.h"
#include "context_method.h"
#include "evidence.h"
#include "method_registry.h"
#include "model_paths.h"
#include "qa_prompt.h"
#include "reading.h"

namespace gleaner::cli {

namespace {

std::atomic<bool> g_stop{false};
void on_sigint(int) { g_stop = true; }

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep))
        if (!cur.empty()) out.push_back(cur);
    return out;
}

int64_t parse_length(const std::string& s) {
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    const bool k = end && (*end == 'k' || *end == 'K');
    if (!end || end == s.c_str() || (*end && !k) || v <= 0) throw UsageError("bad length '" + s + "'");
    return static_cast<int64_t>(k ? v * 1024 : v);
}

std::string length_label(int64_t n) {
    return n % 1024 == 0 ? std::to_string(n / 1024) + "k" : std::to_string(n);
}

struct MethodSpec {
    std::string label;  // as given
    const MethodEntry* method = nullptr;
    MethodSettings settings;
};

MethodSpec parse_method(const std::string& spec, const MethodSettings& common) {
    MethodSpec m;
    m.label = spec;
    const auto parts = split(spec, ':');
    if (parts.empty()) throw UsageError("empty method");
    m.method = find_method(parts[0]);
    if (!m.method) throw UsageError("unknown method '" + parts[0] + "' (" + method_names_text() + ")");
    if (m.method->desktop_only) throw UsageError("the " + parts[0] + " method is only in the desktop program");
    m.settings = common;
    for (size_t i = 1; i < parts.size(); ++i) {
        const auto eq = parts[i].find('=');
        if (eq == std::string::npos) throw UsageError("method setting '" + parts[i] + "' is not key=value");
        m.settings.set(parts[i].substr(0, eq), parts[i].substr(eq + 1));
    }
    return m;
}

struct Needle {
    std::string kind;      // passkey | sentence
    std::string text;      // inserted
    std::string question;
    std::vector<std::string> expect;  // all must appear for a full score
};

Needle make_needle(const std::string& kind, std::mt19937& rng) {
    Needle n;
    n.kind = kind;
    if (kind == "passkey") {
        const int key = std::uniform_int_distribution<int>(10000, 99999)(rng);
        n.text = " The pass key is " + std::to_string(key) + ". Remember it. " + std::to_string(key) + " is the pass key. ";
        n.question = "What is the pass key?";
        n.expect = {std::to_string(key)};
    } else {
        n.text = " The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day. ";
        n.question = "What is the best thing to do in San Francisco?";
        n.expect = {"sandwich", "Dolores", "Park"};
    }
    return n;
}

double score_answer(const Needle& n, const std::string& answer) {
    int hit = 0;
    for (const std::string& e : n.expect) hit += answer.find(e) != std::string::npos;
    return static_cast<double>(hit) / n.expect.size();
}

struct Trial {
    std::string method, needle;
    int64_t length = 0;
    int depth = 0;
    double score = 0, recall = 0, ttft_s = 0, read_s = 0;
    int64_t doc_tokens = 0, selected = 0;
    std::string answer;
};

void write_results(const std::string& path, const std::vector<Trial>& trials, const std::string& model,
                   const std::string& answer_model, const std::string& haystack) {
    JsonWriter j;
    j.begin_object().key("model").value(model).key("answer_model").value(answer_model).key("haystack").value(haystack).key("trials").begin_array();
    for (const Trial& t : trials)
        j.begin_object()
            .key("method").value(t.method)
            .key("needle").value(t.needle)
            .key("length").value(t.length)
            .key("depth").value(t.depth)
            .key("document_tokens").value(t.doc_tokens)
            .key("score").value(t.score)
            .key("needle_recall").value(t.recall)
            .key("selected_tokens").value(t.selected)
            .key("ttft_s").value(t.ttft_s)
            .key("read_s").value(t.read_s)
            .key("answer").value(t.answer)
            .end_object();
    j.end_array().end_object();
    FILE* f = std::fopen((path + ".tmp").c_str(), "wb");
    if (!f) throw std::runtime_error("cannot write " + path);
    std::fwrite(j.str().data(), 1, j.str().size(), f);
    std::fclose(f);
    std::filesystem::rename(path + ".tmp", path);
}

constexpr const char* kFillerHaystack = "filler";

}  // namespace

int cmd_eval(const CommandArgs& argv) {
    std::set<std::string> valued = {"model",   "threads", "methods", "lengths",   "depths", "needle",
                                    "out",     "haystack", "max-tokens", "seed", "cache-dir", "device",
                                    "answer-model"};
    valued.insert(method_option_names().begin(), method_option_names().end());
    std::set<std::string> switches = {"selection-only", "keep-memory"};
    switches.insert(method_switch_names().begin(), method_switch_names().end());
    Args args(argv, valued, switches);
    if (args.positionals().size() != 1 || args.positionals()[0] != "niah")
        throw UsageError("the only evaluation is 'niah'");
    const auto haystack_path = args.get("haystack");
    if (!haystack_path)
        throw UsageError("--haystack FILE (a long book, e.g. ../shared/corpus/text/moby-dick_pg2701.txt) or "
                         "--haystack filler (the standard pass-key filler) is required");
    const MethodSettings common = method_settings_from_args(args);
    std::vector<MethodSpec> methods;
    for (const std::string& s : split(args.get_or("methods", "gleaner,qllm,gemfilter,full"), ','))
        methods.push_back(parse_method(s, common));
    std::vector<int64_t> lengths;
    for (const std::string& s : split(args.get_or("lengths", "1k,2k,4k,8k,16k,32k"), ',')) lengths.push_back(parse_length(s));
    std::vector<int> depths;
    for (const std::string& s : split(args.get_or("depths", "0,25,50,75,100"), ',')) {
        const int d = std::atoi(s.c_str());
        if (d < 0 || d > 100) throw UsageError("depths are percentages 0..100");
        depths.push_back(d);
    }
    const std::string needle_arg = args.get_or("needle", "passkey");
    const std::vector<std::string> needles =
        needle_arg == "both" ? std::vector<std::string>{"passkey", "sentence"} : std::vector<std::string>{needle_arg};
    for (const auto& n : needles)
        if (n != "passkey" && n != "sentence") throw UsageError("--needle passkey|sentence|both");
    const std::string out_dir = args.get_or("out", "niah");
    const int max_tokens = static_cast<int>(args.get_int_or("max-tokens", 24, 1, 512));
    const bool selection_only = args.flag("selection-only");
    std::filesystem::create_directories(out_dir);
    const std::string cache_root = args.get_or("cache-dir", out_dir + "/memory");

    const std::string model_path = resolve_model_path(args);
    const auto model = Model::load(model_path);
    const auto backend = backend_from_args(args);
    const Tokenizer& tok = model->tokenizer();
    Asker asker(model_path, *model, *backend, cache_root);
    // As `ask`: the default pair's answer model, or --answer-model's, answers for the methods that
    // can use one (the others answer with the reading model).
    const bool may_answer = std::any_of(methods.begin(), methods.end(),
                                        [](const MethodSpec& m) { return m.method->another_model_may_answer; });
    const AnswerModel answer_model = answer_model_from_args(args, model_path, may_answer);
    if (answer_model.model) asker.set_answer_model(answer_model.model.get(), /*required=*/false);
    std::signal(SIGINT, on_sigint);

    // The haystack: the book, repeated if it is too short; or the pass-key filler of InfLLM's and
    // Landmark Attention's pass-key task, where the needle is the only information.
    std::string hay = *haystack_path == kFillerHaystack
                          ? std::string("The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again.")
                          : load_document(*haystack_path).text;
    std::vector<int32_t> hay_ids = tokenize_document(tok, hay);
    const int64_t longest = *std::max_element(lengths.begin(), lengths.end());
    {
        const std::string once = hay;
        const std::string sep = *haystack_path == kFillerHaystack ? " " : "\n\n";
        while (static_cast<int64_t>(hay_ids.size()) < longest + 64) {
            // doubling: the filler is one line, and a book needs at most a few copies
            hay += sep + (*haystack_path == kFillerHaystack ? hay : once);
            hay_ids = tokenize_document(tok, hay);
        }
    }
    const std::vector<int64_t> hay_off = token_offsets(tok, hay_ids, hay);

    std::mt19937 rng(static_cast<uint32_t>(args.get_int_or("seed", 1, 0, INT32_MAX)));
    std::vector<Trial> trials;
    const std::string json_path = out_dir + "/niah.json";
    for (const std::string& needle_kind : needles)
        for (int64_t L : lengths)
            for (int depth : depths) {
                if (g_stop) break;
                const Needle needle = make_needle(needle_kind, rng);
                const int64_t needle_tokens = static_cast<int64_t>(tokenize_document(tok, needle.text).size());
                const int64_t body = std::max<int64_t>(1, L - needle_tokens);
                std::string text = hay.substr(0, hay_off[body]);
                // insert at the depth, after the end of a sentence when one is near
                size_t at = hay_off[body * depth / 100];
                if (depth > 0 && depth < 100) {
                    const size_t dot = text.find(". ", at);
                    if (dot != std::string::npos && dot - at < 300) at = dot + 1;
                }
                text.insert(std::min(at, text.size()), needle.text);
                const int64_t nb = static_cast<int64_t>(at), ne = nb + static_cast<int64_t>(needle.text.size());
                // Each method is asked as a user asks (the Asker): gleaner reads the haystack once
                // into its reading memory, the others read it for each question.
                AskDocument doc;
                doc.text = text;
                std::string memory_dir;
                for (const MethodSpec& ms : methods) {
                    if (g_stop) break;
                    Trial t;
                    t.method = ms.label;
                    t.needle = needle_kind;
                    t.length = L;
                    t.depth = depth;
                    AskRequest request;
                    request.question = needle.question;
                    request.method = ms.method->name;
                    request.settings = ms.settings;
                    if (selection_only && ms.method->keeps_reading_memory) request.settings.set("selection_only", "1");
                    // selection only: gleaner selects and stops; the others answer one token
                    request.generation.max_tokens = selection_only ? 1 : max_tokens;
                    request.generation.cancel = &g_stop;
                    request.prefill.cancel = &g_stop;
                    request.min_confidence = 0;  // the needle's own score judges the answer
                    if (ms.method->keeps_reading_memory) memory_dir = asker.memory(doc, request.settings).dir();
                    const AskResult r = asker.ask(doc, request);
                    if (r.cancelled) break;
                    const std::vector<int64_t>& off = *r.offsets;
                    const size_t n_doc = off.size() - 1;
                    t.doc_tokens = static_cast<int64_t>(n_doc);
                    t.read_s = ms.method->keeps_reading_memory ? r.read_s : 0;
                    t.ttft_s = r.answer.prefill_s;
                    t.answer = r.answer.text;
                    t.score = selection_only ? NAN : score_answer(needle, r.answer.text);
                    const SelectionTrace& trace = r.answer.trace;
                    // needle recall: the share of the needle's tokens the method selected
                    int64_t in_needle = 0, hit = 0;
                    std::vector<char> sel(n_doc, 0);
                    for (const TokenScore& ts : trace.tokens) {
                        const int64_t i = ts.pos - r.doc_begin;
                        if (i >= 0 && i < static_cast<int64_t>(n_doc)) {
                            sel[i] = 1;
                            ++t.selected;
                        }
                    }
                    for (size_t i = 0; i < n_doc; ++i)
                        if (off[i] >= nb && off[i + 1] <= ne) {
                            ++in_needle;
                            hit += sel[i];
                        }
                    t.recall = in_needle ? static_cast<double>(hit) / in_needle : 0.0;
                    std::fprintf(stderr, "[%s] %s %lld tokens, depth %d%%: score %s, needle recall %.2f, ttft %.2f s%s\n",
                                 t.method.c_str(), needle_kind.c_str(), static_cast<long long>(t.doc_tokens), depth,
                                 std::isnan(t.score) ? "-" : std::to_string(t.score).substr(0, 4).c_str(), t.recall,
                                 t.ttft_s, t.read_s > 0 ? (" (read " + std::to_string(t.read_s).substr(0, 6) + " s)").c_str() : "");
                    trials.push_back(t);
                    write_results(json_path, trials, model->config().name, answer_model.label(), *haystack_path);
                }
                if (!memory_dir.empty() && !args.flag("keep-memory")) {
                    asker.forget_memory();
                    std::error_code ec;
                    std::filesystem::remove_all(memory_dir, ec);
                    std::filesystem::remove(std::filesystem::path(memory_dir).parent_path(), ec);  // when empty
                }
            }

    // Heat maps and a summary per method and needle.
    std::vector<std::string> cols, rows;
    for (int64_t L : lengths) cols.push_back(length_label(L));
    for (int d : depths) rows.push_back(std::to_string(d) + "%");
    std::printf("%-40s %-9s %8s %8s %s\n", "method", "needle", "score", "recall", "per length (score)");
    for (const MethodSpec& ms : methods)
        for (const std::string& nk : needles) {
            std::vector<std::vector<double>> grid(depths.size(), std::vector<double>(lengths.size(), NAN));
            double s = 0, rc = 0;
            int n = 0;
            for (const Trial& t : trials) {
                if (t.method != ms.label || t.needle != nk) continue;
                const size_t r = std::find(depths.begin(), depths.end(), t.depth) - depths.begin();
                const size_t c = std::find(lengths.begin(), lengths.end(), t.length) - lengths.begin();
                grid[r][c] = selection_only ? t.recall : t.score;
                s += selection_only ? 0 : t.score;
                rc += t.recall;
                ++n;
            }
            if (n == 0) continue;
            std::string file = ms.label + "_" + nk;
            for (char& ch : file)
                if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-') ch = '_';
            write_heat_map(out_dir + "/niah_" + file + ".png", cols, rows, grid);
            std::string per;
            for (size_t c = 0; c < lengths.size(); ++c) {
                double a = 0;
                int m = 0;
                for (size_t r = 0; r < depths.size(); ++r)
                    if (!std::isnan(grid[r][c])) a += grid[r][c], ++m;
                char b[32];
                std::snprintf(b, sizeof b, " %s:%.2f", cols[c].c_str(), m ? a / m : NAN);
                per += b;
            }
            std::printf("%-40s %-9s %8.3f %8.3f%s\n", ms.label.c_str(), nk.c_str(), selection_only ? NAN : s / n, rc / n,
                        per.c_str());
        }
    std::printf("results: %s\n", json_path.c_str());
    return g_stop ? 130 : 0;
}

}  // namespace gleaner::cli
